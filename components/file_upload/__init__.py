"""A file upload (GOV.UK's file upload, phone-first): the native input, which offers the
camera and the files on a phone; a live status line (``<input_id>-status``) for what the
upload answered. The caller supplies ``on_change`` (what posts the file) and may put an
e-licence offer (``elicence_picker``) above the input."""

from __future__ import annotations

from typing import Any

import reflex as rx

from components.field_parts import Text, events, hint_and_error, label, text_var, wrapper

#: what citizens' materials may be (the server checks the bytes again)
ACCEPT = "image/jpeg,image/png,application/pdf,.ofd,.pdf,.jpg,.jpeg,.png"


def file_upload(
    input_id: Text,
    label_text: Text,
    *,
    hint: Text = "",
    error: Text = "",
    described_by: Text = "",
    status: Text | rx.Component = "",
    offer: rx.Component | None = None,
    accept: str = ACCEPT,
    on_change: Any = None,
) -> rx.Component:
    """``status``: the text of the status line now (e.g. 已上传：me.png)."""
    input_id_var = text_var(input_id)
    return wrapper(
        label(label_text, input_id),
        *hint_and_error(input_id, hint, error),
        *([offer] if offer is not None else []),
        rx.el.input(
            id=input_id,
            type="file",
            accept=accept,
            aria_describedby=text_var(described_by) + " " + input_id_var + "-status",
            class_name="yw-input",
            **events(on_change=on_change),
        ),
        rx.el.p(status, id=input_id_var + "-status", role="status", class_name="yw-hint"),
        error=error,
    )


def from_props(props: dict) -> rx.Component:
    props = dict(props)
    return file_upload(props.pop("input_id"), props.pop("label_text"), **props)
