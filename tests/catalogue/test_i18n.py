"""Catalogue content per locale: the base table covers every built-in service, a province
folder overrides it, the guide shows each field in the locale or marks the Chinese fallback,
and the gaps are counted per locale for the theme check."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from app.catalogue.i18n import (
    TRANSLATED,
    content_for,
    content_problems,
    gap_warnings,
    read_content,
    translation_gaps,
)
from app.catalogue.presenters import ENUM_MESSAGES, guide_view
from app.domain import enums
from app.domain.service_item import ServiceItem
from app.text import pick, picks_source

HAN = re.compile(r"[\u4e00-\u9fff]")


THEMES = Path(__file__).resolve().parents[2] / "themes"


def shipped_records() -> list[dict]:
    """Every item of every built-in province folder (generated from the same templates)."""
    records = []
    for path in sorted(THEMES.glob("*/catalogue/*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        records += data["items"] if isinstance(data, dict) else data
    return records


@pytest.fixture(scope="module")
def built_items() -> list[ServiceItem]:
    items = [ServiceItem.model_validate(x) for x in shipped_records()]
    assert {i.area_code[:2] for i in items} >= {"37", "50", "44"}  # shandong, chongqing, guangdong
    return items


def test_every_built_in_item_is_translated_in_every_locale(built_items) -> None:
    gaps = translation_gaps(built_items)
    assert set(gaps) == set(TRANSLATED)
    assert all(n == 0 for counts in gaps.values() for n in counts.values()), gaps


def test_the_guide_reads_in_the_locale_and_marks_the_chinese_fallback(built_items) -> None:
    item = next(i for i in built_items if i.name == "普通护照签发")
    view = guide_view(item, content_for(None))
    assert pick(view.name, "en") == "Passport application"
    assert not HAN.search(pick(view.name, "ug"))
    assert pick(view.summary, "en") and pick(view.summary, "zh_Hans")
    assert all(not HAN.search(pick(m.name, "en")) for m in view.materials)
    assert all(not HAN.search(pick(s.name, "ug")) for s in view.steps)
    assert not HAN.search(pick(view.item_type, "en") + pick(view.promised_limit, "en"))
    # place-specific text (the department) has no translation: Chinese, marked as such
    assert pick(view.department, "en") == item.department
    assert picks_source(view.department, "en") and not picks_source(view.name, "en")


def test_a_province_folder_overrides_and_adds(tmp_path: Path, built_items) -> None:
    (tmp_path / "translations.toml").write_text(
        '[en.names]\n"普通护照签发" = "Ordinary passport"\n'
        '[en.keywords]\n"普通护照签发" = ["travel document"]\n',
        encoding="utf-8",
    )
    content = content_for(tmp_path)
    assert content.names["en"]["普通护照签发"] == "Ordinary passport"
    assert content.names["ug"]["普通护照签发"] == content_for(None).names["ug"]["普通护照签发"]
    assert "travel document" in content.keywords["en"]["普通护照签发"]
    assert content_problems(tmp_path) == []


def test_missing_translations_are_warnings_with_counts_per_locale(tmp_path: Path) -> None:
    item = ServiceItem.model_validate(shipped_records()[0])
    data = item.model_dump(mode="json")
    data["name"] = "省级特色事项"
    data["materials"][0]["name"] = "本省特有材料"
    data["materials"][0]["notes"] = "本省特有说明"
    own = ServiceItem.model_validate(data)
    (tmp_path / "translations.toml").write_text(
        '[en.names]\n"省级特色事项" = "A provincial service"\n', encoding="utf-8"
    )
    gaps = translation_gaps([own], tmp_path)
    rest = {"step": 0, "condition": 0, "notes": 1, "summary": 1}  # the built-in ones translated
    assert gaps["en"] == {"name": 0, "material": 1, **rest}
    assert gaps["ug"] == {"name": 1, "material": 1, **rest}
    warnings = {w.field: w.message for w in gap_warnings([own], tmp_path)}
    assert set(warnings) == set(TRANSLATED)
    assert warnings["en"].startswith(
        "3 catalogue text(s) without a translation (1 material, 1 notes"
    )
    assert warnings["ug"].startswith("4 catalogue text(s)")


def test_bad_tables_are_named(tmp_path: Path) -> None:
    path = tmp_path / "translations.toml"
    path.write_text(
        '[fr.names]\n"户口迁移" = "Transfert"\n[en.names]\n"户口迁移" = " "\n'
        '[en.keywords]\n"户口迁移" = "move"\n',
        encoding="utf-8",
    )
    problems = {(p.field, p.message) for p in read_content(path)[1]}
    assert ("fr.names", "not a translated locale or table") in problems
    assert ("en.names.户口迁移", "empty translation") in problems
    assert ("en.keywords.户口迁移", "must be a list of phrases") in problems


def test_every_code_list_value_is_a_message() -> None:
    values = {
        str(v)
        for enum in (
            enums.ItemType, enums.Audience, enums.Level, enums.OnlineDepth,
            enums.MaterialForm, enums.MaterialSource, enums.ChannelKind,
        )
        for v in enum
    }  # fmt: skip
    assert values <= set(ENUM_MESSAGES), values - set(ENUM_MESSAGES)


def test_folder_warnings_read_the_folders_catalogue(tmp_path: Path) -> None:
    from app.catalogue.i18n import folder_warnings

    built = shipped_records()[0]
    own = {**built, "name": "省级特色事项", "implementation_code": built["implementation_code"]}
    (tmp_path / "catalogue").mkdir()
    (tmp_path / "catalogue" / "items.json").write_text(
        json.dumps([built, own], ensure_ascii=False), encoding="utf-8"
    )
    warnings = {w.field: w.message for w in folder_warnings(tmp_path)}
    # the built-in item is covered by the base table; the province's own name and summary not
    assert warnings["en"].startswith("2 catalogue text(s) without a translation (1 name")
    assert set(warnings) == set(TRANSLATED)


def test_a_local_text_is_never_wrapped_twice() -> None:
    from app.catalogue.i18n import content_for, content_text

    content = content_for(None)
    once = content_text("居民身份证换领", content)
    assert content_text(once, content) == once
    assert pick(content_text(once, content), "zh_Hans") == "居民身份证换领"
