"""Translation helpers: runtime lookups in the page, server-side Babel, catalogs for the browser."""

from __future__ import annotations

import json
import os
import re

import pytest
import reflex as rx
from babel.messages.pofile import read_po

from components import i18n


def test_server_side_translation_fills_named_placeholders_per_locale() -> None:
    assert i18n.translate("zh_Hans", "主办单位：{unit}", unit="某某厅") == "主办单位：某某厅"
    assert i18n.translate("en", "主办单位：{unit}", unit="X") == "Hosted by: X"
    assert i18n.translate("zh_Hant", "设置") == "設定"
    assert i18n.translate("ug", "语言") == "تىل"
    assert i18n.ntranslate("en", "{count} 小时", "{count} 小时", 1, count="1") == "1 hour"
    assert i18n.ntranslate("en", "{count} 小时", "{count} 小时", 3, count="3") == "3 hours"


def test_a_catalogue_is_parsed_once_per_version_of_its_file(tmp_path, monkeypatch) -> None:
    # server text looks a catalogue up for every message: parsing the .mo file each time was
    # most of a worker's CPU under load
    mo = tmp_path / "en" / "LC_MESSAGES" / "messages.mo"
    mo.parent.mkdir(parents=True)
    mo.write_bytes((i18n.LOCALES_DIR / "en" / "LC_MESSAGES" / "messages.mo").read_bytes())
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    i18n._mo_path.cache_clear()
    try:
        first = i18n.translations("en")
        assert i18n.translations("en") is first
        assert first.gettext("设置") == "Settings"
        # a recompiled catalogue (make translations while the app runs) is read again
        stat = mo.stat()
        os.utime(mo, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
        again = i18n.translations("en")
        assert again is not first and again.gettext("设置") == "Settings"
    finally:
        i18n._mo_path.cache_clear()


def test_missing_catalog_for_another_locale_is_an_error() -> None:
    with pytest.raises(i18n.MissingCatalogError, match="'xx_Test'"):
        i18n.activate("xx_Test")
    assert i18n.active_locale() == "zh_Hans"


def test_t_is_looked_up_in_the_browser_by_the_device_locale() -> None:
    var = i18n.t("主办单位：{unit}", unit="某某厅")
    js = str(var)
    assert js == 'ywT(ywLoc, "主办单位：{unit}", {"unit": "某某厅"})'
    data = var._get_all_var_data()
    assert i18n.LOCALE_HOOK in data.hooks
    assert any("yw_runtime.js" in lib for lib, _ in data.imports)
    with pytest.raises(ValueError, match="no placeholder"):
        i18n.t("没有占位符", query="x")


class _QueryState(rx.State):
    q: str = ""


def test_t_var_keeps_the_sentence_whole_and_fills_in_the_browser() -> None:
    js = str(i18n.t_var("“{query}”的搜索结果", query=_QueryState.q))
    assert js.startswith('ywT(ywLoc, "“{query}”的搜索结果", {"query": String(')
    assert "_query_state" in js.lower()
    with pytest.raises(TypeError, match="must be a state var"):
        i18n.t_var("“{query}”的搜索结果", query="plain")  # type: ignore[arg-type]


def test_nt_passes_both_forms_and_the_count() -> None:
    js = str(i18n.nt("{count} 小时", "{count} 小时", 2, count="2"))
    assert js == 'ywNT(ywLoc, "{count} 小时", "{count} 小时", 2, {"count": "2"})'


def test_every_shipped_locale_has_a_complete_catalog_for_the_browser() -> None:
    with (i18n.LOCALES_DIR / "messages.pot").open("rb") as fh:
        pot = read_po(fh)
    singular = {m.id for m in pot if m.id and isinstance(m.id, str)}
    plural = {m.id[0] for m in pot if isinstance(m.id, tuple)}
    for locale in i18n.SHIPPED_LOCALES:
        if locale == i18n.SOURCE_LOCALE:
            continue
        data = i18n.catalog_json(locale)
        assert set(data["m"]) >= singular, locale
        assert set(data["p"]) >= plural, locale
        assert all(all(forms) for forms in data["p"].values()), locale
        for msgid, text in data["m"].items():  # translators kept every placeholder
            for name in __import__("re").findall(r"\{(\w+)\}", msgid):
                assert f"{{{name}}}" in text, (locale, msgid, text)
    assert i18n.catalog_json("en")["p"]["{count} 小时"] == ["{count} hour", "{count} hours"]


def test_write_catalogs_skips_the_default_and_versions_the_content(tmp_path) -> None:
    version = i18n.write_catalogs(tmp_path, "zh_Hans")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["en.json", "ug.json", "zh_Hant.json"]
    ug = json.loads((tmp_path / "ug.json").read_text(encoding="utf-8"))
    assert ug["m"]["首页"] == "باش بەت"
    assert len(version) == 12 and version == i18n.write_catalogs(tmp_path, "zh_Hans")


def test_uyghur_is_right_to_left_and_named_in_itself() -> None:
    assert i18n.text_direction("ug") == "rtl"
    assert i18n.text_direction("en") == "ltr"
    assert i18n.LOCALE_NAMES["ug"] == "ئۇيغۇرچە"
    assert i18n.request_locale("ug") == "ug"
    assert i18n.request_locale("xx") == "zh_Hans"
    assert i18n.request_locale(None) == "zh_Hans"


# --- local texts: server text in every locale, picked in the browser -----------------------


def test_server_messages_carry_every_shipped_locale() -> None:
    from components.i18n import SHIPPED_LOCALES, is_local, pick, st

    text = st("请填写{label}", label=st("申报人姓名"))
    assert is_local(text)
    assert pick(text, "zh_Hans") == "请填写申报人姓名"
    assert pick(text, "en") == "Enter Declarant's name"  # the label translated inside, too
    for locale in SHIPPED_LOCALES:
        assert pick(text, locale)  # never empty
    assert not re.search(r"[\u4e00-\u9fff]", pick(text, "ug"))


def test_counted_server_messages_use_the_plural_and_locale_digits() -> None:
    from components.i18n import pick, snt

    assert pick(snt("最多跑 {n} 次", "最多跑 {n} 次", 1), "en") == "At most 1 in-person visit"
    assert pick(snt("最多跑 {n} 次", "最多跑 {n} 次", 2), "en") == "At most 2 in-person visits"
    assert pick(snt("{n} 项", "{n} 项", 1234), "en").startswith("1,234")


def test_a_text_the_same_everywhere_stays_plain_and_content_falls_back() -> None:
    from components.i18n import localized, pick, picks_source

    assert localized(lambda loc: "13800135678") == "13800135678"
    content = localized(lambda loc: {"zh_Hans": "历下区政务服务中心"}.get(loc))
    assert pick(content, "en") == "历下区政务服务中心"
    assert picks_source(content, "en") and not picks_source(content, "zh_Hans")
    assert picks_source("张三", "en") and not picks_source("Zhang San", "en")
    with pytest.raises(ValueError, match="source-language"):
        localized(lambda loc: None)


def test_server_text_picks_in_the_browser() -> None:
    import reflex as rx

    from components.i18n import server_lang, server_text

    var = rx.Var(_js_expr="state.msg", _var_type=str)
    assert str(server_text(var)).startswith("ywS(ywLoc, state.msg")
    assert str(server_lang(var)).startswith("ywSL(ywLoc, state.msg")
    assert server_text("plain") == "plain"
