"""Sign-in state of the flow: adapts the account's events (``app/journeys/account.py``) and
holds what the pages show of the session.

The session lives in the database; the browser keeps only a random secret in the HttpOnly
``yw_sid`` cookie, which handlers find through their socket (``app.state.context``). Every
handler of the flow states calls ``_active()`` first: it re-reads the session (idle timeout
15 min, absolute lifetime 12 h) and marks the citizen active. This state and the flow states
below it are sealed at rest in the state manager (``app.security.sealed``).
"""

from __future__ import annotations

import json
from typing import ClassVar

import reflex as rx

from app.domain.identity import Identity
from app.domain.rules import IDLE_WARNING_BEFORE
from app.journeys import account
from app.journeys.session import record
from app.offloop import in_thread, off_loop
from app.security import sealed
from app.state.context import context_of

__all__ = ["IDLE_WARNING_ID", "IDLE_WATCH_JS", "FlowAuthState"]


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
    #: (``app.security.guard``, installed by ``app/app.py`` with this state)
    _session_key: str = ""
    #: what the reset of a signed-out tab keeps: the page says what was signed out of
    KEEP_ON_RESET: ClassVar[tuple[str, ...]] = ("signed_out_notice",)

    def __getstate__(self):
        return sealed.seal(type(self), super().__getstate__())

    def __setstate__(self, state):
        super().__setstate__(sealed.unseal(state))

    # -- helpers for this state and the flow states below it (not events) ----------------------
    def _audit(self, event, outcome, sub: str = "", reason: str = "", detail: str = "") -> None:
        record(context_of(self), event, outcome, sub=sub, reason=reason, detail=detail)

    def _was(self) -> str:
        """Who the page shows signed in ("" when no one): their session's end is audited."""
        return self._signed_in_sub if self.signed_in else ""

    def _active(self) -> Identity | None:
        """The signed-in citizen (session re-read and marked active), or ``None``: blocking."""
        return self._copy(account.account(context_of(self), self.revealed, self._was()))

    def _copy(self, found: account.Account | None) -> Identity | None:
        if found is None:
            if self.signed_in:
                self.session_ended = True
            if self._session_key:  # the next connection resets every flow state of this tab
                self._session_key = "ended"
            self._clear()
            return None
        ident = found.identity
        self.signed_in, self.session_ended = True, False
        self._session_key, self._signed_in_sub = found.session_key, ident.sub
        self.display_name, self.org_name = found.display_name, found.org_name
        self.is_business, self.level_name = found.is_business, found.level_name
        self.shown_id_number, self.shown_phone = found.shown_id_number, found.shown_phone
        self.idle_deadline_ms = found.idle_deadline_ms
        return ident

    def _show(self, ident: Identity) -> None:
        self.shown_id_number, self.shown_phone = account.shown(ident, self.revealed)

    def _clear(self) -> None:
        self.signed_in = False
        self.display_name = self.org_name = self.level_name = ""
        self.shown_id_number = self.shown_phone = ""
        self.is_business = self.revealed = False
        self.idle_deadline_ms = 0
        self._signed_in_sub = ""

    async def _login(self, return_to: str):
        """Start a login at the provider; the redirect there (``None`` when it cannot)."""
        self.signed_out_notice = ""
        step = await account.begin_login(context_of(self), return_to)
        self.login_error, self.login_retry = step.error, step.retry
        if not step.redirect:
            return None
        self._pending = dict(step.pending)
        return rx.redirect(step.redirect)

    # -- events --------------------------------------------------------------------------------
    @rx.event
    async def begin_login(self, return_to: str = "/me"):
        """Send the browser to the identity provider; come back to ``return_to``."""
        return await self._login(return_to)

    @rx.event
    async def retry_login(self):
        """重试: start the login that the outage interrupted again."""
        return await self._login(self.login_retry or "/me")

    @rx.event
    async def finish_login(self):
        """``/auth/callback``: exchange the code, open a session, go back where the login began."""
        params = {k: str(v) for k, v in self.router.url.query_parameters.items()}
        pending, self._pending = dict(self._pending), {}
        step = await account.finish_login(context_of(self), pending, params, off_loop)
        self.login_error, self.login_retry = step.error, step.retry
        # the HTTP route sets the HttpOnly cookie and goes on to return_to
        return _go(step.redirect) if step.full_load else rx.redirect(step.redirect)

    @rx.event
    @in_thread
    def extend_session(self):
        """继续办理: the warning's button; any handler call also counts as activity."""
        self._active()
        return rx.call_script("window.ywIdleCheck && window.ywIdleCheck()")

    @rx.event
    @in_thread
    def toggle_reveal(self):
        """显示/隐藏 the ID number and phone (showing them is audited)."""
        found = account.reveal(context_of(self), not self.revealed, self._was())
        if found is not None:
            self.revealed = not self.revealed
        self._copy(found)

    @rx.event
    async def sign_out(self):
        """退出登录: end this site's session, then the provider's when it offers that."""
        ctx, socket = context_of(self), self.router.session.session_id
        step = await account.sign_out(ctx, socket, self._was(), off_loop)
        self._clear()
        # the page loads /flow/signed-out next: that connection, without the cookie, resets
        # every flow state of this tab before it hydrates
        self._session_key = "signed-out" if self._session_key else ""
        self.session_ended = False
        self.login_error, self.login_retry = "", ""
        self.signed_out_notice = step.notice
        return _go(step.redirect) if step.full_load else rx.redirect(step.redirect)

    @rx.event
    @in_thread
    def watch_idle(self):
        """On load of flow pages: refresh the session and start the idle-warning watcher."""
        self._active()
        return rx.call_script(IDLE_WATCH_JS)


def personal_key(auth: FlowAuthState) -> str:
    """Which session the personal data of this tab belongs to ("" when it holds none): what
    ``app.security.guard`` compares with a reconnecting browser's cookie (``app/app.py``)."""
    return auth._session_key or ("signed-in" if auth.signed_in else "")
