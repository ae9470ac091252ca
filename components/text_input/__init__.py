"""A labelled single-line text input with hint and error (GOV.UK's text input, on phones).

The variants ``date_input``, ``id_number_input`` and ``phone_input`` are their own components
built on :func:`text_input`.
"""

from __future__ import annotations

from typing import Literal

import reflex as rx

from components.field_parts import (
    AutoComplete,
    Handler,
    Text,
    events,
    hint_and_error,
    invalid,
    label,
    wrapper,
)

InputType = Literal["text", "tel", "date", "email", "number"]
InputMode = Literal["text", "tel", "numeric", "decimal", "email", "none"]
AutoCapitalize = Literal["off", "none", "sentences", "words", "characters"]


def text_input(
    input_id: Text,
    name: Text,
    label_text: Text,
    *,
    value: Text = "",
    hint: Text = "",
    error: Text = "",
    described_by: Text = "",
    max_length: int | rx.Var = 100,
    autocomplete: AutoComplete | Text = "on",
    input_type: InputType = "text",
    input_mode: InputMode | None = None,
    auto_capitalize: AutoCapitalize | None = None,
    on_blur: Handler = None,
) -> rx.Component:
    extra = {}
    if input_mode is not None:
        extra["input_mode"] = input_mode
    if auto_capitalize is not None:
        extra["auto_capitalize"] = auto_capitalize
    return wrapper(
        label(label_text, input_id),
        *hint_and_error(input_id, hint, error),
        rx.el.input(
            id=input_id,
            name=name,
            type=input_type,
            default_value=value,
            max_length=max_length,
            auto_complete=autocomplete,
            aria_describedby=described_by,
            aria_invalid=invalid(error),
            class_name="yw-input",
            **extra,
            **events(on_blur=on_blur),
        ),
        error=error,
    )


def from_props(props: dict) -> rx.Component:
    props = dict(props)
    return text_input(props.pop("input_id"), props.pop("name"), props.pop("label_text"), **props)


__all__ = ["InputMode", "InputType", "text_input"]
