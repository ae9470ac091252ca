"""The bottom tab bar's entries: part of the page shell (app/pages/layout.py), listed here so
that the route table can name them without pages importing the route table back."""

from __future__ import annotations

from typing import Literal

from components.i18n import t
from components.tab_bar import TabItem

TabKey = Literal["home", "services", "me"]


def tabs() -> list[TabItem]:
    """The bottom tab bar, in order."""
    return [
        TabItem(key="home", label=t("首页"), href="/", icon="home"),
        TabItem(key="services", label=t("办事"), href="/services", icon="grid"),
        TabItem(key="me", label=t("我的"), href="/me", icon="user"),
    ]
