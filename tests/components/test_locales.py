"""The locales' facts and catalogs (components.locales): parsed once, complete for the browser."""

from __future__ import annotations

import json
import os
import re

import pytest
from babel.messages.pofile import read_po

from components import locales


def test_a_catalogue_is_parsed_once_per_version_of_its_file(tmp_path, monkeypatch) -> None:
    # server text looks a catalogue up for every message: parsing the .mo file each time was
    # most of a worker's CPU under load
    mo = tmp_path / "en" / "LC_MESSAGES" / "messages.mo"
    mo.parent.mkdir(parents=True)
    mo.write_bytes((locales.LOCALES_DIR / "en" / "LC_MESSAGES" / "messages.mo").read_bytes())
    monkeypatch.setattr(locales, "LOCALES_DIR", tmp_path)
    locales._mo_path.cache_clear()
    try:
        first = locales.translations("en")
        assert locales.translations("en") is first
        assert first.gettext("设置") == "Settings"
        # a recompiled catalogue (make translations while the app runs) is read again
        stat = mo.stat()
        os.utime(mo, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
        again = locales.translations("en")
        assert again is not first and again.gettext("设置") == "Settings"
    finally:
        locales._mo_path.cache_clear()


def test_missing_catalog_for_another_locale_is_an_error() -> None:
    with pytest.raises(locales.MissingCatalogError, match="'xx_Test'"):
        locales.activate("xx_Test")
    assert locales.active_locale() == "zh_Hans"


def test_every_shipped_locale_has_a_complete_catalog_for_the_browser() -> None:
    with (locales.LOCALES_DIR / "messages.pot").open("rb") as fh:
        pot = read_po(fh)
    singular = {m.id for m in pot if m.id and isinstance(m.id, str)}
    plural = {m.id[0] for m in pot if isinstance(m.id, tuple)}
    for locale in locales.SHIPPED_LOCALES:
        if locale == locales.SOURCE_LOCALE:
            continue
        data = locales.catalog_json(locale)
        assert set(data["m"]) >= singular, locale
        assert set(data["p"]) >= plural, locale
        assert all(all(forms) for forms in data["p"].values()), locale
        for msgid, text in data["m"].items():  # translators kept every placeholder
            for name in re.findall(r"\{(\w+)\}", msgid):
                assert f"{{{name}}}" in text, (locale, msgid, text)
    assert locales.catalog_json("en")["p"]["{count} 小时"] == ["{count} hour", "{count} hours"]


def test_write_catalogs_skips_the_default_and_versions_the_content(tmp_path) -> None:
    version = locales.write_catalogs(tmp_path, "zh_Hans")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["en.json", "ug.json", "zh_Hant.json"]
    ug = json.loads((tmp_path / "ug.json").read_text(encoding="utf-8"))
    assert ug["m"]["首页"] == "باش بەت"
    assert len(version) == 12 and version == locales.write_catalogs(tmp_path, "zh_Hans")


def test_uyghur_is_right_to_left_and_named_in_itself() -> None:
    assert locales.text_direction("ug") == "rtl"
    assert locales.text_direction("en") == "ltr"
    assert locales.LOCALE_NAMES["ug"] == "ئۇيغۇرچە"
