"""A native ``<form>`` that submits to its ``action`` like plain HTML.

Reflex's ``rx.el.form`` always prevents the browser's submission and routes it through an
event handler. Pages that must work before hydration and without JavaScript (search, the
first step of a flow on a slow network) use this element instead.
"""

from __future__ import annotations

from typing import Literal

import reflex as rx
from reflex_base.vars.base import Var
from reflex_components_core.el.elements.base import BaseHTML

from components.i18n import t

FormMethod = Literal["get", "post"]


class NativeForm(BaseHTML):
    """``<form action method>`` with no client-side submit handler."""

    tag = "form"

    action: Var[str]
    method: Var[str]
    auto_complete: Var[str]
    no_validate: Var[bool]


def native_form(
    *children: rx.Component, action: str, method: FormMethod = "get", **attrs: str
) -> rx.Component:
    """A form that the browser submits itself; ``attrs`` are HTML attributes (role, class)."""
    class_name = attrs.pop("class_name", "")
    return NativeForm.create(
        *children, action=action, method=method, class_name=class_name, custom_attrs=attrs
    )


def from_props(props: dict) -> rx.Component:
    return native_form(
        rx.el.button(t("提交"), type="submit", class_name="yw-button yw-button--primary"), **props
    )
