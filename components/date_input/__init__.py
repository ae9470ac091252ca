"""A date field: the phone's native date picker (``type=date``), answers as ``YYYY-MM-DD``."""

from __future__ import annotations

import reflex as rx

from components.field_parts import Handler, Text
from components.text_input import text_input


def date_input(
    input_id: Text,
    name: Text,
    label_text: Text,
    *,
    value: Text = "",
    hint: Text = "",
    error: Text = "",
    described_by: Text = "",
    on_blur: Handler = None,
) -> rx.Component:
    return text_input(
        input_id, name, label_text, value=value, hint=hint, error=error,
        described_by=described_by, input_type="date", autocomplete="off", on_blur=on_blur,
    )  # fmt: skip


def from_props(props: dict) -> rx.Component:
    props = dict(props)
    return date_input(props.pop("input_id"), props.pop("name"), props.pop("label_text"), **props)
