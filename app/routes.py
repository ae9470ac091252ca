"""The route table: every page of the app, explicitly (no registration by import)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import reflex as rx

from components.i18n import N_, t
from components.tab_bar import TabItem

TabKey = Literal["home", "services", "me"]


@dataclass(frozen=True)
class Route:
    path: str
    title: str  # the zh_Hans source of the page title (a message id; translated per device)
    page: Callable[[], rx.Component]
    on_load: Callable[..., object] | None = None


def tabs() -> list[TabItem]:
    """The bottom tab bar, in order."""
    return [
        TabItem(key="home", label=t("首页"), href="/", icon="home"),
        TabItem(key="services", label=t("办事"), href="/services", icon="grid"),
        TabItem(key="me", label=t("我的"), href="/me", icon="user"),
    ]


def routes() -> list[Route]:
    from app.pages import home, me, services
    from app.state.services import ServicesState

    return [
        Route("/", N_("首页"), home.page),
        Route("/services", N_("办事"), services.page, ServicesState.load),
        Route("/me", N_("我的"), me.page),
    ]
