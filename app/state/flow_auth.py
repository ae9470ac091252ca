"""Sign-in state of the flow: unified identity login, session lifetime, masked personal data.

The session lives in the database (``app.flow.store``); the browser keeps only a random
secret in the ``yw_sid`` cookie, HttpOnly and set by an HTTP route (``/flow/session``), never
in this state: handlers find it through their socket (``app.security.session_cookie``).
The login callback is built from the configured public URL of the request's host
(``app.security.public_url``), never from the request's origin. Every handler of the flow states calls ``_active()`` first:
it re-reads the session, enforces the idle timeout (15 min) and the absolute lifetime (12 h),
and marks the citizen active.
"""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

import reflex as rx

from app.adapters.identity import (
    AuthRequest,
    Identity,
    IdentityError,
    mask_id_number,
    mask_phone,
    settings_from_env,
)
from app.flow import store
from app.security import public_url, sealed, session_cookie
from app.security.redirects import safe_return_path
from app.state.offloop import in_thread, off_loop
from components.i18n import st as t

CALLBACK_PATH = public_url.CALLBACK_PATH
SESSION_COOKIE = session_cookie.SESSION_COOKIE
_PROVIDER = None

__all__ = ["FlowAuthState", "level_name", "provider", "safe_return_path"]


def provider():
    """The configured OIDC provider (one per process; discovery is cached inside)."""
    global _PROVIDER
    settings = settings_from_env()
    if settings is None:
        return None
    if _PROVIDER is None or _PROVIDER.settings != settings:
        from app.adapters.identity.oidc import OIDCProvider

        _PROVIDER = OIDCProvider(settings)
    return _PROVIDER


IDLE_WARNING_ID = "idle-warning"
#: Installed once per page load by an on_load event: every 5 s, show the warning when less
#: than two minutes of the idle timeout are left; at the deadline, reload (the server has
#: ended the session by then and the page says so; answers are in the draft).
IDLE_WATCH_JS = """
window.ywIdleCheck = () => {
  const el = document.getElementById('idle-warning');
  if (!el) return;
  const deadline = Number(el.dataset.deadline || 0);
  if (!deadline) { el.hidden = true; return; }
  const left = deadline - Date.now();
  el.hidden = left > 120000;
  if (left <= 0 && el.dataset.reloaded !== String(deadline)) {
    el.dataset.reloaded = String(deadline);
    window.location.reload();
  }
};
if (!window.ywIdleTimer) window.ywIdleTimer = setInterval(() => window.ywIdleCheck(), 5000);
window.ywIdleCheck();
"""


def level_name(level: int) -> str:
    """The real-name level as citizens know it."""
    return {1: t("一级实名"), 2: t("二级实名"), 3: t("三级实名（实人认证）")}[level]


def _go(url: str) -> rx.event.EventSpec:
    """A full page load (an HTTP route of the backend, not a client-side route)."""
    return rx.call_script(f"window.location.replace({json.dumps(url)})")


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
    session_ended: bool = False

    _pending: dict[str, str] = {}
    #: which session the personal data above belongs to (a one-way key of its secret, never
    #: the secret): a tab reconnecting without that cookie gets it cleared before it hydrates
    _session_key: str = ""

    # -- at rest: this state and the flow states below it are sealed in the state manager ----
    def __getstate__(self):
        return sealed.seal(type(self), super().__getstate__())

    def __setstate__(self, state):
        super().__setstate__(sealed.unseal(state))

    # -- helpers (not events) ------------------------------------------------------------------
    def _secret(self) -> str:
        """The session secret of this tab's browser (its HttpOnly cookie), never in state."""
        return session_cookie.secret_for(self.router.session.session_id)

    def _active(self) -> Identity | None:
        active = store.touch_session(self._secret())
        if active is None:
            if self.signed_in:
                self.session_ended = True
            if self._session_key:  # the next connection resets every flow state of this tab
                self._session_key = "ended"
            self._clear()
            return None
        self.signed_in, self.session_ended = True, False
        self._session_key = session_cookie.state_key(self._secret())
        ident = active.identity
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

    def _callback_url(self) -> str:
        # configured per host; the Host header only picks one of them (never the Origin)
        return public_url.callback_url_for_host(self.router.headers.host)

    # -- events --------------------------------------------------------------------------------
    @rx.event
    async def begin_login(self, return_to: str = "/me"):
        """Send the browser to the identity provider; come back to ``return_to``."""
        return await self._login(return_to)

    async def _login(self, return_to: str):
        idp = provider()
        if idp is None:
            self.login_error = t("统一身份认证暂未配置，请稍后再试或拨打服务热线。")
            return None
        try:
            request = await idp.begin(self._callback_url())
        except IdentityError:
            self.login_error = t("暂时无法连接统一身份认证，请稍后再试。")
            return None
        self.login_error = ""
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
        if params.get("error") or not pending or time.time() - float(pending["at"]) > 600:
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
            identity = await idp.complete(
                request, str(params.get("code", "")), str(params.get("state", ""))
            )
        except (IdentityError, AttributeError):
            self.login_error = t("登录验证失败，请重新登录。")
            return rx.redirect(return_to)
        ticket = await off_loop(store.open_handoff, identity)
        self.login_error = ""
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
        self._show(ident)

    @rx.event
    @in_thread
    def sign_out(self):
        if secret := self._secret():
            store.end_session(secret)
        session_cookie.forget(self.router.session.session_id)
        self._clear()
        # the page loads /flow/signed-out next: that connection, without the cookie, resets
        # every flow state of this tab (answers, drafts, applications) before it hydrates
        self._session_key = "signed-out" if self._session_key else ""
        self.session_ended = False
        return _go("/flow/signed-out?" + urlencode({"next": "/me"}))

    @rx.event
    @in_thread
    def watch_idle(self):
        """On load of flow pages: refresh the session and start the idle-warning watcher."""
        self._active()
        return rx.call_script(IDLE_WATCH_JS)

    @rx.event
    @in_thread
    def refresh_session(self):
        """On load of pages that show the account: is the session still alive?"""
        self._active()
