"""``/me/applications/[number]``: one application's progress (办件查询) and its evaluation."""

from __future__ import annotations

import reflex as rx

from app.pages.apply_parts import idle_warning, login_error, session_ended_notice
from app.pages.apply_upload import ACCEPT, upload_handler
from app.pages.layout import layout
from app.pages.vars import var_of
from app.state.flow_me import LEVEL_MESSAGES, ApplicationState
from components.i18n import server_span, t
from components.i18n import server_text as S
from components.js import js
from components.question_page import button


def _evaluation() -> rx.Component:
    return rx.el.section(
        rx.el.h2(t("评价这次办理（好差评）"), id="evaluation-title", class_name="yw-section-title"),
        rx.el.form(
            rx.cond(
                ApplicationState.evaluation_error != "",
                rx.el.p(
                    S(ApplicationState.evaluation_error),
                    id="evaluation-error",
                    tab_index=-1,
                    role="alert",
                    class_name="yw-error-message",
                ),
            ),
            rx.el.fieldset(
                rx.el.legend(t("您对这次办理满意吗？"), class_name="yw-legend"),
                *[
                    rx.el.div(
                        rx.el.input(
                            type="radio", id=f"level-{value}", name="level", value=str(value)
                        ),
                        rx.el.label(t(LEVEL_MESSAGES[value]), html_for=f"level-{value}"),
                        class_name="yw-choice",
                    )
                    for value in (5, 4, 3, 2, 1)
                ],
                class_name="yw-fieldset",
            ),
            rx.el.label(
                t("原因或建议（选择不满意时必填）"), html_for="reason", class_name="yw-label"
            ),
            rx.el.textarea(
                id="reason", name="reason", max_length=500, class_name="yw-input yw-textarea"
            ),
            button(t("提交评价"), "primary", "submit"),
            on_submit=ApplicationState.evaluate,
            reset_on_submit=False,
            class_name="yw-question-form",
        ),
        aria_labelledby="evaluation-title",
        class_name="yw-card",
    )


def _correction() -> rx.Component:
    return rx.el.section(
        rx.el.h2(t("补正材料"), id="correction-title", class_name="yw-section-title"),
        rx.el.p(t("办理部门退回了您的申请，请按要求补充或更正材料后重新提交：")),
        rx.el.p(rx.el.strong(server_span(var_of(ApplicationState.returned_note)))),
        rx.el.form(
            rx.cond(
                ApplicationState.correction_error != "",
                rx.el.p(
                    S(ApplicationState.correction_error),
                    id="correction-error",
                    tab_index=-1,
                    role="alert",
                    class_name="yw-error-message",
                ),
            ),
            rx.el.label(t("补正材料"), html_for="correction", class_name="yw-label"),
            rx.el.p(
                t("JPEG、PNG、PDF 或 OFD，不超过 10 MB"), id="correction-hint", class_name="yw-hint"
            ),
            rx.el.input(
                id="correction",
                # named, as Reflex 0.11 submits named controls only; the handler reads the
                # stored file's id from correction_file and ignores the picker's own value
                name="correction_picker",
                type="file",
                accept=ACCEPT,
                aria_describedby="correction-hint correction-status",
                on_change=upload_handler({"application": var_of(ApplicationState.number)}),
                class_name="yw-input",
            ),
            rx.el.input(type="hidden", id="correction-value", name="correction_file"),
            rx.el.p(id="correction-status", role="status", class_name="yw-hint"),
            button(t("提交补正材料"), "primary", "submit"),
            on_submit=ApplicationState.submit_correction,
            reset_on_submit=False,
            class_name="yw-question-form",
        ),
        aria_labelledby="correction-title",
        class_name="yw-card",
    )


