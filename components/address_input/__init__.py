"""An address by administrative division: the county-level area (a select of the province's
divisions, GB/T 2260 codes) and the street address. Posts ``<name>`` (the 12-digit code) and
``<name>.detail``."""

from __future__ import annotations

import reflex as rx

from components.field_parts import Handler, Text, events, fieldset, label, text_var
from components.i18n import t
from components.select_input import select_control


def address_input(
    input_id: Text,
    name: Text,
    legend: Text,
    divisions: list[dict[str, str]] | rx.Var,
    *,
    value: Text = "",
    detail: Text = "",
    hint: Text = "",
    error: Text = "",
    described_by: Text = "",
    on_change: Handler = None,
    on_detail_blur: Handler = None,
) -> rx.Component:
    """``divisions``: objects with ``value`` (the code) and ``label`` (the full name)."""
    detail_id = text_var(input_id) + "-detail"
    return fieldset(
        legend, input_id, hint, error, described_by,
        label(t("所在区县"), input_id),
        select_control(input_id, name, divisions, value=value, described_by=described_by,
                       error=error, on_change=on_change),
        label(t("街道、小区和门牌号"), detail_id),
        rx.el.input(
            id=detail_id, name=text_var(name) + ".detail", type="text", default_value=detail,
            max_length=100, auto_complete="street-address", class_name="yw-input",
            **events(on_blur=on_detail_blur),
        ),
    )  # fmt: skip


def from_props(props: dict) -> rx.Component:
    props = dict(props)
    return address_input(
        props.pop("input_id"), props.pop("name"), props.pop("legend"), props.pop("divisions"),
        **props,
    )  # fmt: skip
