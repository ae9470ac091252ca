"""An application's timeline has one writer (app.flow.store.timeline.record) and typed kinds:
the statuses of app.domain.rules.Status and the payment and delivery milestones."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlmodel import Session

from app.adapters import logistics
from app.adapters.backoffice import OPERATOR_MOVES
from app.domain.rules import FINAL_STATUSES, MOVES, STATUSES, Milestone, Status
from app.flow.store import applications, timeline
from tests.factories import submitted_application

ROOT = Path(__file__).resolve().parents[2]


def _calls(name: str, folders: tuple[str, ...]) -> list[str]:
    """Where ``name(...)`` is called (a bare name or an attribute) in these folders."""
    found = []
    for path in (p for folder in folders for p in (ROOT / folder).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                if called == name:
                    found.append(str(path.relative_to(ROOT)))
    return sorted(set(found))


def test_only_the_timeline_module_makes_a_timeline_row() -> None:
    assert _calls("ApplicationEvent", ("app", "scripts")) == ["app/flow/store/timeline.py"]


def test_a_row_has_a_typed_kind_and_a_cut_note(db: Session) -> None:
    app = submitted_application(db, "alice", key="k" * 32, item_code="ITEM-1")
    assert app.id is not None
    row = timeline.record(db, app.id, Milestone.PAID, "n" * 600)
    db.commit()
    assert type(row.status) is str and row.status == "paid"  # stored as the plain value
    assert len(row.note) == timeline.NOTE_MAX
    assert [e.status for e in applications.events(app.id, db)] == ["submitted", "paid"]
    assert applications.advance(app.number, "accepted", "ok", session=db)
    assert [e.status for e in applications.events(app.id, db)][-1] == Status.ACCEPTED


def test_statuses_and_milestones_are_one_vocabulary() -> None:
    assert tuple(Status) == STATUSES and set(MOVES) == set(Status)
    assert set(FINAL_STATUSES) <= set(Status)
    assert not {s.value for s in Status} & {m.value for m in Milestone}
    # what the courier tracks becomes a milestone as it is
    assert {str(s) for s in logistics.TRACKED} <= {m.value for m in Milestone}
    assert set(OPERATOR_MOVES) == set(Status) - {Status.SUBMITTED}


@pytest.mark.parametrize("status", ["submitted", "nonsense"])
def test_a_move_to_a_status_the_rules_do_not_allow_is_refused(db: Session, status: str) -> None:
    from app.flow import store

    app = submitted_application(db, "alice", key="m" * 32, item_code="ITEM-2")
    with pytest.raises(store.Refused):
        applications.advance(app.number, status, session=db)
