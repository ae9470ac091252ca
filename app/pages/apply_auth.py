"""``/auth/callback``: where the identity provider sends the browser back after login."""

from __future__ import annotations

import reflex as rx

from app.pages.apply_parts import login_error
from app.pages.layout import layout
from components.i18n import t


def page() -> rx.Component:
    return layout(
        rx.el.h1(t("正在登录"), class_name="yw-page-title"),
        rx.el.p(t("正在核对统一身份认证的结果，请稍候…"), role="status"),
        login_error(),
        current="me",
    )
