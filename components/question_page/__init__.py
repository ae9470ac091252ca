"""Question-page parts (the GOV.UK pattern on phones): step indicator, field wrapper, buttons
and the confirmation panel. The fields, the error summary and the summary list are their own
components (``components/text_input`` … ``components/error_summary``).

Pure functions from text or state Vars to components; no app state, no strings of their own
beyond what the caller passes (the caller translates). The error summary is focusable
(``tabindex=-1``) so a handler can move focus to it; its links focus the field they name.
"""

from __future__ import annotations

from typing import Any, Literal

import reflex as rx
from reflex.vars.base import Var
from reflex_base.event import EventChain

from components.field_parts import text_var
from components.js import js

ButtonKind = Literal["primary", "secondary", "link", "danger"]
ButtonType = Literal["button", "submit", "reset"]


def focus_link(text: Any, target_id: Any) -> rx.Component:
    """A link to ``#target`` that, once hydrated, focuses the target (the router would not)."""
    target = text_var(target_id)
    handler = js(
        f"((e) => {{ e.preventDefault(); const el = document.getElementById({target!s});"
        " if (el) { el.focus(); el.scrollIntoView({block: 'center'}); } })",
        EventChain,
        uses=(target,),
    )
    return rx.el.a(text, href="#" + target, on_click=handler)


def button(
    text: Any, kind: ButtonKind = "primary", type_: ButtonType = "button", **attrs: Any
) -> rx.Component:
    return rx.el.button(text, type=type_, class_name=f"yw-button yw-button--{kind}", **attrs)


def step_caption(text: Any) -> rx.Component:
    """第 2 步，共 4 步 — above the heading, as GOV.UK's caption."""
    return rx.el.p(text, class_name="yw-step-caption")


def field_wrapper(*children: rx.Component, invalid: Any = False, **attrs: Any) -> rx.Component:
    invalid_var = invalid if isinstance(invalid, Var) else Var.create(invalid)
    return rx.el.div(
        *children,
        class_name=rx.cond(invalid_var, "yw-field yw-field--error", "yw-field"),
        **attrs,
    )


def panel(title: Any, reference_label: Any, reference: Any, heading_id: str) -> rx.Component:
    """The confirmation panel with the reference number (办件编号)."""
    return rx.el.div(
        rx.el.h1(title, id=heading_id, tab_index=-1, class_name="yw-panel__title"),
        rx.el.p(reference_label, rx.el.br(), rx.el.strong(reference), class_name="yw-panel__body"),
        class_name="yw-panel",
    )


def from_props(props: dict) -> rx.Component:
    part = props.get("part", "button")
    if part == "panel":
        heading_id = props.get("heading_id", "done")
        return panel(props["title"], props["reference_label"], props["reference"], heading_id)
    if part == "caption":
        return step_caption(props["text"])
    return button(props["text"], props.get("kind", "primary"))


__all__ = ["button", "field_wrapper", "focus_link", "panel", "step_caption"]
