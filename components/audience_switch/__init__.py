"""个人 / 法人 switch: a radio group that shows one audience's services at a time.

It needs no JavaScript: the enclosing element with class ``yw-audience-scope`` hides the
``[data-audience]`` items of the audience that is not chosen (CSS ``:has``), so it works in the
prerendered page before hydration.
"""

from __future__ import annotations

from typing import Literal

import reflex as rx
from reflex.vars.base import Var

from components.i18n import t

Audience = Literal["个人", "法人"]
AUDIENCE_KEYS: dict[str, str] = {"个人": "person", "法人": "business"}
_AUDIENCES: tuple[Audience, ...] = ("个人", "法人")  # in AUDIENCE_KEYS's order


def audience_label(audience: Audience) -> Var:
    return {"个人": t("个人服务"), "法人": t("法人服务")}[audience]


def audience_switch(name: str = "audience", selected: Audience = "个人") -> rx.Component:
    """``<fieldset>`` with a legend and two native radio buttons styled as a segmented control."""
    options = []
    for audience in _AUDIENCES:
        key = AUDIENCE_KEYS[audience]
        input_id = f"{name}-{key}"
        options += [
            rx.el.input(
                type="radio",
                name=name,
                id=input_id,
                value=key,
                default_checked=audience == selected,
                class_name="yw-audience__input",
            ),
            rx.el.label(
                audience_label(audience), html_for=input_id, class_name="yw-audience__label"
            ),
        ]
    return rx.el.fieldset(
        rx.el.legend(t("办事对象"), class_name="yw-visually-hidden"),
        *options,
        class_name="yw-audience",
    )


def audience_scope(*children: rx.Component, class_name: str = "") -> rx.Component:
    """The container inside which the switch filters ``[data-audience]`` items."""
    return rx.el.div(*children, class_name=f"yw-audience-scope {class_name}".strip())


def from_props(props: dict) -> rx.Component:
    return audience_switch(**props)
