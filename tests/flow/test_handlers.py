"""Event handlers authorize on every call: another citizen's ids get nothing (the wizard's
here; 我的 and the progress page are tested without Reflex in tests/journeys/test_me.py)."""

from __future__ import annotations

import asyncio

from sqlmodel import Session

from app.adapters.identity import Identity
from app.flow.store import applications, drafts, sessions
from app.security import session_cookie
from app.state.flow_me import ApplicationState, FlowMeState
from components.i18n import pick

ALICE = Identity("alice", "张三", "37010219850312002X", "13800135678", 3)
BOB = Identity("bob", "李秀英", "370202195208170042", "13905321234", 2)


def zh(text: str) -> str:
    return pick(text, "zh_Hans")


def _state(cls, identity: Identity | None, db: Session, path: str = "/"):
    import reflex as rx
    from reflex.istate.data import RouterData

    root = rx.State(_reflex_internal_init=True)
    state = root.get_substate(cls.get_full_name().split(".")[1:])
    # the connection's cookie (app.security.session_cookie): this citizen's session, or none
    secret = sessions.open_session(identity, db) if identity is not None else ""
    session_cookie.remember(state.router.session.session_id, secret)
    router = RouterData.from_router_data({"pathname": path, "asPath": path, "headers": {}})
    root.router = router
    return state


