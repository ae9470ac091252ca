"""``/checkout/[code]``: how to receive the result (window or express) and the payment of an
application, between its check page and its submission. Everything shown comes from
``CheckoutState``; one layout with a branch per stage."""

from __future__ import annotations

from typing import Literal

import reflex as rx

from app.pages.apply_parts import idle_warning
from app.pages.layout import layout
from app.pages.vars import server_var, var_of
from app.state.checkout import ERROR_SUMMARY_ID, HEADING_ID, CheckoutState
from components.error_summary import error_summary
from components.field_parts import text_var
from components.i18n import server_lang, server_span, server_text, t, t_var
from components.question_page import button, field_wrapper, panel

S = CheckoutState


def heading(text) -> rx.Component:
    return rx.el.h1(text, id=HEADING_ID, tab_index=-1, class_name="yw-question-title")


def _errors() -> rx.Component:
    return rx.cond(
        var_of(S.errors).length() > 0,
        error_summary(t("出现了问题"), var_of(S.errors), ERROR_SUMMARY_ID),
    )


def _error(name: str) -> rx.Component:
    return rx.cond(
        var_of(S.field_errors).contains(name),
        rx.el.p(
            rx.el.span(t("错误："), class_name="yw-visually-hidden"),
            server_text(var_of(S.field_errors)[name].to(str)),
            id=f"d-{name}-error",
            class_name="yw-error-message",
        ),
    )


def _described(name: str, hint: bool = False):
    error = rx.cond(var_of(S.field_errors).contains(name), f"d-{name}-error", "")
    return text_var(error) + (f" d-{name}-hint" if hint else "")


def _back_to_form() -> rx.Component:
    return rx.el.p(
        rx.el.a(t("返回修改申请内容"), href="/apply/" + S.item_code), class_name="yw-back"
    )


def _fees() -> rx.Component:
    return rx.cond(
        S.needs_payment,
        rx.el.section(
            rx.el.h2(t("应缴费用"), class_name="yw-section-title"),
            rx.el.dl(
                rx.foreach(
                    S.fees,
                    lambda f: rx.el.div(
                        rx.el.dt(server_span(f.name)),
                        rx.el.dd(server_text(f.amount)),
                        class_name="yw-summary-list__row",
                    ),
                ),
                rx.el.div(
                    rx.el.dt(t("合计")),
                    rx.el.dd(rx.el.strong(server_text(S.total_text))),
                    class_name="yw-summary-list__row",
                ),
                class_name="yw-summary-list",
            ),
        ),
    )


def _hall() -> rx.Component:
    return rx.el.div(
        rx.el.dl(
            rx.el.div(
                rx.el.dt(t("领取地点")),
                rx.el.dd(
                    server_span(var_of(S.hall_name)),
                    rx.el.br(),
                    server_span(var_of(S.hall_address)),
                ),
            ),
            rx.el.div(rx.el.dt(t("办公时间")), rx.el.dd(server_span(var_of(S.hall_hours)))),
            rx.cond(
                S.hall_phone != "",
                rx.el.div(rx.el.dt(t("咨询电话")), rx.el.dd(server_span(var_of(S.hall_phone)))),
            ),
            class_name="yw-summary-list",
        ),
        rx.el.p(t("领取时请带上：")),
        rx.el.ul(rx.foreach(S.bring, lambda b: rx.el.li(server_span(b)))),
    )


def _method_radio(value: str, label) -> rx.Component:
    return rx.el.div(
        rx.el.input(
            type="radio",
            id=f"d-method-{value}",
            name="method",
            value=value,
            default_checked=S.method == value,
            on_change=lambda _v: S.set_method(value),
        ),
        rx.el.label(label, html_for=f"d-method-{value}"),
        class_name="yw-choice",
    )


