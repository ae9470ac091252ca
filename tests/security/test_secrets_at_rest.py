"""Attacks on secrets at rest (issue 19, cases 2 and 5): the session secret, full ID numbers
and phones must not be found in stored states, the database file or the files' modes."""

from __future__ import annotations

import asyncio
import functools
import os
import pickle
import stat
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session

from app.domain.identity import Identity
from app.flow import files, store
from app.flow.http import flow_api
from app.flow.store import drafts, sessions
from app.security import guard, production, session_cookie
from tests.asgi import ASGIClient

ALICE = Identity("alice", "张三", "37010219850312002X", "13800135678", 3)


def _signed_in_state(secret: str, socket_id: str = "sock-1"):
    import reflex as rx
    from reflex.istate.data import RouterData

    from app.state.flow_me import FlowMeState

    root = rx.State(_reflex_internal_init=True)
    state = root.get_substate(FlowMeState.get_full_name().split(".")[1:])
    # the connection's router data, as Reflex builds it with the hook installed
    environ = {
        "asgi.scope": {
            "headers": [(b"cookie", f"yw_sid={secret}".encode()), (b"host", b"127.0.0.1:3000")],
            "client": ("127.0.0.1", 5000),
        }
    }
    connection = _namespace()._build_static_router_data(socket_id, environ)
    root.router = RouterData.from_router_data(
        {"pathname": "/me", "asPath": "/me", "query": {}, **connection}
    )
    return root, state


def _namespace():
    from reflex.app import EventNamespace

    namespace = object.__new__(EventNamespace)
    namespace.on_disconnect = lambda sid: None
    session_cookie.install(namespace)
    return namespace


def test_the_session_secret_is_no_state_variable() -> None:
    from app.state.flow_auth import FlowAuthState

    assert "sid" not in FlowAuthState.get_fields()
    assert not any(FlowAuthState._is_client_storage(name) for name in FlowAuthState.get_fields())


def test_a_stored_state_holds_no_secret_id_number_or_phone(flow_db: Session) -> None:
    """The disk state manager pickles the state: search the pickle as an attacker would."""
    from app.state.flow_me import FlowMeState

    secret = sessions.open_session(ALICE, flow_db)
    root, state = _signed_in_state(secret)
    state._active()
    assert state.signed_in and state.display_name == "张三"
    blob = pickle.dumps(root) + b"".join(pickle.dumps(s) for s in root.substates.values())
    blob += pickle.dumps(state)
    assert secret.encode() not in blob
    assert ALICE.id_number.encode() not in blob
    assert ALICE.phone.encode() not in blob
    assert FlowMeState is type(state)


def test_the_router_hook_strips_the_cookie_before_any_state_sees_it() -> None:
    namespace = _namespace()
    environ = {
        "asgi.scope": {
            "headers": [(b"cookie", b"yw_locale=en; yw_sid=s3cret-value"), (b"host", b"x")],
            "client": ("127.0.0.1", 5000),
        }
    }
    data = namespace._build_static_router_data("sock-9", environ)
    assert "cookie" not in data["headers"]
    assert "s3cret-value" not in repr(data)
    assert session_cookie.secret_for("sock-9") == "s3cret-value"
    namespace.on_disconnect("sock-9")
    assert session_cookie.secret_for("sock-9") == ""


