"""Skip link: the first focusable element, jumping past the header to the main content."""

from __future__ import annotations

import json

import reflex as rx
from reflex.vars.base import Var
from reflex_base.event import EventChain

from components.i18n import t


def skip_link(target_id: str = "main") -> rx.Component:
    """A plain hash link; once hydrated, a client-side handler moves focus as well, since the
    router would otherwise take the hash navigation without focusing the target."""
    focus_target = Var(
        _js_expr=f"(() => document.getElementById({json.dumps(target_id)})?.focus())",
        _var_type=EventChain,
    )
    return rx.el.a(
        t("跳到主要内容"), href=f"#{target_id}", on_click=focus_target, class_name="yw-skip-link"
    )


def from_props(props: dict) -> rx.Component:
    return skip_link(**props)
