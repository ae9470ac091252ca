"""The account journey without Reflex, against the sandbox provider on a loopback port and a
real database: the audit log's lines for login, failed login, reveal, logout and idle expiry;
outages with a retry; the claim mapping of the request's province; refused logins."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from sqlmodel import Session

from app.context import RequestContext
from app.flow import store
from app.flow.store import sessions
from app.flow.tables import FlowSession
from app.journeys import account
from app.text import pick
from sandboxes.idp import SandboxIdP
from tests.journeys.conftest import CALLBACKS, PUBLIC, context, lines, with_secret
from tests.sandbox_server import free_port, serve


def pick_account(sandbox: SandboxIdP, url: str, account_name: str) -> dict[str, str]:
    """The browser at the provider: the account chosen; the callback's query parameters."""
    params = {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}
    answer = httpx.post(
        f"{sandbox.issuer}/authorize", data=params | {"account": account_name, "action": "login"}
    )
    return {k: v[0] for k, v in parse_qs(urlparse(answer.headers["location"]).query).items()}


def redeem(step: account.Login) -> str:
    """The browser loads /flow/session: its ticket becomes the session secret (the cookie)."""
    assert step.full_load and step.redirect.startswith("/flow/session?")
    ticket = parse_qs(urlparse(step.redirect).query)["ticket"][0]
    secret = sessions.redeem_handoff(ticket)
    assert secret is not None
    return secret


def sign_in(
    ctx: RequestContext, sandbox: SandboxIdP, forge: bool = False, return_to: str = "/me"
) -> tuple[account.Login, RequestContext]:
    start = asyncio.run(account.begin_login(ctx, return_to))
    params = pick_account(sandbox, start.redirect, "sbx-person-0001")
    if forge:
        params["state"] = "forged" + params["state"]
    step = asyncio.run(account.finish_login(ctx, start.pending, params))
    if not step.full_load:
        return step, ctx
    return step, with_secret(ctx, redeem(step))


def test_login_reveal_logout_are_audited(
    flow_db: Session, idp: SandboxIdP, audit_log: Path
) -> None:
    step, ctx = sign_in(context(), idp)
    assert parse_qs(urlparse(step.redirect).query)["next"] == ["/me"]
    found = account.account(ctx)
    assert found is not None and pick(found.level_name, "zh_Hans") == "三级实名（实人认证）"
    assert found.shown_id_number != "37010219850312002X"  # masked until revealed
    revealed = account.reveal(ctx, True)
    assert revealed is not None and revealed.shown_id_number == "37010219850312002X"
    out = asyncio.run(account.sign_out(ctx))
    assert out.redirect.startswith(f"{idp.issuer}/logout?") and not out.full_load
    query = parse_qs(urlparse(out.redirect).query)
    # back from the provider through the route that clears the HttpOnly cookie, then /me
    assert query["post_logout_redirect_uri"] == [f"{PUBLIC}/flow/signed-out?next=%2Fme"]
    assert "也已结束" in out.notice and account.account(ctx) is None
    events = lines(audit_log)
    assert [e["event"] for e in events] == ["login", "reveal", "logout"]
    assert all(e["client"] == "10.1.2.3" and e["request_id"] == "req-42" for e in events)
    assert len({e["subject"] for e in events}) == 1 and events[0]["subject"]
    assert events[2]["detail"] == "provider"
    text = audit_log.read_text()
    for secret in ("37010219850312002X", "13800135678", "sbx-person-0001"):
        assert secret not in text
    assert query["id_token_hint"][0] not in text


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
        monkeypatch.setattr(account, "_provider", None)
        _, ctx = sign_in(context(), sandbox)
        out = asyncio.run(account.sign_out(ctx))
    assert out.full_load and out.redirect == account.signed_out_path()
    assert "统一身份认证的登录没有结束" in out.notice
    assert lines(audit_log)[-1]["detail"] == "local_only"


