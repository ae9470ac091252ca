"""Translation entry points for every user-visible string of the page (Babel catalogs in
``locales/``, read through ``components.locales``).

``t("…")`` and ``nt("…", "…", n)`` are the only ways components and pages produce text; their
message ids are the zh_Hans source strings, extracted by ``pybabel extract -k t -k nt:1,2``.
Placeholders are named: ``t("共 {count} 项", count=3)``; a placeholder may be a state var
(``t_var`` is the same call, insisting on vars).

In the page, ``t`` is a string var looked up in the browser by the locale of the device
(``components/yw_runtime.js``): the build's default locale renders (and is prerendered) with no
catalog at all, since its texts are in the page; another locale's catalog is a small JSON file
fetched the first time the citizen picks it (``components.locales.catalog_json``). Switching
re-renders in place, so inputs keep what was typed.

Text produced on the server (validation errors, statuses, formatted values) is made by
``app.text`` in every shipped locale at once (a local text); ``server_text`` shows it in the
device's locale.
"""

from __future__ import annotations

import functools
import json

import reflex as rx
from reflex.vars.base import Var, VarData
from reflex_base.utils.imports import ImportVar

from components.js import js
from components.locales import (
    N_,
    SOURCE_LOCALE,
    active_locale,
    catalog_json,
    content_text,
    has_han,
    pick,
    translations,
)

__all__ = [
    "LOCALE_HOOK",
    "MODE_HOOK",
    "N_",
    "locale_var",
    "mode_var",
    "nt",
    "runtime_var",
    "server_lang",
    "server_span",
    "server_text",
    "shown_lang",
    "source_lang",
    "t",
    "t_around",
    "t_content",
    "t_var",
    "title_var",
]


@functools.cache
def _runtime_module() -> str:
    """The bundle import path of yw_runtime.js (linked into assets/ on first use)."""
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
    return js(f"(ywLoc ?? {json.dumps(active_locale())})", str, data=data)


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
    if active_locale() != SOURCE_LOCALE:  # the default's text travels with the page
        call += (", " if args else ", undefined, ") + json.dumps(
            translations(active_locale()).gettext(message), ensure_ascii=False
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
    if active_locale() != SOURCE_LOCALE:
        forms = catalog_json(active_locale())["p"].get(singular, [singular, plural])
        call += ", " + json.dumps(forms, ensure_ascii=False)
    return _runtime_call("ywNT", call, used)


def t_content(text: str) -> Var | str:
    """A text of the province's configuration (a service name, a unit) in the device's
    language, falling back to the Chinese. Not extracted: provinces translate content in
    their folder (``translations.toml``), not in ``locales/``."""
    if not text:
        return text
    call = json.dumps(text, ensure_ascii=False)
    if active_locale() != SOURCE_LOCALE:
        default = content_text(active_locale(), text) or text
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


def server_text(text: Var | str) -> Var | str:
    """A local text from state, in the device's language (picked in the browser)."""
    if not isinstance(text, Var):
        return pick(text, active_locale())
    data = runtime_var("ywS", "useYwLocale", hooks=(LOCALE_HOOK,))
    return js(f"ywS(ywLoc, {text}, {json.dumps(active_locale())})", str, uses=(text,), data=data)


def server_lang(text: Var) -> Var:
    """The ``lang`` of ``server_text(text)``: the device's, or ``zh-Hans`` where the text
    had no translation and falls back to the source (screen readers switch voice)."""
    data = runtime_var("ywSL", "useYwLocale", hooks=(LOCALE_HOOK,))
    return js(f"ywSL(ywLoc, {text}, {json.dumps(active_locale())})", str, uses=(text,), data=data)


def server_span(text: Var, class_name: str = "") -> rx.Component:
    """``server_text(text)`` in a span carrying its ``lang`` (``zh-Hans`` where it fell back
    to the source), for catalogue content and text the citizen typed."""
    if class_name:
        return rx.el.span(server_text(text), lang=server_lang(text), class_name=class_name)
    return rx.el.span(server_text(text), lang=server_lang(text))


def shown_lang(text: Var | str) -> Var | str | None:
    """The ``lang`` of a text as shown: for a Var, the device's, or ``zh-Hans`` where Chinese
    shows in another locale (a province's content or question with no translation yet); for a
    fixed string, :func:`source_lang`."""
    return server_lang(text) if isinstance(text, Var) else source_lang(text)


def t_around(message: str, name: str, part: Var | str) -> list:
    """``message`` in the device's language with its ``{name}`` shown as a span of its own
    carrying the part's :func:`shown_lang` (a unit's Chinese name inside an English sentence);
    translators still see and order the whole sentence."""
    template, marker = t(message), json.dumps("{" + name + "}")
    before = js(f"{template}.split({marker})[0]", str, uses=(template,))
    after = js(f"{template}.split({marker}).slice(1).join({marker})", str, uses=(template,))
    return [before, rx.el.span(part, lang=shown_lang(part)), after]


def source_lang(text: str) -> str | None:
    """``"zh-Hans"`` for a fixed text in Chinese (a brand name, a registration number) that
    stays Chinese in every locale, so screen readers pronounce it as Chinese; else None."""
    return "zh-Hans" if isinstance(text, str) and has_han(text) else None
