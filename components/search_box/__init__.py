"""The search box: an accessible combobox (WAI-ARIA 1.2 pattern) with suggestions.

It is a native ``<form role="search">`` that GETs ``action?q=…``, so it works before the app
hydrates. Once hydrated, typing calls ``on_change`` (debounced by the caller) and the state
that owns the box passes back ``suggestions`` (a list of ``{"id", "label", "href"}``),
``expanded`` and ``active`` (the id of the highlighted option, "" for none). Arrow keys,
Enter and Escape go to ``on_key_down``. The box knows nothing of search or of state.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars.object import ObjectVar

from components.i18n import server_lang, server_text, t
from components.icon import icon
from components.native_form import native_form


def _option(item: ObjectVar[dict[str, str]], active: rx.Var) -> rx.Component:
    label = item["label"].to(str)
    return rx.el.li(
        server_text(label),  # a local text (a service's name in every locale) or plain text
        id=item["id"],
        lang=server_lang(label),
        on_click=rx.redirect(item["href"]),
        role="option",
        aria_selected=(item["id"] == active).to_string(),
        class_name="yw-search-box__option yw-search-box__link",
    )


def search_box(
    value: rx.Var | str = "",
    suggestions: rx.Var | list[dict[str, str]] | None = None,
    expanded: rx.Var | bool = False,
    active: rx.Var | str = "",
    on_change: Any = None,
    on_key_down: Any = None,
    action: str = "/search/",
    field_id: str = "yw-search-box",
) -> rx.Component:
    """The opinionated default: label, combobox input, submit button and listbox."""
    listbox_id = f"{field_id}-listbox"
    items = rx.Var.create(suggestions if suggestions is not None else []).to(list[dict[str, str]])
    input_props: dict[str, Any] = {}
    if on_change is not None:
        input_props["on_change"] = on_change
    if on_key_down is not None:
        input_props["on_key_down"] = on_key_down
    return native_form(
        rx.el.label(t("搜索服务事项"), html_for=field_id, class_name="yw-visually-hidden"),
        rx.el.div(
            rx.el.input(
                type="search",
                name="q",
                id=field_id,
                default_value=value,
                placeholder=t("搜索事项，如：身份证、社保卡、开公司"),
                auto_complete="off",
                enter_key_hint="search",
                role="combobox",
                aria_autocomplete="list",
                aria_expanded=rx.Var.create(expanded).to_string(),
                aria_controls=listbox_id,
                aria_activedescendant=active,
                class_name="yw-search__input",
                **input_props,
            ),
            rx.el.ul(
                rx.foreach(items, lambda item: _option(item, rx.Var.create(active))),
                id=listbox_id,
                role="listbox",
                aria_label=t("搜索建议"),
                hidden=~rx.Var.create(expanded),
                class_name="yw-search-box__listbox",
            ),
            class_name="yw-search-box__field",
        ),
        rx.el.button(
            icon("search"),
            rx.el.span(t("搜索")),
            type="submit",
            class_name="yw-search__button",
        ),
        action=action,
        method="get",
        role="search",
        class_name="yw-search yw-search-box",
    )


def from_props(props: dict) -> rx.Component:
    return search_box(**props)
