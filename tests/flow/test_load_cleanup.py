"""What the load and fault scripts leave behind is removed, and only that."""

from __future__ import annotations

from sqlmodel import Session, select

from app.flow.store import applications, drafts
from app.flow.tables import Application, Draft
from scripts.loadgen.data import remove_synthetic_rows
from scripts.loadgen.record import SYNTHETIC_PREFIX


def _rows(db: Session, owner: str) -> None:
    drafts.save_draft(owner, "X", "001018000000", "n", {"a": "1"}, 1, db)
    applications.submit(owner, owner[-8:].ljust(32, "k"), item_code="Y", form_key="001018000000",
                 item_name="n", department="d", area_code="370000", values={"a": "1"},
                 promised_days=5, session=db)  # fmt: skip


def _owners(db: Session) -> set[str]:
    db.expire_all()
    drafts = {d.owner for d in db.exec(select(Draft)).all()}
    return drafts | {a.owner for a in db.exec(select(Application)).all()}


def test_only_synthetic_citizens_rows_go(flow_db: Session) -> None:
    url = str(flow_db.get_bind().url)
    first, second = f"{SYNTHETIC_PREFIX}aaaa1111", f"{SYNTHETIC_PREFIX}bbbb2222"
    for owner in ("alice", first, second):
        _rows(flow_db, owner)
    # named ones only (make faults); a real citizen named in the list is still left alone
    assert remove_synthetic_rows(url, [first, "alice"]) >= 2
    assert _owners(flow_db) == {"alice", second}
    # every synthetic one (make load)
    assert remove_synthetic_rows(url) >= 2
    assert _owners(flow_db) == {"alice"}
