"""Check your answers (GOV.UK's summary list): each answer with a change button whose
accessible name says what it changes.

``rows``: objects with ``key``, ``label``, ``value``, ``step`` and ``change_label``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

from components.field_parts import as_var
from components.i18n import server_span, server_text, t
from components.question_page import button


def summary_list(
    rows: list[dict[str, Any]] | rx.Var,
    *,
    on_change: Callable[[Any], Callable[..., Any]] | None = None,
) -> rx.Component:
    """``on_change(step)`` returns the handler of a row's change button (no buttons without)."""
    items: Any = as_var(rows)

    def row(a: Any) -> rx.Component:
        change = (
            [
                rx.el.dd(
                    button(
                        t("修改"),
                        "link",
                        on_click=on_change(a.step),
                        aria_label=server_text(a.change_label),
                    )
                )
            ]
            if on_change is not None
            else []
        )
        return rx.el.div(
            rx.el.dt(server_text(a.label)), rx.el.dd(server_span(a.value)), *change,
            class_name="yw-summary-list__row", key=a.key,
        )  # fmt: skip

    return rx.el.dl(rx.foreach(items, row), class_name="yw-summary-list")


def from_props(props: dict) -> rx.Component:
    return summary_list(props["rows"])
