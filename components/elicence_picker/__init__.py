"""The one-tap e-licence offer (电子证照免提交) of a file field: which licence of the citizen
can replace the upload, and a button to use it (or a note that it is used)."""

from __future__ import annotations

import reflex as rx

from components.field_parts import Handler, Text, as_var, events
from components.i18n import t
from components.question_page import button


def elicence_picker(
    licence_text: Text, *, using: bool | rx.Var = False, on_use: Handler = None
) -> rx.Component:
    """``licence_text``: the licence as issued, in Chinese (title, number, issuer, date)."""
    return rx.el.div(
        # the licence as issued (title, number, issuer, date) is Chinese data, marked so
        rx.el.p(t("您有可用的电子证照："), rx.el.span(licence_text, lang="zh-Hans")),
        rx.cond(
            as_var(using),
            rx.el.p(t("已使用电子证照，无需上传。"), class_name="yw-hint"),
            button(t("使用电子证照，免于上传"), "secondary", **events(on_click=on_use)),
        ),
        rx.el.p(t("也可以上传纸质证件的照片或扫描件："), class_name="yw-hint"),
        class_name="yw-notice",
    )


def from_props(props: dict) -> rx.Component:
    props = dict(props)
    return elicence_picker(props.pop("licence_text"), **props)
