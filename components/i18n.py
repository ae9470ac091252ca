"""Translation entry points for every user-visible string (Babel catalogs in ``locales/``).

``t("…")`` and ``nt("…", "…", n)`` are the only ways components and pages produce text; their
message ids are the zh_Hans source strings, extracted by ``pybabel extract -k t -k nt:1,2``.
Placeholders are named: ``t("共 {count} 项", count=3)``; a placeholder may be a state var
(``t_var`` is the same call, insisting on vars).

In the page, ``t`` is a string var looked up in the browser by the locale of the device
(``components/yw_runtime.js``): the build's default locale renders (and is prerendered) with no
catalog at all, since its texts are in the page; another locale's catalog is a small JSON file
fetched the first time the citizen picks it (``catalog_json``). Switching re-renders in place,
so inputs keep what was typed.

Text produced on the server (validation errors, formatted values) uses ``translate`` /
``ntranslate`` with the locale the browser sent (``LOCALE_COOKIE``).
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from babel import Locale
from babel.messages.plurals import get_plural
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations
from reflex.vars.base import Var, VarData
from reflex_base.utils.imports import ImportVar

from components.js import js

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
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

_default_code: str = SOURCE_LOCALE
# A province's own content in other locales ({locale: {chinese: text}}), see t_content.
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


def translate(locale: str, message: str, /, **params: object) -> str:
    """``message`` in ``locale`` with its named ``{placeholders}`` filled (server side)."""
    text = translations(locale).gettext(message)
    if text == message and locale != SOURCE_LOCALE:  # a province folder's own catalogue
        text = _content.get(locale, {}).get(message, text)
    return text.format(**params) if params else text


def ntranslate(locale: str, singular: str, plural: str, n: int, /, **params: object) -> str:
    """The form of a counted message for ``n`` in ``locale`` (``{n}`` is available)."""
    return translations(locale).ngettext(singular, plural, n).format(n=n, **params)


def request_locale(cookie_value: str | None) -> str:
    """The locale a request asked for (the ``yw_locale`` cookie), or the default."""
    return cookie_value if cookie_value in SHIPPED_LOCALES else _default_code


# --- the page side -----------------------------------------------------------------------


@functools.cache
def _runtime_module() -> str:
    """The bundle import path of yw_runtime.js (linked into assets/ on first use)."""
    import reflex as rx

    return rx.asset("yw_runtime.js", shared=True).importable_path


def runtime_var(*names: str, hooks: tuple[str, ...] = ()) -> VarData:
    """Var data importing ``names`` from the runtime module and declaring ``hooks``."""
    return VarData(
        imports={_runtime_module(): [ImportVar(tag=name) for name in names]},
        hooks=dict.fromkeys(hooks),
    )


LOCALE_HOOK = "const ywLoc = useYwLocale();"
MODE_HOOK = "const ywMode = useYwMode();"


def locale_var() -> Var:
    """The device's locale code in the browser (the default during prerender)."""
    data = runtime_var("useYwLocale", hooks=(LOCALE_HOOK,))
    return js(f"(ywLoc ?? {json.dumps(_default_code)})", str, data=data)


def mode_var() -> Var:
    """``"elder"`` or ``"standard"``: the display mode of this device."""
    data = runtime_var("useYwMode", hooks=(MODE_HOOK,))
    return js("ywMode", str, data=data)


def _params_js(message: str, params: dict[str, object]) -> tuple[str, list[Var]]:
    parts: list[str] = []
    used: list[Var] = []
    for name, value in params.items():
        if f"{{{name}}}" not in message:
            raise ValueError(f"message {message!r} has no placeholder {{{name}}}")
        if isinstance(value, Var):
            parts.append(f"{json.dumps(name)}: String({value})")
            used.append(value)
        else:
            parts.append(f"{json.dumps(name)}: {json.dumps(str(value), ensure_ascii=False)}")
    return ("{" + ", ".join(parts) + "}" if parts else ""), used


