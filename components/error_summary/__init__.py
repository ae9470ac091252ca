"""The error summary (GOV.UK's): a focusable alert at the top of the page listing every error
as a link that focuses the field it names. Handlers move focus to it after a failed submit.

``items``: objects with ``message`` and ``target`` (the id of the field to focus).
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from components.field_parts import Text, as_var
from components.i18n import server_span
from components.question_page import focus_link


def error_summary(
    title: Text, items: list[dict[str, str]] | rx.Var, element_id: str = "error-summary"
) -> rx.Component:
    entries: Any = as_var(items)
    return rx.el.div(
        rx.el.h2(title, id=f"{element_id}-title", class_name="yw-error-summary__title"),
        rx.el.ul(
            rx.foreach(entries, lambda e: rx.el.li(focus_link(server_span(e.message), e.target))),
            class_name="yw-error-summary__list",
        ),
        id=element_id,
        tab_index=-1,
        role="alert",
        aria_labelledby=f"{element_id}-title",
        class_name="yw-error-summary",
    )


def from_props(props: dict) -> rx.Component:
    return error_summary(props["title"], props["items"], props.get("element_id", "error-summary"))
