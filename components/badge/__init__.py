"""A small label that states a fact about an item (never colour alone: always words)."""

from __future__ import annotations

from typing import Literal

import reflex as rx

BadgeTone = Literal["info", "success", "neutral"]


def badge(text: str | rx.Var, tone: BadgeTone = "neutral") -> rx.Component:
    return rx.el.span(text, class_name=f"yw-badge yw-badge--{tone}")


def from_props(props: dict) -> rx.Component:
    return badge(**props)
