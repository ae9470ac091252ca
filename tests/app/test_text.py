"""Server text (app.text): every shipped locale at once, as one local text."""

from __future__ import annotations

import re

import pytest

from app import text
from app.text import SHIPPED_LOCALES, is_local, localized, pick, picks_source, snt, st


def test_server_side_translation_fills_named_placeholders_per_locale() -> None:
    assert text.translate("zh_Hans", "主办单位：{unit}", unit="某某厅") == "主办单位：某某厅"
    assert text.translate("en", "主办单位：{unit}", unit="X") == "Hosted by: X"
    assert text.translate("zh_Hant", "设置") == "設定"
    assert text.translate("ug", "语言") == "تىل"
    assert text.ntranslate("en", "{count} 小时", "{count} 小时", 1, count="1") == "1 hour"
    assert text.ntranslate("en", "{count} 小时", "{count} 小时", 3, count="3") == "3 hours"


def test_a_request_asks_for_a_shipped_locale_or_gets_the_default() -> None:
    assert text.request_locale("ug") == "ug"
    assert text.request_locale("xx") == "zh_Hans"
    assert text.request_locale(None) == "zh_Hans"


def test_server_messages_carry_every_shipped_locale() -> None:
    text = st("请填写{label}", label=st("申报人姓名"))
    assert is_local(text)
    assert pick(text, "zh_Hans") == "请填写申报人姓名"
    assert pick(text, "en") == "Enter Declarant's name"  # the label translated inside, too
    for locale in SHIPPED_LOCALES:
        assert pick(text, locale)  # never empty
    assert not re.search(r"[\u4e00-\u9fff]", pick(text, "ug"))


def test_counted_server_messages_use_the_plural_and_locale_digits() -> None:
    assert pick(snt("最多跑 {n} 次", "最多跑 {n} 次", 1), "en") == "At most 1 in-person visit"
    assert pick(snt("最多跑 {n} 次", "最多跑 {n} 次", 2), "en") == "At most 2 in-person visits"
    assert pick(snt("{n} 项", "{n} 项", 1234), "en").startswith("1,234")


def test_a_text_the_same_everywhere_stays_plain_and_content_falls_back() -> None:
    assert localized(lambda loc: "13800135678") == "13800135678"
    content = localized(lambda loc: {"zh_Hans": "历下区政务服务中心"}.get(loc))
    assert pick(content, "en") == "历下区政务服务中心"
    assert picks_source(content, "en") and not picks_source(content, "zh_Hans")
    assert picks_source("张三", "en") and not picks_source("Zhang San", "en")
    with pytest.raises(ValueError, match="source-language"):
        localized(lambda loc: None)
