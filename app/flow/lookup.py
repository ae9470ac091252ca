"""The form behind a route code: an item's implementation code or a 一件事 bundle id.

Used by the wizard's state, the upload route and my applications alike, so that a derived
form is found the same way everywhere (by the item's catalogue record and the province folder
of the request's host).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from pathlib import Path

from app.catalogue.queries import get_item
from app.domain.service_item import ServiceItem
from app.flow.forms import form_for_item, get_bundle
from app.flow.schema import FormDefinition
from app.readcache import ReadCache, ttl_from_env

#: the catalogue facts of the items citizens open forms of (every event of /apply/<code>)
ITEMS: ReadCache[ServiceItem | None] = ReadCache()

Found = tuple[FormDefinition, ServiceItem | None] | None
#: the form of each route code, per folder, for the read cache's TTL: every event of the wizard
#: asks for it, and a ReadCache copy of the item costs about 3 ms. Not copied: the form and
#: the item are frozen pydantic models that nobody changes.
_FOUND: OrderedDict[tuple[Path, str], tuple[float, Found]] = OrderedDict()
_FOUND_MAX = 4096
_LOCK = threading.Lock()


def item(code: str) -> ServiceItem | None:
    code = code.strip()[:80]
    return ITEMS.get_or_compute(code.upper(), lambda: get_item(code)) if code else None


def form_for_code(code: str, folder: Path) -> Found:
    """The form of a route code in this province folder, with the item (``None`` for a
    bundle); ``None`` when the code has no online application."""
    key, ttl, now = (folder, code.strip().upper()), ttl_from_env(), time.monotonic()
    with _LOCK:
        entry = _FOUND.get(key)
        if entry is not None and now - entry[0] < ttl:
            _FOUND.move_to_end(key)
            return entry[1]
    found = _form_for_code_now(code, folder)
    if ttl > 0:
        with _LOCK:
            _FOUND[key] = (now, found)
            _FOUND.move_to_end(key)
            while len(_FOUND) > _FOUND_MAX:
                _FOUND.popitem(last=False)
    return found


def _form_for_code_now(code: str, folder: Path) -> Found:
    if code.startswith("yjs-"):
        bundle = get_bundle(code, folder)
        return (bundle, None) if bundle is not None else None
    found = item(code)
    form = form_for_item(found, folder) if found is not None else None
    return (form, found) if form is not None else None