def _bobs_application(db: Session) -> str:
    app, _ = applications.submit(
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
        applications.advance(app.number, status, session=db)
    return app.number


def test_the_me_states_copy_the_journeys_page_into_their_vars(flow_db: Session) -> None:
    """Contract of FlowMeState and ApplicationState with the pages (what they decide is
    tests/journeys/test_me.py): the session's view, the lists, the notice, the focus."""
    bobs = drafts.save_draft("bob", "X", "001018000000", "n", {"a": "1"}, 1, flow_db)
    state = _state(FlowMeState, ALICE, flow_db)
    asyncio.run(FlowMeState.delete_draft.fn(state, bobs.id))
    assert state.signed_in and zh(state.notice) == "没有找到这份草稿，它可能已被删除。"
    assert state.drafts == [] and state.applications == [] and state.messages == []
    number = _bobs_application(flow_db)
    owner = _state(ApplicationState, BOB, flow_db, f"/me/applications/{number}")
    asyncio.run(ApplicationState.load.fn(owner))
    assert owner.loaded and owner.found and owner.number == number and owner.can_evaluate
    assert zh(owner.status) == "已办结" and owner.timeline and owner.display_name == "李秀英"
    spec = asyncio.run(ApplicationState.evaluate.fn(owner, {"level": "9"}))
    assert "evaluation-error" in str(spec.args[0][1]._var_value) and owner.evaluation_error
    other = _state(ApplicationState, ALICE, flow_db, f"/me/applications/{number}")
    asyncio.run(ApplicationState.load.fn(other))
    assert other.loaded and not other.found and other.timeline == []


def _apply_state(identity: Identity, db: Session, monkeypatch):

    from app.state import flow

    monkeypatch.setattr(flow, "_item_name", lambda code: code)  # no catalogue needed
    monkeypatch.delenv("YIWANG_ELICENCE_URL", raising=False)
    state = _state(flow.ApplyState, identity, db, "/apply/yjs-birth")
    asyncio.run(flow.ApplyState.load.fn(state))
    return state


def test_wizard_never_loads_another_users_draft(flow_db: Session, monkeypatch) -> None:
    drafts.save_draft(
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
    assert drafts.get_draft("alice", "yjs-birth", flow_db) is None
    assert drafts.get_draft("bob", "yjs-birth", flow_db).values == {"baby_name": "鲍勃"}


NO_RECORD = "027018000000-370211000000-000-11370211459939353K-8-00"  # 无犯罪记录证明, derived


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "PNG")
    return out.getvalue()


def _derived_at_check(identity: Identity, db: Session, monkeypatch):
    """Alice's derived 无犯罪记录证明 driven through its handlers up to the check page, with a
    real stored file (as the upload route stores it) for the required material."""
    from app.flow import files
    from app.state.flow import ApplyState

    monkeypatch.delenv("YIWANG_ELICENCE_URL", raising=False)
    state = _state(ApplyState, identity, db, f"/apply/{NO_RECORD}")
    asyncio.run(ApplyState.load.fn(state))
    assert state.stage == "intro" and zh(state.item_name) == "无犯罪记录证明"
    asyncio.run(ApplyState.start.fn(state))
    assert (state.stage, zh(state.step_title)) == ("step", "申请人信息")
    asyncio.run(ApplyState.continue_step.fn(state, {"phone": identity.phone}))
    assert zh(state.step_title) == "您的情况"
    asyncio.run(ApplyState.continue_step.fn(state, {"situation_1": "no"}))
    assert zh(state.step_title) == "申请材料" and [f.name for f in state.fields] == ["material_1"]
    asyncio.run(ApplyState.continue_step.fn(state, {}))
    assert [zh(e.message) for e in state.errors] == ["请上传申请人居民身份证"]
    stored = files.save(identity.sub, "id.png", _png())
    draft = drafts.get_draft(identity.sub, NO_RECORD)
    drafts.save_draft(identity.sub, NO_RECORD, draft.form_key, draft.item_name,
                     {**draft.values, "material_1": stored.id}, draft.step)  # fmt: skip
    asyncio.run(ApplyState.continue_step.fn(state, {}))
    assert state.stage == "check" and not state.errors
    return state


def test_submit_with_another_users_key_is_refused(flow_db: Session, monkeypatch) -> None:
    from sqlmodel import select

    from app.flow.tables import Application
    from app.state.flow import ApplyState

    _bobs_application(flow_db)  # used the key "b" * 32
    state = _derived_at_check(ALICE, flow_db, monkeypatch)
    signed = {"declaration": "yes", "consent": "yes"}
    asyncio.run(ApplyState.submit.fn(state, signed, "b" * 32))
    assert state.stage == "check"
    assert [zh(e.message) for e in state.errors] == ["提交请求无效，请刷新页面后重试。"]
    asyncio.run(ApplyState.submit.fn(state, {"declaration": "yes"}, "a" * 32))
    assert [zh(e.message) for e in state.errors] == ["请勾选同意处理敏感个人信息"]
    asyncio.run(ApplyState.submit.fn(state, signed, "a" * 32))
    assert state.stage == "done"  # the same request with her own key goes through
    app = applications.get_application("alice", state.application_number, flow_db)
    assert app.owner == "alice" and app.form_key == "027018000000"
    assert app.values["name"] == "张三" and "material_2" not in app.values
    assert len(flow_db.exec(select(Application)).all()) == 2


def test_a_derived_draft_is_the_owners_only(flow_db: Session, monkeypatch) -> None:
    """Bob's derived draft (with his file) is never loaded, changed or submitted by Alice."""
    from app.flow import files
    from app.state.flow import ApplyState

    bobs_file = files.save("bob", "bob.png", _png())
    drafts.save_draft("bob", NO_RECORD, "027018000000", "无犯罪记录证明",
                     {"phone": BOB.phone, "situation_1": "no", "material_1": bobs_file.id}, 3,
                     flow_db)  # fmt: skip
    monkeypatch.delenv("YIWANG_ELICENCE_URL", raising=False)
    state = _state(ApplyState, ALICE, flow_db, f"/apply/{NO_RECORD}")
    asyncio.run(ApplyState.load.fn(state))
    assert state.stage == "intro" and not state.resumed  # alice has no draft of her own
    # alice puts bob's file id into her own draft: it is not hers, so it does not count
    asyncio.run(ApplyState.start.fn(state))
    asyncio.run(ApplyState.continue_step.fn(state, {}))
    asyncio.run(ApplyState.continue_step.fn(state, {"situation_1": "no"}))
    draft = drafts.get_draft("alice", NO_RECORD, flow_db)
    drafts.save_draft("alice", NO_RECORD, draft.form_key, draft.item_name,
                     {**draft.values, "material_1": bobs_file.id}, draft.step, flow_db)  # fmt: skip
    asyncio.run(ApplyState.continue_step.fn(state, {}))
    assert state.stage == "step"
    assert [zh(e.message) for e in state.errors] == ["申请人居民身份证的文件已失效，请重新上传"]
    flow_db.expire_all()
    assert drafts.get_draft("bob", NO_RECORD, flow_db).values["material_1"] == bobs_file.id
    # without a session, nothing happens at all
    anonymous = _state(ApplyState, None, flow_db, f"/apply/{NO_RECORD}")
    session_cookie.remember(anonymous.router.session.session_id, "forged")
    asyncio.run(ApplyState.load.fn(anonymous))
    asyncio.run(ApplyState.continue_step.fn(anonymous, {"phone": "13900000000"}))
    asyncio.run(ApplyState.submit.fn(anonymous, {"declaration": "yes", "consent": "yes"}, "z" * 32))
    assert anonymous.stage == "intro" and not anonymous.application_number


def test_a_business_item_refuses_a_personal_account(flow_db: Session, monkeypatch) -> None:
    from app.state.flow import ApplyState

    invoice = "038128000000-370203000000-000-11370203799387989U-8-00"  # 发票申领, derived
    state = _state(ApplyState, ALICE, flow_db, f"/apply/{invoice}")
    asyncio.run(ApplyState.load.fn(state))
    assert state.stage == "level" and "法人账号" in state.refused
    assert drafts.get_draft("alice", invoice, flow_db) is None


def test_a_reconnect_after_submitting_keeps_the_confirmation(flow_db: Session, monkeypatch) -> None:
    """Back from login the tab sits on /apply/<code>?start=1; a reconnect there re-runs the
    page load, which must not open a new draft over the confirmation and its number."""
    from reflex.istate.data import RouterData

    from app.state.flow import ApplyState

    state = _derived_at_check(ALICE, flow_db, monkeypatch)
    asyncio.run(ApplyState.submit.fn(state, {"declaration": "yes", "consent": "yes"}, "c" * 32))
    assert state.stage == "done" and state.application_number
    number = state.application_number
    state.parent_state.router = RouterData.from_router_data(
        {
            "query": {"code": NO_RECORD, "start": "1"},
            "pathname": f"/apply/{NO_RECORD}",
            "asPath": f"/apply/{NO_RECORD}?start=1",
            "headers": {},
        }
    )
    assert state.router.url.query_parameters.get("start") == "1"
    asyncio.run(ApplyState.load.fn(state))
    assert (state.stage, state.application_number) == ("done", number)
    assert drafts.get_draft("alice", NO_RECORD, flow_db) is None
    # opening the page afresh (no start=1) is a new visit: the intro again
    state.parent_state.router = RouterData.from_router_data(
        {"query": {"code": NO_RECORD}, "pathname": f"/apply/{NO_RECORD}",
         "asPath": f"/apply/{NO_RECORD}", "headers": {}}
    )  # fmt: skip
    asyncio.run(ApplyState.load.fn(state))
    assert state.stage == "intro" and not state.application_number


def test_a_submitted_application_stores_the_catalogue_names_not_local_texts(
    flow_db: Session, monkeypatch
) -> None:
    """The page holds the item and department names as local texts (every locale); the
    application keeps them as the catalogue names them, so 我的 and the progress page can
    show them per locale again (a stored local text would be shown as its raw JSON)."""
    from app.state.flow import ApplyState
    from components.i18n import is_local

    state = _derived_at_check(ALICE, flow_db, monkeypatch)
    assert is_local(state.department) or is_local(state.item_name)
    asyncio.run(ApplyState.submit.fn(state, {"declaration": "yes", "consent": "yes"}, "d" * 32))
    app = applications.get_application("alice", state.application_number, flow_db)
    assert not is_local(app.item_name) and not is_local(app.department)
    assert app.department == pick(state.department, "zh_Hans")
