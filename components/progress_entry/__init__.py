"""办件查询 entry: a card link to where a citizen follows an application."""

from __future__ import annotations

import reflex as rx
from reflex_components_core.react_router.dom import ReactRouterLink

from components.i18n import t
from components.icon import icon


def progress_entry(href: str) -> rx.Component:
    return ReactRouterLink.create(
        rx.el.span(icon("progress"), class_name="yw-entry__icon"),
        rx.el.span(
            rx.el.span(t("办件查询"), class_name="yw-entry__title"),
            rx.el.span(t("查看申请的办理进度和结果"), class_name="yw-entry__hint"),
            class_name="yw-entry__text",
        ),
        icon("chevron", class_name="yw-icon yw-entry__chevron"),
        href=href,
        class_name="yw-entry yw-card",
    )


def from_props(props: dict) -> rx.Component:
    return progress_entry(**props)
