"""A titled card: a ``<section>`` named by its ``<h2>``."""

from __future__ import annotations

from typing import Any

import reflex as rx


def section_card(
    title: str | rx.Var, heading_id: str, *children: rx.Component, section_id: str = ""
) -> rx.Component:
    props: dict[str, Any] = {"id": section_id} if section_id else {}
    return rx.el.section(
        rx.el.h2(title, id=heading_id, class_name="yw-section-title"),
        *children,
        aria_labelledby=heading_id,
        class_name="yw-card",
        **props,
    )


def from_props(props: dict) -> rx.Component:
    return section_card(props["title"], props["heading_id"], rx.el.p(props.get("body", "")))
