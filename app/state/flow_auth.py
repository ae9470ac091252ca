"""Sign-in state of the flow: unified identity login, session lifetime, masked personal data.

The session lives in the database (``app.flow.store.sessions``); the browser keeps only a random
secret in the ``yw_sid`` cookie, HttpOnly and set by an HTTP route (``/flow/session``), never
in this state: handlers find it through their socket (``app.security.session_cookie``).
The login callback is built from the configured public URL of the request's host
(``app.security.public_url``), never from the request's origin. Every handler of the flow states calls ``_active()`` first:
it re-reads the session, enforces the idle timeout (15 min) and the absolute lifetime (12 h),
and marks the citizen active.

Claims are read through the claim mapping of the province the request's host resolves to
(``<province folder>/identity.toml``, ``app.adapters.identity.mapping``). Logins, failed
logins (with the reason code), logouts, idle expiry and reveals are written to the audit
log (``app.audit``). An unreachable provider says so and offers a retry; it never leaves the
citizen on a browser error page.
"""

from __future__ import annotations

import json
import logging
import time
from typing import ClassVar
from urllib.parse import urlencode

import reflex as rx

from app import audit
from app.adapters.identity import (
    AuthRequest,
    Identity,
    IdentityError,
    IdentityUnavailable,
    mask_id_number,
    mask_phone,
    settings_from_env,
)
from app.adapters.identity.mapping import ClaimMapping, mapping_for
from app.domain.rules import IDLE_WARNING_BEFORE
from app.flow.store import sessions
from app.flow.wizard import level_name
from app.offloop import in_thread, off_loop
from app.security import public_url, sealed, session_cookie
from app.security.redirects import safe_return_path
from app.text import st as t

CALLBACK_PATH = public_url.CALLBACK_PATH
POST_LOGOUT_PATH = "/me"
SESSION_COOKIE = session_cookie.SESSION_COOKIE
_PROVIDER = None
log = logging.getLogger(__name__)
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


def provider():
    """The configured OIDC provider (one per process; discovery is cached inside)."""
    global _PROVIDER
    try:
        settings = settings_from_env()
    except ValueError as exc:
        log.error("identity provider not configured: %s", exc)
        return None
    if settings is None:
        return None
    if _PROVIDER is None or _PROVIDER.settings != settings:
        from app.adapters.identity.oidc import OIDCProvider

        _PROVIDER = OIDCProvider(settings)
    return _PROVIDER


__all__ = ["FlowAuthState", "level_name", "provider", "safe_return_path"]


def _go(url: str) -> rx.event.EventSpec:
    """A full page load (an HTTP route of the backend, not a client-side route)."""
    return rx.call_script(f"window.location.replace({json.dumps(url)})")


IDLE_WARNING_ID = "idle-warning"
#: Installed once per page load by an on_load event: every 5 s, show the warning when less
#: than two minutes of the idle timeout are left; at the deadline, reload (the server has
#: ended the session by then and the page says so; answers are in the draft).
IDLE_WATCH_JS = (
    """
window.ywIdleCheck = () => {
  const el = document.getElementById('idle-warning');
  if (!el) return;
  const deadline = Number(el.dataset.deadline || 0);
  if (!deadline) { el.hidden = true; return; }
  const left = deadline - Date.now();
  el.hidden = left > WARN_MS;
  if (left <= 0 && el.dataset.reloaded !== String(deadline)) {
    el.dataset.reloaded = String(deadline);
    window.location.reload();
  }
};
if (!window.ywIdleTimer) window.ywIdleTimer = setInterval(() => window.ywIdleCheck(), 5000);
window.ywIdleCheck();
"""
).replace("WARN_MS", str(int(IDLE_WARNING_BEFORE.total_seconds() * 1000)))


