"""我的: sign-in status, my applications (办件), drafts and help."""

from __future__ import annotations

import reflex as rx
from reflex.vars.base import Var

from app.pages.apply_parts import login_error, signed_out_notice
from app.pages.layout import layout
from app.pages.province import per_province
from app.pages.vars import server_var as S
from app.pages.vars import var_of
from app.state.flow_me import FlowMeState
from components.elder_switch import elder_switch
from components.i18n import server_span, t, t_var
from components.icon import icon
from components.language_select import language_select
from components.question_page import button
from components.section_card import section_card
from themes import Theme


def _section(heading_id: str, title: Var, *body: rx.Component) -> rx.Component:
    return section_card(title, heading_id, *body, section_id=heading_id.removesuffix("-title"))


def _hotline(theme: Theme, _suffix: str) -> rx.Component:
    hotline = theme.settings.contact.hotline
    return rx.el.a(
        icon("phone"),
        rx.el.span(t("政务服务便民热线 {hotline}", hotline=hotline)),
        href=f"tel:{hotline}",
        class_name="yw-footer__hotline",
    )


def _account() -> rx.Component:
    return rx.cond(
        FlowMeState.signed_in,
        rx.el.div(
            rx.el.dl(
                rx.el.div(
                    rx.el.dt(t("姓名")), rx.el.dd(server_span(var_of(FlowMeState.display_name)))
                ),
                rx.cond(
                    FlowMeState.is_business,
                    rx.el.div(
                        rx.el.dt(t("企业")), rx.el.dd(server_span(var_of(FlowMeState.org_name)))
                    ),
                ),
                rx.el.div(rx.el.dt(t("实名等级")), rx.el.dd(S(FlowMeState.level_name))),
                rx.el.div(rx.el.dt(t("证件号码")), rx.el.dd(FlowMeState.shown_id_number)),
                rx.el.div(rx.el.dt(t("手机号码")), rx.el.dd(FlowMeState.shown_phone)),
                class_name="yw-summary-list",
            ),
            rx.el.div(
                button(
                    rx.cond(
                        FlowMeState.revealed,
                        t("隐藏证件号码和手机号"),
                        t("显示完整的证件号码和手机号"),
                    ),
                    "link",
                    on_click=FlowMeState.toggle_reveal,
                    aria_pressed=rx.cond(FlowMeState.revealed, "true", "false"),
                ),
                button(t("退出登录"), "secondary", on_click=FlowMeState.sign_out),
                class_name="yw-button-row",
            ),
        ),
        rx.el.div(
            signed_out_notice(),
            login_error(),
            rx.el.p(t("您还没有登录。开始办理事项时，我们会请您通过统一身份认证登录。")),
        ),
    )


def _applications() -> rx.Component:
    return rx.cond(
        var_of(FlowMeState.applications).length() > 0,
        rx.el.ul(
            rx.foreach(
                FlowMeState.applications,
                lambda a: rx.el.li(
                    rx.el.a(server_span(a.name), href=a.href),
                    rx.el.p(
                        t_var("{status} · 办件编号 {number}", status=S(a.status), number=a.number),
                        class_name="yw-muted",
                    ),
                    rx.cond(  # issue 15: the 电子票据 of a paid application
                        a.receipt != "",
                        rx.el.p(
                            t_var("电子票据号 {number}", number=a.receipt), class_name="yw-muted"
                        ),
                    ),
                ),
            ),
            class_name="yw-list",
        ),
        rx.el.p(t("登录后，您提交的申请和办理进度会显示在这里。"), class_name="yw-muted"),
    )


def _messages() -> rx.Component:
    return rx.cond(
        var_of(FlowMeState.messages).length() > 0,
        rx.el.ul(
            rx.foreach(
                FlowMeState.messages,
                lambda m: rx.el.li(
                    rx.el.a(server_span(m.text), href=m.href),
                    rx.el.p(S(m.at), class_name="yw-muted"),
                ),
            ),
            class_name="yw-list",
        ),
        rx.el.p(t("办理进度有变化时，消息会显示在这里。"), class_name="yw-muted"),
    )


def _drafts() -> rx.Component:
    return rx.el.div(
        rx.cond(
            FlowMeState.notice != "",
            rx.el.p(S(FlowMeState.notice), role="status", class_name="yw-notice"),
        ),
        rx.cond(
            var_of(FlowMeState.drafts).length() > 0,
            rx.el.ul(
                rx.foreach(
                    FlowMeState.drafts,
                    lambda d: rx.el.li(
                        rx.el.a(server_span(d.name), href=d.href),
                        rx.el.p(S(d.saved), class_name="yw-muted"),
                        button(
                            t("删除"),
                            "danger",
                            on_click=FlowMeState.delete_draft(d.id),
                            aria_label=S(d.delete_label),
                        ),
                    ),
                ),
                class_name="yw-list",
            ),
            rx.el.p(
                t("填写到一半的申请会自动保存为草稿，登录后可在这里继续。"), class_name="yw-muted"
            ),
        ),
    )


def page() -> rx.Component:
    return layout(
        rx.el.h1(t("我的"), class_name="yw-page-title"),
        _section("account-title", t("账号"), _account()),
        _section(
            "licences-title",
            t("我的证照"),
            rx.el.p(t("查看您名下的电子证照，需要时亮证。")),
            rx.el.p(
                rx.el.a(
                    icon("id-card"),
                    rx.el.span(t("我的证照")),
                    href="/me/licences",
                    class_name="yw-button yw-button--secondary",
                )
            ),
        ),
        _section("progress-title", t("我的办件"), _applications()),
        _section("drafts-title", t("我的草稿"), _drafts()),
        _section("messages-title", t("消息"), _messages()),
        _section(
            "settings-title",
            t("设置"),
            rx.el.div(language_select(), elder_switch(), class_name="yw-stack"),
        ),
        _section("help-title", t("帮助"), per_province(_hotline)),
        current="me",
    )
