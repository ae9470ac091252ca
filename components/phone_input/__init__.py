"""A mobile phone number: the phone keypad (``type=tel``) and the device's own number offered."""

from __future__ import annotations

import reflex as rx

from components.field_parts import Handler, Text
from components.text_input import text_input


def phone_input(
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
        described_by=described_by, max_length=20, autocomplete="tel", input_type="tel",
        input_mode="tel", on_blur=on_blur,
    )  # fmt: skip


def from_props(props: dict) -> rx.Component:
    props = dict(props)
    return phone_input(props.pop("input_id"), props.pop("name"), props.pop("label_text"), **props)
