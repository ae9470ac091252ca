"""The JSON Schema of a catalogue file, for editors: ``themes/catalogue.schema.json``.

A catalogue file (``<province>/catalogue/*.json``) is an array of service items or an object
``{"items": [...]}``; each item is a GB/T 39554.2 record as ``app.domain.service_item`` defines
it. Point an editor at the schema (VS Code: ``"$schema": "…/themes/catalogue.schema.json"`` in
the file, or ``json.schemas`` in the settings) and it validates while you type. Rules that
span fields (the implementation code's parts, the level against the area code) are checked by
``python -m themes check``, which reports the same problems the loader refuses.

``python -m app.catalogue schema`` rewrites the file; a unit test fails when it is stale.
"""

from __future__ import annotations

import json
from pathlib import Path

from app.domain.service_item import ServiceItem
from themes import THEMES_DIR

SCHEMA_PATH: Path = THEMES_DIR / "catalogue.schema.json"


def json_schema() -> str:
    item = ServiceItem.model_json_schema(ref_template="#/$defs/{model}")
    defs = item.pop("$defs", {})
    defs["ServiceItem"] = item
    items = {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/ServiceItem"}}
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Yiwang catalogue file (<province>/catalogue/*.json)",
        "description": "Service items (GB/T 39554.2): an array, or an object with items.",
        "anyOf": [
            items,
            {
                "type": "object",
                "properties": {"items": items},
                "required": ["items"],
            },
        ],
        "$defs": defs,
    }
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
