"""What the load and fault scripts read and remove of their synthetic citizens goes through the
flow's stores: erasure of some owners' rows (app.flow.store.erasure), their payment orders
and checkouts (app.flow.payment, app.flow.checkout)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session, select

from app.flow import checkout, payment
from app.flow.checkout_tables import Checkout, Delivery, PaymentOrder
from app.flow.store import applications, drafts
from app.flow.store.erasure import erase_owners
from app.flow.tables import Application, ApplicationEvent, Draft

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def _rows(db: Session, owner: str) -> None:
    """A draft, an application (with its event), a checkout, its order and a delivery."""
    drafts.save_draft(owner, "X", "001018000000", "n", {"a": "1"}, 1, db)
    submitted, _new = applications.submit(owner, owner[-8:].ljust(32, "k"), item_code="Y",
                                 form_key="001018000000", item_name="n", department="d",
                                 area_code="370000", values={"a": "1"}, promised_days=5,
                                 session=db)  # fmt: skip
    row = Checkout(owner=owner, item_code="Y", idempotency_key=owner.ljust(32, "c")[:64],
                   snapshot={}, delivery={}, needs_payment=True, created_at=NOW, updated_at=NOW)  # fmt: skip
    db.add(row)
    db.commit()
    assert row.id is not None
    db.add(PaymentOrder(order_no=f"P{owner}", checkout_id=row.id, owner=owner, amount=100,
                        lines=[], status="open", outbox="" if owner == "alice" else "create",
                        created_at=NOW, updated_at=NOW))  # fmt: skip
    db.add(Delivery(application_number=submitted.number, owner=owner, method="collect", details={},
                    created_at=NOW, updated_at=NOW))  # fmt: skip
    db.commit()


def _owners(db: Session) -> dict[str, set[str]]:
    db.expire_all()
    tables = {"draft": Draft, "application": Application, "checkout": Checkout,
              "payment": PaymentOrder, "delivery": Delivery}  # fmt: skip
    return {name: {r.owner for r in db.exec(select(t)).all()} for name, t in tables.items()}


def test_erasure_removes_the_named_owners_rows_and_nothing_else(db: Session) -> None:
    for owner in ("alice", "sbx-load-a1", "sbx-load-b2", "sbx_loadX"):
        _rows(db, owner)
    assert erase_owners(session=db) == 0  # neither owners nor a prefix: nothing
    assert erase_owners(["sbx-load-a1"], session=db) >= 6
    left = {"alice", "sbx-load-b2", "sbx_loadX"}
    assert all(owners == left for owners in _owners(db).values())
    # a prefix matches literally (its "_" is no wildcard)
    assert erase_owners(prefix="sbx_load", session=db) >= 6
    assert erase_owners(prefix="sbx-load-", session=db) >= 6
    assert all(owners == {"alice"} for owners in _owners(db).values())
    assert len(db.exec(select(ApplicationEvent)).all()) == 1  # alice's application's event


def test_orders_and_checkouts_of_owners_and_by_number(db: Session) -> None:
    for owner in ("alice", "bob", "carol"):
        _rows(db, owner)
    orders = payment.orders_of(["alice", "bob"], session=db)
    assert [o.owner for o in orders] == ["alice", "bob"]
    assert [o.outbox for o in orders] == ["", "create"]
    assert payment.orders_of([], session=db) == []
    numbered = payment.orders_numbered(["Pcarol", "Pnobody"], session=db)
    assert [o.owner for o in numbered] == ["carol"]
    checkouts = checkout.checkouts_of(["carol", "dave"], session=db)
    assert [(c.owner, c.needs_payment) for c in checkouts] == [("carol", True)]
