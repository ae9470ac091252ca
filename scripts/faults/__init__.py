"""Faults under load; each prints what it checked and exits non-zero if anything is lost.

    python -m scripts.faults kill-worker    scaled: kill -9 one granian worker during load
    python -m scripts.faults restart-app    embedded: stop and restart the whole app
    python -m scripts.faults redis          scaled: stop Redis for a few seconds during load
    python -m scripts.faults postgres       scaled: stop PostgreSQL for a few seconds during load
    python -m scripts.faults cashier        scaled: stop the cashier for a few seconds during load
    python -m scripts.faults all            every fault above, in that order (make faults)
    python -m scripts.faults redis postgres several of them (scaled ones share one stack)

Witnesses are citizens (``scripts/load.py``) that type a query of their own before the fault
(SearchState.typed, kept in the state manager: Redis or the disk) and then stay connected while
a background crowd keeps doing journeys. After the fault every witness must be connected again
by itself, and a reload of its tab (a new connection with the same session token) must hydrate
what it typed; searches and guides must answer again. Background actions cut off by the fault
are counted and printed (the citizen saw the connection banner and does them again), not
counted as lost: only state that was acknowledged before the fault must survive. An action the
server cannot process during the fault must be answered with the service notice (the page
shows a banner), never left without an answer on an open socket (a frozen page).

Flow witnesses sign in (sandbox identity provider), save a draft at step 2 or submit an
application before the fault; background citizens start, save and submit applications
throughout it (``scripts/loadgen/flow.py`` ``flow_journey``). Afterwards :func:`check_flow` checks the
database: every acknowledged submission exists exactly once with the answers sent, a submit
that got no answer exists at most once (and its draft is still there if it does not), every
acknowledged draft is there with its answers; the draft witnesses reload their tab, resume
their draft in the app and submit it.

The flow's sandboxes (identity provider, back office, e-licences) start with the app, in both
modes (``sandboxes.launcher``), unless the environment names real services.

Payments (issue 15): the flow journeys include 机动车驾驶证期满换证, paid through the cashier.
For the scaled faults this script runs the sandbox cashier itself (``CashierProcess``, its store
in a file) so that the ``cashier`` fault can stop it and start it again on the same port.
Citizens whose 去支付 found the cashier away keep their checkout and pay on their next journey;
after the fault every one of them pays. :func:`check_payments` then compares the cashier's
orders with the app's: every payment the cashier took is recorded as paid on exactly one
application (none lost), no order was paid twice and no application has two paid orders (none
doubled).
"""
