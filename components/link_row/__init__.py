"""A row of a link list: label, optional secondary line and meta, and a chevron."""

from __future__ import annotations

import reflex as rx
from reflex_components_core.react_router.dom import ReactRouterLink

from components.icon import icon

Text = str | rx.Var


def link_row(
    label: Text | rx.Component,
    href: Text,
    secondary: Text | rx.Component = "",
    meta: Text = "",
    audience_key: Text | None = None,
) -> rx.Component:
    """``<li>`` holding one link; pass Vars inside ``rx.foreach``.

    ``audience_key`` ("person" or "business", as ``app.domain.enums.Audience.key``) lets an enclosing audience switch filter the row.
    """
    return rx.el.li(
        ReactRouterLink.create(
            rx.el.span(
                rx.el.span(label, class_name="yw-row__label"),
                rx.el.span(secondary, class_name="yw-row__secondary"),
                class_name="yw-row__text",
            ),
            rx.el.span(meta, class_name="yw-row__meta"),
            icon("chevron", class_name="yw-icon yw-row__chevron"),
            href=href,
            class_name="yw-row",
        ),
        custom_attrs={"data-audience": audience_key} if audience_key is not None else {},
    )


def link_list(*rows: rx.Component) -> rx.Component:
    return rx.el.ul(*rows, class_name="yw-list")


def from_props(props: dict) -> rx.Component:
    return link_list(*[link_row(**row) for row in props["rows"]])