def _runtime_call(fn: str, args: str, used: list[Var]) -> Var:
    data = runtime_var(fn, "useYwLocale", hooks=(LOCALE_HOOK,))
    return js(f"{fn}(ywLoc, {args})", str, uses=used, data=data)


def t(message: str, /, **params: object) -> Var:
    """``message`` in the device's language, ``{placeholders}`` filled from ``params``
    (plain values, or state vars filled in the browser)."""
    args, used = _params_js(message, params)
    call = json.dumps(message, ensure_ascii=False) + (", " + args if args else "")
    if _default_code != SOURCE_LOCALE:  # the default's text travels with the page
        call += (", " if args else ", undefined, ") + json.dumps(
            translations(_default_code).gettext(message), ensure_ascii=False
        )
    return _runtime_call("ywT", call, used)


def nt(singular: str, plural: str, n: int | Var, /, **params: object) -> Var:
    """A message whose form depends on the count ``n`` (available as ``{n}``)."""
    args, used = _params_js(singular + plural + "{n}", params)
    count = f"Number({n})" if isinstance(n, Var) else str(int(n))
    if isinstance(n, Var):
        used.append(n)
    call = ", ".join(json.dumps(s, ensure_ascii=False) for s in (singular, plural))
    call += f", {count}, {args or 'undefined'}"
    if _default_code != SOURCE_LOCALE:
        forms = catalog_json(_default_code)["p"].get(singular, [singular, plural])
        call += ", " + json.dumps(forms, ensure_ascii=False)
    return _runtime_call("ywNT", call, used)


def register_content(translations: dict[str, dict[str, str]]) -> None:
    """Make a province's content translations available to ``t_content`` and the catalogs."""
    global _content
    _content = {locale: dict(table) for locale, table in translations.items()}


def t_content(text: str) -> Var | str:
    """A text of the province's configuration (a service name, a unit) in the device's
    language, falling back to the Chinese. Not extracted: provinces translate content in
    their folder (``translations.toml``), not in ``locales/``."""
    if not text:
        return text
    call = json.dumps(text, ensure_ascii=False)
    if _default_code != SOURCE_LOCALE:
        default = _content.get(_default_code, {}).get(text, text)
        call += ", undefined, " + json.dumps(default, ensure_ascii=False)
    return _runtime_call("ywT", call, [])


def t_var(message: str, /, **params: Var) -> Var:
    """``t`` whose placeholders are all state vars, filled in the browser.

    The whole sentence stays one message, so translators can move the placeholders.
    """
    for name, value in params.items():
        if not isinstance(value, Var):
            raise TypeError(f"t_var({message!r}): {name} must be a state var; use t()")
    return t(message, **params)


def title_var(message: str, suffix: str) -> Var:
    """A page title: the translated ``message`` followed by ``suffix`` (e.g. " - 爱山东")."""
    title = t(message)
    return js(f"({title} + {json.dumps(suffix, ensure_ascii=False)})", str, uses=(title,))


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
    import hashlib

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


# --- server side ---------------------------------------------------------------------------
# Text that event handlers put into state (validation messages, statuses, formatted limits) is
# made on the server in *every* shipped locale at once and travels as one string: a local text
# (``LOCAL_MARK`` + JSON ``{locale: text}``). The page shows it through ``server_text``, which
# picks the device's locale in the browser, so the language selector switches it instantly,
# like page text, with no round trip; Babel formats every locale's numbers and dates on the
# server (components/format.py), so there is one formatter. A text that reads the same in every
# locale (a name the citizen typed) stays a plain string. ``st``/``snt`` are imported as
# ``t``/``nt`` in server modules, so extraction finds them like any other message.

LOCAL_MARK = "\x1e"


