"""The inputs of the report: where catalogue files, the division, forms and their payment and
delivery steps are read from."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

from conformance import inputs
from themes import THEMES_DIR


def test_catalogue_files_prefer_the_province_folder(tmp_path: Path) -> None:
    folder = tmp_path / "shandong"
    (folder / "catalogue").mkdir(parents=True)
    for name in ("b.csv", "a.json", "c.jsonl", "notes.txt"):
        (folder / "catalogue" / name).write_text("x", encoding="utf-8")
    assert [p.name for p in inputs.catalogue_files(folder)] == ["a.json", "b.csv", "c.jsonl"]
    assert inputs.catalogue_files(THEMES_DIR / "shandong")  # the built-in folders hold theirs
    assert inputs.catalogue_files(tmp_path / "nowhere") == []


def test_division_from_the_identity() -> None:
    assert inputs.division(SimpleNamespace(division="33")) == "33"
    assert inputs.division(SimpleNamespace()) is None


def test_area_names_from_the_national_table() -> None:
    for prefix in ("51", "33"):  # a built-in province and one that is not
        areas = inputs.area_names(prefix)
        assert areas and len(areas) > 20
        assert all(code.startswith(prefix) and len(code) == 12 for code in areas)
    assert inputs.area_names("00") is None


def test_form_steps() -> None:
    step = SimpleNamespace
    form = SimpleNamespace(
        steps=[
            step(id="applicant", fields=[SimpleNamespace(name="name")]),
            step(id="pay", kind="payment", fields=[]),
        ]
    )
    assert inputs.form_steps(form) == {"payment"}
    form.steps.append(step(id="collect", fields=[SimpleNamespace(name="delivery")]))
    assert inputs.form_steps(form) == {"payment", "delivery"}


def test_online_form_province_overrides_base(tmp_path: Path) -> None:
    base = inputs.online_form("001018000000", tmp_path)
    assert base and base.file == inputs.FORMS_DIR / "001018000000.yaml"
    assert base.steps == frozenset()  # the form itself never asks how the card is received
    record = next(
        r
        for path in (THEMES_DIR / "shandong" / "catalogue").glob("*.json")
        for r in json.loads(path.read_text(encoding="utf-8"))["items"]
        if r["basic_code"] == "001018000000"
    )
    assert record["express_delivery"] and not record["online_payment"]
    with_item = inputs.online_form("001018000000", tmp_path, record)
    assert with_item and with_item.steps == {"delivery"}  # the checkout asks it
    assert inputs.online_form("999999999999", tmp_path) is None
    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / "001018000000.yaml").write_bytes(base.file.read_bytes())
    own = inputs.online_form("001018000000", tmp_path)
    assert own and own.file == tmp_path / "forms" / "001018000000.yaml"
    (tmp_path / "forms" / "001018000000.yaml").write_text("key: [", encoding="utf-8")
    assert inputs.online_form("001018000000", tmp_path) is None  # a broken form is no form
