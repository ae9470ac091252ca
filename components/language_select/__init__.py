"""Language selector: a native ``<select>`` that switches the page's language in place."""

from __future__ import annotations

from typing import Literal

import reflex as rx
from reflex.vars.base import Var
from reflex_base.event import EventChain

from components.i18n import locale_var, runtime_var, t
from components.icon import icon
from components.js import js
from components.locales import LOCALE_NAMES, SHIPPED_LOCALES, html_lang

SelectVariant = Literal["compact", "full"]


def _on_change() -> Var:
    return js("((e) => ywSetLocale(e.target.value))", EventChain, data=runtime_var("ywSetLocale"))


def language_select(variant: SelectVariant = "full") -> rx.Component:
    """A ``<select>`` inside its ``<label>``; each language is named in itself, with its
    ``lang``. (No id: Reflex gives every element with an id a React ref, which costs bytes.)

    ``compact`` (for the header) shows a globe instead of the label's text, which stays the
    control's accessible name.
    """
    label_text = rx.el.span(
        t("语言"), class_name="yw-visually-hidden" if variant == "compact" else ""
    )
    return rx.el.label(
        rx.el.span(icon("globe"), label_text, class_name="yw-lang__label"),
        rx.el.select(
            *[
                rx.el.option(LOCALE_NAMES[code], value=code, lang=html_lang(code))
                for code in SHIPPED_LOCALES
            ],
            value=locale_var(),
            on_change=_on_change(),
            class_name="yw-lang__select",
        ),
        class_name=f"yw-lang yw-lang--{variant}",
    )


def from_props(props: dict) -> rx.Component:
    return language_select(**props)
