"""Event handlers authorize on every call: another citizen's ids get nothing."""

from __future__ import annotations

import asyncio

from sqlmodel import Session

from app.adapters.identity import Identity
from app.flow import store
from app.state.flow_me import ApplicationState, FlowMeState
from components.i18n import pick

ALICE = Identity("alice", "张三", "37010219850312002X", "13800135678", 3)
BOB = Identity("bob", "李秀英", "370202195208170042", "13905321234", 2)


def zh(text: str) -> str:
    return pick(text, "zh_Hans")


def _state(cls, identity: Identity | None, db: Session, path_params: dict | None = None):
    import reflex as rx
    from reflex.istate.data import RouterData

    root = rx.State(_reflex_internal_init=True)
    state = root.get_substate(cls.get_full_name().split(".")[1:])
    if identity is not None:
        state.sid = store.open_session(identity, db)
    router = RouterData.from_router_data(
        {"query": path_params or {}, "pathname": "/", "asPath": "/", "headers": {}}
    )
    root.router = router
    return state


def _bobs_application(db: Session) -> str:
    app, _ = store.submit(
        "bob",
        "b" * 32,
        item_code="X",
        form_key="001018000000",
        item_name="居民身份证换领",
        department="d",
        area_code="370102000000",
        values={},
        promised_days=15,
        session=db,
    )
    for status in ("accepted", "reviewing", "completed"):
        store.advance(app.number, status, session=db)
    return app.number


def test_delete_draft_of_another_user_is_refused(flow_db: Session) -> None:
    bobs = store.save_draft("bob", "X", "001018000000", "n", {"a": "1"}, 1, flow_db)
    state = _state(FlowMeState, ALICE, flow_db)
    asyncio.run(FlowMeState.delete_draft.fn(state, bobs.id))
    assert zh(state.notice) == "没有找到这份草稿，它可能已被删除。"
    assert pick(state.notice, "en") == "Draft not found. It may have been deleted."
    flow_db.expire_all()
    assert store.get_draft("bob", "X", flow_db) is not None


def test_without_a_session_nothing_is_listed_or_deleted(flow_db: Session) -> None:
    bobs = store.save_draft("bob", "X", "001018000000", "n", {}, 1, flow_db)
    state = _state(FlowMeState, None, flow_db)
    state.sid = "forged"
    asyncio.run(FlowMeState.delete_draft.fn(state, bobs.id))
    assert state.drafts == [] and not state.signed_in
    flow_db.expire_all()
    assert store.get_draft("bob", "X", flow_db) is not None


def test_another_users_application_is_not_shown_or_evaluated(flow_db: Session) -> None:
    number = _bobs_application(flow_db)
    state = _state(ApplicationState, ALICE, flow_db, {"number": number})
    asyncio.run(ApplicationState.load.fn(state))
    assert state.loaded and not state.found and state.timeline == []
    asyncio.run(ApplicationState.evaluate.fn(state, {"level": "5"}))
    assert not state.found
    assert store.get_evaluation(store.get_application("bob", number, flow_db).id, flow_db) is None
    owner = _state(ApplicationState, BOB, flow_db, {"number": number})
    asyncio.run(ApplicationState.load.fn(owner))
    assert owner.found and zh(owner.status) == "已办结" and owner.can_evaluate


def _apply_state(identity: Identity, db: Session, monkeypatch):

    from app.state import flow

    monkeypatch.setattr(flow, "_item_name", lambda code: code)  # no catalogue needed
    monkeypatch.delenv("YIWANG_ELICENCE_URL", raising=False)
    state = _state(flow.ApplyState, identity, db, {"code": "yjs-birth"})
    asyncio.run(flow.ApplyState.load.fn(state))
    return state


def test_wizard_never_loads_another_users_draft(flow_db: Session, monkeypatch) -> None:
    store.save_draft(
        "bob", "yjs-birth", "yjs-birth", "出生一件事", {"baby_name": "鲍勃"}, 1, flow_db
    )
    state = _apply_state(ALICE, flow_db, monkeypatch)
    assert state.stage == "intro"  # alice has no draft: bob's answers are not hers
    assert "鲍勃" not in str(state.fields)
    from app.state.flow import ApplyState

    # alice's own form: a field that is not on the current page is ignored
    state._values = {}
    state.stage, state.step_index = "step", 0
    asyncio.run(ApplyState.save_field.fn(state, "baby_name", "伪造"))
    assert "baby_name" not in state._values
    asyncio.run(ApplyState.save_field.fn(state, "name", "冒名"))  # locked to the identity
    flow_db.expire_all()
    assert store.get_draft("alice", "yjs-birth", flow_db) is None
    assert store.get_draft("bob", "yjs-birth", flow_db).values == {"baby_name": "鲍勃"}


def test_submit_with_another_users_key_is_refused(flow_db: Session, monkeypatch) -> None:
    from app.flow.tables import Application
    from app.state import flow

    _bobs_application(flow_db)  # used the key "b" * 32
    state = _apply_state(ALICE, flow_db, monkeypatch)
    monkeypatch.setattr(flow, "check_all", lambda *a, **k: {})  # answers count as complete
    state.stage = "check"
    asyncio.run(
        flow.ApplyState.submit.fn(state, {"declaration": "yes", "consent": "yes"}, "b" * 32)
    )
    assert state.stage == "check"
    assert [zh(e.message) for e in state.errors] == ["提交请求无效，请刷新页面后重试。"]
    asyncio.run(
        flow.ApplyState.submit.fn(state, {"declaration": "yes", "consent": "yes"}, "a" * 32)
    )
    assert state.stage == "done"  # the same request with her own key goes through
    assert store.get_application("alice", state.application_number, flow_db).owner == "alice"
    from sqlmodel import select

    assert len(flow_db.exec(select(Application)).all()) == 2


def test_a_reconnect_after_submitting_keeps_the_confirmation(flow_db: Session, monkeypatch) -> None:
    """Back from login the tab sits on /apply/<code>?start=1; a reconnect there re-runs the
    page load, which must not open a new draft over the confirmation and its number."""
    from reflex.istate.data import RouterData

    from app.state import flow

    state = _apply_state(ALICE, flow_db, monkeypatch)
    monkeypatch.setattr(flow, "check_all", lambda *a, **k: {})  # answers count as complete
    state.stage = "check"
    asyncio.run(
        flow.ApplyState.submit.fn(state, {"declaration": "yes", "consent": "yes"}, "c" * 32)
    )
    assert state.stage == "done" and state.application_number
    number = state.application_number
    state.parent_state.router = RouterData.from_router_data(
        {
            "query": {"code": "yjs-birth", "start": "1"},
            "pathname": "/apply/yjs-birth",
            "asPath": "/apply/yjs-birth?start=1",
            "headers": {},
        }
    )
    assert state.router.url.query_parameters.get("start") == "1"
    asyncio.run(flow.ApplyState.load.fn(state))
    assert (state.stage, state.application_number) == ("done", number)
    assert store.get_draft("alice", "yjs-birth", flow_db) is None
    # opening the page afresh (no start=1) is a new visit: the intro again
    state.parent_state.router = RouterData.from_router_data(
        {"query": {"code": "yjs-birth"}, "pathname": "/apply/yjs-birth",
         "asPath": "/apply/yjs-birth", "headers": {}}
    )  # fmt: skip
    asyncio.run(flow.ApplyState.load.fn(state))
    assert state.stage == "intro" and not state.application_number
