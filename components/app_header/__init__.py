"""The banner: the province's mark and app name, linking home."""

from __future__ import annotations

import reflex as rx
from reflex_components_core.react_router.dom import ReactRouterLink

from components.i18n import shown_lang, source_lang, t


def app_header(
    app_name: str,
    mark_src: str,
    tagline: str | rx.Var = "",
    home_href: str = "/",
    actions: rx.Component | None = None,
    id_suffix: str = "",
) -> rx.Component:
    """``<header>`` with the brand; the mark is decorative, the name is the link's text.

    The link is named "<app name> 首页" from two parts, so the app name (a Chinese proper name
    in every locale) carries ``lang="zh-Hans"`` and "首页" the device's language.
    ``id_suffix`` keeps their ids unique where a page holds one banner per province.

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
                rx.el.span(
                    app_name,
                    id=f"yw-brand{id_suffix}",
                    lang=source_lang(app_name),
                    class_name="yw-header__name",
                ),
                rx.el.span(tagline, lang=shown_lang(tagline), class_name="yw-header__tagline")
                if isinstance(tagline, rx.Var) or tagline
                else rx.fragment(),
                class_name="yw-header__text",
            ),
            rx.el.span(t("首页"), id=f"yw-brand-home{id_suffix}", class_name="yw-visually-hidden"),
            href=home_href,
            class_name="yw-header__brand",
            aria_labelledby=f"yw-brand{id_suffix} yw-brand-home{id_suffix}",
        ),
        actions if actions is not None else rx.fragment(),
        class_name="yw-header",
    )


def from_props(props: dict) -> rx.Component:
    return app_header(**props)
