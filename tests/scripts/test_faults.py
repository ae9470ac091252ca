"""The cashier fault's per-citizen payment check (``scripts/faults/payments.py``), on rows shaped
as the app's stores return them (PaymentOrder, Checkout; no server needed): it must find a
payment lost, doubled, stuck in the outbox or missing its receipt, and pass a clean run."""

from __future__ import annotations

from collections import namedtuple

from scripts.faults.payments import payment_problems
from scripts.loadgen.data import flow_codes
from scripts.loadgen.record import FLOW_BASIC_CODES, PAID_BASIC_CODE

Order = namedtuple(
    "Order", "owner order_no status outbox receipt_no application_number checkout_id"
)
Checkout = namedtuple("Checkout", "id owner needs_payment application_number")


def _clean() -> tuple[dict, list, list, dict]:
    orders = [
        Order("a", "P1", "cancelled", "", "", "", 1),  # cancelled, then paid with a new order
        Order("a", "P2", "paid", "", "R2", "N1", 1),
        Order("b", "P3", "paid", "", "R3", "N2", 2),
    ]
    checkouts = [Checkout(1, "a", True, "N1"), Checkout(2, "b", True, "N2")]
    events = {"N1": ["receipt:R2"], "N2": ["receipt:R3"]}
    return {"a": {"N1"}, "b": {"N2"}}, orders, checkouts, events


def test_a_clean_run_passes_and_is_counted() -> None:
    counts, problems = payment_problems(*_clean())
    assert problems == []
    assert counts["orders"] == 3 and counts["paid"] == 2 and counts["receipts"] == 2
    assert counts["payable checkouts"] == 2 and counts["paid applications"] == 2


def test_a_checkout_that_never_reached_payment_is_counted_not_a_loss() -> None:
    seen, orders, checkouts, events = _clean()
    checkouts.append(Checkout(3, "c", True, ""))  # stopped at the pay page: no order
    counts, problems = payment_problems(seen, orders, checkouts, events)
    assert problems == [] and counts["payable checkouts that never reached payment"] == 1


def test_a_started_payment_ends_paid_or_refused_and_retryable() -> None:
    seen, orders, checkouts, events = _clean()
    # refused with its message, the checkout kept: a way to pay again, nothing taken
    checkouts.append(Checkout(3, "c", True, ""))
    orders += [
        Order("c", "P8", "cancelled", "", "", "", 3),
        Order("c", "P9", "closed", "", "", "", 3),
    ]
    counts, problems = payment_problems(seen, orders, checkouts, events)
    assert problems == [] and counts["payments refused and retryable"] == 1
    # started and left neither paid nor refused: open at the cashier, or never sent
    checkouts += [Checkout(4, "d", True, ""), Checkout(5, "e", True, "")]
    orders += [
        Order("d", "P10", "open", "", "", "", 4),
        Order("e", "P11", "created", "", "", "", 5),
    ]
    _counts, problems = payment_problems(seen, orders, checkouts, events)
    assert len(problems) == 2 and "P10 open" in problems[0] and "P11 created" in problems[1]
    assert all("started payment neither paid nor refused" in p for p in problems)


def test_doubled_stuck_lost_and_receiptless_payments_are_found() -> None:
    seen, orders, checkouts, events = _clean()
    orders.append(Order("b", "P4", "paid", "", "R4", "N2", 2))  # a second payment of N2
    orders.append(Order("c", "P5", "created", "create", "", "", 3))  # never left the outbox
    orders.append(Order("d", "P6", "paid", "", "", "", 4))  # taken, nothing submitted
    events["N1"] = ["receipt:R2", "receipt:R2"]  # the receipt twice on the timeline
    seen["a"] = {"N1", "N9"}  # the page showed a payment the database does not have
    _counts, problems = payment_problems(seen, orders, checkouts, events)
    text = "\n".join(problems)
    assert "N2 has 2 paid orders" in text
    assert "P5 still waits in the outbox" in text
    assert "P6 has no receipt number" in text and "P6 submitted no application" in text
    assert "N1 timeline receipts" in text
    assert "a: paid ['N1', 'N9']" in text


def test_the_pay_witnesses_fill_the_paid_item() -> None:
    assert PAID_BASIC_CODE in FLOW_BASIC_CODES
    from app.flow import payment
    from app.flow.lookup import item

    paid = [c for c in flow_codes() if c.startswith(PAID_BASIC_CODE)]
    assert paid, "the embedded catalogue has no item of the paid form"
    found = item(paid[0])
    assert found is not None and payment.payable_online(found)


def test_a_payment_whose_page_got_no_answer_may_be_in_the_database_once() -> None:
    seen, orders, checkouts, events = _clean()
    orders.append(Order("b", "P7", "paid", "", "R7", "N3", 4))
    checkouts.append(Checkout(4, "b", True, "N3"))
    events["N3"] = ["receipt:R7"]
    counts, problems = payment_problems(seen, orders, checkouts, events, {"b"})
    assert problems == [] and counts["paid while the page got no answer"] == 1
    # without a pay round trip left unanswered the same row is a payment nobody saw
    _counts, problems = payment_problems(seen, orders, checkouts, events)
    assert problems == ["b: paid ['N2'] as the pages said, the database has ['N2', 'N3']"]