def localized(render: Callable[[str], str | None]) -> str:
    """The text ``render(locale)`` gives for every shipped locale, as one local text.

    ``render`` returns ``None`` for a locale it has no text in (content without a
    translation): the page then shows the source text, marked ``lang="zh-Hans"``.
    """
    texts = {loc: text for loc in SHIPPED_LOCALES if (text := render(loc)) is not None}
    if SOURCE_LOCALE not in texts:
        raise ValueError("a local text needs its source-language (zh_Hans) text")
    if len(texts) == len(SHIPPED_LOCALES) and len(set(texts.values())) == 1:
        return texts[SOURCE_LOCALE]
    return LOCAL_MARK + json.dumps(texts, ensure_ascii=False, separators=(",", ":"))


def has_han(text: str) -> bool:
    """Whether ``text`` contains Chinese characters (data shown as it is, marked zh-Hans)."""
    return bool(_HAN.search(text))


def is_local(text: object) -> bool:
    return isinstance(text, str) and text.startswith(LOCAL_MARK)


def pick(text: str, locale: str) -> str:
    """A local text (or plain string) as read in ``locale``, falling back to the source."""
    if not is_local(text):
        return text
    texts = json.loads(text[1:])
    return texts.get(locale) or texts[SOURCE_LOCALE]


def picks_source(text: str, locale: str) -> bool:
    """Does ``text`` read in ``locale`` fall back to the source language (no translation)?"""
    if not is_local(text):
        return bool(_HAN.search(text)) and locale not in {SOURCE_LOCALE, "zh_Hant"}
    return locale not in json.loads(text[1:])


def _param(value: object, locale: str) -> object:
    if isinstance(value, str):
        return pick(value, locale)
    if isinstance(value, int) and not isinstance(value, bool):
        return format_decimal(value, locale=babel_locale(locale))
    return value


def st(message: str, /, **params: object) -> str:
    """``message`` in every shipped locale (a local text); params may be local texts."""
    return localized(
        lambda loc: translate(loc, message, **{k: _param(v, loc) for k, v in params.items()})
    )


def snt(singular: str, plural: str, n: int, /, **params: object) -> str:
    """The counted form of a message for ``n``, in every shipped locale (``{n}`` formatted)."""

    def render(loc: str) -> str:
        text = translations(loc).ngettext(singular, plural, n)
        return text.format(n=_param(n, loc), **{k: _param(v, loc) for k, v in params.items()})

    return localized(render)


#: source-language texts that were composed from a message and catalogue content (derived
#: form definitions store the Chinese), with their local text: see :func:`composed`
_COMPOSED: dict[str, str] = {}


def _has_locale(value: object, locale: str) -> bool:
    """A parameter can be read in ``locale``: a local text with that locale, or no Chinese."""
    if is_local(value):
        return locale in json.loads(str(value)[1:])
    return not (isinstance(value, str) and _HAN.search(value)) or locale in {
        SOURCE_LOCALE,
        "zh_Hant",
    }


def composed(message: str, /, limit: int | None = None, **params: object) -> str:
    """``message`` with ``params`` (local texts of catalogue content, or plain values) as a
    source-language string, for definitions stored in Chinese (derived forms); :func:`stext`
    shows it in every locale. A locale in which a parameter has no translation gets the whole
    text in Chinese (marked ``lang="zh-Hans"`` when shown), never a sentence mixing both.
    The Chinese is cut to ``limit`` characters (the definition's field length)."""
    return remember(st_whole(message, **params), limit)


def st_whole(message: str, /, **params: object) -> str:
    """:func:`st` for a sentence about content (a form's label, a material): a locale in which
    a parameter has no translation gets the whole text in Chinese (marked ``lang="zh-Hans"``
    when shown), never a sentence mixing both (not "Choose 证明用于")."""
    return localized(
        lambda loc: (
            translate(loc, message, **{k: _param(v, loc) for k, v in params.items()})
            if all(_has_locale(v, loc) for v in params.values())
            else None
        )
    )


