"""首页: search, 个人/法人 switch, high-frequency services, life-event themes, 办件查询."""

from __future__ import annotations

from urllib.parse import urlencode

import reflex as rx

from app.pages.layout import layout
from app.settings import active_theme
from components.audience_switch import audience_scope, audience_switch
from components.home_hero import home_hero
from components.hot_searches import hot_searches
from components.i18n import t
from components.progress_entry import progress_entry
from components.search_entry import search_entry
from components.service_grid import ServiceTile, service_grid


def service_tiles() -> list[ServiceTile]:
    home = active_theme().settings.home
    return [
        ServiceTile(s.name, f"/services?{urlencode({'q': s.query})}", s.icon, s.audience)
        for s in home.services
    ]


def life_event_tiles() -> list[ServiceTile]:
    home = active_theme().settings.home
    return [
        ServiceTile(e.name, f"/services?{urlencode({'theme': e.name})}", e.icon, e.audience)
        for e in home.life_events
    ]


def section(name: str) -> rx.Component:
    """One home section as the province's ``home.sections`` names it."""
    home = active_theme().settings.home
    if name == "hero":
        return home_hero(home.hero.title, home.hero.text)
    if name == "search":
        return search_entry()
    if name == "hot_searches":
        return hot_searches(home.hot_searches)
    if name == "services":
        return audience_scope(
            audience_switch(),
            service_grid(t("高频服务"), service_tiles(), "hot-services"),
            class_name="yw-stack",
        )
    if name == "life_events":
        return service_grid(t("主题服务"), life_event_tiles(), "life-events", variant="chips")
    if name == "progress":
        return progress_entry("/me#progress")
    raise ValueError(f"unknown home section {name!r}")


def page() -> rx.Component:
    theme = active_theme()
    return layout(
        rx.el.h1(
            t("{app_name}首页", app_name=theme.settings.identity.app_name),
            class_name="yw-visually-hidden",
        ),
        *[section(name) for name in theme.settings.home.sections],
        current="home",
    )