def _found() -> rx.Component:
    return rx.el.div(
        rx.el.h1(server_span(var_of(ApplicationState.item_name)), class_name="yw-page-title"),
        rx.el.dl(
            rx.el.div(rx.el.dt(t("办件编号")), rx.el.dd(ApplicationState.number)),
            rx.el.div(
                rx.el.dt(t("办理部门")), rx.el.dd(server_span(var_of(ApplicationState.department)))
            ),
            rx.el.div(rx.el.dt(t("当前状态")), rx.el.dd(S(ApplicationState.status))),
            # issue 15: payment and delivery
            rx.cond(
                ApplicationState.paid_text != "",
                rx.el.div(rx.el.dt(t("缴费情况")), rx.el.dd(S(ApplicationState.paid_text))),
            ),
            rx.cond(
                ApplicationState.receipt_no != "",
                rx.el.div(rx.el.dt(t("电子票据号")), rx.el.dd(ApplicationState.receipt_no)),
            ),
            rx.cond(
                ApplicationState.delivery_text != "",
                rx.el.div(
                    rx.el.dt(t("领取方式")),
                    rx.el.dd(
                        server_span(var_of(ApplicationState.delivery_text)),
                        rx.el.br(),
                        rx.el.span(S(ApplicationState.delivery_place), lang="zh-Hans"),
                    ),
                ),
            ),
            rx.cond(
                ApplicationState.tracking_text != "",
                rx.el.div(rx.el.dt(t("物流")), rx.el.dd(S(ApplicationState.tracking_text))),
            ),
            class_name="yw-summary-list",
        ),
        rx.cond(
            ApplicationState.refund_text != "",
            rx.el.p(S(ApplicationState.refund_text), role="status", class_name="yw-notice"),
        ),
        rx.cond(ApplicationState.deadline_text != "", rx.el.p(S(ApplicationState.deadline_text))),
        rx.el.section(
            rx.el.h2(t("办理进度"), id="timeline-title", class_name="yw-section-title"),
            rx.el.ol(
                rx.foreach(
                    ApplicationState.timeline,
                    lambda e: rx.el.li(
                        rx.el.strong(S(e.status)),
                        rx.el.span(" ", S(e.at), class_name="yw-muted"),
                        rx.cond(e.note != "", rx.el.p(server_span(e.note))),
                    ),
                ),
                class_name="yw-timeline",
            ),
            aria_labelledby="timeline-title",
            class_name="yw-card",
        ),
        rx.cond(ApplicationState.status_key == "returned", _correction()),
        rx.cond(
            ApplicationState.correction_done,
            rx.el.p(
                t("补正材料已提交，请等待办理部门重新审查。"), role="status", class_name="yw-notice"
            ),
        ),
        rx.cond(ApplicationState.can_evaluate, _evaluation()),
        rx.cond(
            ApplicationState.evaluation_text != "",
            rx.el.p(S(ApplicationState.evaluation_text), role="status", class_name="yw-notice"),
        ),
        rx.el.section(
            rx.el.h2(t("申请内容"), id="answers-title", class_name="yw-section-title"),
            rx.el.dl(
                rx.foreach(
                    ApplicationState.answers,
                    lambda a: rx.el.div(
                        rx.el.dt(S(a.label)),
                        rx.el.dd(server_span(a.value)),
                        class_name="yw-summary-list__row",
                    ),
                ),
                class_name="yw-summary-list",
            ),
            aria_labelledby="answers-title",
            class_name="yw-card",
        ),
        class_name="yw-stack",
    )


def page() -> rx.Component:
    return layout(
        idle_warning(),
        session_ended_notice(),
        login_error(),
        rx.cond(
            ApplicationState.found,
            _found(),
            rx.el.div(
                rx.el.h1(t("办件详情"), class_name="yw-page-title"),
                rx.cond(
                    ApplicationState.loaded,
                    rx.cond(
                        ApplicationState.signed_in,
                        rx.el.p(t("没有找到这件申请。")),
                        rx.el.div(
                            rx.el.p(t("请登录后查看您的办件。")),
                            button(
                                t("登录"),
                                "primary",
                                on_click=ApplicationState.begin_login(
                                    js("window.location.pathname", str)
                                ),
                            ),
                        ),
                    ),
                    rx.el.p(t("正在加载…"), role="status"),
                ),
                class_name="yw-stack",
            ),
        ),
        rx.el.p(rx.el.a(t("返回我的办件"), href="/me", class_name="yw-guide__channel-link")),
        current="me",
    )