def test_the_login_ticket_becomes_an_httponly_cookie_once(flow_db: Session) -> None:
    ticket = sessions.open_handoff(ALICE)
    assert sessions.touch_session(ticket) is None  # the ticket itself is no session
    client = ASGIClient(flow_api(), base_url="http://testserver")
    answer = client.get(
        "/flow/session", params={"ticket": ticket, "next": "/me"}, follow_redirects=False
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/me"
    cookie = answer.headers["set-cookie"]
    assert "yw_sid=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    secret = cookie.split("yw_sid=", 1)[1].split(";", 1)[0]
    assert sessions.touch_session(secret) is not None
    # replayed (from history or a log): nothing
    again = ASGIClient(flow_api(), base_url="http://testserver").get(
        "/flow/session", params={"ticket": ticket, "next": "//evil.example"},
        follow_redirects=False,
    )  # fmt: skip
    assert "set-cookie" not in again.headers
    assert again.headers["location"] == "/me"


def test_an_expired_ticket_opens_nothing(flow_db: Session) -> None:
    ticket = sessions.open_handoff(ALICE)
    later = store.now() + sessions.HANDOFF_TTL + sessions.HANDOFF_TTL
    assert sessions.redeem_handoff(ticket, at=later) is None


def test_the_cookie_is_secure_when_the_public_url_is_https(flow_db: Session, monkeypatch) -> None:
    monkeypatch.setenv("YIWANG_PUBLIC_URL", "https://yiwang.example.cn")
    ticket = sessions.open_handoff(ALICE)
    client = ASGIClient(flow_api(), base_url="https://yiwang.example.cn")
    answer = client.get("/flow/session", params={"ticket": ticket}, follow_redirects=False)
    assert "Secure" in answer.headers["set-cookie"]


def test_sign_out_clears_the_cookie_and_the_personal_data(flow_db: Session) -> None:
    from app.state.flow_me import FlowMeState

    secret = sessions.open_session(ALICE, flow_db)
    _root, state = _signed_in_state(secret, "sock-2")
    state._active()
    asyncio.run(FlowMeState.sign_out.fn(state))
    assert (state.display_name, state.shown_phone, state.shown_id_number) == ("", "", "")
    assert sessions.touch_session(secret) is None
    assert session_cookie.secret_for("sock-2") == ""
    gone = ASGIClient(flow_api()).get("/flow/signed-out", follow_redirects=False)
    assert 'yw_sid=""' in gone.headers["set-cookie"] and "Max-Age=0" in gone.headers["set-cookie"]


def test_a_reused_token_without_the_cookie_gets_no_personal_data(flow_db: Session) -> None:
    """The tab closed; an attacker reconnects with its token but has no cookie."""
    secret = sessions.open_session(ALICE, flow_db)
    root, state = _signed_in_state(secret, "sock-3")
    state._active()
    session_cookie.forget("sock-3")  # the socket closed with the tab
    from reflex.istate.data import RouterData

    root.router = RouterData.from_router_data(
        {"pathname": "/me", "asPath": "/me", "query": {}, "sid": "attacker", "headers": {}}
    )
    assert state._active() is None
    assert not state.signed_in
    assert (state.display_name, state.shown_phone, state.shown_id_number) == ("", "", "")


def test_the_database_holds_no_id_number_or_phone_in_clear(flow_db: Session) -> None:
    sessions.open_session(ALICE, flow_db)
    drafts.save_draft(
        "alice", "X", "001018000000", "n",
        {"id_number": ALICE.id_number, "phone": ALICE.phone}, 1, flow_db,
    )  # fmt: skip
    engine = flow_db.get_bind()
    with engine.connect() as conn:
        raw = repr(conn.execute(sa.text("SELECT identity FROM flow_session")).all())
        raw += repr(conn.execute(sa.text('SELECT "values" FROM flow_draft')).all())
    assert ALICE.id_number not in raw and ALICE.phone not in raw
    assert "gAAAA" in raw
    assert drafts.get_draft("alice", "X", flow_db).values["phone"] == ALICE.phone
    database = Path(str(engine.url.database))
    assert ALICE.id_number.encode() not in database.read_bytes()


def test_keys_rotate(flow_db: Session, monkeypatch) -> None:
    from cryptography.fernet import Fernet

    from app.security import crypto

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv("YIWANG_DATA_KEYS", old)
    sessions.open_session(ALICE, flow_db)
    monkeypatch.setenv("YIWANG_DATA_KEYS", f"{new},{old}")
    assert crypto.rotate_all(flow_db.get_bind()) >= 1
    monkeypatch.setenv("YIWANG_DATA_KEYS", new)  # the old key is gone: still readable
    with flow_db.get_bind().connect() as conn:
        token = conn.execute(sa.text("SELECT identity FROM flow_session")).scalar_one()
    assert crypto.decrypt_json(token)["id_number"] == ALICE.id_number


def test_private_files_and_new_files_are_owner_only(flow_db: Session, tmp_path: Path) -> None:
    png = _png()
    row = files.save("alice", "me.png", png)
    mode = stat.S_IMODE(os.stat(files.path_of(row)).st_mode)
    assert mode & 0o077 == 0, oct(mode)
    old = os.umask(0o022)
    try:
        production.at_backend_start()
        probe = tmp_path / "probe"
        probe.write_text("x")
        assert stat.S_IMODE(probe.stat().st_mode) & 0o077 == 0
    finally:
        os.umask(old)
    loose = tmp_path / "loose.db"
    loose.write_text("x")
    loose.chmod(0o644)
    production.owner_only(loose)
    assert stat.S_IMODE(loose.stat().st_mode) == 0o600


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "PNG")
    return out.getvalue()


