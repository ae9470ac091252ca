"""The one page shell: skip link, banner, main landmark, footer and bottom tab bar."""

from __future__ import annotations

import reflex as rx
from reflex.vars.base import Var
from reflex_base.constants.compiler import MemoizationMode

from app.pages.province import per_province
from app.pages.tabs import TabKey, tabs
from app.pages.vars import var_of
from components.app_header import app_header
from components.i18n import t_content
from components.language_select import language_select
from components.site_footer import site_footer
from components.skip_link import skip_link
from components.tab_bar import tab_bar
from themes import Theme

MAIN_ID = "main"


def layout(
    *content: rx.Component | Var, current: TabKey | None, stateful: bool = True
) -> rx.Component:
    """The shell around a page's content; ``current`` marks the tab (``None``: no tab).

    ``stateful=False`` leaves out the hydration marker, for the static fallback document.
    """
    root = rx.el.div(
        skip_link(MAIN_ID),
        per_province(_header),
        rx.el.main(*content, id=MAIN_ID, tab_index=-1, class_name="yw-main"),
        per_province(_footer),
        tab_bar(tabs(), current),
        class_name="yw-page",
        # "true" once the page is connected to the backend; tests and tools wait for it.
        custom_attrs={"data-hydrated": var_of(rx.State.is_hydrated).to_string()}
        if stateful
        else {},
    )
    # One memoized component for the whole page instead of one per translated string: every
    # t() reads the device locale through a hook, and Reflex would otherwise wrap each of them
    # in its own memo component (measured: about 2 KB gzip more on the home page). The page is
    # small, so re-rendering it whole on a locale or state change costs nothing noticeable.
    root._memoization_mode = MemoizationMode(recursive=False)
    return root


def _header(theme: Theme, suffix: str) -> rx.Component:
    ident = theme.settings.identity
    return app_header(
        ident.app_name,
        theme.mark_data_uri,
        t_content(ident.tagline),
        actions=language_select(variant="compact"),
        id_suffix=suffix,
    )


def _footer(theme: Theme, _suffix: str) -> rx.Component:
    contact = theme.settings.contact
    return site_footer(
        hotline=contact.hotline,
        host_unit=t_content(contact.host_unit),
        operator_unit=t_content(contact.operator_unit),
        icp=contact.icp,
        site_code=contact.site_code,
        police_record=contact.police_record,
    )