def _text(
    name: str, label, input_type: Literal["text", "tel", "email"] = "text", **extra
) -> rx.Component:
    return field_wrapper(
        rx.el.label(label, html_for=f"d-{name}", class_name="yw-label"),
        _error(name),
        rx.el.input(
            id=f"d-{name}",
            name=name,
            type=input_type,
            aria_describedby=_described(name),
            aria_invalid=rx.cond(var_of(S.field_errors).contains(name), "true", "false"),
            class_name="yw-input",
            **extra,
        ),
        invalid=var_of(S.field_errors).contains(name),
    )


def _address() -> rx.Component:
    return rx.el.fieldset(
        rx.el.legend(t("收件信息"), class_name="yw-legend"),
        _text(
            "recipient", t("收件人"), default_value=S.recipient, max_length=30, auto_complete="name"
        ),
        field_wrapper(
            rx.el.label(t("收件人手机号"), html_for="d-phone", class_name="yw-label"),
            rx.el.p(
                t("已带出您上次填写的号码（部分隐藏），如需更换请直接改写"),
                id="d-phone-hint",
                class_name="yw-hint",
            ),
            _error("phone"),
            rx.el.input(
                id="d-phone",
                name="phone",
                type="tel",
                input_mode="tel",
                default_value=S.phone_shown,
                max_length=13,
                auto_complete="tel",
                aria_describedby=_described("phone", hint=True),
                aria_invalid=rx.cond(var_of(S.field_errors).contains("phone"), "true", "false"),
                class_name="yw-input",
            ),
            invalid=var_of(S.field_errors).contains("phone"),
        ),
        field_wrapper(
            rx.el.label(t("所在区县"), html_for="d-division", class_name="yw-label"),
            _error("division"),
            rx.el.select(
                rx.el.option(t("请选择"), value=""),
                rx.foreach(
                    S.divisions,
                    # a place name: Chinese in every locale
                    lambda o: rx.el.option(
                        o.label, value=o.value, selected=o.selected, lang=server_lang(o.label)
                    ),
                ),
                id="d-division",
                name="division",
                aria_describedby=_described("division"),
                aria_invalid=rx.cond(var_of(S.field_errors).contains("division"), "true", "false"),
                class_name="yw-select",
            ),
            invalid=var_of(S.field_errors).contains("division"),
        ),
        _text(
            "detail",
            t("街道、小区和门牌号"),
            default_value=S.detail,
            max_length=100,
            auto_complete="street-address",
        ),
        class_name="yw-fieldset",
    )


def _delivery() -> rx.Component:
    return rx.el.div(
        _back_to_form(),
        _errors(),
        heading(t("选择领取方式")),
        rx.el.p(
            t_var(
                "{item}办结后，结果可以到窗口领取，也可以快递送达。",
                item=server_var(S.item_name),
            )
        ),
        rx.el.form(
            field_wrapper(
                rx.el.fieldset(
                    rx.el.legend(t("您想怎样领取办理结果？"), class_name="yw-legend"),
                    _error("method"),
                    _method_radio("collect", t("到窗口领取")),
                    _method_radio("express", t("快递送达（免费邮寄）")),
                    class_name="yw-fieldset",
                ),
                invalid=var_of(S.field_errors).contains("method"),
            ),
            rx.cond(S.method == "collect", _hall()),
            rx.cond(S.method == "express", _address()),
            button(t("继续"), "primary", "submit"),
            on_submit=S.choose_delivery,
            reset_on_submit=False,
            no_validate=True,
            class_name="yw-question-form",
            key=S.method,
        ),
        class_name="yw-stack",
    )


def _delivery_summary() -> rx.Component:
    return rx.cond(
        S.delivery_text != "",
        rx.el.section(
            rx.el.h2(t("领取方式"), class_name="yw-section-title"),
            rx.el.p(server_span(var_of(S.delivery_text))),
            rx.el.p(server_text(S.delivery_place), lang="zh-Hans"),
            rx.cond(
                S.method == "collect",
                _hall(),
            ),
            rx.cond(
                S.application_number == "",
                rx.el.p(button(t("修改领取方式"), "link", on_click=S.change_delivery)),
            ),
        ),
    )


