"""Deterministic synthetic catalogue items for load and performance work.

Items are the seed services placed at random in the built-in provinces' areas (the seed
builder's places files), with a
unique ``sub`` part in the implementation code and a random popularity. The same
``(n, seed)`` always gives the same items; they are streamed, so any N fits in memory.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from app.catalogue.build.builder import make_item
from app.catalogue.build.places import Area, ProvinceData, all_places
from app.catalogue.build.services import SERVICES


def _areas() -> list[tuple[ProvinceData, Area]]:
    out: list[tuple[ProvinceData, Area]] = []
    for p in all_places().values():
        out.append((p, p.province))
        out.extend((p, c) for c in p.cities)
        out.extend((p, a) for counties in p.counties for a in counties)
    return out


def synthetic_items(n: int, seed: int) -> Iterator[dict[str, Any]]:
    """Yield ``n`` valid items, deterministic for ``seed``."""
    rng = random.Random(seed)
    areas = _areas()
    for i in range(n):
        index = rng.randrange(len(SERVICES))
        province, area = areas[rng.randrange(len(areas))]
        item = make_item(
            SERVICES[index],
            index,
            province,
            area,
            sub=f"S{i:09d}",
            popularity=rng.randrange(1000),
        )
        item["name"] = f"{item['name']}（{area.short}·{i}）"
        yield item


def write_items(n: int, seed: int, out: Path) -> None:
    """Stream ``n`` items to ``out``: JSON Lines for .jsonl/.ndjson, else a JSON array."""
    lines = out.suffix.lower() in (".jsonl", ".ndjson")
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        if not lines:
            fh.write("[\n")
        for i, item in enumerate(synthetic_items(n, seed)):
            text = json.dumps(item, ensure_ascii=False, separators=(",", ":"))
            if lines:
                fh.write(text + "\n")
            else:
                fh.write(("" if i == 0 else ",\n") + text)
        if not lines:
            fh.write("\n]\n")
