"""The load generator's parts (``python -m scripts.load`` is its command line): ``wire``
(Reflex's event protocol and our states' wire names), ``citizen`` (one simulated tab and its
browsing), ``flow`` (the application flow journey), ``checkout`` (its checkout and payment),
``record`` (what a flow citizen is given and what the pages acknowledged to it), ``crowd``
(many citizens), ``data`` (what they are given to do, read through the app's stores, and the
clean-up) and ``report`` (statistics and the table)."""