def test_signing_out_without_a_session_goes_to_the_signed_out_page(flow_db: Session) -> None:
    out = asyncio.run(account.sign_out(context()))
    assert (out.redirect, out.full_load, out.notice) == (account.signed_out_path(), True, "")


def test_a_forged_state_is_a_failed_login_with_its_reason(
    flow_db: Session, idp: SandboxIdP, audit_log: Path
) -> None:
    step, ctx = sign_in(context(), idp, forge=True)
    assert pick(step.error, "zh_Hans") == "登录验证失败，请重新登录。"
    assert step.redirect == "/me" and account.account(ctx) is None
    (line,) = lines(audit_log)
    assert (line["event"], line["outcome"], line["reason"]) == (
        "login_failed",
        "failure",
        "state_mismatch",
    )


def test_cancel_at_the_provider_is_logged_with_the_providers_code(
    flow_db: Session, idp: SandboxIdP, audit_log: Path
) -> None:
    start = asyncio.run(account.begin_login(context(), "/me"))
    params = {"error": "access_denied", "state": "x"}
    step = asyncio.run(account.finish_login(context(), start.pending, params))
    assert step.redirect == "/me" and "没有完成" in step.error
    assert lines(audit_log)[-1]["reason"] == "access_denied"
    asyncio.run(account.finish_login(context(), start.pending, {"error": "x<script>"}))
    assert lines(audit_log)[-1]["reason"] == "provider_error"  # unknown codes are not logged


def test_a_callback_without_a_login_begun_or_too_late_is_refused(
    flow_db: Session, idp: SandboxIdP, audit_log: Path
) -> None:
    step = asyncio.run(account.finish_login(context(), {}, {"code": "c", "state": "s"}))
    assert step.redirect == "/me" and step.error and not step.full_load
    start = asyncio.run(account.begin_login(context(), "/apply/X"))
    old = {**start.pending, "at": str(float(start.pending["at"]) - 601)}
    step = asyncio.run(account.finish_login(context(), old, {"code": "c", "state": "s"}))
    assert step.redirect == "/apply/X" and not step.full_load
    assert [e["reason"] for e in lines(audit_log)] == ["no_pending_login", "login_timeout"]


