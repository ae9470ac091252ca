"""我的: sign-in status, my applications (办件), drafts and help."""

from __future__ import annotations

import reflex as rx

from app.pages.layout import layout
from app.pages.province import per_province
from components.i18n import t
from components.icon import icon
from components.section_card import section_card
from themes import Theme


def _section(heading_id: str, title: str, *body: rx.Component) -> rx.Component:
    return section_card(title, heading_id, *body, section_id=heading_id.removesuffix("-title"))


def _hotline(theme: Theme, _suffix: str) -> rx.Component:
    hotline = theme.settings.contact.hotline
    return rx.el.a(
        icon("phone"),
        rx.el.span(t("政务服务便民热线 {hotline}", hotline=hotline)),
        href=f"tel:{hotline}",
        class_name="yw-footer__hotline",
    )


def page() -> rx.Component:
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
            "help-title",
            t("帮助"),
            per_province(_hotline),
        ),
        current="me",
    )
