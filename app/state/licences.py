"""States of 我的证照 (the citizen's e-licences), 亮证 (one shown with its code) and the
verifier's page. They only adapt events: the codes, expiry and masking are
``app/licence_show.py``; the licences come from the province's e-licence service through
``app.adapters.elicence`` (its sandbox on loopback in development and tests).

Every handler of the citizen's pages re-reads the session first (``_active``) and fetches the
signed-in citizen's own licences: a licence id of someone else is simply not among them
(``licence_show`` denied, ``not_holder``). The verifier's page needs no login; each
verification is one ``licence_verify`` audit line.
"""

from __future__ import annotations

import dataclasses
import time
from datetime import datetime

import reflex as rx

from app import audit
from app import licence_show as ls
from app.adapters.elicence import ELicenceError, Licence
from app.adapters.elicence import client_from_env as elicence_client
from app.adapters.identity import Identity
from app.offloop import off_loop
from app.security import public_url
from app.state.flow_auth import FlowAuthState
from app.state.routing import LICENCE, route_arg
from app.text.format import local_datetime

LICENCES = "/me/licences"
VERIFY = ls.VERIFY_PATH
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


@dataclasses.dataclass
class LicenceRow:
    id: str = ""
    kind: str = ""
    title: str = ""
    issuer: str = ""
    issued: str = ""
    href: str = ""


def _holder(ident: Identity) -> str:
    """Whose licences a session may list: the unit's for a business account, else the person's."""
    return ident.uscc if ident.kind == "business" and ident.uscc else ident.id_number


def _holder_name(ident: Identity) -> str:
    return ident.org_name if ident.kind == "business" and ident.org_name else ident.name


def _when(epoch: int) -> str:
    return local_datetime(datetime.fromtimestamp(epoch).astimezone(), "medium")


class _LicencesBase(FlowAuthState):
    loaded: bool = False
    #: the e-licence service is off or failed: the page says so (nothing is shown then)
    unavailable: bool = False

    async def _own_licences(self, ident: Identity) -> list[Licence] | None:
        """The signed-in citizen's licences, fresh from the service (None when it failed)."""
        client = elicence_client()
        if client is None:
            return None
        try:
            return await client.licences(_holder(ident))
        except ELicenceError:
            return None


class LicencesState(_LicencesBase):
    """我的证照: the list."""

    licences: list[LicenceRow] = []

    @rx.event
    async def load(self):
        ident = await off_loop(self._active)
        self.loaded = True
        if ident is None:
            self.licences, self.unavailable = [], False
            return
        found = await self._own_licences(ident)
        self.unavailable = found is None
        self.licences = [
            LicenceRow(lic.id, lic.kind, lic.title, lic.issuer, lic.issued, f"{LICENCES}/{lic.id}")
            for lic in found or []
        ]


class LicenceShowState(_LicencesBase):
    """亮证: one licence of the signed-in citizen, with a fresh verification code."""

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

    def _licence_id(self) -> str:
        return route_arg(self, LICENCE)[:80]

    def _forget(self) -> None:
        self.found = False
        self.kind = self.title = self.holder_name = self.holder_number = self.number = ""
        self.issuer = self.issued = self.qr_svg = self.verify_url = self.code_id = ""
        self.expires_text = ""
        self.ttl_ms = 0

    async def _present(self) -> rx.event.EventSpec | None:
        ident = await off_loop(self._active)
        self.loaded = True
        if ident is None:
            self._forget()
            self.unavailable = False
            return None
        found = await self._own_licences(ident)
        self.unavailable = found is None
        if found is None:
            self._forget()
            self._audit("licence_show", "failure", ident.sub, reason="service_unavailable")
            return None
        wanted = self._licence_id()
        licence = next((lic for lic in found if lic.id == wanted), None)
        if licence is None:  # not theirs (or gone): nothing of it is shown
            self._forget()
            self._audit("licence_show", "denied", ident.sub, reason="not_holder")
            return None
        ttl = ls.ttl_seconds()
        code, shown = ls.issue(licence, _holder_name(ident), now=time.time(), ttl=ttl)
        url = ls.verify_url(public_url.public_url_for_host(self.router.headers.host), code)
        self.found = True
        self.kind, self.title = licence.kind, licence.title
        self.holder_name, self.holder_number = shown.holder_name, shown.holder_number
        self.number, self.issuer, self.issued = shown.number, shown.issuer, shown.issued
        self.qr_svg = ls.qr_svg(url)
        self.verify_url = url
        self.code_id = shown.code_id
        self.ttl_ms = ttl * 1000
        self.expires_text = _when(shown.expires)
        self._audit("licence_show", "success", ident.sub, detail=f"code:{shown.code_id}")
        return rx.call_script(COUNTDOWN_JS)

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
        code = str(self.router.url.query_parameters.get("code", ""))[: ls.MAX_CODE_CHARS + 1]
        now = time.time()
        self.checked = True
        self.checked_text = _when(int(now))
        self.kind = self.holder_name = self.holder_number = self.number = ""
        self.issuer = self.issued = self.expires_text = ""
        if not code.strip():
            self.status = ""
            return
        verdict = ls.verify(code, now=now)
        self.status = verdict.status
        client, request_id = audit.request_context(self.router)
        audit.record(
            "licence_verify",
            "success" if verdict.status == "valid" else "failure",
            client=client,
            request_id=request_id,
            reason=verdict.status,
            detail=f"code:{verdict.code_id}" if verdict.code_id else "",
        )
        if verdict.shown is None:
            return
        shown = verdict.shown
        self.kind = shown.kind
        self.expires_text = _when(shown.expires)
        if verdict.status == "valid":  # the holder's facts only while the code holds
            self.holder_name, self.holder_number = shown.holder_name, shown.holder_number
            self.number, self.issuer, self.issued = shown.number, shown.issuer, shown.issued
