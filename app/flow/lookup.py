"""The form behind a route code: an item's implementation code or a 一件事 bundle id.

Used by the wizard's state, the upload route and my applications alike, so that a derived
form is found the same way everywhere (by the item's catalogue record and the province folder
of the request's host).
"""

from __future__ import annotations

from pathlib import Path

from app.catalogue.queries import get_item
from app.domain.service_item import ServiceItem
from app.flow.forms import form_for_item, get_bundle
from app.flow.schema import FormDefinition
from app.readcache import ReadCache

#: the catalogue facts of the items citizens open forms of (every event of /apply/<code>)
ITEMS: ReadCache[ServiceItem | None] = ReadCache()


def item(code: str) -> ServiceItem | None:
    code = code.strip()[:80]
    return ITEMS.get_or_compute(code.upper(), lambda: get_item(code)) if code else None


def form_for_code(code: str, folder: Path) -> tuple[FormDefinition, ServiceItem | None] | None:
    """The form of a route code in this province folder, with the item (``None`` for a
    bundle); ``None`` when the code has no online application."""
    if code.startswith("yjs-"):
        bundle = get_bundle(code, folder)
        return (bundle, None) if bundle is not None else None
    found = item(code)
    form = form_for_item(found, folder) if found is not None else None
    return (form, found) if form is not None else None
