"""热门搜索: phrases a citizen can search with one tap (plain links, work without JS)."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

import reflex as rx
from reflex_components_core.react_router.dom import ReactRouterLink

from components.i18n import source_lang, t


def hot_searches(
    phrases: Sequence[str], action: str = "/services", heading_id: str = "yw-hot-searches"
) -> rx.Component:
    """A ``<section>`` with a list of links to ``action?q=<phrase>``."""
    return rx.el.section(
        rx.el.h2(t("热门搜索"), id=heading_id, class_name="yw-hot__title"),
        rx.el.ul(
            *[
                rx.el.li(
                    ReactRouterLink.create(
                        phrase,
                        href=f"{action}?{urlencode({'q': phrase})}",
                        # a query as citizens type it: Chinese in every locale
                        lang=source_lang(phrase),
                        class_name="yw-hot__link",
                    )
                )
                for phrase in phrases
            ],
            class_name="yw-hot__list",
        ),
        aria_labelledby=heading_id,
        class_name="yw-hot",
    )


def from_props(props: dict) -> rx.Component:
    return hot_searches(**props)
