"""The bottom tab bar (首页 / 办事 / 我的): primary navigation, the current page marked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import reflex as rx
from reflex.vars.base import Var
from reflex_components_core.react_router.dom import ReactRouterLink

from components.i18n import t
from components.icon import IconName, icon


@dataclass(frozen=True)
class TabItem:
    key: str
    label: str | Var
    href: str
    icon: IconName


def _current(is_current: bool) -> dict[str, Any]:
    return {"aria_current": "page"} if is_current else {}


def tab_bar(items: Sequence[TabItem], current: str | None) -> rx.Component:
    """``<nav>`` named 主导航; the current tab has ``aria-current="page"`` (``None``: none)."""
    if current is not None and current not in {item.key for item in items}:
        raise ValueError(f"current tab {current!r} is not one of {[i.key for i in items]}")
    return rx.el.nav(
        rx.el.ul(
            *[
                rx.el.li(
                    ReactRouterLink.create(
                        icon(item.icon),
                        rx.el.span(item.label),
                        href=item.href,
                        class_name="yw-tabbar__link",
                        **_current(item.key == current),
                    ),
                    class_name="yw-tabbar__item",
                )
                for item in items
            ],
            class_name="yw-tabbar__list",
        ),
        aria_label=t("主导航"),
        class_name="yw-tabbar",
    )


def from_props(props: dict) -> rx.Component:
    return tab_bar([TabItem(**item) for item in props["items"]], props["current"])
