"""Server text: what event handlers, rules and HTTP responses say, in every shipped locale.

Text that handlers put into state (validation messages, statuses, formatted limits) is made on
the server in *every* shipped locale at once and travels as one string: a local text
(``LOCAL_MARK`` + JSON ``{locale: text}``). The page shows it through
``components.i18n.server_text``, which picks the device's locale in the browser, so the
language selector switches it instantly, like page text, with no round trip; Babel formats
every locale's numbers and dates on the server (``app.text.format``), so there is one
formatter. A text that reads the same in every locale (a name the citizen typed) stays a plain
string. ``st``/``snt`` are imported as ``t``/``nt`` in server modules, so extraction finds them
like any other message (``scripts/i18n.py``'s keywords).

Text in one locale (an HTTP response, a log line) uses ``translate`` / ``ntranslate`` with the
locale the browser sent (``LOCALE_COOKIE``, ``request_locale``). No Reflex here: the locale
facts and catalogs are ``components.locales``, re-exported for server code.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from babel.numbers import format_decimal

from components.locales import (
    LOCAL_MARK,
    LOCALE_COOKIE,
    N_,
    SHIPPED_LOCALES,
    SOURCE_LOCALE,
    activate,
    active_locale,
    babel_locale,
    content_text,
    has_han,
    is_local,
    pick,
    register_content,
    translations,
)

__all__ = [
    "LOCALE_COOKIE",
    "LOCAL_MARK",
    "N_",
    "SHIPPED_LOCALES",
    "SOURCE_LOCALE",
    "activate",
    "active_locale",
    "babel_locale",
    "composed",
    "has_han",
    "is_local",
    "localized",
    "ntranslate",
    "pick",
    "picks_source",
    "register_content",
    "remember",
    "request_locale",
    "sjoin",
    "snt",
    "source_text",
    "st",
    "st_whole",
    "stext",
    "translate",
    "translations",
]


def translate(locale: str, message: str, /, **params: object) -> str:
    """``message`` in ``locale`` with its named ``{placeholders}`` filled (server side)."""
    text = translations(locale).gettext(message)
    if text == message and locale != SOURCE_LOCALE:  # a province folder's own catalogue
        text = content_text(locale, message) or text
    return text.format(**params) if params else text


def ntranslate(locale: str, singular: str, plural: str, n: int, /, **params: object) -> str:
    """The form of a counted message for ``n`` in ``locale`` (``{n}`` is available)."""
    return translations(locale).ngettext(singular, plural, n).format(n=n, **params)


def request_locale(cookie_value: str | None) -> str:
    """The locale a request asked for (the ``yw_locale`` cookie), or the default."""
    return cookie_value if cookie_value in SHIPPED_LOCALES else active_locale()


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


def picks_source(text: str, locale: str) -> bool:
    """Does ``text`` read in ``locale`` fall back to the source language (no translation)?"""
    if not is_local(text):
        return has_han(text) and locale not in {SOURCE_LOCALE, "zh_Hant"}
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
    return not (isinstance(value, str) and has_han(value)) or locale in {
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


def source_text(message: str, /, **params: object) -> str:
    """``message`` in the source language (zh_Hans) as a plain string: for texts that are
    stored as message ids (derived form definitions), translated when shown (``stext``)."""
    return translate(SOURCE_LOCALE, message, **params)
