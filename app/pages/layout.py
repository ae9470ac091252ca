"""The one page shell: skip link, banner, main landmark, footer and bottom tab bar."""

from __future__ import annotations

import reflex as rx
from reflex_base.constants.compiler import MemoizationMode

from app.routes import TabKey, tabs
from app.settings import active_theme
from components.app_header import app_header
from components.i18n import t_content
from components.language_select import language_select
from components.site_footer import site_footer
from components.skip_link import skip_link
from components.tab_bar import tab_bar

MAIN_ID = "main"


def layout(*content: rx.Component, current: TabKey) -> rx.Component:
    theme = active_theme()
    ident, contact = theme.settings.identity, theme.settings.contact
    root = rx.el.div(
        skip_link(MAIN_ID),
        app_header(
            ident.app_name,
            theme.mark_data_uri,
            t_content(ident.tagline),
            actions=language_select(variant="compact"),
        ),
        rx.el.main(*content, id=MAIN_ID, tab_index=-1, class_name="yw-main"),
        site_footer(
            hotline=contact.hotline,
            host_unit=t_content(contact.host_unit),
            operator_unit=t_content(contact.operator_unit),
            icp=contact.icp,
            site_code=contact.site_code,
        ),
        tab_bar(tabs(), current),
        class_name="yw-page",
        # "true" once the page is connected to the backend; tests and tools wait for it.
        custom_attrs={"data-hydrated": rx.State.is_hydrated.to_string()},
    )
    # One memoized component for the whole page instead of one per translated string: every
    # t() reads the device locale through a hook, and Reflex would otherwise wrap each of them
    # in its own memo component (measured: about 2 KB gzip more on the home page). The page is
    # small, so re-rendering it whole on a locale or state change costs nothing noticeable.
    root._memoization_mode = MemoizationMode(recursive=False)
    return root
