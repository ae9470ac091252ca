"""An 18-character resident ID number (GB 11643): capitals on (the check character may be X),
no spell check or autofill of other people's numbers; the server checks the check digit."""

from __future__ import annotations

import reflex as rx

from components.field_parts import Handler, Text
from components.text_input import text_input


def id_number_input(
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
        described_by=described_by, max_length=18, autocomplete="off",
        auto_capitalize="characters", on_blur=on_blur,
    )  # fmt: skip


def from_props(props: dict) -> rx.Component:
    props = dict(props)
    return id_number_input(
        props.pop("input_id"), props.pop("name"), props.pop("label_text"), **props
    )
