"""The banner: the province's mark and app name, linking home."""

from __future__ import annotations

import reflex as rx
from reflex_components_core.react_router.dom import ReactRouterLink

from components.i18n import t


def app_header(
    app_name: str,
    mark_src: str,
    tagline: str | rx.Var = "",
    home_href: str = "/",
    actions: rx.Component | None = None,
) -> rx.Component:
    """``<header>`` with the brand; the mark is decorative, the name is the link's text.

    ``actions`` (e.g. the compact language selector) sit at the end of the banner.
    """
    return rx.el.header(
        ReactRouterLink.create(
            rx.el.img(
                src=mark_src,
                alt="",
                # HTML attributes (Reflex turns width/height props into CSS)
                custom_attrs={"width": "40", "height": "40"},
                class_name="yw-header__mark",
            ),
            rx.el.span(
                rx.el.span(app_name, class_name="yw-header__name"),
                rx.el.span(tagline, class_name="yw-header__tagline")
                if isinstance(tagline, rx.Var) or tagline
                else rx.fragment(),
                class_name="yw-header__text",
            ),
            href=home_href,
            class_name="yw-header__brand",
            aria_label=t("{app_name} 首页", app_name=app_name),
        ),
        actions if actions is not None else rx.fragment(),
        class_name="yw-header",
    )


def from_props(props: dict) -> rx.Component:
    return app_header(**props)