def test_provider_down_says_unavailable_and_offers_a_retry(
    flow_db: Session, monkeypatch: pytest.MonkeyPatch, audit_log: Path
) -> None:
    monkeypatch.setenv("YIWANG_OIDC_ISSUER", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setattr(account, "_provider", None)
    step = asyncio.run(account.begin_login(context(), "/apply/X?start=1"))
    assert step.redirect == "" and not step.pending
    assert "暂时不可用" in step.error and "重试" in step.error
    assert step.retry == "/apply/X?start=1"
    assert lines(audit_log)[-1]["reason"] == "provider_unavailable"
    # the provider is back: the retry sends the browser to it, back to the same page afterwards
    provider = account.provider()
    assert provider is not None
    port = int(urlparse(provider.settings.issuer).port or 0)
    sandbox = SandboxIdP(issuer=f"http://127.0.0.1:{port}", redirect_uris=CALLBACKS)
    with serve(sandbox.app(), port):
        again = asyncio.run(account.begin_login(context(), step.retry))
    assert again.redirect.startswith(f"http://127.0.0.1:{port}/authorize?")
    assert again.pending["return_to"] == "/apply/X?start=1" and again.error == ""


def test_no_provider_configured_says_so(
    flow_db: Session, monkeypatch: pytest.MonkeyPatch, audit_log: Path
) -> None:
    monkeypatch.delenv("YIWANG_OIDC_ISSUER", raising=False)
    step = asyncio.run(account.begin_login(context(), "/me"))
    assert "暂未配置" in step.error and step.retry == "" and step.redirect == ""
    assert lines(audit_log)[-1]["reason"] == "not_configured"


def test_a_return_path_elsewhere_is_not_followed(flow_db: Session, idp: SandboxIdP) -> None:
    start = asyncio.run(account.begin_login(context(), "https://evil.example/"))
    assert start.pending["return_to"].startswith("/")


def test_idle_expiry_is_audited(flow_db: Session, idp: SandboxIdP, audit_log: Path) -> None:
    _, ctx = sign_in(context(), idp)
    found = account.account(ctx)
    assert found is not None and found.idle_deadline_ms > 0 and found.session_key
    row = flow_db.get(FlowSession, sessions._hash(ctx.session_secret))
    assert row is not None
    row.last_seen_at = store.now() - timedelta(minutes=16)
    flow_db.add(row)
    flow_db.commit()
    assert account.account(ctx, was=found.identity.sub) is None  # on load of a flow page
    assert lines(audit_log)[-1]["event"] == "idle_expiry"
    assert account.account(ctx) is None  # a page that showed no one signed in: no line
    assert len([e for e in lines(audit_log) if e["event"] == "idle_expiry"]) == 1


def test_the_mapping_of_the_requests_province_chooses_scopes_and_claims(
    flow_db: Session, idp: SandboxIdP, audit_log: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "province"
    folder.mkdir()
    (folder / "identity.toml").write_text(
        'scopes = ["openid", "profile", "phone", "idcard", "extra"]\n[claims]\nname = "nickname"\n',
        encoding="utf-8",
    )
    base = context("zj.example.cn")
    ctx = dataclasses.replace(base, province=dataclasses.replace(base.province, folder=folder))
    start = asyncio.run(account.begin_login(ctx, "/me"))
    assert parse_qs(urlparse(start.redirect).query)["scope"] == [
        "openid profile phone idcard extra"
    ]
    params = pick_account(idp, start.redirect, "sbx-person-0001")
    step = asyncio.run(account.finish_login(ctx, start.pending, params))
    found = account.account(with_secret(ctx, redeem(step)))
    # the sandbox has no "nickname" claim: the name is missing, not invented
    assert found is not None and found.display_name == ""


def test_a_broken_identity_toml_is_not_configured(
    flow_db: Session, idp: SandboxIdP, audit_log: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "province"
    folder.mkdir()
    (folder / "identity.toml").write_text("scopes = 3\n", encoding="utf-8")
    base = context()
    ctx = dataclasses.replace(base, province=dataclasses.replace(base.province, folder=folder))
    step = asyncio.run(account.begin_login(ctx, "/me"))
    assert "暂未配置" in step.error and step.redirect == ""
    assert lines(audit_log)[-1]["reason"] == "bad_mapping"


def test_provider_down_at_token_time_is_unavailable_not_failed(
    flow_db: Session, monkeypatch: pytest.MonkeyPatch, audit_log: Path
) -> None:
    port = free_port()
    sandbox = SandboxIdP(issuer=f"http://127.0.0.1:{port}", redirect_uris=CALLBACKS)
    monkeypatch.setenv("YIWANG_OIDC_ISSUER", sandbox.issuer)
    monkeypatch.setenv("YIWANG_PUBLIC_URL", PUBLIC)
    monkeypatch.setattr(account, "_provider", None)
    with serve(sandbox.app(), port):
        start = asyncio.run(account.begin_login(context(), "/apply/X?start=1"))
        params = pick_account(sandbox, start.redirect, "sbx-person-0001")
    # the provider went down between the login page and the token request
    step = asyncio.run(account.finish_login(context(), start.pending, params))
    assert step.redirect == "/apply/X?start=1" and not step.full_load
    assert "暂时不可用" in step.error and step.retry == "/apply/X?start=1"
    assert lines(audit_log)[-1]["reason"] == "provider_unavailable"


def test_the_refusal_says_what_is_missing_and_what_to_do() -> None:
    from app.flow.wizard import missing_claims_message

    text = missing_claims_message(["uscc", "org_name"], 1, 3)
    assert "统一社会信用代码、企业名称" in text and "补全实名信息" in text and "草稿" in text
    assert "没有提供您的实名等级" in missing_claims_message(["level"], 2, 0)
    assert "您的账号是一级实名" in missing_claims_message(["level"], 2, 1)
