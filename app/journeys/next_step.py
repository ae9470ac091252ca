"""What a page does after an event, besides showing its view: focus an element (and say so in
the document title), or record a security event in the audit log (the state records it, with
the request's client and id)."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Focus:
    """What the page focuses next (and the document title that says so; "" keeps the title)."""

    element_id: str
    title: str = ""


@dataclasses.dataclass(frozen=True)
class Audit:
    """A security event for the audit log (``app.audit``)."""

    event: str
    outcome: str
    sub: str = ""
    detail: str = ""
