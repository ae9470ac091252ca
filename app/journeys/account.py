"""The citizen's account: sign-in through the unified identity provider, the session's view,
reveal of the masked personal data, idle expiry and sign-out.

The session lives in the database (``app.flow.store.sessions``); the browser keeps only a
random secret in the HttpOnly ``yw_sid`` cookie, set by an HTTP route (``/flow/session``) that
redeems the one-time ticket :func:`finish_login` hands out. The login callback and the
post-logout address come from the configured public URL of the request's host
(``app.security.public_url``), never from the request's origin; the claims are read through the
claim mapping of the request's province (``<province folder>/identity.toml``).

Logins, failed logins (with the reason code), logouts, idle expiry and reveals are written to
the audit log. An unreachable provider says so and offers a retry.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from app.adapters.identity import (
    AuthRequest,
    Identity,
    IdentityError,
    IdentityUnavailable,
    mask_id_number,
    mask_phone,
    settings_from_env,
)
from app.adapters.identity.mapping import mapping_for
from app.adapters.identity.oidc import OIDCProvider
from app.context import RequestContext
from app.flow.store import sessions
from app.flow.wizard import level_name
from app.journeys.blocking import Blocking, inline
from app.journeys.session import record
from app.security import public_url, session_cookie
from app.security.redirects import safe_return_path
from app.text import st as t

log = logging.getLogger(__name__)

POST_LOGOUT_PATH = "/me"
#: a login not finished within this many seconds is refused at the callback
LOGIN_TIMEOUT_S = 600
#: the provider's ``error`` codes (RFC 6749 4.1.2.1, OIDC Core 3.1.2.6) kept in the audit log
CALLBACK_ERRORS = frozenset(
    {
        "access_denied",
        "invalid_request",
        "unauthorized_client",
        "unsupported_response_type",
        "invalid_scope",
        "server_error",
        "temporarily_unavailable",
        "login_required",
        "consent_required",
        "interaction_required",
        "account_selection_required",
    }
)

_provider: OIDCProvider | None = None


def provider() -> OIDCProvider | None:
    """The configured OIDC provider (one per process; discovery is cached inside)."""
    global _provider
    try:
        settings = settings_from_env()
    except ValueError as exc:
        log.error("identity provider not configured: %s", exc)
        return None
    if settings is None:
        return None
    if _provider is None or _provider.settings != settings:
        _provider = OIDCProvider(settings)
    return _provider


# -- the session ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Account:
    """The signed-in citizen as the pages show them (personal data masked unless revealed)."""

    identity: Identity = field(repr=False)
    display_name: str
    org_name: str
    is_business: bool
    level_name: str
    shown_id_number: str
    shown_phone: str
    #: when the session ends without activity (ms since the epoch), for the warning script
    idle_deadline_ms: int
    #: which session this view belongs to: a one-way key of its secret, never the secret
    session_key: str


def shown(ident: Identity, revealed: bool) -> tuple[str, str]:
    """(ID number, phone) as shown: in full after 显示 (reveal), masked otherwise."""
    if revealed:
        return ident.id_number, ident.phone
    return mask_id_number(ident.id_number), mask_phone(ident.phone)


def account(ctx: RequestContext, revealed: bool = False, was: str = "") -> Account | None:
    """The session of this request, marked active (the idle timeout, 15 min, and the absolute
    lifetime, 12 h, enforced); ``None`` when signed out or ended. ``was``: the subject the page
    last showed as signed in: its session's end is audited as idle expiry."""
    active = sessions.touch_session(ctx.session_secret)
    if active is None:
        if was:
            record(ctx, "idle_expiry", "success", was)
        return None
    ident = active.identity
    id_number, phone = shown(ident, revealed)
    return Account(
        identity=ident,
        display_name=ident.name,
        org_name=ident.org_name,
        is_business=ident.kind == "business",
        level_name=level_name(ident.level),
        shown_id_number=id_number,
        shown_phone=phone,
        idle_deadline_ms=int(active.idle_deadline.timestamp() * 1000),
        session_key=session_cookie.state_key(ctx.session_secret),
    )


def reveal(ctx: RequestContext, revealed: bool, was: str = "") -> Account | None:
    """显示/隐藏: the account with the personal data in full (``revealed``) or masked; showing
    it is audited."""
    found = account(ctx, revealed, was)
    if found is not None and revealed:
        record(ctx, "reveal", "success", found.identity.sub, detail="id_number,phone")
    return found


# -- sign-in -------------------------------------------------------------------------------


def callback_url(ctx: RequestContext) -> str:
    """The login callback: configured per host; the host only picks one (never the Origin)."""
    return public_url.callback_url_for_host(ctx.host)


@dataclass(frozen=True, slots=True)
class Login:
    """What a login step leads to: a redirect (to the provider, or back to the page the login
    began on) or an error with, after an outage, where 重试 (retry) starts again."""

    redirect: str = ""
    #: a full page load of an HTTP route of the backend, not a client-side route
    full_load: bool = False
    error: str = ""
    retry: str = ""
    #: the login in progress, kept server-side (sealed) until the callback
    pending: dict[str, str] = field(default_factory=dict[str, str])


def _not_configured() -> str:
    return t("统一身份认证暂未配置，请稍后再试或拨打服务热线。")


def _unavailable() -> str:
    return t("统一身份认证暂时不可用，请稍后点击“重试”。已填写的内容不会丢失。")


