"""Event handlers authorize on every call: another citizen's ids get nothing (the wizard's
here; 我的 and the progress page are tested without Reflex in tests/journeys/test_me.py)."""

from __future__ import annotations

import asyncio

from sqlmodel import Session

from app.domain.identity import Identity
from app.flow.store import drafts, sessions
from app.security import session_cookie
from app.state.flow_me import ApplicationState, FlowMeState
from app.text import pick
from tests.factories import COMPLETED, submitted_application
from tests.journeys.conftest import journey_db as journey_db  # the catalogue on the test database
from tests.journeys.conftest import put_item

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
    return submitted_application(db, "bob", statuses=COMPLETED).number


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


# -- the wizard and the checkout: their journeys are tested in tests/journeys/; here only the
# contract of their states (an event in, the journey's view in the vars, what the page does next)
def test_apply_state_copies_the_journeys_view_into_its_vars(
    journey_db: Session, monkeypatch
) -> None:
    from reflex.istate.data import RouterData

    from app.state.flow import ApplyState, FieldView

    state = _state(ApplyState, ALICE, journey_db, "/apply/yjs-birth")
    state.parent_state.router = RouterData.from_router_data(
        {"pathname": "/apply/yjs-birth", "asPath": "/apply/yjs-birth?start=1", "headers": {}}
    )
    focus = asyncio.run(ApplyState.load.fn(state))
    assert state.stage == "step" and zh(state.step_title) and state.step_count > 1
    assert state.fields and all(isinstance(f, FieldView) for f in state.fields)
    assert state.signed_in and state.draft_token and state.members
    assert "focus()" in str(focus)  # the journey's Focus, as a script
    draft = drafts.get_draft("alice", "yjs-birth", journey_db)
    assert draft is not None and state._values == draft.values  # the tab's progress kept
    asyncio.run(ApplyState.save_field.fn(state, "baby_name", "小满"))  # on another page
    assert state._values == draft.values and state.saved_note == ""


def test_checkout_state_copies_the_journeys_view_into_its_vars(journey_db: Session) -> None:
    from app.flow import checkout
    from app.state.checkout import CheckoutState, FeeRow
    from tests.factories import CODE, item

    put_item(journey_db, item(online_payment=True, express_delivery=True))
    snapshot = {"item_code": CODE, "form_key": "k", "item_name": "n", "department": "d",
                "area_code": "370100000000", "values": {}, "promised_days": 1}  # fmt: skip
    checkout.hold("alice", CODE, "k" * 32, snapshot, needs_payment=True, needs_delivery=True)
    state = _state(CheckoutState, ALICE, journey_db, f"/checkout/{CODE}")
    assert asyncio.run(CheckoutState.load.fn(state)) is None
    assert state.stage == "delivery" and state.hall_name == "户籍窗口"
    assert state.fees and all(isinstance(f, FeeRow) for f in state.fees)
    focus = asyncio.run(CheckoutState.choose_delivery.fn(state, {"method": "express"}))
    assert "checkout-errors" in str(focus) and state.method == "express"
    assert set(state.field_errors) == {"recipient", "phone", "division", "detail"}
