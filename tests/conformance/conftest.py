"""Province folders for the conformance tests: copies of a built-in province's theme files
with a catalogue of our choosing."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.catalogue.readers import Record
from conformance import inputs
from themes import THEMES_DIR

SOURCE = THEMES_DIR / "shandong"


def seed_records() -> list[dict[str, Any]]:
    return [
        r.data
        for path in inputs.catalogue_files(SOURCE)
        for r in inputs.catalogue_records_of(path)
        if isinstance(r, Record)
    ]


@pytest.fixture(scope="session")
def records() -> list[dict[str, Any]]:
    found = seed_records()
    assert len(found) > 10
    return found


@pytest.fixture
def record(records: list[dict[str, Any]]) -> dict[str, Any]:
    """A deep copy of a seed record with fees, conditional materials and express delivery."""
    chosen = next(
        r
        for r in records
        if r.get("fee_required")
        and r.get("express_delivery")
        and any(m.get("necessity") == "非必要" for m in r["materials"])
    )
    return json.loads(json.dumps(chosen, ensure_ascii=False))


@pytest.fixture
def province(tmp_path: Path) -> Callable[..., Path]:
    """``province(records, name="testland", features=None, suffix=".json")`` -> a folder."""

    def make(
        items: list[dict[str, Any]],
        name: str = "testland",
        features: dict[str, Any] | None = None,
        suffix: str = ".json",
    ) -> Path:
        folder = tmp_path / name
        shutil.copytree(SOURCE, folder, ignore=shutil.ignore_patterns("catalogue"))
        if features:
            text = (folder / "theme.toml").read_text(encoding="utf-8")
            extra = "".join(f"{k} = {json.dumps(v)}\n" for k, v in features.items())
            text = text.replace("[features]\n", "[features]\n" + extra, 1)
            for key in features:  # drop the copied setting the override replaces
                lines = text.split("\n")
                first = next(i for i, line in enumerate(lines) if line.startswith(f"{key} ="))
                lines = [
                    line
                    for i, line in enumerate(lines)
                    if i == first or not line.startswith(f"{key} =")
                ]
                text = "\n".join(lines)
            (folder / "theme.toml").write_text(text, encoding="utf-8")
        (folder / "catalogue").mkdir()
        path = folder / "catalogue" / f"items{suffix}"
        if suffix == ".jsonl":
            path.write_text(
                "".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8"
            )
        else:
            path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
        return folder

    return make


def passing_results(path: Path, outcome: str = "passed") -> Path:
    """A results file in the e2e plugin's format where every test of the table has ``outcome``."""
    from conformance.functions import load_table

    tests = {
        f"{test}[chromium]": {"outcome": outcome, "finished": "2026-12-01T10:00:00+00:00"}
        for fn in load_table()
        for test in fn.tests
    }
    path.write_text(json.dumps({"modes": {"embedded": tests}}), encoding="utf-8")
    return path