def _confirm() -> rx.Component:
    return rx.el.div(
        _back_to_form(),
        heading(t("确认并提交")),
        _delivery_summary(),
        button(t("提交申请"), "primary", on_click=S.confirm),
        class_name="yw-stack",
    )


def _notice() -> rx.Component:
    return rx.cond(
        S.notice != "", rx.el.p(server_text(S.notice), role="status", class_name="yw-notice")
    )


def _pay() -> rx.Component:
    """pay, unreachable, cancelled, failed and timeout: the fees and a (re)pay button."""
    return rx.el.div(
        _back_to_form(),
        heading(
            rx.match(
                S.stage,
                ("cancelled", t("支付已取消")),
                ("failed", t("支付没有成功")),
                ("timeout", t("支付已超时")),
                ("unreachable", t("暂时无法支付")),
                t("缴纳费用"),
            )
        ),
        _notice(),
        _fees(),
        _delivery_summary(),
        rx.el.p(t("支付成功后申请才会提交。付款在统一支付平台完成，本页不会接触您的银行卡信息。")),
        button(
            rx.cond(
                S.stage == "pay",
                t_var("去支付 {amount}", amount=server_var(S.total_text)),
                t_var("重新支付 {amount}", amount=server_var(S.total_text)),
            ),
            "primary",
            on_click=S.pay,
        ),
        class_name="yw-stack",
    )


def _waiting() -> rx.Component:
    return rx.el.div(
        heading(t("正在确认支付结果")),
        _notice(),
        rx.el.p(t("我们以统一支付平台发来的通知为准。确认后申请会自动提交，您不需要重复付款。")),
        _fees(),
        rx.el.div(
            button(t("刷新支付结果"), "primary", on_click=S.check_result),
            button(t("回到收银台继续支付"), "secondary", on_click=S.pay),
            class_name="yw-button-row",
        ),
        class_name="yw-stack",
    )


def _done() -> rx.Component:
    return rx.el.div(
        panel(t("申请已提交"), t("办件编号"), S.application_number, HEADING_ID),
        rx.cond(
            S.receipt_no != "",
            rx.el.dl(
                rx.el.div(rx.el.dt(t("缴费情况")), rx.el.dd(server_text(S.paid_text))),
                rx.el.div(rx.el.dt(t("电子票据号")), rx.el.dd(S.receipt_no)),
                class_name="yw-summary-list",
            ),
        ),
        _delivery_summary(),
        rx.el.p(t("请记下办件编号。您可以随时在“我的 > 我的办件”查看办理进度。")),
        rx.el.p(rx.el.a(t("查看办理进度"), href="/me/applications/" + S.application_number)),
        class_name="yw-stack",
    )


def _signin() -> rx.Component:
    return rx.el.div(
        heading(t("请先登录")),
        rx.el.p(t("登录后可以继续选择领取方式和缴费，您填写的申请已保存。")),
        button(t("登录"), "primary", on_click=S.sign_in),
        class_name="yw-stack",
    )


def _missing() -> rx.Component:
    return rx.el.div(
        heading(t("没有待缴费或待确认的申请")),
        rx.el.p(t("请先在线填写申请并核对，再选择领取方式和缴费。")),
        rx.cond(
            S.item_code != "",
            rx.el.p(rx.el.a(t("去填写申请"), href="/apply/" + S.item_code)),
            rx.el.p(rx.el.a(t("查找其他服务"), href="/services")),
        ),
        class_name="yw-stack",
    )


def page() -> rx.Component:
    return layout(
        idle_warning(),
        rx.match(
            S.stage,
            ("delivery", _delivery()),
            ("confirm", _confirm()),
            ("pay", _pay()),
            ("unreachable", _pay()),
            ("cancelled", _pay()),
            ("failed", _pay()),
            ("timeout", _pay()),
            ("waiting", _waiting()),
            ("done", _done()),
            ("signin", _signin()),
            ("missing", _missing()),
            rx.el.div(
                rx.el.h1(t("缴费和领取"), class_name="yw-question-title"),
                rx.el.p(t("正在加载…"), role="status"),
            ),
        ),
        current="services",
    )