class FlowAuthState(rx.State):
    signed_in: bool = False
    display_name: str = ""
    org_name: str = ""
    is_business: bool = False
    level_name: str = ""
    shown_id_number: str = ""
    shown_phone: str = ""
    revealed: bool = False
    #: when the session ends without activity (ms since the epoch), for the warning script
    idle_deadline_ms: int = 0
    login_error: str = ""
    #: where 重试 (retry) starts the login again after an outage ("" = no retry offered)
    login_retry: str = ""
    session_ended: bool = False
    #: after 退出登录: what was ended (the provider's session too, or only this site's)
    signed_out_notice: str = ""

    _pending: dict[str, str] = {}
    _signed_in_sub: str = ""
    #: which session the personal data above belongs to (a one-way key of its secret, never
    #: the secret): a tab reconnecting without that cookie gets it cleared before it hydrates
    _session_key: str = ""
    #: what the reset of a signed-out tab keeps: the page says what was signed out of
    _keep_on_reset: ClassVar[tuple[str, ...]] = ("signed_out_notice",)

    # -- at rest: this state and the flow states below it are sealed in the state manager ----
    def __getstate__(self):
        return sealed.seal(type(self), super().__getstate__())

    def __setstate__(self, state):
        super().__setstate__(sealed.unseal(state))

    # -- helpers (not events) ------------------------------------------------------------------
    def _audit(self, event, outcome, sub: str = "", reason: str = "", detail: str = "") -> None:
        client, request_id = audit.request_context(self.router)
        audit.record(
            event,
            outcome,
            sub=sub,
            client=client,
            request_id=request_id,
            reason=reason,
            detail=detail,
        )

    def _mapping(self) -> ClaimMapping:
        """The claim mapping of the province this request's host resolves to."""
        from app.settings import theme_for_host

        return mapping_for(theme_for_host(self.router.headers.host).folder)

    def _secret(self) -> str:
        """The session secret of this tab's browser (its HttpOnly cookie), never in state."""
        return session_cookie.secret_for(self.router.session.session_id)

    def _active(self) -> Identity | None:
        active = sessions.touch_session(self._secret())
        if active is None:
            if self.signed_in:
                self.session_ended = True
                self._audit("idle_expiry", "success", self._signed_in_sub)
            if self._session_key:  # the next connection resets every flow state of this tab
                self._session_key = "ended"
            self._clear()
            return None
        self.signed_in, self.session_ended = True, False
        self._session_key = session_cookie.state_key(self._secret())
        ident = active.identity
        self._signed_in_sub = ident.sub
        self.display_name, self.org_name = ident.name, ident.org_name
        self.is_business = ident.kind == "business"
        self.level_name = level_name(ident.level)
        self.idle_deadline_ms = int(active.idle_deadline.timestamp() * 1000)
        self._show(ident)
        return ident

    def _show(self, ident: Identity) -> None:
        self.shown_id_number = ident.id_number if self.revealed else mask_id_number(ident.id_number)
        self.shown_phone = ident.phone if self.revealed else mask_phone(ident.phone)

    def _clear(self) -> None:
        self.signed_in = False
        self.display_name = self.org_name = self.level_name = ""
        self.shown_id_number = self.shown_phone = ""
        self.is_business = self.revealed = False
        self.idle_deadline_ms = 0
        self._signed_in_sub = ""

    def _callback_url(self) -> str:
        # configured per host; the Host header only picks one of them (never the Origin)
        return public_url.callback_url_for_host(self.router.headers.host)

    # -- events --------------------------------------------------------------------------------
    @rx.event
    async def begin_login(self, return_to: str = "/me"):
        """Send the browser to the identity provider; come back to ``return_to``."""
        return await self._login(return_to)

    @rx.event
    async def retry_login(self):
        """重试: start the login that the outage interrupted again."""
        return await self._login(self.login_retry or "/me")

    def _unavailable(self, return_to: str) -> None:
        self.login_error = t("统一身份认证暂时不可用，请稍后点击“重试”。已填写的内容不会丢失。")
        self.login_retry = safe_return_path(return_to)

    async def _login(self, return_to: str):
        idp = provider()
        self.signed_out_notice = ""
        if idp is None:
            self.login_error = t("统一身份认证暂未配置，请稍后再试或拨打服务热线。")
            self.login_retry = ""
            self._audit("login_failed", "failure", reason="not_configured")
            return None
        try:
            mapping = self._mapping()
        except ValueError as exc:  # the province's identity.toml is wrong: the operator's job
            log.error("claim mapping: %s", exc)
            self.login_error = t("统一身份认证暂未配置，请稍后再试或拨打服务热线。")
            self.login_retry = ""
            self._audit("login_failed", "failure", reason="bad_mapping")
            return None
        try:
            request = await idp.begin(self._callback_url(), mapping.scope, mapping.acr_values)
        except IdentityUnavailable as exc:
            log.warning("identity provider unavailable at login start: %s", exc)
            self._unavailable(return_to)
            self._audit("login_failed", "failure", reason=exc.reason)
            return None
        except IdentityError as exc:
            log.error("identity provider misconfigured: %s", exc)
            self.login_error = t("统一身份认证暂未配置，请稍后再试或拨打服务热线。")
            self.login_retry = ""
            self._audit("login_failed", "failure", reason=exc.reason)
            return None
        self.login_error, self.login_retry = "", ""
        self._pending = {
            "url": request.url,
            "state": request.state,
            "nonce": request.nonce,
            "code_verifier": request.code_verifier,
            "redirect_uri": request.redirect_uri,
            "return_to": safe_return_path(return_to),
            "at": str(time.time()),
        }
        return rx.redirect(request.url)

    @rx.event
    async def finish_login(self):
        """``/auth/callback``: exchange the code, open a session, go back where the login began."""
        params = self.router.url.query_parameters
        pending, self._pending = dict(self._pending), {}
        return_to = pending.get("return_to", "/me")
        self.login_retry = ""
        error = str(params.get("error", ""))
        if error or not pending or time.time() - float(pending["at"]) > 600:
            reason = "no_pending_login" if not pending else "login_timeout"
            if error:
                reason = error if error in CALLBACK_ERRORS else "provider_error"
            self._audit("login_failed", "failure", reason=reason)
            if error == "temporarily_unavailable" or error == "server_error":
                self._unavailable(return_to)
            else:
                self.login_error = t("登录没有完成。您可以重新开始办理并登录。")
            return rx.redirect(return_to)
        idp = provider()
        request = AuthRequest(
            pending["url"],
            pending["state"],
            pending["nonce"],
            pending["code_verifier"],
            pending["redirect_uri"],
        )
        try:
            if idp is None:
                raise IdentityError("no identity provider configured", "not_configured")
            identity = await idp.complete(
                request,
                str(params.get("code", "")),
                str(params.get("state", "")),
                self._mapping(),
            )
        except IdentityUnavailable as exc:
            log.warning("identity provider unavailable at login end: %s", exc)
            self._audit("login_failed", "failure", reason=exc.reason)
            self._unavailable(return_to)
            return rx.redirect(return_to)
        except (IdentityError, ValueError) as exc:
            log.warning("login refused: %s", exc)
            reason = exc.reason if isinstance(exc, IdentityError) else "bad_mapping"
            self._audit("login_failed", "failure", reason=reason)
            self.login_error = t("登录验证失败，请重新登录。")
            return rx.redirect(return_to)
        ticket = await off_loop(sessions.open_handoff, identity)
        self.login_error = ""
        lacks = identity.missing("个人", 1) if identity.kind == "person" else []
        self._audit("login", "success", identity.sub, detail=",".join(lacks))
        # the HTTP route sets the HttpOnly cookie and goes on to return_to
        return _go("/flow/session?" + urlencode({"ticket": ticket, "next": return_to}))

    @rx.event
    @in_thread
    def extend_session(self):
        """继续办理: the warning's button; any handler call also counts as activity."""
        self._active()
        return rx.call_script("window.ywIdleCheck && window.ywIdleCheck()")

    @rx.event
    @in_thread
    def toggle_reveal(self):
        ident = self._active()
        if ident is None:
            return
        self.revealed = not self.revealed
        if self.revealed:
            self._audit("reveal", "success", ident.sub, detail="id_number,phone")
        self._show(ident)

    @rx.event
    async def sign_out(self):
        """退出登录: end this site's session, then the provider's (RP-initiated logout) when
        it offers that; otherwise say that only this site was signed out of."""
        ident = await off_loop(self._active)
        if secret := self._secret():
            await off_loop(sessions.end_session, secret)
        session_cookie.forget(self.router.session.session_id)
        self._clear()
        # the page loads /flow/signed-out next (directly, or back from the provider): that
        # connection, without the cookie, resets every flow state of this tab before it hydrates
        self._session_key = "signed-out" if self._session_key else ""
        self.session_ended = False
        self.login_error, self.login_retry = "", ""
        signed_out = "/flow/signed-out?" + urlencode({"next": POST_LOGOUT_PATH})
        if ident is None:
            return _go(signed_out)
        idp = provider()
        url = None
        reason = ""
        if idp is not None:
            try:
                url = await idp.logout_url(ident.id_token, self._post_logout_url())
            except IdentityError as exc:
                log.warning("RP-initiated logout unavailable: %s", exc)
                reason = exc.reason
        if url:
            self._audit("logout", "success", ident.sub, detail="provider")
            self.signed_out_notice = t("您已退出登录，统一身份认证的登录也已结束。")
            return rx.redirect(url)
        self._audit("logout", "success", ident.sub, reason=reason, detail="local_only")
        self.signed_out_notice = t(
            "您已退出本网站。统一身份认证的登录没有结束：在公用或他人的手机上，请关闭浏览器或到统一身份认证退出，以免下一位使用者直接以您的身份登录。"
        )
        return _go(signed_out)

    def _post_logout_url(self) -> str:
        # configured per host (never the Origin); the route clears the cookie, then /me
        base = public_url.public_url_for_host(self.router.headers.host)
        return base + "/flow/signed-out?" + urlencode({"next": POST_LOGOUT_PATH})

    @rx.event
    @in_thread
    def watch_idle(self):
        """On load of flow pages: refresh the session and start the idle-warning watcher."""
        self._active()
        return rx.call_script(IDLE_WATCH_JS)
