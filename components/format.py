"""Dates, numbers, fees and time limits in the citizen's locale (Babel), for server-side text.

States format values in their event handlers with the locale of the request
(``components.i18n.request_locale(cookie)``) and put the finished text in state; the page
never glues numbers into sentences itself.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from babel import Locale
from babel.dates import format_date as _format_date
from babel.dates import format_datetime as _format_datetime
from babel.numbers import format_currency, format_decimal

from components.i18n import SHIPPED_LOCALES, ntranslate, translate

TimeUnit = Literal["working_day", "natural_day", "hour"]
DateStyle = Literal["short", "medium", "long"]


def babel_locale(locale: str) -> Locale:
    """The Babel locale of a shipped locale code (``zh_Hans`` -> ``zh_Hans_CN``)."""
    if locale not in SHIPPED_LOCALES:
        raise ValueError(f"unknown locale {locale!r}; shipped: {', '.join(SHIPPED_LOCALES)}")
    return Locale.parse({"zh_Hans": "zh_Hans_CN", "zh_Hant": "zh_Hant_HK"}.get(locale, locale))


def format_date(value: date, locale: str, style: DateStyle = "long") -> str:
    """``2026年3月5日`` / ``March 5, 2026`` / ``2026-يىلى 5-مارت``."""
    return _format_date(value, format=style, locale=babel_locale(locale))


def format_datetime(value: datetime, locale: str, style: DateStyle = "medium") -> str:
    return _format_datetime(value, format=style, locale=babel_locale(locale))


def format_number(value: int | float | Decimal, locale: str) -> str:
    return format_decimal(value, locale=babel_locale(locale))


def format_fee(amount: Decimal | int | None, locale: str) -> str:
    """A fee in yuan; no fee (``None`` or zero) is said in words, never as ``¥0.00``."""
    if amount is None or Decimal(amount) == 0:
        return translate(locale, "不收费")
    if Decimal(amount) < 0:
        raise ValueError(f"a fee cannot be negative: {amount}")
    return format_currency(Decimal(amount), "CNY", locale=babel_locale(locale))


def format_time_limit(n: int, unit: TimeUnit, locale: str) -> str:
    """A statutory or promised time limit: ``20 个工作日`` / ``20 working days``."""
    if n < 0:
        raise ValueError(f"a time limit cannot be negative: {n}")
    count = format_number(n, locale)
    if unit == "working_day":
        return ntranslate(locale, "{count} 个工作日", "{count} 个工作日", n, count=count)
    if unit == "natural_day":
        return ntranslate(locale, "{count} 个自然日", "{count} 个自然日", n, count=count)
    if unit == "hour":
        return ntranslate(locale, "{count} 小时", "{count} 小时", n, count=count)
    raise ValueError(f"unknown time unit {unit!r}; known: working_day, natural_day, hour")
