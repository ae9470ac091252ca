"""The load generator's parts (``scripts/load.py`` is its command line): ``wire`` (Reflex's
event protocol and our states' wire names), ``citizen`` (one simulated tab and its browsing),
``flow`` (the application flow and checkout journeys), ``crowd`` (many citizens), ``data`` (what
they are given to do, and the clean-up) and ``report`` (statistics and the table)."""
