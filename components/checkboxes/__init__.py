"""Any number of choices (GOV.UK's checkboxes): each box posts ``<name>::<value>``.

``options``: objects with ``value``, ``label``, ``checked`` and ``input_id``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

from components.field_parts import Text, as_var, events, fieldset, text_var
from components.i18n import server_lang, server_text


def checkboxes(
    input_id: Text,
    name: Text,
    legend: Text,
    options: list[dict[str, Any]] | rx.Var,
    *,
    hint: Text = "",
    error: Text = "",
    described_by: Text = "",
    on_toggle: Callable[[Any], Callable[..., Any]] | None = None,
) -> rx.Component:
    """``on_toggle(option)`` returns the handler called with ``checked`` for that option."""
    items: Any = as_var(options)

    def box(o: Any) -> rx.Component:
        return rx.el.div(
            rx.el.input(
                type="checkbox",
                id=o.input_id.to(str),
                name=text_var(name) + "::" + o.value.to(str),
                value="on",
                default_checked=o.checked.bool(),
                **events(on_change=on_toggle(o) if on_toggle is not None else None),
            ),
            rx.el.label(
                server_text(o.label.to(str)),
                html_for=o.input_id.to(str),
                lang=server_lang(o.label.to(str)),
            ),
            class_name="yw-choice",
        )

    return fieldset(legend, input_id, hint, error, described_by, rx.foreach(items, box))


def from_props(props: dict) -> rx.Component:
    props = dict(props)
    return checkboxes(
        props.pop("input_id"), props.pop("name"), props.pop("legend"), props.pop("options"), **props
    )
