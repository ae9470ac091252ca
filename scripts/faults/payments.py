"""After a fault, the cashier's orders against the app's, read through the app's stores: no
payment lost or doubled, every started payment paid once with its receipt or refused and
retryable (``check_payments``, ``payment_problems``)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from scripts.faults import cashier
from scripts.faults.common import Checks
from scripts.loadgen.citizen import Citizen
from scripts.loadgen.data import (
    app_database,
)

#: the cashier's orders an earlier fault of this run has checked
_CHECKED: set[str] = set()


def check_payments(checks: Checks, db_url: str, citizens: list[Citizen]) -> None:
    """The cashier's orders against the app's: none lost, none doubled."""
    from app.flow import payment
    from app.flow.store import applications

    if cashier.CASHIER is None:
        return
    # the scaled faults share one cashier, and each removes its own rows from the app after
    # its checks: the orders an earlier fault checked are not this one's
    at_cashier = {
        o["order_no"]: o for o in cashier.CASHIER.orders() if o["order_no"] not in _CHECKED
    }
    _CHECKED.update(at_cashier)
    numbers = [n for c in citizens if c.flow for n in c.flow.paid]
    wanted = set(numbers)
    with app_database(db_url):
        rows = payment.orders_numbered(list(at_cashier))
        # each paid application of these citizens, and how many times it exists
        made = Counter(
            a.number
            for sub in sorted({c.flow.sub for c in citizens if c.flow})
            for a in applications.list_applications(sub)
            if a.number in wanted
        )
    apps = sorted(made.items())
    ours = {r.order_no: r for r in rows}
    taken = [o for o in at_cashier.values() if o["payments"] >= 1]
    lost = [
        o["order_no"]
        for o in taken
        if o["order_no"] not in ours
        or ours[o["order_no"]].status not in ("paid", "refunding", "refunded")
        or not ours[o["order_no"]].application_number
    ]
    twice = [o["order_no"] for o in at_cashier.values() if o["payments"] > 1]
    per_checkout: dict[int, int] = {}
    for r in rows:
        if r.status in ("paid", "refunding", "refunded"):
            per_checkout[r.checkout_id] = per_checkout.get(r.checkout_id, 0) + 1
    doubled = [cid for cid, n in per_checkout.items() if n > 1]
    unpaid_recorded = [
        r.order_no
        for r in rows
        if r.status == "paid" and at_cashier.get(r.order_no, {}).get("payments", 0) != 1
    ]
    print(
        f"  cashier: {len(at_cashier)} orders, {len(taken)} paid; app: "
        f"{sum(per_checkout.values())} paid orders on {len(per_checkout)} applications",
        flush=True,
    )
    checks.figures.update(
        orders=len(at_cashier), paid=len(taken), lost=len(lost),
        doubled=len(twice) + len(doubled) + len(unpaid_recorded),
    )  # fmt: skip
    checks.check(not lost, f"no payment lost ({len(lost)} taken by the cashier but not recorded"
                 + (f": {lost[:5]}" if lost else "") + ")")  # fmt: skip
    checks.check(
        not twice and not doubled and not unpaid_recorded,
        f"no payment doubled ({len(twice)} orders paid twice at the cashier, {len(doubled)} "
        f"applications with two paid orders, {len(unpaid_recorded)} recorded as paid that the "
        "cashier did not take)",
    )
    once = all(n == 1 for _, n in apps) and len(apps) == len(set(numbers))
    checks.check(
        once, f"every paid application exists exactly once ({len(apps)}/{len(set(numbers))})"
    )
    check_payment_rows(checks, db_url, citizens)


#: order statuses a citizen is told about with a way to pay again (no money taken)
REFUSED = ("cancelled", "failed", "closed")


def payment_problems(
    paid_by_citizen: dict[str, set[str]],
    orders: list[Any],
    checkouts: list[Any],
    receipt_events: dict[str, list[str]],
    unanswered: set[str] | frozenset[str] = frozenset(),
) -> tuple[dict[str, int], list[str]]:
    """Each citizen's rows after the outage and the retries, as the database holds them:
    ``orders`` (owner, order_no, status, outbox, receipt_no, application_number,
    checkout_id), ``checkouts`` (id, owner, needs_payment, application_number) and the
    receipt notes of each application's ``paid`` events.

    What the issue asks, counted exactly: no payment lost or doubled, and every started
    payment (a checkout with an order at the cashier's side) ends paid — once, with its
    receipt, once on its timeline — or refused with its message and retryable (cancelled,
    failed, timed out: the checkout kept, no application). A payable checkout that never
    reached payment (no order: the citizen stopped at the delivery choice or the pay page)
    is counted, not a problem: nothing was taken. Nothing waits in the outbox; what each
    citizen saw paid is what the database says, but for one payment more of a citizen in
    ``unanswered`` (its pay round trip got no answer: the cashier may have taken it and
    notified the app). Returns counts and the problems found."""
    problems: list[str] = []
    by_checkout: dict[int, list[Any]] = {}
    for o in orders:
        by_checkout.setdefault(o.checkout_id, []).append(o)
    paid_rows = [o for o in orders if o.status in ("paid", "refunding", "refunded")]
    by_app: dict[str, list[Any]] = {}
    for o in paid_rows:
        by_app.setdefault(o.application_number, []).append(o)
    for o in orders:
        if o.outbox:
            problems.append(f"{o.owner}: order {o.order_no} still waits in the outbox ({o.outbox})")
        if o.status in ("created", "open") and o.application_number:
            problems.append(
                f"{o.owner}: order {o.order_no} is {o.status} on a submitted application"
            )
    for o in paid_rows:
        if not o.receipt_no:
            problems.append(f"{o.owner}: paid order {o.order_no} has no receipt number")
        if not o.application_number:
            problems.append(f"{o.owner}: paid order {o.order_no} submitted no application")
    payable = [c for c in checkouts if c.needs_payment]
    never_paid = refused = 0
    for c in payable:
        if not c.application_number:  # not paid: nothing may have been taken
            started = by_checkout.get(c.id, [])
            if not started:
                never_paid += 1  # never reached payment
            elif any(o.status in ("created", "open") for o in started):
                problems.append(
                    f"{c.owner}: checkout {c.id} has a started payment neither paid nor "
                    f"refused ({', '.join(f'{o.order_no} {o.status}' for o in started)})"
                )
            elif all(o.status in REFUSED for o in started):
                refused += 1  # refused with its message, the checkout kept: retryable
            else:
                problems.append(
                    f"{c.owner}: checkout {c.id} not submitted though its orders are "
                    f"{sorted({o.status for o in started})}"
                )
            continue
        rows = by_app.get(c.application_number, [])
        if len(rows) != 1:
            problems.append(f"{c.owner}: {c.application_number} has {len(rows)} paid orders")
            continue
        notes = receipt_events.get(c.application_number, [])
        if notes != [f"receipt:{rows[0].receipt_no}"]:
            problems.append(
                f"{c.owner}: {c.application_number} timeline receipts {notes} (expected one, "
                f"{rows[0].receipt_no})"
            )
    in_db: dict[str, set[str]] = {}
    for o in paid_rows:
        in_db.setdefault(o.owner, set()).add(o.application_number)
    late = 0
    for owner, seen in paid_by_citizen.items():
        extra = in_db.get(owner, set()) - seen
        if owner in unanswered and len(extra) == 1 and seen <= in_db.get(owner, set()):
            late += 1
            continue
        if seen != in_db.get(owner, set()):
            problems.append(
                f"{owner}: paid {sorted(seen)} as the pages said, the database has "
                f"{sorted(in_db.get(owner, set()))}"
            )
    counts = {
        "citizens": len({o.owner for o in orders}),
        "orders": len(orders),
        "paid": len(paid_rows),
        "receipts": sum(1 for o in paid_rows if o.receipt_no),
        "payable checkouts": len(payable),
        "paid applications": len(by_app),
        "payable checkouts that never reached payment": never_paid,
        "payments refused and retryable": refused,
        "paid while the page got no answer": late,
    }
    return counts, problems


def check_payment_rows(checks: Checks, db_url: str, citizens: list[Citizen]) -> None:
    """Per citizen in the database, after the outage and the retries (payment_problems)."""
    from app.flow import checkout, payment
    from app.flow.store import applications

    flows = [c.flow for c in citizens if c.flow is not None and c.flow.signed_in]
    owners = [f.sub for f in flows]
    receipt_events: dict[str, list[str]] = {}
    with app_database(db_url):
        orders = payment.orders_of(owners)
        checkouts = checkout.checkouts_of(owners)
        for owner in owners:
            for application in applications.list_applications(owner):
                assert application.id is not None
                for event in applications.events(application.id):
                    if event.status == "paid":
                        receipt_events.setdefault(application.number, []).append(event.note)
    paid_by_citizen = {f.sub: set(f.paid) for f in flows}
    unanswered = {f.sub for f in flows if f.checkout}
    counts, problems = payment_problems(
        paid_by_citizen, orders, checkouts, receipt_events, unanswered
    )
    print("  payments in the database: " + "; ".join(f"{v} {k}" for k, v in counts.items()),
          flush=True)  # fmt: skip
    for problem in problems[:10]:
        print(f"    {problem}", flush=True)
    checks.figures.update(
        never_reached_payment=counts["payable checkouts that never reached payment"],
        refused_retryable=counts["payments refused and retryable"],
        payment_problems=len(problems),
    )  # fmt: skip
    checks.check(
        counts["payable checkouts"] > 0 and not problems,
        f"per citizen: every payable checkout paid exactly once with its receipt on its "
        f"timeline, nothing left in the outbox ({len(problems)} problems)",
    )
