"""FlowAuthState's contract with the pages and the flow states, through Reflex's handlers
against the sandbox provider: the vars they show, the redirects they return, the session they
keep. What the account journey decides (audit lines, outages, mappings, refusals) is tested
without Reflex in tests/journeys/test_account.py."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from sqlmodel import Session

from app.flow import store
from app.flow.store import sessions
from app.flow.tables import FlowSession
from app.journeys import account
from app.security import session_cookie
from app.state.flow_auth import FlowAuthState
from app.text import pick
from sandboxes.idp import SandboxIdP
from tests.journeys.conftest import CALLBACKS, PUBLIC, lines
from tests.journeys.conftest import audit_log as audit_log  # a fixture, shared
from tests.journeys.conftest import idp as idp  # the sandbox identity provider fixture
from tests.sandbox_server import free_port, serve


def _state(cls=FlowAuthState, query: str = "", host: str = "127.0.0.1:3999"):
    import reflex as rx

    root = rx.State(_reflex_internal_init=True)
    state = root.get_substate(cls.get_full_name().split(".")[1:])
    set_router(root, query, host)
    return state


def set_router(state, query: str = "", host: str = "127.0.0.1:3999", params: dict | None = None):
    from reflex.istate.data import RouterData

    root = state
    while root.parent_state is not None:
        root = root.parent_state
    root.router = RouterData.from_router_data(
        {
            "query": params or {},
            "pathname": "/auth/callback",
            "asPath": "/auth/callback" + (f"?{query}" if query else ""),
            "headers": {"host": host, "x-request-id": "req-42"},
            "ip": "10.1.2.3",
        }
    )


def redirect_target(spec) -> str:
    """Where the browser goes: a redirect's path, or a full page load's (``_go``); through the
    session routes, where they send the browser on to (``next``)."""
    value = spec.args[0][1]._var_value
    found = re.search(r'window\.location\.replace\("([^"]+)"\)', str(value))
    if not found:
        return value
    url = found.group(1)
    if url.startswith(("/flow/session?", "/flow/signed-out?")):
        return parse_qs(urlparse(url).query)["next"][0]
    return url


def load_session_route(state, spec) -> None:
    """The browser loads /flow/session: the ticket becomes its HttpOnly cookie, and the page
    it goes on to connects with it (app.security.session_cookie)."""
    found = re.search(r'window\.location\.replace\("([^"]+)"\)', str(spec.args[0][1]._var_value))
    if not found or not found.group(1).startswith("/flow/session?"):
        return
    ticket = parse_qs(urlparse(found.group(1)).query)["ticket"][0]
    secret = sessions.redeem_handoff(ticket)
    assert secret is not None
    session_cookie.remember(state.router.session.session_id, secret)
    asyncio.run(FlowAuthState.watch_idle.fn(state))  # the next handler reads the session


def pick_account(sandbox: SandboxIdP, url: str, account: str) -> str:
    params = {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}
    answer = httpx.post(
        f"{sandbox.issuer}/authorize", data=params | {"account": account, "action": "login"}
    )
    return urlparse(answer.headers["location"]).query


def sign_in(
    state,
    sandbox: SandboxIdP,
    account_name: str = "sbx-person-0001",
    forge: bool = False,
    host: str = "127.0.0.1:3999",
):
    asyncio.run(FlowAuthState.begin_login.fn(state, "/me"))
    query = pick_account(sandbox, state._pending["url"], account_name)
    if forge:
        query = query.replace("state=", "state=forged")
    set_router(state, query, host)
    spec = asyncio.run(FlowAuthState.finish_login.fn(state))
    load_session_route(state, spec)
    return spec


def test_login_reveal_logout_are_audited(
    flow_db: Session, idp: SandboxIdP, audit_log: Path
) -> None:
    state = _state()
    assert redirect_target(sign_in(state, idp)) == "/me"
    assert state.signed_in and pick(state.level_name, "zh_Hans") == "三级实名（实人认证）"
    asyncio.run(FlowAuthState.toggle_reveal.fn(state))
    assert state.shown_id_number == "37010219850312002X"
    spec = asyncio.run(FlowAuthState.sign_out.fn(state))
    target = redirect_target(spec)
    assert target.startswith(f"{idp.issuer}/logout?")
    query = parse_qs(urlparse(target).query)
    # back from the provider through the route that clears the HttpOnly cookie, then /me
    assert query["post_logout_redirect_uri"] == [f"{PUBLIC}/flow/signed-out?next=%2Fme"]
    assert not state.signed_in and "也已结束" in state.signed_out_notice
    events = lines(audit_log)
    assert [e["event"] for e in events] == ["login", "reveal", "logout"]
    assert all(e["client"] == "10.1.2.3" and e["request_id"] == "req-42" for e in events)
    assert len({e["subject"] for e in events}) == 1 and events[0]["subject"]
    assert events[2]["detail"] == "provider"
    text = audit_log.read_text()
    for secret in (
        "37010219850312002X",
        "13800135678",
        "sbx-person-0001",
        query["id_token_hint"][0],
    ):
        assert secret not in text


def test_provider_down_keeps_the_retry_and_retry_login_starts_again(
    flow_db: Session, monkeypatch: pytest.MonkeyPatch, audit_log: Path
) -> None:
    monkeypatch.setenv("YIWANG_OIDC_ISSUER", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setattr(account, "_provider", None)
    state = _state()
    assert asyncio.run(FlowAuthState.begin_login.fn(state, "/apply/X?start=1")) is None
    assert "暂时不可用" in state.login_error and state.login_retry == "/apply/X?start=1"
    provider = account.provider()
    assert provider is not None
    port = int(urlparse(provider.settings.issuer).port or 0)
    sandbox = SandboxIdP(issuer=f"http://127.0.0.1:{port}", redirect_uris=CALLBACKS)
    with serve(sandbox.app(), port):
        spec = asyncio.run(FlowAuthState.retry_login.fn(state))
        assert redirect_target(spec).startswith(f"http://127.0.0.1:{port}/authorize?")
        assert state._pending["return_to"] == "/apply/X?start=1" and state.login_error == ""


def test_idle_expiry_ends_the_pages_session(
    flow_db: Session, idp: SandboxIdP, audit_log: Path
) -> None:
    state = _state()
    sign_in(state, idp)
    assert state.idle_deadline_ms > 0 and state._session_key
    row = flow_db.get(
        FlowSession, sessions._hash(session_cookie.secret_for(state.router.session.session_id))
    )
    row.last_seen_at = store.now() - timedelta(minutes=16)
    flow_db.add(row)
    flow_db.commit()
    asyncio.run(FlowAuthState.watch_idle.fn(state))  # on load of a flow page
    assert not state.signed_in and state.session_ended and state.display_name == ""
    assert state._session_key == "ended"  # the next connection resets the tab's flow states
    assert lines(audit_log)[-1]["event"] == "idle_expiry"
