"""首页: search, 个人/法人 switch, high-frequency services, life-event themes, 办件查询."""

from __future__ import annotations

from urllib.parse import urlencode

import reflex as rx

from app.pages.layout import layout
from app.pages.province import per_province
from components.audience_switch import audience_scope, audience_switch
from components.home_hero import home_hero
from components.hot_searches import hot_searches
from components.i18n import t
from components.progress_entry import progress_entry
from components.search_entry import search_entry
from components.service_grid import ServiceTile, service_grid
from themes import Theme


def service_tiles(theme: Theme) -> list[ServiceTile]:
    return [
        ServiceTile(s.name, f"/services?{urlencode({'q': s.query})}", s.icon, s.audience)
        for s in theme.settings.home.services
    ]


def life_event_tiles(theme: Theme) -> list[ServiceTile]:
    return [
        ServiceTile(
            e.name,
            f"/items?{urlencode({'audience': e.audience, 'theme': e.name})}",
            e.icon,
            e.audience,
        )
        for e in theme.settings.home.life_events
    ]


def section(theme: Theme, name: str, suffix: str = "") -> rx.Component:
    """One home section as the province's ``home.sections`` names it (ids end in ``suffix``)."""
    home = theme.settings.home
    if name == "hero":
        return home_hero(home.hero.title, home.hero.text, heading_id=f"yw-hero-title{suffix}")
    if name == "search":
        return search_entry(field_id=f"yw-search-q{suffix}")
    if name == "hot_searches":
        return hot_searches(home.hot_searches, heading_id=f"yw-hot-searches{suffix}")
    if name == "services":
        return rx.el.div(
            audience_switch(name=f"audience{suffix}"),
            service_grid(t("高频服务"), service_tiles(theme), f"hot-services{suffix}"),
            class_name="yw-stack",
        )
    if name == "life_events":
        return service_grid(
            t("主题服务"), life_event_tiles(theme), f"life-events{suffix}", variant="chips"
        )
    if name == "progress":
        return progress_entry("/me#progress")
    raise ValueError(f"unknown home section {name!r}")


def _content(theme: Theme, suffix: str) -> rx.Component:
    return rx.fragment(
        rx.el.h1(
            t("{app_name}首页", app_name=theme.settings.identity.app_name),
            class_name="yw-visually-hidden",
        ),
        # the 个人/法人 switch (in "services") filters every audience item of the page
        audience_scope(
            *[section(theme, name, suffix) for name in theme.settings.home.sections],
            class_name="yw-stack",
        ),
    )


def page() -> rx.Component:
    return layout(per_province(_content), current="home")
