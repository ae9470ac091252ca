"""长辈版 switch: a toggle button that turns the elder mode of this device on or off."""

from __future__ import annotations

import reflex as rx
from reflex.vars.base import Var
from reflex_base.event import EventChain

from components.i18n import mode_var, runtime_var, t
from components.icon import icon
from components.js import js


def _toggle() -> Var:
    mode = mode_var()
    return js(
        f"(() => ywSetMode({mode} === 'elder' ? 'standard' : 'elder'))",
        EventChain,
        uses=(mode,),
        data=runtime_var("ywSetMode"),
    )


def elder_switch() -> rx.Component:
    """``<button aria-pressed>`` named 长辈版, with a hint of what it does.

    The state is announced by ``aria-pressed``; the visible 已开启 / 已关闭 repeats it for
    sighted users and is hidden from assistive technology so the name stays stable.
    """
    mode = mode_var()
    on = js(f"({mode} === 'elder')", bool, uses=(mode,))
    return rx.el.button(
        rx.el.span(icon("text-size"), class_name="yw-elder__icon"),
        rx.el.span(
            rx.el.span(t("长辈版"), class_name="yw-elder__title"),
            rx.el.span(t("字更大、按钮更大、页面更简洁"), class_name="yw-elder__hint"),
            class_name="yw-elder__text",
        ),
        rx.el.span(
            rx.cond(on, t("已开启"), t("已关闭")),
            aria_hidden="true",
            class_name="yw-elder__state",
        ),
        type="button",
        aria_pressed=on,
        on_click=_toggle(),
        class_name="yw-elder yw-card",
        custom_attrs={"data-primary": "true"},
    )


def from_props(props: dict) -> rx.Component:
    return elder_switch(**props)
