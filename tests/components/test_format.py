"""Locale-aware formatting of dates, numbers, fees and time limits."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from components.format import (
    format_date,
    format_fee,
    format_number,
    format_time_limit,
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
        format_time_limit(1, "week", "en")  # type: ignore[arg-type]
