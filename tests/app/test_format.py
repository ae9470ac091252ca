"""Locale-aware formatting of dates, numbers, fees and time limits."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from app.text import is_local, pick
from app.text.format import (
    format_date,
    format_fee,
    format_number,
    format_time_limit,
    local_date,
    local_fee,
    local_number,
    local_time_limit,
)

DAY = date(2026, 3, 5)


def test_dates_follow_the_locale() -> None:
    assert format_date(DAY, "zh_Hans") == "2026年3月5日"
    assert format_date(DAY, "zh_Hant") == "2026年3月5日"
    assert format_date(DAY, "en") == "March 5, 2026"
    assert "2026" in format_date(DAY, "ug") and "مارت" in format_date(DAY, "ug")


def test_numbers_group_digits_per_locale() -> None:
    assert format_number(1234567, "zh_Hans") == "1,234,567"
    assert format_number(1234567, "en") == "1,234,567"
    assert format_number(Decimal("12.5"), "en") == "12.5"


def test_fees_are_yuan_or_said_in_words() -> None:
    assert format_fee(Decimal("20"), "zh_Hans") == "¥20.00"
    assert format_fee(Decimal("20"), "en") == "CN¥20.00"
    assert format_fee(None, "zh_Hans") == "不收费"
    assert format_fee(0, "en") == "Free of charge"
    assert format_fee(0, "ug") == "ھەقسىز"
    with pytest.raises(ValueError, match="negative"):
        format_fee(Decimal("-1"), "en")


def test_time_limits_use_plural_forms() -> None:
    assert format_time_limit(20, "working_day", "zh_Hans") == "20 个工作日"
    assert format_time_limit(20, "working_day", "zh_Hant") == "20 個工作日"
    assert format_time_limit(1, "working_day", "en") == "1 working day"
    assert format_time_limit(20, "working_day", "en") == "20 working days"
    assert format_time_limit(3, "hour", "ug") == "3 سائەت"
    assert format_time_limit(1000, "natural_day", "en") == "1,000 calendar days"


def test_unknown_locale_and_unit_are_named() -> None:
    with pytest.raises(ValueError, match="unknown locale 'fr'"):
        format_number(1, "fr")
    with pytest.raises(ValueError, match="unknown time unit 'week'"):
        format_time_limit(1, "week", "en")


def test_plural_forms_per_locale() -> None:
    """English and Uyghur have a singular and a plural; Chinese one form for every count."""
    assert format_time_limit(1, "natural_day", "en") == "1 calendar day"
    assert format_time_limit(2, "natural_day", "en") == "2 calendar days"
    assert format_time_limit(1, "hour", "en") == "1 hour"
    assert format_time_limit(1, "working_day", "zh_Hans") == "1 个工作日"
    one, many = format_time_limit(1, "working_day", "ug"), format_time_limit(5, "working_day", "ug")
    assert one.startswith("1 ") and many.startswith("5 ") and one[2:] == many[2:]
    assert not re.search(r"[\u4e00-\u9fff]", one)


def test_working_days_per_locale_and_catalogue_units() -> None:
    """The catalogue's own units (工作日, 自然日, 即办) go through the same formatter."""
    assert format_time_limit(20, "工作日", "en") == "20 working days"
    assert format_time_limit(15, "自然日", "zh_Hant") == "15 個自然日"
    assert format_time_limit(0, "即办", "en") == format_time_limit(0, "immediate", "en")
    assert format_time_limit(0, "即办", "zh_Hans") == "即办（当场办结）"
    assert format_time_limit(0, "immediate", "ug") == "دەرھال بېجىرىلىدۇ (نەق مەيداندا تاماملىنىدۇ)"
    assert format_time_limit(0, "working_day", "en") == format_time_limit(0, "immediate", "en")


def test_fees_per_locale() -> None:
    assert format_fee(Decimal("20.00"), "zh_Hant").endswith("20.00")
    assert format_fee(Decimal("1234.5"), "en") == "CN¥1,234.50"
    ug = format_fee(Decimal("40"), "ug")
    assert "40" in ug and not re.search(r"[\u4e00-\u9fff]", ug)


def test_local_texts_hold_every_locale() -> None:
    """``local_*`` give one local text the page picks from; ``pick`` reads one locale."""
    limit = local_time_limit(20, "工作日")
    assert is_local(limit)
    assert pick(limit, "zh_Hans") == "20 个工作日"
    assert pick(limit, "en") == "20 working days"
    assert pick(limit, "zh_Hant") == "20 個工作日"
    assert pick(local_fee(None), "ug") == "ھەقسىز"
    assert pick(local_date(DAY), "en") == "March 5, 2026"
    assert pick(local_number(1234567), "ug") == format_number(1234567, "ug")
