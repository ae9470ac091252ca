"""搜索: the unified search page (results, filter chips, hot and recent searches, zero result)."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventType
from reflex.vars.base import Var
from reflex.vars.object import ObjectVar

from app.pages.layout import layout
from app.pages.province import per_province
from app.pages.vars import var_of
from app.state.search import SearchState
from components.elder_switch import elder_switch
from components.i18n import server_lang, source_lang, t, t_var
from components.icon import icon
from components.search_box import search_box
from components.search_result import search_result
from components.section_card import section_card
from themes import Theme


def _chip(label: Var, pressed: Var, on_click: EventType[()]) -> rx.Component:
    return rx.el.li(
        rx.el.button(
            label,
            type="button",
            aria_pressed=pressed.to_string(),
            on_click=on_click,
            class_name="yw-chip",
        )
    )


def _filters() -> rx.Component:
    return rx.el.ul(
        _chip(
            t("个人办事"),
            var_of(SearchState.audience) == "个人",
            SearchState.toggle_audience("个人"),
        ),
        _chip(
            t("法人办事"),
            var_of(SearchState.audience) == "法人",
            SearchState.toggle_audience("法人"),
        ),
        _chip(t("可网上办"), var_of(SearchState.online), SearchState.toggle_online),
        aria_label=t("筛选"),
        class_name="yw-chips",
    )


def _query_link(text: rx.Var | str) -> rx.Component:
    # /search/ itself: the route's own path, so no redirect comes between;
    # a query as typed (Chinese in every locale, or what the citizen typed): its own lang
    lang = server_lang(text) if isinstance(text, rx.Var) else source_lang(text)
    return rx.el.li(
        rx.el.a(
            text, href="/search/?q=" + rx.Var.create(text).to(str), lang=lang, class_name="yw-chip"
        )
    )


def _hot(where: str = "") -> rx.Component:
    """The province's 热门搜索 (theme.toml ``[home] hot_searches``: the home page's list too),
    prerendered for every province of the build; the host's is the one shown."""

    def render(theme: Theme, suffix: str) -> rx.Component:
        words = theme.settings.home.hot_searches
        if not words:
            return rx.fragment()
        return rx.el.section(
            rx.el.h2(t("热门搜索"), id=f"hot-title{where}{suffix}", class_name="yw-section-title"),
            rx.el.ul(*[_query_link(w) for w in words], class_name="yw-chips"),
            aria_labelledby=f"hot-title{where}{suffix}",
            class_name="yw-card",
        )

    return per_province(render)


def _recent() -> rx.Component:
    return rx.cond(
        SearchState.recent.length() > 0,
        rx.el.section(
            rx.el.h2(t("最近搜索"), id="recent-title", class_name="yw-section-title"),
            rx.el.ul(rx.foreach(SearchState.recent, _query_link), class_name="yw-chips"),
            rx.el.button(
                t("清除最近搜索"),
                type="button",
                on_click=SearchState.clear_recent,
                class_name="yw-chip",
            ),
            aria_labelledby="recent-title",
            class_name="yw-card",
        ),
        rx.fragment(),
    )


def _spelled(entry: ObjectVar[dict[str, str]]) -> rx.Component:
    # a word of the index: Chinese in every locale, marked so
    word = entry["suggest"].to(str)
    return rx.el.li(rx.el.a(word, href=entry["href"], lang=server_lang(word), class_name="yw-chip"))


def _zero() -> rx.Component:
    return per_province(_zero_for)


def _zero_for(theme: Theme, suffix: str) -> rx.Component:
    hotline = theme.settings.contact.hotline
    return rx.el.div(
        rx.el.p(
            t("没有找到相关服务。请换个说法试试，例如少写几个字、用常用叫法，或看看热门搜索。")
        ),
        rx.cond(
            var_of(SearchState.spelled).length() > 0,
            rx.el.div(
                rx.el.p(t("你是不是要找："), id=f"spelled-title{suffix}"),
                rx.el.ul(
                    rx.foreach(SearchState.spelled, _spelled),
                    aria_labelledby=f"spelled-title{suffix}",
                    class_name="yw-chips",
                ),
            ),
            rx.fragment(),
        ),
        rx.el.a(
            icon("phone"),
            rx.el.span(t("拨打政务服务便民热线 {hotline}", hotline=hotline)),
            href=f"tel:{hotline}",
            class_name="yw-footer__hotline",
        ),
    )


def _results() -> rx.Component:
    return rx.el.section(
        rx.el.h2(
            t_var("“{query}”的搜索结果", query=var_of(SearchState.query)),
            id="results-title",
            class_name="yw-section-title",
        ),
        _filters(),
        rx.el.p(
            t_var("共 {count} 项", count=SearchState.count),
            aria_live="polite",
            class_name="yw-result__meta",
        ),
        rx.cond(
            SearchState.count > 0,
            rx.el.ul(rx.foreach(SearchState.results, search_result), class_name="yw-list"),
            _zero(),
        ),
        aria_labelledby="results-title",
        class_name="yw-card",
    )


def page() -> rx.Component:
    return layout(
        rx.el.h1(t("搜索"), class_name="yw-page-title"),
        search_box(
            value=SearchState.query,
            suggestions=SearchState.suggestions,
            expanded=SearchState.expanded,
            active=SearchState.active_id,
            on_change=SearchState.type.debounce(200),
            on_key_down=SearchState.key,
        ),
        rx.cond(
            SearchState.elder_query,
            section_card(t("长辈版"), "elder-mode-title", elder_switch()),
            rx.fragment(),
        ),
        # One region below the box, at least a screen tall: what the query shows replaces what
        # the empty page shows (hot, then recent searches, which only the browser knows), and
        # nothing above or beside it moves when the page hydrates and the results arrive.
        rx.el.div(
            rx.cond(
                SearchState.searched,
                rx.fragment(
                    _results(), rx.cond(SearchState.count > 0, rx.fragment(), _hot("-zero"))
                ),
                rx.fragment(_hot(), _recent()),
            ),
            class_name="yw-search-region",
        ),
        current="services",
    )
