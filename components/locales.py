"""The locales of an instance, their Babel catalogs (``locales/``) and the build's language:
the facts both the page (``components.i18n``) and the server's text (``app.text``) stand on.
No Reflex here: the rules below the states import this through ``app.text``.

A local text is server text in every shipped locale at once (``LOCAL_MARK`` + JSON
``{locale: text}``, made by ``app.text``); ``pick`` reads it in one locale, on the server and
for a page's fixed text alike.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from pathlib import Path

from babel import Locale
from babel.messages.plurals import get_plural
from babel.support import NullTranslations, Translations

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
SOURCE_LOCALE = "zh_Hans"
DOMAIN = "messages"
# The locales an instance offers, in the order of the language selector.
SHIPPED_LOCALES: tuple[str, ...] = ("zh_Hans", "zh_Hant", "en", "ug")
RTL_LOCALES: frozenset[str] = frozenset({"ug"})
# Each language named in itself (the selector shows them so, with a matching lang attribute).
LOCALE_NAMES: dict[str, str] = {
    "zh_Hans": "简体中文",
    "zh_Hant": "繁體中文",
    "en": "English",
    "ug": "ئۇيغۇرچە",
}
LOCALE_COOKIE = "yw_locale"
# Where the browser fetches a non-default locale's catalog (written by app.app at build).
CATALOG_URL_BASE = "/_generated/i18n/"
# The plural rules the client runtime implements (yw_runtime.js: ywNT).
SUPPORTED_PLURAL_RULES = {"0", "(n != 1)"}
# Marks a local text: the JSON of its texts by locale follows.
LOCAL_MARK = "\x1e"
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

_default_code: str = SOURCE_LOCALE
# A province's own content in other locales ({locale: {chinese: text}}), see register_content.
_content: dict[str, dict[str, str]] = {}


class MissingCatalogError(RuntimeError):
    """A locale was asked for whose compiled catalog does not exist."""


def html_lang(locale: str) -> str:
    """BCP 47 tag for ``lang`` attributes: ``zh_Hans`` -> ``zh-Hans``."""
    return locale.replace("_", "-")


def text_direction(locale: str) -> str:
    return "rtl" if locale in RTL_LOCALES else "ltr"


@functools.cache
def babel_locale(locale: str) -> Locale:
    """The Babel locale of a shipped locale code (``zh_Hans`` -> ``zh_Hans_CN``)."""
    if locale not in SHIPPED_LOCALES:
        raise ValueError(f"unknown locale {locale!r}; shipped: {', '.join(SHIPPED_LOCALES)}")
    return Locale.parse({"zh_Hans": "zh_Hans_CN", "zh_Hant": "zh_Hant_HK"}.get(locale, locale))


def translations(locale: str) -> NullTranslations:
    """The compiled catalog of ``locale`` (the source locale needs none), parsed once per
    version of its file: server text asks for it on every message, and parsing it each time
    was most of a worker's CPU under load."""
    mo = _mo_path(locale)
    try:
        mtime = os.stat(mo).st_mtime_ns  # a recompiled catalogue is read again
    except OSError:
        mtime = None
    if mtime is not None:
        return _parsed(mo, mtime)
    if locale == SOURCE_LOCALE:
        return NullTranslations()  # the source strings are zh_Hans already
    raise MissingCatalogError(
        f"no compiled catalog for locale {locale!r} at {mo}; run `make translations`"
    )


@functools.cache
def _mo_path(locale: str) -> str:
    return str(LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.mo")


@functools.lru_cache(maxsize=16)
def _parsed(path: str, mtime_ns: int) -> Translations:
    """One compiled catalogue file as it was at ``mtime_ns``."""
    with open(path, "rb") as fh:
        return Translations(fh, domain=DOMAIN)


def activate(locale: str) -> None:
    """Make ``locale`` the build's default language (what the page prerenders in)."""
    global _default_code
    translations(locale)  # fail now, naming the locale, if its catalog is missing
    _default_code = locale


def active_locale() -> str:
    return _default_code


def register_content(translations: dict[str, dict[str, str]]) -> None:
    """Make a province's content translations available to ``t_content``, server text and
    the catalogs."""
    global _content
    _content = {locale: dict(table) for locale, table in translations.items()}


def content_text(locale: str, text: str) -> str | None:
    """A province's own translation of ``text`` (its Chinese) into ``locale``, if it has one."""
    return _content.get(locale, {}).get(text)


def catalog_json(locale: str) -> dict:
    """What the browser needs of ``locale``: ``m`` (message -> text) and ``p`` (plurals)."""
    nplurals, expr = get_plural(Locale.parse(locale))
    if expr.strip() not in SUPPORTED_PLURAL_RULES:
        raise ValueError(f"locale {locale!r}: plural rule {expr!r} is not supported by ywNT")
    catalog = translations(locale)
    messages: dict[str, str] = {}
    plurals: dict[str, list[str]] = {}
    for key, text in getattr(catalog, "_catalog", {}).items():
        if isinstance(key, tuple):
            plurals.setdefault(key[0], [""] * nplurals)[key[1]] = text
        elif key:
            messages[key] = text
    for source, text in _content.get(locale, {}).items():
        messages.setdefault(source, text)  # the interface's own strings win
    return {"m": messages, "p": plurals}


def write_catalogs(out_dir: Path, default_locale: str) -> str:
    """Write ``<locale>.json`` for every shipped locale but the default; return their version
    (a content hash the browser adds to the URL, so a new build is never served stale text)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    for locale in SHIPPED_LOCALES:
        if locale == default_locale:
            continue
        body = json.dumps(catalog_json(locale), ensure_ascii=False, separators=(",", ":"))
        (out_dir / f"{locale}.json").write_text(body, encoding="utf-8")
        digest.update(body.encode("utf-8"))
    return digest.hexdigest()[:12]


def N_(message: str) -> str:
    """Mark ``message`` for extraction where it is translated later (e.g. page titles)."""
    return message


def has_han(text: str) -> bool:
    """Whether ``text`` contains Chinese characters (data shown as it is, marked zh-Hans)."""
    return bool(_HAN.search(text))


def is_local(text: object) -> bool:
    """Whether ``text`` is a local text (every shipped locale's text in one string)."""
    return isinstance(text, str) and text.startswith(LOCAL_MARK)


def pick(text: str, locale: str) -> str:
    """A local text (or plain string) as read in ``locale``, falling back to the source."""
    if not is_local(text):
        return text
    texts = json.loads(text[1:])
    return texts.get(locale) or texts[SOURCE_LOCALE]
