"""Parts every form component shares: the label, the hint and the error message.

Ids follow one rule, so a handler or the error summary can point at them: the control is
``input_id``, its hint ``<input_id>-hint``, its error ``<input_id>-error``. The caller passes
``described_by`` (the ids that apply: the server knows whether there is a hint or an error).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import reflex as rx
from reflex.vars.base import Var
from reflex.vars.sequence import StringVar

from components.i18n import shown_lang, t

#: a text prop: a plain string (examples, static pages) or a state Var
Text = str | Var
#: an event handler the caller supplies (a state's event with its arguments bound), or none
Handler = Callable[..., Any] | None
AutoComplete = Literal["on", "off", "name", "tel", "street-address", "postal-code", "bday"]


def as_var(value: Any) -> Var:
    return value if isinstance(value, Var) else Var.create(value)


def text_var(value: Text) -> StringVar:
    """A text prop as a string Var, to join with ``+`` (an id and its suffix) in the browser."""
    var = as_var(value)
    return var if isinstance(var, StringVar) else var.to(str)


def label(text: Text, html_for: Text) -> rx.Component:
    return rx.el.label(text, html_for=html_for, lang=shown_lang(text), class_name="yw-label")


def hint_and_error(input_id: Text, hint: Text, error: Text) -> list[rx.Component]:
    """The hint (if any) and the error (if any, announced as 错误：…) under a label."""
    input_id = text_var(input_id)
    return [
        rx.cond(
            as_var(hint) != "",
            rx.el.p(hint, id=input_id + "-hint", lang=shown_lang(hint), class_name="yw-hint"),
        ),
        rx.cond(
            as_var(error) != "",
            rx.el.p(
                rx.el.span(t("错误："), class_name="yw-visually-hidden"),
                rx.el.span(error, lang=shown_lang(error)),
                id=input_id + "-error",
                class_name="yw-error-message",
            ),
        ),
    ]


def invalid(error: Text) -> Var:
    return rx.cond(as_var(error) != "", "true", "false")


def wrapper(*children: rx.Component, error: Text = "") -> rx.Component:
    """The field block; a red rule on the inline-start side when it has an error."""
    return rx.el.div(
        *children,
        class_name=rx.cond(as_var(error) != "", "yw-field yw-field--error", "yw-field"),
    )


def fieldset(legend: Text, input_id: Text, hint: Text, error: Text, described_by: Text,
             *controls: rx.Component) -> rx.Component:  # fmt: skip
    """A group of controls (radios, checkboxes, an address) under one legend."""
    return wrapper(
        rx.el.fieldset(
            rx.el.legend(legend, lang=shown_lang(legend), class_name="yw-legend"),
            *hint_and_error(input_id, hint, error),
            *controls,
            aria_describedby=described_by,
            class_name="yw-fieldset",
        ),
        error=error,
    )


def events(**handlers: Handler) -> dict[str, Any]:
    """Only the handlers that were given (a component without handlers is static)."""
    return {name: h for name, h in handlers.items() if h is not None}