async def begin_login(ctx: RequestContext, return_to: str = "/me") -> Login:
    """Start a login at the provider; come back to ``return_to`` (a safe local path)."""
    idp = provider()
    if idp is None:
        record(ctx, "login_failed", "failure", reason="not_configured")
        return Login(error=_not_configured())
    try:
        mapping = mapping_for(ctx.province.folder)
    except ValueError as exc:  # the province's identity.toml is wrong: the operator's job
        log.error("claim mapping: %s", exc)
        record(ctx, "login_failed", "failure", reason="bad_mapping")
        return Login(error=_not_configured())
    try:
        request = await idp.begin(callback_url(ctx), mapping.scope, mapping.acr_values)
    except IdentityUnavailable as exc:
        log.warning("identity provider unavailable at login start: %s", exc)
        record(ctx, "login_failed", "failure", reason=exc.reason)
        return Login(error=_unavailable(), retry=safe_return_path(return_to))
    except IdentityError as exc:
        log.error("identity provider misconfigured: %s", exc)
        record(ctx, "login_failed", "failure", reason=exc.reason)
        return Login(error=_not_configured())
    pending = {
        "url": request.url,
        "state": request.state,
        "nonce": request.nonce,
        "code_verifier": request.code_verifier,
        "redirect_uri": request.redirect_uri,
        "return_to": safe_return_path(return_to),
        "at": str(time.time()),
    }
    return Login(redirect=request.url, pending=pending)


async def finish_login(
    ctx: RequestContext,
    pending: dict[str, str],
    params: dict[str, str],
    blocking: Blocking = inline,
) -> Login:
    """``/auth/callback``: check the login begun (``pending``), exchange the code, and hand a
    one-time ticket to ``/flow/session`` (which sets the cookie and goes on to the page the
    login began on)."""
    return_to = pending.get("return_to", "/me")
    error = params.get("error", "")
    if error or not pending or time.time() - float(pending["at"]) > LOGIN_TIMEOUT_S:
        reason = "no_pending_login" if not pending else "login_timeout"
        if error:
            reason = error if error in CALLBACK_ERRORS else "provider_error"
        record(ctx, "login_failed", "failure", reason=reason)
        if error in ("temporarily_unavailable", "server_error"):
            return Login(redirect=return_to, error=_unavailable(), retry=return_to)
        return Login(redirect=return_to, error=t("登录没有完成。您可以重新开始办理并登录。"))
    request = AuthRequest(
        pending["url"],
        pending["state"],
        pending["nonce"],
        pending["code_verifier"],
        pending["redirect_uri"],
    )
    idp = provider()
    try:
        if idp is None:
            raise IdentityError("no identity provider configured", "not_configured")
        mapping = mapping_for(ctx.province.folder)
        identity = await idp.complete(
            request, params.get("code", ""), params.get("state", ""), mapping
        )
    except IdentityUnavailable as exc:
        log.warning("identity provider unavailable at login end: %s", exc)
        record(ctx, "login_failed", "failure", reason=exc.reason)
        return Login(redirect=return_to, error=_unavailable(), retry=return_to)
    except (IdentityError, ValueError) as exc:
        log.warning("login refused: %s", exc)
        reason = exc.reason if isinstance(exc, IdentityError) else "bad_mapping"
        record(ctx, "login_failed", "failure", reason=reason)
        return Login(redirect=return_to, error=t("登录验证失败，请重新登录。"))
    ticket = await blocking(sessions.open_handoff, identity)
    lacks = identity.missing("个人", 1) if identity.kind == "person" else []
    record(ctx, "login", "success", identity.sub, detail=",".join(lacks))
    url = "/flow/session?" + urlencode({"ticket": ticket, "next": return_to})
    return Login(redirect=url, full_load=True)


# -- sign-out ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SignOut:
    """Where the browser goes after 退出登录, and what the page then says was ended."""

    redirect: str
    full_load: bool
    notice: str = ""


def signed_out_path() -> str:
    return "/flow/signed-out?" + urlencode({"next": POST_LOGOUT_PATH})


async def sign_out(
    ctx: RequestContext, socket: str = "", was: str = "", blocking: Blocking = inline
) -> SignOut:
    """退出登录: end this site's session (and forget the socket's cookie), then the provider's
    (RP-initiated logout) when it offers that; otherwise say that only this site was signed out
    of. The page loads ``/flow/signed-out`` next (directly, or back from the provider): that
    route clears the HttpOnly cookie. ``was``: as for :func:`account`."""
    active = await blocking(account, ctx, False, was)
    if ctx.session_secret:
        await blocking(sessions.end_session, ctx.session_secret)
    if socket:
        session_cookie.forget(socket)
    if active is None:
        return SignOut(signed_out_path(), full_load=True)
    ident = active.identity
    idp = provider()
    url, reason = None, ""
    if idp is not None:
        back = public_url.public_url_for_host(ctx.host) + signed_out_path()
        try:
            url = await idp.logout_url(ident.id_token, back)
        except IdentityError as exc:
            log.warning("RP-initiated logout unavailable: %s", exc)
            reason = exc.reason
    if url:
        record(ctx, "logout", "success", ident.sub, detail="provider")
        return SignOut(url, False, t("您已退出登录，统一身份认证的登录也已结束。"))
    record(ctx, "logout", "success", ident.sub, reason=reason, detail="local_only")
    return SignOut(
        signed_out_path(),
        True,
        t(
            "您已退出本网站。统一身份认证的登录没有结束：在公用或他人的手机上，请关闭浏览器或到统一身份认证退出，以免下一位使用者直接以您的身份登录。"
        ),
    )
