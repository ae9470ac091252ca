"""Skip link: the first focusable element, jumping past the header to the main content."""

from __future__ import annotations

import json

import reflex as rx
from reflex_base.event import EventChain
from reflex_components_core.el.elements.inline import A

from components.i18n import t
from components.js import js


def skip_link(target_id: str = "main") -> rx.Component:
    """A plain hash link; once hydrated, a client-side handler moves focus as well, since
    React re-renders can otherwise leave focus on the link."""
    focus_target = js(
        f"(() => document.getElementById({json.dumps(target_id)})?.focus())", EventChain
    )
    # a plain <a>: rx.el.a is a router link, which would resolve the hash against "/"
    return A.create(
        t("跳到主要内容"), href=f"#{target_id}", on_click=focus_target, class_name="yw-skip-link"
    )


def from_props(props: dict) -> rx.Component:
    return skip_link(**props)
