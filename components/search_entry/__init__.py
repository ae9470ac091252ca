"""The search entry: a labelled search form that works before (and without) JavaScript."""

from __future__ import annotations

import reflex as rx

from components.i18n import t
from components.icon import icon
from components.native_form import native_form


def search_entry(
    action: str = "/search/", field_id: str = "yw-search-q", value: str = ""
) -> rx.Component:
    """``<form role="search">`` that GETs ``action?q=…``; the label names the field."""
    return native_form(
        rx.el.label(t("搜索服务事项"), html_for=field_id, class_name="yw-visually-hidden"),
        rx.el.input(
            type="search",
            name="q",
            id=field_id,
            default_value=value,
            placeholder=t("搜索事项，如：身份证换领"),
            auto_complete="off",
            enter_key_hint="search",
            class_name="yw-search__input",
        ),
        rx.el.button(
            icon("search"),
            rx.el.span(t("搜索")),
            type="submit",
            class_name="yw-search__button",
            custom_attrs={"data-primary": "true"},
        ),
        action=action,
        method="get",
        role="search",
        class_name="yw-search",
    )


def from_props(props: dict) -> rx.Component:
    return search_entry(**props)
