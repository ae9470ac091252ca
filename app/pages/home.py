"""首页: search, 个人/法人 switch, high-frequency services, life-event themes, 办件查询.

The province's ``home.sections`` choose the sections and their order. Elder mode (长辈版)
shows a simplified home: the top services of each audience, no life-event chips.
"""

from __future__ import annotations

from urllib.parse import urlencode

import reflex as rx

from app.pages.layout import layout
from app.pages.province import per_province
from components.audience_switch import audience_scope, audience_switch
from components.elder_switch import elder_switch
from components.home_hero import home_hero
from components.hot_searches import hot_searches
from components.i18n import t, t_content
from components.icon import icon, icon_name
from components.progress_entry import progress_entry
from components.search_entry import search_entry
from components.service_grid import ServiceTile, service_grid
from themes import Theme

# Elder mode's simplified home shows this many services of each audience.
ELDER_TOP_SERVICES = 6


def service_tiles(theme: Theme) -> list[ServiceTile]:
    return [
        ServiceTile(
            t_content(s.name),
            f"/search/?{urlencode({'q': s.query})}",
            icon_name(s.icon),
            s.audience,
        )
        for s in theme.settings.home.services
    ]


def life_event_tiles(theme: Theme) -> list[ServiceTile]:
    return [
        ServiceTile(
            t_content(e.name),
            f"/items?{urlencode({'audience': e.audience, 'theme': e.name})}",
            icon_name(e.icon),
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
        return rx.el.div(
            search_entry(field_id=f"yw-search-q{suffix}"), elder_switch(), class_name="yw-stack"
        )
    if name == "hot_searches":
        return rx.el.div(
            hot_searches(home.hot_searches, heading_id=f"yw-hot-searches{suffix}"),
            class_name="yw-elder-hide",
        )
    if name == "services":
        return rx.el.div(
            audience_switch(name=f"audience{suffix}"),
            service_grid(
                t("高频服务"),
                service_tiles(theme),
                f"hot-services{suffix}",
                elder_top=ELDER_TOP_SERVICES,
                more=rx.el.a(
                    rx.el.span(t("全部服务")),
                    icon("chevron", class_name="yw-icon yw-entry__chevron"),
                    href="/services",
                    class_name="yw-grid__more",
                ),
            ),
            class_name="yw-stack",
        )
    if name == "life_events":
        return rx.el.div(
            service_grid(
                t("主题服务"), life_event_tiles(theme), f"life-events{suffix}", variant="chips"
            ),
            class_name="yw-elder-hide",
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
