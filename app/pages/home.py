"""首页: search, 个人/法人 switch, high-frequency services, life-event themes, 办件查询."""

from __future__ import annotations

from urllib.parse import urlencode

import reflex as rx

from app.pages.layout import layout
from app.settings import active_theme
from components.audience_switch import audience_scope, audience_switch
from components.elder_switch import elder_switch
from components.i18n import t, t_content
from components.icon import icon
from components.progress_entry import progress_entry
from components.search_entry import search_entry
from components.service_grid import ServiceTile, service_grid

# Elder mode's simplified home shows this many services of each audience.
ELDER_TOP_SERVICES = 6


def service_tiles() -> list[ServiceTile]:
    home = active_theme().settings.home
    return [
        ServiceTile(t_content(s.name), f"/services?{urlencode({'q': s.query})}", s.icon, s.audience)
        for s in home.services
    ]


def life_event_tiles() -> list[ServiceTile]:
    home = active_theme().settings.home
    return [
        ServiceTile(
            t_content(e.name), f"/services?{urlencode({'theme': e.name})}", e.icon, e.audience
        )
        for e in home.life_events
    ]


def page() -> rx.Component:
    ident = active_theme().settings.identity
    return layout(
        rx.el.h1(t("{app_name}首页", app_name=ident.app_name), class_name="yw-visually-hidden"),
        search_entry(),
        elder_switch(),
        audience_scope(
            audience_switch(),
            service_grid(
                t("高频服务"),
                service_tiles(),
                "hot-services",
                elder_top=ELDER_TOP_SERVICES,
                more=rx.el.a(
                    rx.el.span(t("全部服务")),
                    icon("chevron", class_name="yw-icon yw-entry__chevron"),
                    href="/services",
                    class_name="yw-grid__more",
                ),
            ),
            rx.el.div(
                service_grid(t("主题服务"), life_event_tiles(), "life-events", variant="chips"),
                class_name="yw-elder-hide",
            ),
            class_name="yw-stack",
        ),
        progress_entry("/me#progress"),
        current="home",
    )
