"""The sign-in handlers against the sandbox provider on a loopback port: the audit log's
lines for login, failed login, reveal, logout, idle expiry and another citizen's record;
outages with a retry; the claim mapping of the request's province; refused logins."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from sqlmodel import Session

from app.domain.identity import Identity
from app.flow import store
from app.flow.store import applications, sessions
from app.flow.tables import FlowSession
from app.security import session_cookie
from app.state import flow_auth
from app.state.flow_auth import FlowAuthState
from app.state.flow_me import ApplicationState
from app.text import pick
from sandboxes.idp import SandboxIdP
from tests.sandbox_server import free_port, serve

PUBLIC = "http://127.0.0.1:3999"
CALLBACKS = (f"{PUBLIC}/auth/callback",)  # registered exactly, as at a real provider


@pytest.fixture
def audit_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "audit.jsonl"
    monkeypatch.setenv("YIWANG_AUDIT_LOG", str(path))
    return path


def lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def idp(monkeypatch: pytest.MonkeyPatch):
    port = free_port()
    sandbox = SandboxIdP(issuer=f"http://127.0.0.1:{port}", redirect_uris=CALLBACKS)
    with serve(sandbox.app(), port) as url:
        monkeypatch.setenv("YIWANG_OIDC_ISSUER", url)
        monkeypatch.setenv("YIWANG_OIDC_CLIENT_ID", "yiwang")
        monkeypatch.setenv("YIWANG_PUBLIC_URL", PUBLIC)
        monkeypatch.setattr(flow_auth, "_PROVIDER", None)
        yield sandbox


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
    account: str = "sbx-person-0001",
    forge: bool = False,
    host: str = "127.0.0.1:3999",
):
    asyncio.run(FlowAuthState.begin_login.fn(state, "/me"))
    query = pick_account(sandbox, state._pending["url"], account)
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


def test_a_provider_without_end_session_gets_a_local_only_notice(
    flow_db: Session, monkeypatch: pytest.MonkeyPatch, audit_log: Path
) -> None:
    port = free_port()
    sandbox = SandboxIdP(
        issuer=f"http://127.0.0.1:{port}", redirect_uris=CALLBACKS, end_session=False
    )
    with serve(sandbox.app(), port) as url:
        monkeypatch.setenv("YIWANG_OIDC_ISSUER", url)
        monkeypatch.setenv("YIWANG_PUBLIC_URL", PUBLIC)
        monkeypatch.setattr(flow_auth, "_PROVIDER", None)
        state = _state()
        sign_in(state, sandbox)
        assert redirect_target(asyncio.run(FlowAuthState.sign_out.fn(state))) == "/me"
    assert "统一身份认证的登录没有结束" in state.signed_out_notice
    assert lines(audit_log)[-1]["detail"] == "local_only"


def test_a_forged_state_is_a_failed_login_with_its_reason(
    flow_db: Session, idp: SandboxIdP, audit_log: Path
) -> None:
    state = _state()
    sign_in(state, idp, forge=True)
    assert (
        not state.signed_in and pick(state.login_error, "zh_Hans") == "登录验证失败，请重新登录。"
    )
    (line,) = lines(audit_log)
    assert (line["event"], line["outcome"], line["reason"]) == (
        "login_failed",
        "failure",
        "state_mismatch",
    )


def test_cancel_at_the_provider_is_logged_with_the_providers_code(
    flow_db: Session, idp: SandboxIdP, audit_log: Path
) -> None:
    state = _state()
    asyncio.run(FlowAuthState.begin_login.fn(state, "/me"))
    set_router(state, "error=access_denied&state=x")
    asyncio.run(FlowAuthState.finish_login.fn(state))
    assert lines(audit_log)[-1]["reason"] == "access_denied"


def test_provider_down_says_unavailable_and_offers_a_retry(
    flow_db: Session, monkeypatch: pytest.MonkeyPatch, audit_log: Path
) -> None:
    monkeypatch.setenv("YIWANG_OIDC_ISSUER", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setattr(flow_auth, "_PROVIDER", None)
    state = _state()
    assert asyncio.run(FlowAuthState.begin_login.fn(state, "/apply/X?start=1")) is None
    assert "暂时不可用" in state.login_error and "重试" in state.login_error
    assert state.login_retry == "/apply/X?start=1"
    assert lines(audit_log)[-1]["reason"] == "provider_unavailable"
    # the provider is back: 重试 sends the browser to it, back to the same page afterwards
    port = int(urlparse(flow_auth.provider().settings.issuer).port or 0)
    sandbox = SandboxIdP(issuer=f"http://127.0.0.1:{port}", redirect_uris=CALLBACKS)
    with serve(sandbox.app(), port):
        spec = asyncio.run(FlowAuthState.retry_login.fn(state))
        assert redirect_target(spec).startswith(f"http://127.0.0.1:{port}/authorize?")
        assert state._pending["return_to"] == "/apply/X?start=1" and state.login_error == ""


def test_idle_expiry_is_audited(flow_db: Session, idp: SandboxIdP, audit_log: Path) -> None:
    state = _state()
    sign_in(state, idp)
    row = flow_db.get(
        FlowSession, sessions._hash(session_cookie.secret_for(state.router.session.session_id))
    )
    row.last_seen_at = store.now() - timedelta(minutes=16)
    flow_db.add(row)
    flow_db.commit()
    asyncio.run(FlowAuthState.watch_idle.fn(state))  # on load of a flow page
    assert not state.signed_in and state.session_ended
    assert lines(audit_log)[-1]["event"] == "idle_expiry"


def test_another_citizens_application_is_an_audited_attempt(
    flow_db: Session, audit_log: Path
) -> None:
    app, _ = applications.submit(
        "bob",
        "b" * 32,
        item_code="X",
        form_key="001018000000",
        item_name="n",
        department="d",
        area_code="370102000000",
        values={},
        promised_days=15,
        session=flow_db,
    )
    state = _state(ApplicationState)
    session_cookie.remember(
        state.router.session.session_id,
        sessions.open_session(Identity("alice", "张三", "37010219850312002X", "1", 3), flow_db),
    )
    ApplicationState._fill(state, "alice", app.number)
    (line,) = lines(audit_log)
    assert (line["event"], line["outcome"], line["detail"]) == (
        "cross_citizen_access",
        "denied",
        "application",
    )
    ApplicationState._fill(state, "bob", app.number)
    assert len(lines(audit_log)) == 1  # the owner's own access is no security event


def test_the_mapping_of_the_requests_province_chooses_scopes_and_claims(
    flow_db: Session, idp: SandboxIdP, audit_log: Path, tmp_path: Path, monkeypatch
) -> None:
    from types import SimpleNamespace

    import app.settings

    folder = tmp_path / "province"
    folder.mkdir()
    (folder / "identity.toml").write_text(
        'scopes = ["openid", "profile", "phone", "idcard", "extra"]\n[claims]\nname = "nickname"\n',
        encoding="utf-8",
    )
    asked: list[str] = []

    def resolver(host: str):
        asked.append(host)
        return SimpleNamespace(folder=folder, code="x")

    monkeypatch.setattr(app.settings, "theme_for_host", resolver)
    state = _state(host="zj.example.cn")
    asyncio.run(FlowAuthState.begin_login.fn(state, "/me"))
    scope = parse_qs(urlparse(state._pending["url"]).query)["scope"]
    assert scope == ["openid profile phone idcard extra"]
    query = pick_account(idp, state._pending["url"], "sbx-person-0001")
    set_router(state, query, "zj.example.cn")
    load_session_route(state, asyncio.run(FlowAuthState.finish_login.fn(state)))
    assert asked[:2] == ["zj.example.cn", "zj.example.cn"]
    # the sandbox has no "nickname" claim: the name is missing, not invented
    assert state.signed_in and state.display_name == ""


def test_provider_down_at_token_time_is_unavailable_not_failed(
    flow_db: Session, monkeypatch: pytest.MonkeyPatch, audit_log: Path
) -> None:
    port = free_port()
    sandbox = SandboxIdP(issuer=f"http://127.0.0.1:{port}", redirect_uris=CALLBACKS)
    monkeypatch.setenv("YIWANG_OIDC_ISSUER", sandbox.issuer)
    monkeypatch.setenv("YIWANG_PUBLIC_URL", PUBLIC)
    monkeypatch.setattr(flow_auth, "_PROVIDER", None)
    state = _state()
    with serve(sandbox.app(), port):
        asyncio.run(FlowAuthState.begin_login.fn(state, "/apply/X?start=1"))
        query = pick_account(sandbox, state._pending["url"], "sbx-person-0001")
    # the provider went down between the login page and the token request
    set_router(state, query)
    assert redirect_target(asyncio.run(FlowAuthState.finish_login.fn(state))) == "/apply/X?start=1"
    assert not state.signed_in
    assert "暂时不可用" in state.login_error and state.login_retry == "/apply/X?start=1"
    assert lines(audit_log)[-1]["reason"] == "provider_unavailable"


def test_the_refusal_says_what_is_missing_and_what_to_do() -> None:
    from app.flow.wizard import missing_claims_message

    text = missing_claims_message(["uscc", "org_name"], 1, 3)
    assert "统一社会信用代码、企业名称" in text and "补全实名信息" in text and "草稿" in text
    assert "没有提供您的实名等级" in missing_claims_message(["level"], 2, 0)
    assert "您的账号是一级实名" in missing_claims_message(["level"], 2, 1)
