"""事项列表: the items of a theme or department for one audience, a page at a time."""

from __future__ import annotations

import reflex as rx

from app.pages.layout import layout
from app.pages.vars import var_of
from app.state.items import ItemsState
from components.i18n import server_span, server_text, t, t_var
from components.link_row import link_list, link_row
from components.pagination import pagination
from components.skeleton import skeleton


def page() -> rx.Component:
    return layout(
        rx.el.h1(
            rx.cond(ItemsState.title != "", ItemsState.title, t("全部事项")),
            class_name="yw-page-title",
        ),
        rx.cond(
            ItemsState.loaded,
            rx.el.div(
                rx.el.p(
                    t_var(
                        "共 {total} 项，第 {page} / {pages} 页",
                        total=var_of(ItemsState.total),
                        page=var_of(ItemsState.page),
                        pages=ItemsState.pages,
                    ),
                    class_name="yw-muted",
                ),
                rx.cond(
                    ItemsState.total > 0,
                    rx.el.div(
                        link_list(
                            rx.foreach(
                                ItemsState.items,
                                lambda i: link_row(
                                    server_span(i.name),
                                    "/item/" + i.code,
                                    server_span(i.department),
                                    server_text(i.visits_summary),
                                ),
                            )
                        ),
                        class_name="yw-card",
                    ),
                    rx.el.p(t("这里还没有事项。"), class_name="yw-card"),
                ),
                pagination(
                    ItemsState.previous_href,
                    ItemsState.next_href,
                    t_var(
                        "第 {page} / {pages} 页",
                        page=var_of(ItemsState.page),
                        pages=ItemsState.pages,
                    ),
                ),
                class_name="yw-stack",
            ),
            skeleton(5),
        ),
        current="services",
    )
