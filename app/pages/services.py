"""办事: every configured service by audience, and the results of a search from the home page."""

from __future__ import annotations

import reflex as rx
from reflex_components_core.react_router.dom import ReactRouterLink

from app.pages.home import life_event_tiles, service_tiles
from app.pages.layout import layout
from app.pages.province import per_province
from app.state.services import ServicesState
from components.audience_switch import audience_label
from components.i18n import t, t_var
from components.icon import icon
from components.search_entry import search_entry
from components.service_grid import service_grid
from themes import Theme


def _result(hit: rx.Var) -> rx.Component:
    return rx.el.li(
        ReactRouterLink.create(
            rx.el.span(hit["name"]),
            icon("chevron", class_name="yw-icon yw-entry__chevron"),
            href=hit["href"],
            class_name="yw-result",
        )
    )


def _call_hotline(theme: Theme, _suffix: str) -> rx.Component:
    hotline = theme.settings.contact.hotline
    return rx.el.a(
        icon("phone"),
        rx.el.span(t("拨打 {hotline}", hotline=hotline)),
        href=f"tel:{hotline}",
        class_name="yw-footer__hotline",
    )


def _results() -> rx.Component:
    return rx.el.section(
        rx.el.h2(
            rx.cond(
                ServicesState.query != "",
                t_var("“{query}”的搜索结果", query=ServicesState.query),
                t_var("主题：{theme}", theme=ServicesState.theme),
            ),
            id="results-title",
            class_name="yw-section-title",
        ),
        rx.cond(
            ServicesState.results.length() > 0,
            rx.el.ul(rx.foreach(ServicesState.results, _result), class_name="yw-list"),
            rx.el.div(
                rx.el.p(t("没有找到相关服务。请换个说法试试，或致电政务服务便民热线。")),
                per_province(_call_hotline),
            ),
        ),
        aria_labelledby="results-title",
        aria_live="polite",
        class_name="yw-card",
    )


def _grids(theme: Theme, suffix: str) -> rx.Component:
    tiles = service_tiles(theme)
    return rx.fragment(
        service_grid(
            audience_label("个人"),
            [tile for tile in tiles if tile.audience == "个人"],
            f"personal-services{suffix}",
        ),
        service_grid(
            audience_label("法人"),
            [tile for tile in tiles if tile.audience == "法人"],
            f"legal-services{suffix}",
        ),
        service_grid(
            t("主题服务"),
            life_event_tiles(theme),
            f"services-life-events{suffix}",
            variant="chips",
        ),
    )


def page() -> rx.Component:
    return layout(
        rx.el.h1(t("办事"), class_name="yw-page-title"),
        search_entry(field_id="yw-services-q"),
        rx.cond(ServicesState.searching, _results(), rx.fragment()),
        per_province(_grids),
        current="services",
    )
