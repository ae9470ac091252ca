"""Page translation helpers (components.i18n): runtime lookups in the browser."""

from __future__ import annotations

import pytest
import reflex as rx

from components import i18n
from components.i18n import server_lang, server_text


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


def test_server_text_picks_in_the_browser() -> None:
    var = rx.Var(_js_expr="state.msg", _var_type=str)
    assert str(server_text(var)).startswith("ywS(ywLoc, state.msg")
    assert str(server_lang(var)).startswith("ywSL(ywLoc, state.msg")
    assert server_text("plain") == "plain"
