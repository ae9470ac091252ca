"""One search result a citizen can read: the service's name on its own line (matches marked),
then its department and area, then badges, and the same service in other areas folded away
under 其他地区 (a native ``<details>``: no script, nothing moves when the page hydrates)."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars.object import ObjectVar
from reflex_components_core.react_router.dom import ReactRouterLink

from components.badge import badge
from components.i18n import locale_var, server_span, server_text, t_var


def _part(part: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.cond(
        part["hit"] != "",
        rx.el.mark(part["text"], class_name="yw-mark"),
        rx.el.span(part["text"]),
    )


def _other(other: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.el.li(
        ReactRouterLink.create(
            server_span(other["label"].to(str)),
            href=other["href"].to(str),
            class_name="yw-result__other",
        )
    )


def search_result(entry: dict[str, Any] | rx.Var) -> rx.Component:
    """``entry``: ``{href, parts: [{text, hit}], local, department, area, badges: [str],
    others: [{href, label}]}`` (``app.search.present.entries``). ``local``, ``department``
    and the badges may be local texts (app/text): shown in the device's locale;
    in Chinese the name shows the query's matches (``parts``), elsewhere its translation
    (``local``, marked ``lang="zh-Hans"`` where it has none)."""
    e: Any = entry if isinstance(entry, rx.Var) else rx.Var.create(entry)
    others = e["others"].to(list[dict[str, str]])

    return rx.el.li(
        rx.el.h3(
            ReactRouterLink.create(
                rx.cond(
                    locale_var().to(str).contains("zh"),
                    rx.el.span(rx.foreach(e["parts"].to(list[dict[str, str]]), _part)),
                    server_span(e["local"].to(str)),
                ),
                href=e["href"].to(str),
                class_name="yw-result__name",
            ),
            class_name="yw-result__title",
        ),
        rx.el.p(
            server_span(e["department"].to(str), class_name="yw-result__department"),
            # a place name: Chinese in every locale (marked so outside Chinese)
            server_span(e["area"].to(str), class_name="yw-result__area"),
            class_name="yw-result__meta",
        ),
        rx.el.ul(
            rx.foreach(e["badges"].to(list[str]), lambda b: rx.el.li(badge(server_text(b)))),
            class_name="yw-result__badges",
        ),
        rx.cond(
            others.length() > 0,
            rx.el.details(
                rx.el.summary(t_var("其他地区（{n}）", n=others.length())),
                rx.el.ul(rx.foreach(others, _other), class_name="yw-result__others"),
                class_name="yw-result__more",
            ),
            rx.fragment(),
        ),
        class_name="yw-result",
    )


def from_props(props: dict) -> rx.Component:
    """An example on its own: a result is an item of the results list, so it sits in one."""
    return rx.el.ul(search_result(**props), class_name="yw-list")
