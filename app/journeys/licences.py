"""我的证照 (the citizen's e-licences), 亮证 (one shown with a fresh verification code) and the
verifier's page. The codes, their expiry and the masking are ``app/licence_show.py``; the
licences come from the province's e-licence service (``app.adapters.elicence``).

The citizen's pages read the session first and fetch the signed-in citizen's own licences: a
licence id of someone else is simply not among them (``licence_show`` denied, ``not_holder``).
The verifier's page needs no login; each verification is one ``licence_verify`` audit line.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from app import licence_show as ls
from app.adapters.elicence import ELicenceError, Licence
from app.adapters.elicence import client_from_env as elicence_client
from app.context import RequestContext
from app.domain.identity import Identity
from app.journeys.account import Account, account
from app.journeys.blocking import Blocking, inline
from app.journeys.session import record
from app.security import public_url
from app.text.format import local_datetime

LICENCES = "/me/licences"
MAX_ID = 80


def holder(ident: Identity) -> str:
    """Whose licences a session may list: the unit's for a business account, else the person's."""
    return ident.uscc if ident.kind == "business" and ident.uscc else ident.id_number


def holder_name(ident: Identity) -> str:
    return ident.org_name if ident.kind == "business" and ident.org_name else ident.name


def _when(epoch: int) -> str:
    return local_datetime(datetime.fromtimestamp(epoch).astimezone(), "medium")


async def own_licences(ident: Identity) -> list[Licence] | None:
    """The citizen's licences, fresh from the service (None when it is off or failed)."""
    client = elicence_client()
    if client is None:
        return None
    try:
        return await client.licences(holder(ident))
    except ELicenceError:
        return None


@dataclass(frozen=True)
class LicenceRow:
    id: str = ""
    kind: str = ""
    title: str = ""
    issuer: str = ""
    issued: str = ""
    href: str = ""


@dataclass(frozen=True)
class Licences:
    """我的证照 (``account`` None: signed out; ``unavailable``: the service failed)."""

    account: Account | None = None
    licences: tuple[LicenceRow, ...] = ()
    unavailable: bool = False


async def licences(
    ctx: RequestContext, revealed: bool = False, was: str = "", blocking: Blocking = inline
) -> Licences:
    acc = await blocking(account, ctx, revealed, was)
    if acc is None:
        return Licences()
    found = await own_licences(acc.identity)
    rows = tuple(
        LicenceRow(lic.id, lic.kind, lic.title, lic.issuer, lic.issued, f"{LICENCES}/{lic.id}")
        for lic in found or []
    )
    return Licences(acc, rows, unavailable=found is None)


@dataclass(frozen=True)
class Shown:
    """亮证: one licence with its code (``found`` False: nothing of it is shown)."""

    account: Account | None = None
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


async def show(
    ctx: RequestContext,
    licence_id: str,
    revealed: bool = False,
    was: str = "",
    blocking: Blocking = inline,
) -> Shown:
    """亮证 (and 刷新): a new code for one of the citizen's own licences (an old one still
    expires at its own time); the page counts it down."""
    acc = await blocking(account, ctx, revealed, was)
    if acc is None:
        return Shown()
    ident = acc.identity
    found = await own_licences(ident)
    if found is None:
        record(ctx, "licence_show", "failure", ident.sub, reason="service_unavailable")
        return Shown(acc, unavailable=True)
    wanted = licence_id[:MAX_ID]
    licence = next((lic for lic in found if lic.id == wanted), None)
    if licence is None:  # not theirs (or gone): nothing of it is shown
        record(ctx, "licence_show", "denied", ident.sub, reason="not_holder")
        return Shown(acc)
    ttl = ls.ttl_seconds()
    code, shown = ls.issue(licence, holder_name(ident), now=time.time(), ttl=ttl)
    url = ls.verify_url(public_url.public_url_for_host(ctx.host), code)
    record(ctx, "licence_show", "success", ident.sub, detail=f"code:{shown.code_id}")
    return Shown(
        acc,
        found=True,
        kind=licence.kind,
        title=licence.title,
        holder_name=shown.holder_name,
        holder_number=shown.holder_number,
        number=shown.number,
        issuer=shown.issuer,
        issued=shown.issued,
        qr_svg=ls.qr_svg(url),
        verify_url=url,
        code_id=shown.code_id,
        ttl_ms=ttl * 1000,
        expires_text=_when(shown.expires),
    )


@dataclass(frozen=True)
class Verdict:
    """The verifier's page: ``status`` "", "valid", "expired" or "forged" ("" without a code);
    the holder's facts only while the code holds."""

    status: str = ""
    checked_text: str = ""
    kind: str = ""
    holder_name: str = ""
    holder_number: str = ""
    number: str = ""
    issuer: str = ""
    issued: str = ""
    expires_text: str = ""


def verify(ctx: RequestContext, code: str) -> Verdict:
    """Check a shown code (no login); one audit line per verification."""
    now = time.time()
    checked = _when(int(now))
    code = code[: ls.MAX_CODE_CHARS + 1]
    if not code.strip():
        return Verdict(checked_text=checked)
    verdict = ls.verify(code, now=now)
    record(
        ctx,
        "licence_verify",
        "success" if verdict.status == "valid" else "failure",
        reason=verdict.status,
        detail=f"code:{verdict.code_id}" if verdict.code_id else "",
    )
    shown = verdict.shown
    if shown is None:
        return Verdict(verdict.status, checked)
    expires = _when(shown.expires)
    if verdict.status != "valid":
        return Verdict(verdict.status, checked, shown.kind, expires_text=expires)
    return Verdict(
        verdict.status,
        checked,
        shown.kind,
        shown.holder_name,
        shown.holder_number,
        shown.number,
        shown.issuer,
        shown.issued,
        expires,
    )
