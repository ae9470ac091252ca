"""Previous / next navigation between pages of a list, with the position in words."""

from __future__ import annotations

import reflex as rx
from reflex_components_core.react_router.dom import ReactRouterLink

from components.i18n import t


def pagination(previous_href: rx.Var, next_href: rx.Var, position: str | rx.Var) -> rx.Component:
    """``<nav aria-label="分页">``; a missing href (empty string) hides that link."""
    return rx.el.nav(
        rx.cond(
            previous_href != "",
            ReactRouterLink.create(t("上一页"), href=previous_href, class_name="yw-pager__link"),
            rx.el.span(),
        ),
        rx.el.span(position, class_name="yw-pager__position"),
        rx.cond(
            next_href != "",
            ReactRouterLink.create(t("下一页"), href=next_href, class_name="yw-pager__link"),
            rx.el.span(),
        ),
        aria_label=t("分页"),
        class_name="yw-pager",
    )


def from_props(props: dict) -> rx.Component:
    return pagination(
        rx.Var.create(props["previous_href"]), rx.Var.create(props["next_href"]), props["position"]
    )
