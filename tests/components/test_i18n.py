"""Translation helpers: named placeholders, plurals, client-side placeholders, missing catalogs."""

from __future__ import annotations

import pytest
import reflex as rx

from components import i18n


def test_source_locale_returns_source_text_with_named_placeholders() -> None:
    i18n.activate("zh_Hans")
    assert i18n.t("主办单位：{unit}", unit="某某厅") == "主办单位：某某厅"
    assert i18n.nt("共 {n} 项", "共 {n} 项", 3) == "共 3 项"


def test_missing_catalog_for_another_locale_is_an_error() -> None:
    with pytest.raises(i18n.MissingCatalogError, match="'xx_Test'"):
        i18n.activate("xx_Test")
    assert i18n.active_locale() == "zh_Hans"


class _QueryState(rx.State):
    q: str = ""


def test_t_var_keeps_the_sentence_whole_and_fills_in_the_browser() -> None:
    var = i18n.t_var("“{query}”的搜索结果", query=_QueryState.q)
    js = str(var)
    assert js.startswith('"“{query}”的搜索结果".replaceAll("{query}", String(')
    assert "_query_state" in js.lower()
    with pytest.raises(ValueError, match="no placeholder"):
        i18n.t_var("没有占位符", query=_QueryState.q)
