"""One choice from a few (GOV.UK's radios): a fieldset whose legend is the question.

``options``: objects with ``value``, ``label``, ``checked`` and ``input_id`` (each radio's id;
the error summary links to the first one).
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from components.field_parts import Handler, Text, as_var, events, fieldset
from components.i18n import server_lang, server_text


def radios(
    input_id: Text,
    name: Text,
    legend: Text,
    options: list[dict[str, Any]] | rx.Var,
    *,
    hint: Text = "",
    error: Text = "",
    described_by: Text = "",
    on_change: Handler = None,
) -> rx.Component:
    """``on_change`` is called with the chosen value."""
    items: Any = as_var(options)

    def choice(o: Any) -> rx.Component:
        return rx.el.div(
            rx.el.input(
                type="radio",
                id=o.input_id.to(str),
                name=name,
                value=o.value.to(str),
                default_checked=o.checked.bool(),
                **events(on_change=on_change),
            ),
            rx.el.label(
                server_text(o.label.to(str)),
                html_for=o.input_id.to(str),
                lang=server_lang(o.label.to(str)),
            ),
            class_name="yw-choice",
        )

    return fieldset(legend, input_id, hint, error, described_by, rx.foreach(items, choice))


def from_props(props: dict) -> rx.Component:
    props = dict(props)
    return radios(
        props.pop("input_id"), props.pop("name"), props.pop("legend"), props.pop("options"), **props
    )
