"""A loading placeholder: grey bars shaped like the content, announced as busy."""

from __future__ import annotations

import reflex as rx

from components.i18n import t


def skeleton(lines: int = 3, label: str | rx.Var | None = None) -> rx.Component:
    return rx.el.div(
        rx.el.p(t("正在加载…") if label is None else label, class_name="yw-skeleton__label"),
        *[rx.el.div(class_name="yw-skeleton__bar") for _ in range(lines)],
        role="status",
        aria_busy="true",
        class_name="yw-skeleton yw-card",
    )


def from_props(props: dict) -> rx.Component:
    return skeleton(**props)
