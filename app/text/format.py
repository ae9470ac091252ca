"""Dates, numbers, fees and time limits in the citizen's locale (Babel): the one formatter.

``format_*(value, locale)`` give the text in one locale (HTTP responses, logs, tests);
``local_*(value)`` give a local text in every shipped locale (``app.text.localized``),
which is what states put into state: the page picks the device's locale, so the language
selector switches formatted values instantly. The page never glues numbers into sentences.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from babel.dates import format_date as _format_date
from babel.dates import format_datetime as _format_datetime
from babel.numbers import format_currency, format_decimal

from app.text import babel_locale, localized, ntranslate, translate

TimeUnit = Literal["working_day", "natural_day", "hour", "immediate"]
# The units of the catalogue (GB/T 39554.2, app.domain.enums.TimeUnit) by their Chinese name.
CATALOGUE_UNITS: dict[str, TimeUnit] = {
    "工作日": "working_day",
    "自然日": "natural_day",
    "即办": "immediate",
}
DateStyle = Literal["short", "medium", "long"]


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


def format_time_limit(n: int, unit: str, locale: str) -> str:
    """A statutory or promised time limit: ``20 个工作日`` / ``20 working days`` / ``即办``.

    ``unit`` is a ``TimeUnit`` or the catalogue's Chinese unit (工作日, 自然日, 即办).
    """
    if n < 0:
        raise ValueError(f"a time limit cannot be negative: {n}")
    kind = CATALOGUE_UNITS.get(str(unit), unit)
    if kind == "immediate" or (n == 0 and kind in {"working_day", "natural_day"}):
        return translate(locale, "即办（当场办结）")
    count = format_number(n, locale)
    if kind == "working_day":
        return ntranslate(locale, "{count} 个工作日", "{count} 个工作日", n, count=count)
    if kind == "natural_day":
        return ntranslate(locale, "{count} 个自然日", "{count} 个自然日", n, count=count)
    if kind == "hour":
        return ntranslate(locale, "{count} 小时", "{count} 小时", n, count=count)
    raise ValueError(
        f"unknown time unit {unit!r}; known: working_day, natural_day, hour, immediate, "
        + ", ".join(CATALOGUE_UNITS)
    )


# --- the same values as local texts (every shipped locale), for state ----------------------


def local_date(value: date, style: DateStyle = "long") -> str:
    return localized(lambda loc: format_date(value, loc, style))


def local_datetime(value: datetime, style: DateStyle = "medium") -> str:
    return localized(lambda loc: format_datetime(value, loc, style))


def local_number(value: int | float | Decimal) -> str:
    return localized(lambda loc: format_number(value, loc))


def local_fee(amount: Decimal | int | None) -> str:
    return localized(lambda loc: format_fee(amount, loc))


def local_time_limit(n: int, unit: str) -> str:
    return localized(lambda loc: format_time_limit(n, unit, loc))
