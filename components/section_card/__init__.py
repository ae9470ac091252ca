"""A titled card: a ``<section>`` named by its ``<h2>``."""

from __future__ import annotations

import reflex as rx


def section_card(
    title: str | rx.Var, heading_id: str, *children: rx.Component, section_id: str = ""
) -> rx.Component:
    return rx.el.section(
        rx.el.h2(title, id=heading_id, class_name="yw-section-title"),
        *children,
        aria_labelledby=heading_id,
        class_name="yw-card",
        **({"id": section_id} if section_id else {}),
    )


def from_props(props: dict) -> rx.Component:
    return section_card(props["title"], props["heading_id"], rx.el.p(props.get("body", "")))
