"""A province's content translations: complete for the default province, bad files refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.content_i18n import FILE_NAME, content_texts, content_translations
from components import i18n, locales
from themes import THEMES_DIR, ThemeError, load_theme


def test_default_province_translates_all_of_its_content() -> None:
    theme = load_theme(THEMES_DIR / "shandong")
    translations = content_translations(theme)
    assert set(translations) == {"zh_Hant", "en", "ug"}
    for locale, table in translations.items():
        assert set(table) == content_texts(theme), locale
    assert translations["ug"]["身份证换领"] == "كىملىك ئالماشتۇرۇش"


def test_content_joins_the_browser_catalog_without_overriding_interface_strings() -> None:
    locales.register_content({"en": {"身份证换领": "Renew ID card", "首页": "NOT THIS"}})
    try:
        catalog = locales.catalog_json("en")["m"]
        assert catalog["身份证换领"] == "Renew ID card"
        assert catalog["首页"] == "Home"
        assert str(i18n.t_content("身份证换领")) == 'ywT(ywLoc, "身份证换领")'
        assert i18n.t_content("") == ""
    finally:
        locales.register_content({})


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        ('[en]\n"身份证换令" = "typo"', "en.身份证换令", "theme.toml has no such text"),
        ('[fr]\n"出生" = "Naissance"', "fr", "not a translated locale"),
        ('[en]\n"出生" = " "', "en.出生", "empty translation"),
        ("[en\n", "", "unreadable"),
    ],
)
def test_bad_translation_files_are_refused_with_file_and_field(
    tmp_path: Path, text: str, field: str, message: str
) -> None:
    folder = tmp_path / "p"
    shutil.copytree(THEMES_DIR / "shandong", folder)
    (folder / FILE_NAME).write_text(text, encoding="utf-8")
    with pytest.raises(ThemeError) as caught:
        content_translations(load_theme(folder))
    [problem] = caught.value.problems
    assert problem.file == folder / FILE_NAME
    assert problem.field == field
    assert message in problem.message
