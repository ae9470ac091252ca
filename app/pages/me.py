"""我的: sign-in status, my applications (办件), drafts and help."""

from __future__ import annotations

import reflex as rx

from app.pages.layout import layout
from app.settings import active_theme
from components.elder_switch import elder_switch
from components.i18n import t
from components.icon import icon
from components.language_select import language_select


def _section(heading_id: str, title: str, *body: rx.Component) -> rx.Component:
    return rx.el.section(
        rx.el.h2(title, id=heading_id, class_name="yw-section-title"),
        *body,
        id=heading_id.removesuffix("-title"),
        aria_labelledby=heading_id,
        class_name="yw-card",
    )


def page() -> rx.Component:
    hotline = active_theme().settings.contact.hotline
    return layout(
        rx.el.h1(t("我的"), class_name="yw-page-title"),
        _section(
            "account-title",
            t("账号"),
            rx.el.p(t("您还没有登录。开始办理事项时，我们会请您通过统一身份认证登录。")),
        ),
        _section(
            "progress-title",
            t("我的办件"),
            rx.el.p(t("登录后，您提交的申请和办理进度会显示在这里。"), class_name="yw-muted"),
        ),
        _section(
            "drafts-title",
            t("我的草稿"),
            rx.el.p(
                t("填写到一半的申请会自动保存为草稿，登录后可在这里继续。"), class_name="yw-muted"
            ),
        ),
        _section(
            "settings-title",
            t("设置"),
            rx.el.div(
                language_select(),
                elder_switch(),
                class_name="yw-stack",
            ),
        ),
        _section(
            "help-title",
            t("帮助"),
            rx.el.a(
                icon("phone"),
                rx.el.span(t("政务服务便民热线 {hotline}", hotline=hotline)),
                href=f"tel:{hotline}",
                class_name="yw-footer__hotline",
            ),
        ),
        current="me",
    )