def remember(local: str, limit: int | None = None) -> str:
    """A local text of catalogue content stored as its Chinese (a material's name as a
    label): the Chinese (cut to ``limit`` characters), which :func:`stext` shows in every
    locale."""
    source = pick(local, SOURCE_LOCALE)[:limit]
    if local != source:
        # one registry for every province folder of the build: a text keeps each locale any
        # folder translated it into (a folder without that translation never takes it away)
        known = _COMPOSED.get(source)
        if known is not None and known != local:
            texts = json.loads(known[1:]) | json.loads(local[1:])
            local = LOCAL_MARK + json.dumps(texts, ensure_ascii=False, separators=(",", ":"))
        _COMPOSED[source] = local
    return source


def stext(message: str) -> str:
    """A text that is itself a message id (a form's label, an option), or one :func:`composed`
    or :func:`remember` built, in every locale."""
    if not message:
        return message
    return _COMPOSED.get(message) or st(message)


def sjoin(separator_message: str, parts: Iterable[str]) -> str:
    """Local texts joined with a separator that is itself translated (``、`` -> ``, ``)."""
    items = list(parts)
    # a locale in which a part has no translation gets the whole list in Chinese (marked when
    # shown), never a list mixing both
    return localized(
        lambda loc: (
            translate(loc, separator_message).join(pick(p, loc) for p in items)
            if all(_has_locale(p, loc) for p in items)
            else None
        )
    )


def server_text(text: Var | str) -> Var | str:
    """A local text from state, in the device's language (picked in the browser)."""
    if not isinstance(text, Var):
        return pick(text, _default_code)
    data = runtime_var("ywS", "useYwLocale", hooks=(LOCALE_HOOK,))
    return js(f"ywS(ywLoc, {text}, {json.dumps(_default_code)})", str, uses=(text,), data=data)


def server_lang(text: Var) -> Var:
    """The ``lang`` of ``server_text(text)``: the device's, or ``zh-Hans`` where the text
    had no translation and falls back to the source (screen readers switch voice)."""
    data = runtime_var("ywSL", "useYwLocale", hooks=(LOCALE_HOOK,))
    return js(f"ywSL(ywLoc, {text}, {json.dumps(_default_code)})", str, uses=(text,), data=data)


def server_span(text: Var, **props: object):
    """``server_text(text)`` in a span carrying its ``lang`` (``zh-Hans`` where it fell back
    to the source), for catalogue content and text the citizen typed."""
    import reflex as rx

    return rx.el.span(server_text(text), lang=server_lang(text), **props)


def shown_lang(text: Var | str) -> Var | str | None:
    """The ``lang`` of a text as shown: for a Var, the device's, or ``zh-Hans`` where Chinese
    shows in another locale (a province's content or question with no translation yet); for a
    fixed string, :func:`source_lang`."""
    return server_lang(text) if isinstance(text, Var) else source_lang(text)


def t_around(message: str, name: str, part: Var | str) -> list:
    """``message`` in the device's language with its ``{name}`` shown as a span of its own
    carrying the part's :func:`shown_lang` (a unit's Chinese name inside an English sentence);
    translators still see and order the whole sentence."""
    import reflex as rx

    template, marker = t(message), json.dumps("{" + name + "}")
    before = js(f"{template}.split({marker})[0]", str, uses=(template,))
    after = js(f"{template}.split({marker}).slice(1).join({marker})", str, uses=(template,))
    return [before, rx.el.span(part, lang=shown_lang(part)), after]


def source_lang(text: str) -> str | None:
    """``"zh-Hans"`` for a fixed text in Chinese (a brand name, a registration number) that
    stays Chinese in every locale, so screen readers pronounce it as Chinese; else None."""
    return "zh-Hans" if isinstance(text, str) and _HAN.search(text) else None


def source_text(message: str, /, **params: object) -> str:
    """``message`` in the source language (zh_Hans) as a plain string: for texts that are
    stored as message ids (derived form definitions), translated when shown (``stext``)."""
    return translate(SOURCE_LOCALE, message, **params)