def test_a_reconnect_with_a_closed_tabs_token_hydrates_no_personal_data(
    flow_db: Session,
) -> None:
    """The guard on connect, with Reflex's real state manager (memory) and app."""
    import reflex as rx

    from app.state.flow_auth import FlowAuthState
    from app.state.flow_me import FlowMeState

    application = _app()
    token = "6d1c8e0e-0c1b-4b55-9a55-3f1d2d7d9a11"
    secret = sessions.open_session(ALICE, flow_db)

    async def scenario() -> tuple[bool, bool, str, list]:
        session_cookie.remember("tab", secret)
        async with application.modify_state(
            rx.BaseStateToken(ident=token, cls=FlowMeState)
        ) as root:
            me = await root.get_state(FlowMeState)
            me.router = _signed_in_state(secret, "tab")[0].router
            me._active()
            me.drafts = [{"item_name": "居民身份证换领"}]
        # the real owner reconnects (a reload): nothing is cleared
        kept = await guard.clear_unless_owner(application, token, secret)
        # the tab closed; someone reconnects with its token and no cookie
        cleared = await guard.clear_unless_owner(application, token, "")
        async with application.modify_state(
            rx.BaseStateToken(ident=token, cls=FlowMeState)
        ) as root:
            auth = await root.get_state(FlowAuthState)
            me = await root.get_state(FlowMeState)
            return kept, cleared, auth.display_name + auth.shown_phone, me.drafts

    kept, cleared, personal, drafts = asyncio.run(scenario())
    assert (kept, cleared) == (False, True)
    assert personal == "" and drafts == []


def test_the_wizards_answers_are_sealed_in_the_stored_state(flow_db: Session) -> None:
    """ApplyState keeps the answers (the locked ID number, the phone) between events: the
    state manager's pickle holds them encrypted only, and loads them back."""
    from app.state.flow import ApplyState

    secret = sessions.open_session(ALICE, flow_db)
    root, _ = _signed_in_state(secret, "sock-apply")
    apply = root.get_substate(ApplyState.get_full_name().split(".")[1:])
    apply._values = {"id_number": ALICE.id_number, "phone": ALICE.phone, "name": "张三"}
    apply.revealed = True
    apply._active()
    assert apply.shown_phone == ALICE.phone  # revealed on the page
    blob = pickle.dumps(apply) + pickle.dumps(apply.parent_state)
    assert ALICE.id_number.encode() not in blob and ALICE.phone.encode() not in blob
    assert "张三".encode() not in blob
    again = pickle.loads(pickle.dumps(apply))
    assert again._values["id_number"] == ALICE.id_number


def test_after_sign_out_the_next_connection_resets_every_flow_state(flow_db: Session) -> None:
    import reflex as rx

    from app.state.flow import ApplyState
    from app.state.flow_me import FlowMeState

    application = _app()
    token = "0b4c7a52-6f0e-4f9a-8f43-5b7c2a9e1d20"
    secret = sessions.open_session(ALICE, flow_db)

    async def scenario() -> tuple[bool, dict]:
        async with application.modify_state(rx.BaseStateToken(ident=token, cls=ApplyState)) as root:
            connection = _signed_in_state(secret, "tab-out")[0].router
            apply = await root.get_state(ApplyState)
            apply.router = connection
            apply._active()
            apply._values = {"id_number": ALICE.id_number, "phone": ALICE.phone}
            me = await root.get_state(FlowMeState)
            await FlowMeState.sign_out.fn(me)
        # /flow/signed-out cleared the cookie; the page connects again without it
        cleared = await guard.clear_unless_owner(application, token, "")
        async with application.modify_state(rx.BaseStateToken(ident=token, cls=ApplyState)) as root:
            return cleared, (await root.get_state(ApplyState))._values

    cleared, values = asyncio.run(scenario())
    assert cleared and values == {}


@functools.cache
def _app():
    """One Reflex app for this process (Reflex allows one per registration context)."""
    import reflex as rx

    from app.security import guard
    from app.state.flow_auth import FlowAuthState, personal_key

    application = rx.App()
    application._enable_state()
    guard.install(FlowAuthState, FlowAuthState.KEEP_ON_RESET, personal_key)  # as app/app.py
    return application
