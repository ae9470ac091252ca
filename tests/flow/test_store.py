"""Sessions, drafts, idempotent submission, progress and evaluation; owners only see their own."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from app.domain.identity import Identity
from app.flow import store
from app.flow.store import applications, drafts, evaluations, sessions
from app.flow.tables import Application, Draft

ALICE = Identity("alice", "张三", "37010219850312002X", "13800135678", 3)
BOB = Identity("bob", "李秀英", "370202195208170042", "13905321234", 2)
KEY = "k" * 32


def _submit(db: Session, owner: str = "alice", key: str = KEY, item: str = "ITEM-1"):
    return applications.submit(
        owner,
        key,
        item_code=item,
        form_key="001018000000",
        item_name="居民身份证换领",
        department="济南市公安局历下分局",
        area_code="370102000000",
        values={"reason": "expired"},
        promised_days=15,
        session=db,
    )


def test_session_idle_and_absolute_limits(db: Session) -> None:
    secret = sessions.open_session(ALICE, db)
    start = store.now()
    active = sessions.touch_session(secret, start + timedelta(minutes=14), db)
    assert active is not None and active.identity.sub == "alice"
    assert active.idle_deadline == start + timedelta(minutes=29)
    # activity keeps it alive up to the absolute lifetime of 12 hours, not beyond
    at = start
    while (at := at + timedelta(minutes=14)) - start <= timedelta(hours=12):
        assert sessions.touch_session(secret, at, db) is not None
    assert sessions.touch_session(secret, at, db) is None  # past 12 hours despite activity
    assert sessions.touch_session(secret, at - timedelta(hours=1), db) is None  # stays ended


def test_activity_is_recorded_to_the_minute(db: Session) -> None:
    from app.flow.tables import FlowSession

    secret = sessions.open_session(ALICE, db)
    start = store.now()

    def recorded() -> object:
        db.expire_all()
        return store.aware(db.exec(select(FlowSession)).one().last_seen_at)

    opened = recorded()
    # within a minute of the recorded activity: read only, the deadline counts from it
    active = sessions.touch_session(secret, start + timedelta(seconds=50), db)
    assert active is not None and recorded() == opened
    assert active.idle_deadline == opened + timedelta(minutes=15)
    # a minute on, the activity is written and the deadline moves with it
    later = start + timedelta(minutes=1, seconds=5)
    active = sessions.touch_session(secret, later, db)
    assert active is not None and recorded() == later
    assert active.idle_deadline == later + timedelta(minutes=15)
    # the idle timeout is enforced against what was written, never later than promised
    assert sessions.touch_session(secret, later + timedelta(minutes=15, seconds=1), db) is None


def test_session_ends_after_15_idle_minutes(db: Session) -> None:
    secret = sessions.open_session(ALICE, db)
    assert (
        sessions.touch_session(secret, store.now() + timedelta(minutes=15, seconds=1), db) is None
    )
    assert sessions.touch_session(secret, store.now(), db) is None
    assert sessions.touch_session("forged", store.now(), db) is None


def test_secret_is_not_stored(db: Session) -> None:
    secret = sessions.open_session(ALICE, db)
    from app.flow.tables import FlowSession

    assert all(secret not in row.id_hash for row in db.exec(select(FlowSession)).all())


def test_one_draft_per_owner_and_item(db: Session) -> None:
    drafts.save_draft("alice", "ITEM-1", "f", "n", {"a": "1"}, 0, db)
    drafts.save_draft("alice", "ITEM-1", "f", "n", {"a": "2"}, 2, db)
    drafts.save_draft("bob", "ITEM-1", "f", "n", {"a": "bob"}, 1, db)
    draft = drafts.get_draft("alice", "ITEM-1", db)
    assert draft is not None and draft.values == {"a": "2"} and draft.step == 2
    assert [d.values["a"] for d in drafts.list_drafts("alice", db)] == ["2"]


def test_another_users_draft_cannot_be_deleted(db: Session) -> None:
    bobs = drafts.save_draft("bob", "ITEM-1", "f", "n", {"a": "bob"}, 1, db)
    assert bobs.id is not None
    with pytest.raises(store.NotFound):
        drafts.delete_draft("alice", bobs.id, db)
    assert drafts.get_draft("bob", "ITEM-1", db) is not None
    drafts.delete_draft("bob", bobs.id, db)
    assert drafts.get_draft("bob", "ITEM-1", db) is None


def test_drafts_kept_30_days_then_purged(db: Session) -> None:
    draft = drafts.save_draft("alice", "ITEM-1", "f", "n", {}, 0, db)
    draft.updated_at = store.now() - timedelta(days=29, hours=23)
    db.add(draft)
    db.commit()
    assert drafts.purge_drafts(session=db) == 0
    assert drafts.get_draft("alice", "ITEM-1", db) is not None
    draft.updated_at = store.now() - timedelta(days=31)
    db.add(draft)
    db.commit()
    assert drafts.purge_drafts(session=db) == 1


def test_submission_is_idempotent_and_drops_the_draft(db: Session) -> None:
    drafts.save_draft("alice", "ITEM-1", "f", "n", {"a": "1"}, 3, db)
    first, created = _submit(db)
    again, created_again = _submit(db)
    assert created and not created_again
    assert again.number == first.number
    assert first.number.startswith("370102-")
    assert len(db.exec(select(Application)).all()) == 1
    assert db.exec(select(Draft)).all() == []
    assert [e.status for e in applications.events(first.id, db)] == ["submitted"]


def test_parallel_submissions_with_one_key_make_one_application(tmp_path) -> None:
    import sqlalchemy as sa

    from app.catalogue.db import upgrade

    engine = sa.create_engine(
        f"sqlite:///{tmp_path / 'p.db'}", connect_args={"timeout": 30, "check_same_thread": False}
    )
    upgrade(engine)
    numbers: list[str] = []
    errors: list[BaseException] = []

    def tap() -> None:
        try:
            with Session(engine) as s:
                numbers.append(_submit(s)[0].number)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=tap) for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors, errors
    assert len(set(numbers)) == 1
    with Session(engine) as s:
        assert len(s.exec(select(Application)).all()) == 1


def test_a_key_of_another_user_is_refused(db: Session) -> None:
    _submit(db, owner="alice")
    with pytest.raises(store.Refused, match="another request"):
        _submit(db, owner="bob")


def test_bad_idempotency_key_is_refused(db: Session) -> None:
    with pytest.raises(store.Refused, match="idempotency key"):
        _submit(db, key="short")


def test_applications_are_private(db: Session) -> None:
    app, _ = _submit(db, owner="alice")
    assert [a.number for a in applications.list_applications("alice", db)] == [app.number]
    assert applications.list_applications("bob", db) == []
    with pytest.raises(store.NotFound):
        applications.get_application("bob", app.number, db)


def test_status_moves_and_evaluation(db: Session) -> None:
    app, _ = _submit(db)
    with pytest.raises(store.Refused, match="can be evaluated once"):
        evaluations.evaluate("alice", app.number, 5, session=db)
    with pytest.raises(store.Refused, match="can move to"):
        applications.advance(app.number, "completed", session=db)
    for status in ("accepted", "reviewing", "completed"):
        applications.advance(app.number, status, session=db)
    with pytest.raises(store.NotFound):
        evaluations.evaluate("bob", app.number, 5, session=db)
    with pytest.raises(store.Refused, match="reason is required"):
        evaluations.evaluate("alice", app.number, 2, session=db)
    evaluation = evaluations.evaluate("alice", app.number, 1, "等了太久", session=db)
    assert evaluation.follow_up == "pending"
    with pytest.raises(store.Refused, match="already been evaluated"):
        evaluations.evaluate("alice", app.number, 5, session=db)
    statuses = [e.status for e in applications.events(app.id, db)]
    assert statuses == ["submitted", "accepted", "reviewing", "completed"]


def test_back_office_cli_reports_refused_moves(flow_db: Session, capsys) -> None:
    from app.flow.__main__ import main

    app, _ = _submit(flow_db)
    assert main(["advance", app.number, "completed"]) == 1
    assert "it can move to: accepted, returned, rejected" in capsys.readouterr().err
    assert main(["advance", app.number, "accepted", "材料齐全"]) == 0
    assert main(["advance", "nope", "accepted"]) == 1
    assert main(["list"]) == 0
    assert f"{app.number}  accepted" in capsys.readouterr().out


def test_correction_round_takes_only_own_files_of_returned_applications(flow_db: Session) -> None:
    from app.flow.tables import StoredFile

    app, _ = _submit(flow_db)
    for owner, file_id in (("alice", "a" * 32), ("bob", "b" * 32)):
        flow_db.add(
            StoredFile(
                id=file_id, owner=owner, name="x.png", content_type="image/png", size=1,
                sha256="0" * 64, created_at=store.now(),
            )
        )  # fmt: skip
    flow_db.commit()
    with pytest.raises(store.Refused, match="only returned applications"):
        applications.correct("alice", app.number, ["a" * 32], flow_db)
    applications.advance(app.number, "returned", "请补充照片", session=flow_db)
    with pytest.raises(store.NotFound):
        applications.correct("alice", app.number, ["b" * 32], flow_db)  # bob's file
    with pytest.raises(store.NotFound):
        applications.correct("bob", app.number, ["b" * 32], flow_db)  # alice's application
    fixed = applications.correct("alice", app.number, ["a" * 32], flow_db)
    assert fixed.status == "submitted"
    assert fixed.values["corrections"] == ["a" * 32]
    messages = applications.recent_events("alice", session=flow_db)
    assert [e.status for _, e in messages][:2] == ["submitted", "returned"]
    assert applications.recent_events("bob", session=flow_db) == []


def test_a_draft_save_after_reading_the_draft_in_one_session_only_writes(db: Session) -> None:
    """A draft save (the flow's most frequent write) reuses the draft the handler has just read
    in its one session: one UPDATE, no second SELECT, no refresh."""
    engine = db.get_bind()
    drafts.save_draft("alice", "001018000000", "001018000000", "换领", {"a": "1"}, 0, db)
    statements: list[str] = []

    def seen(conn, cursor, statement, *args) -> None:
        statements.append(statement.split()[0].upper())

    with Session(engine, expire_on_commit=False) as one:
        before = drafts.get_draft("alice", "001018000000", one)
        assert before is not None and before.values == {"a": "1"}
        sa.event.listen(engine, "before_cursor_execute", seen)
        try:
            saved = drafts.save_draft(
                "alice", "001018000000", "001018000000", "换领", {"a": "2"}, 1, one
            )
        finally:
            sa.event.remove(engine, "before_cursor_execute", seen)
    assert statements == ["UPDATE"]
    assert saved.values == {"a": "2"} and saved.step == 1 and saved.id == before.id
    db.expire_all()
    assert drafts.get_draft("alice", "001018000000", db).values == {"a": "2"}  # committed


def test_an_upload_landing_while_a_page_saves_is_kept(db: Session) -> None:
    """A page's handler read the draft (no material yet), the upload route wrote the
    material, then the handler saves what it read: the material stays (issue 15 load)."""
    drafts.save_draft("alice", "X", "f", "居民身份证换领", {"name": "张三"}, 1, db)
    read_by_the_page = dict(drafts.get_draft("alice", "X", db).values)  # type: ignore[union-attr]
    assert drafts.set_answer("alice", "X", "photo", "file-1", db) == (True, None)
    page_values = {**read_by_the_page, "phone": "13800135678"}
    saved = drafts.save_draft("alice", "X", "f", "居民身份证换领", page_values, 2, db,
                              keep_files=["photo", "proof"])  # fmt: skip
    assert saved.values == {"name": "张三", "phone": "13800135678", "photo": "file-1"}
    # the route replaces only its own answer, and says what it replaced
    assert drafts.set_answer("alice", "X", "photo", "file-2", db) == (True, "file-1")
    db.expire_all()
    stored = drafts.get_draft("alice", "X", db)
    assert stored is not None and stored.values["phone"] == "13800135678"
    assert stored.values["photo"] == "file-2" and stored.step == 2
    # no draft (submitted meanwhile): nothing written
    assert drafts.set_answer("bob", "X", "photo", "file-3", db) == (False, None)
    assert drafts.get_draft("bob", "X", db) is None
