"""办事: browse the catalogue by 个人/法人, then by theme or department."""

from __future__ import annotations

import reflex as rx

from app.pages.layout import layout
from app.pages.vars import var_of
from app.state.services import ServicesState
from components.audience_switch import audience_scope, audience_switch
from components.i18n import server_span, server_text, t
from components.link_row import link_list, link_row
from components.search_entry import search_entry
from components.section_card import section_card
from components.skeleton import skeleton


def _rows(entries: rx.Var) -> rx.Component:
    return link_list(
        rx.foreach(
            entries,
            lambda e: link_row(
                server_span(e["name"].to(str)),
                e["href"],
                meta=server_text(e["count"].to(str)),
                audience_key=e["audience"],
            ),
        )
    )


def page() -> rx.Component:
    return layout(
        rx.el.h1(t("办事"), class_name="yw-page-title"),
        search_entry(field_id="yw-services-q"),
        rx.cond(
            ServicesState.loaded,
            audience_scope(
                audience_switch(name="services-audience"),
                section_card(t("按主题办"), "by-theme", _rows(var_of(ServicesState.themes))),
                section_card(
                    t("按部门办"),
                    "by-department",
                    rx.el.details(
                        rx.el.summary(t("展开全部部门")),
                        _rows(var_of(ServicesState.departments)),
                        class_name="yw-details",
                    ),
                ),
                class_name="yw-stack",
            ),
            skeleton(6),
        ),
        current="services",
    )
