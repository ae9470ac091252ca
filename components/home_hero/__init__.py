"""The home page's welcome text: a province's title line and one sentence."""

from __future__ import annotations

import reflex as rx


def home_hero(title: str, text: str = "", heading_id: str = "yw-hero-title") -> rx.Component:
    """A ``<section>`` named by its heading; the words come from the province's theme.toml."""
    return rx.el.section(
        rx.el.h2(title, id=heading_id, class_name="yw-hero__title"),
        rx.el.p(text, class_name="yw-hero__text") if text else rx.fragment(),
        aria_labelledby=heading_id,
        class_name="yw-hero",
    )


def from_props(props: dict) -> rx.Component:
    return home_hero(**props)
