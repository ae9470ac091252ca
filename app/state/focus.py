"""What a page focuses after an event: a journey's :class:`~app.journeys.next_step.Focus`
(an element id and the document title that says what the page shows) as a script."""

from __future__ import annotations

import json

import reflex as rx

from app.journeys.next_step import Focus


def focus_script(focus: Focus, app_name: str = "") -> rx.event.EventSpec:
    """Scroll to the top and focus the element; with a title, set the document's title too
    (the title is a local text: the page's ``__ywPick`` picks the locale)."""
    title = ""
    if focus.title:
        title = (
            f"document.title = (window.__ywPick || String)({json.dumps(focus.title)}) + "
            f"{json.dumps(' - ' + app_name)};"
        )
    return rx.call_script(
        "setTimeout(() => {"
        f"{title}"
        "window.scrollTo(0, 0);"
        f"document.getElementById({json.dumps(focus.element_id)})?.focus();"
        "}, 60)"
    )
