"""States of 我的证照 (the citizen's e-licences), 亮证 (one shown with its code) and the
verifier's page. They adapt events to ``app/journeys/licences.py`` and copy its views into
their vars; the countdown of a shown code runs in the page (``COUNTDOWN_JS``).
"""

from __future__ import annotations

import reflex as rx

from app.journeys import licences as journey
from app.journeys.licences import LICENCES, LicenceRow
from app.offloop import off_loop
from app.state.context import context_of
from app.state.flow_auth import FlowAuthState
from app.state.routing import LICENCE, route_arg

__all__ = ["COUNTDOWN_ID", "LICENCES", "QR_ID", "LicenceShowState", "LicencesState"]

COUNTDOWN_ID = "licence-countdown"
QR_ID = "licence-qr"

#: Started once per page load: every second, the countdown of the shown code, in the
#: device's language (the element's data-template / data-expired, translated by the page).
#: The time left is counted from when this device first saw the code, so a phone whose clock
#: is off still counts the code's lifetime; at zero the QR code is hidden and the page says
#: the code expired (the verifier's page would say so too) until 刷新 makes a new one.
COUNTDOWN_JS = """
window.ywLicenceTick = () => {
  const el = document.getElementById('COUNTDOWN_ID');
  if (!el || !el.dataset.code) return;
  const seen = (window.ywLicenceSeen = window.ywLicenceSeen || {});
  if (!(el.dataset.code in seen)) seen[el.dataset.code] = Date.now();
  const ttl = Number(el.dataset.ttl || 0);
  const left = Math.max(0, Math.ceil((seen[el.dataset.code] + ttl - Date.now()) / 1000));
  const time = Math.floor(left / 60) + ':' + String(left % 60).padStart(2, '0');
  const text = el.querySelector('[data-countdown-text]');
  const expired = document.getElementById('COUNTDOWN_ID-expired');
  const qr = document.getElementById('QR_ID');
  if (text) text.textContent = left > 0 ? el.dataset.template.replace('{time}', time) : '';
  if (expired) expired.textContent = left > 0 ? '' : el.dataset.expired;
  if (qr) qr.hidden = left <= 0;
};
if (!window.ywLicenceTimer) window.ywLicenceTimer = setInterval(() => window.ywLicenceTick(), 1000);
window.ywLicenceTick();
""".replace("COUNTDOWN_ID", COUNTDOWN_ID).replace("QR_ID", QR_ID)


class LicencesState(FlowAuthState):
    """我的证照: the list."""

    loaded: bool = False
    #: the e-licence service is off or failed: the page says so (nothing is shown then)
    unavailable: bool = False
    licences: list[LicenceRow] = []

    @rx.event
    async def load(self):
        ctx = context_of(self)
        view = await journey.licences(ctx, self.revealed, self._was(), off_loop)
        self._copy(view.account)
        self.loaded, self.unavailable = True, view.unavailable
        self.licences = list(view.licences)


class LicenceShowState(FlowAuthState):
    """亮证: one licence of the signed-in citizen, with a fresh verification code."""

    loaded: bool = False
    unavailable: bool = False
    found: bool = False
    kind: str = ""
    title: str = ""
    holder_name: str = ""
    holder_number: str = ""
    number: str = ""
    issuer: str = ""
    issued: str = ""
    qr_svg: str = ""
    verify_url: str = ""
    code_id: str = ""
    ttl_ms: int = 0
    expires_text: str = ""

    async def _present(self) -> rx.event.EventSpec | None:
        ctx, wanted = context_of(self), route_arg(self, LICENCE)
        shown = await journey.show(ctx, wanted, self.revealed, self._was(), off_loop)
        self._copy(shown.account)
        self.loaded, self.unavailable, self.found = True, shown.unavailable, shown.found
        self.kind, self.title = shown.kind, shown.title
        self.holder_name, self.holder_number = shown.holder_name, shown.holder_number
        self.number, self.issuer, self.issued = shown.number, shown.issuer, shown.issued
        self.qr_svg, self.verify_url = shown.qr_svg, shown.verify_url
        self.code_id, self.ttl_ms = shown.code_id, shown.ttl_ms
        self.expires_text = shown.expires_text
        return rx.call_script(COUNTDOWN_JS) if shown.found else None

    @rx.event
    async def load(self):
        return await self._present()

    @rx.event
    async def refresh(self):
        """刷新: a new code (the old one still expires at its own time)."""
        return await self._present()


class LicenceVerifyState(rx.State):
    """The verifier's page: no login; says valid, expired or forged."""

    checked: bool = False
    #: "", "valid", "expired" or "forged" ("" when the page was opened without a code)
    status: str = ""
    kind: str = ""
    holder_name: str = ""
    holder_number: str = ""
    number: str = ""
    issuer: str = ""
    issued: str = ""
    expires_text: str = ""
    checked_text: str = ""

    @rx.event
    def load(self):
        code = str(self.router.url.query_parameters.get("code", ""))
        verdict = journey.verify(context_of(self), code)
        self.checked, self.status, self.checked_text = True, verdict.status, verdict.checked_text
        self.kind, self.expires_text = verdict.kind, verdict.expires_text
        self.holder_name, self.holder_number = verdict.holder_name, verdict.holder_number
        self.number, self.issuer, self.issued = verdict.number, verdict.issuer, verdict.issued
