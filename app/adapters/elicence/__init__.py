"""Electronic licences (电子证照): list a holder's licences so a material can be replaced by one
(免提交). An httpx client of a small REST protocol; ``sandboxes.elicence`` speaks
it on loopback.

Protocol: ``GET {base}/licences?holder=<ID number or USCC>`` with ``Authorization: Bearer
<token>`` answers ``{"licences": [{"id", "kind", "title", "number", "issuer", "issued",
"holder"}]}``.

Settings: ``YIWANG_ELICENCE_URL`` (unset: no e-licences are offered) and
``YIWANG_ELICENCE_TOKEN``.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass

import httpx

from app.adapters.tls import tls_context
from app.security.outbound import InsecureURL, require_safe_url

TIMEOUT_S = 5.0


class ELicenceError(Exception):
    """The e-licence service failed or answered nonsense; the message says which."""


@dataclass(frozen=True)
class Licence:
    id: str
    kind: str  # e.g. 出生医学证明, 营业执照, 不动产权证书
    title: str
    number: str
    issuer: str
    issued: str
    holder: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


class ELicenceClient:
    def __init__(
        self, base_url: str, token: str = "", transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        try:
            self.base_url = require_safe_url(base_url, "YIWANG_ELICENCE_URL").rstrip("/")
        except InsecureURL as exc:
            raise ELicenceError(str(exc)) from exc
        self.token = token
        self._transport = transport

    async def licences(self, holder: str) -> list[Licence]:
        """The licences of ``holder`` (an ID number or a USCC); only theirs are kept."""
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        async with httpx.AsyncClient(
            timeout=TIMEOUT_S, verify=tls_context(), transport=self._transport
        ) as client:
            try:
                response = await client.get(
                    f"{self.base_url}/licences", params={"holder": holder}, headers=headers
                )
                response.raise_for_status()
                rows = response.json()["licences"]
                found = [
                    Licence(**{k: str(r[k]) for k in Licence.__dataclass_fields__}) for r in rows
                ]
            except (httpx.HTTPError, KeyError, TypeError, ValueError) as exc:
                raise ELicenceError(f"e-licence service {self.base_url}: {exc}") from exc
        return [lic for lic in found if lic.holder == holder]


def client_from_env() -> ELicenceClient | None:
    url = os.environ.get("YIWANG_ELICENCE_URL", "").strip()
    if not url:
        return None
    return ELicenceClient(url, os.environ.get("YIWANG_ELICENCE_TOKEN", ""))
