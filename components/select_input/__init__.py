"""A native select (the phone's own picker) with a 请选择 placeholder, hint and error."""

from __future__ import annotations

from typing import Any

import reflex as rx

from components.field_parts import (
    Handler,
    Text,
    as_var,
    events,
    hint_and_error,
    invalid,
    label,
    wrapper,
)
from components.i18n import server_lang, server_text, t


def select_control(
    input_id: Text,
    name: Text,
    options: list[dict[str, str]] | rx.Var,
    *,
    value: Text = "",
    described_by: Text = "",
    error: Text = "",
    on_change: Handler = None,
) -> rx.Component:
    """Only the ``<select>`` (for a group that labels it itself, e.g. the address)."""
    items: Any = as_var(options)
    return rx.el.select(
        rx.el.option(t("请选择"), value=""),
        rx.foreach(
            items,
            lambda o: rx.el.option(
                server_text(o.label.to(str)),
                value=o.value.to(str),
                lang=server_lang(o.label.to(str)),
            ),
        ),
        id=input_id,
        name=name,
        default_value=value,
        aria_describedby=described_by,
        aria_invalid=invalid(error),
        class_name="yw-select",
        **events(on_change=on_change),
    )


def select_input(
    input_id: Text,
    name: Text,
    label_text: Text,
    options: list[dict[str, str]] | rx.Var,
    *,
    value: Text = "",
    hint: Text = "",
    error: Text = "",
    described_by: Text = "",
    on_change: Handler = None,
) -> rx.Component:
    return wrapper(
        label(label_text, input_id),
        *hint_and_error(input_id, hint, error),
        select_control(
            input_id,
            name,
            options,
            value=value,
            described_by=described_by,
            error=error,
            on_change=on_change,
        ),
        error=error,
    )


def from_props(props: dict) -> rx.Component:
    props = dict(props)
    return select_input(
        props.pop("input_id"), props.pop("name"), props.pop("label_text"), props.pop("options"),
        **props,
    )  # fmt: skip
