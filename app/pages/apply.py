"""在线办理 ``/apply/[code]``: intro, question pages, check your answers, confirmation.

``code`` is an item's implementation code or a 一件事 bundle id (``yjs-…``). Everything shown
comes from ``ApplyState``; the page itself is one layout with a branch per stage.
"""

from __future__ import annotations

import reflex as rx
from reflex.vars.base import Var
from reflex.vars.object import ObjectVar

from app.domain.rules import DRAFT_RETENTION
from app.pages.apply_parts import idle_warning, login_error, session_ended_notice
from app.pages.apply_upload import file_field
from app.pages.layout import layout
from app.pages.vars import server_var as S
from app.pages.vars import var_of
from app.state.flow import ERROR_SUMMARY_ID, HEADING_ID, ApplyState, FieldView
from app.state.flow_auth import FlowAuthState
from components.address_input import address_input
from components.checkboxes import checkboxes
from components.date_input import date_input
from components.error_summary import error_summary
from components.field_parts import text_var
from components.i18n import server_span, t, t_var
from components.id_number_input import id_number_input
from components.js import js
from components.phone_input import phone_input
from components.question_page import button, panel, step_caption
from components.radios import radios
from components.select_input import select_input
from components.summary_list import summary_list
from components.text_input import text_input

#: the idempotency key: made once per draft in this tab, reused by every retry and double tap
IDEMPOTENCY_KEY_JS = (
    "(() => { const k = 'yw-idem-' + {token}; let v = sessionStorage.getItem(k);"
    " if (!v) { v = (crypto.randomUUID ? crypto.randomUUID().replaceAll('-', '') :"
    " Array.from(crypto.getRandomValues(new Uint8Array(16)),"
    " (b) => b.toString(16).padStart(2, '0')).join('')); sessionStorage.setItem(k, v); }"
    " return v; })()"
)


def _key_var() -> Var:
    token = var_of(ApplyState.draft_token)
    return js(IDEMPOTENCY_KEY_JS.replace("{token}", str(token)), str, uses=(token,))


def heading(text) -> rx.Component:
    return rx.el.h1(text, id=HEADING_ID, tab_index=-1, class_name="yw-question-title")


# -- fields: the library's form components, fed from the FieldView of each question -------------
def _text(f: ObjectVar[FieldView]) -> rx.Component:
    return text_input(
        f.input_id, f.name, S(f.label), value=f.value, hint=S(f.hint), error=S(f.error),
        described_by=f.described_by, max_length=f.max_length,
        autocomplete=rx.cond(f.autocomplete != "", f.autocomplete, "on"),
        on_blur=lambda value: ApplyState.save_field(f.name, value),
    )  # fmt: skip


def _common(f: ObjectVar[FieldView]) -> dict:
    return {
        "value": f.value,
        "hint": S(f.hint),
        "error": S(f.error),
        "described_by": f.described_by,
        "on_blur": lambda value: ApplyState.save_field(f.name, value),
    }


def _select(f: ObjectVar[FieldView]) -> rx.Component:
    return select_input(
        f.input_id, f.name, S(f.label), f.options, value=f.value, hint=S(f.hint), error=S(f.error),
        described_by=f.described_by, on_change=lambda value: ApplyState.save_field(f.name, value),
    )  # fmt: skip


def _radios(f: ObjectVar[FieldView]) -> rx.Component:
    return radios(
        f.input_id, f.name, S(f.label), f.options, hint=S(f.hint), error=S(f.error),
        described_by=f.described_by, on_change=lambda value: ApplyState.save_field(f.name, value),
    )  # fmt: skip


def _checkboxes(f: ObjectVar[FieldView]) -> rx.Component:
    return checkboxes(
        f.input_id, f.name, S(f.label), f.options, hint=S(f.hint), error=S(f.error),
        described_by=f.described_by,
        on_toggle=lambda o: lambda checked: ApplyState.set_choice(f.name, o.value, checked),
    )  # fmt: skip


def _address(f: ObjectVar[FieldView]) -> rx.Component:
    return address_input(
        f.input_id, f.name, S(f.label), f.options, value=f.value, detail=f.detail, hint=S(f.hint),
        error=S(f.error), described_by=f.described_by,
        on_change=lambda value: ApplyState.save_field(f.name, value),
        on_detail_blur=lambda value: ApplyState.save_field(text_var(f.name) + ".detail", value),
    )  # fmt: skip


def _locked(f: ObjectVar[FieldView]) -> rx.Component:
    return rx.el.dl(
        rx.el.dt(server_span(f.label)), rx.el.dd(server_span(f.value)), class_name="yw-locked"
    )


def _file(f: ObjectVar[FieldView]) -> rx.Component:
    return file_field(f)


def field(f: ObjectVar[FieldView]) -> rx.Component:
    control = rx.match(
        f.kind,
        ("select", _select(f)),
        ("radio", _radios(f)),
        ("checkbox", _checkboxes(f)),
        ("address", _address(f)),
        ("file", _file(f)),
        ("phone", phone_input(f.input_id, f.name, S(f.label), **_common(f))),
        ("date", date_input(f.input_id, f.name, S(f.label), **_common(f))),
        ("id_number", id_number_input(f.input_id, f.name, S(f.label), **_common(f))),
        _text(f),
    )
    return rx.el.div(rx.cond(f.locked, _locked(f), control), key=f.name)


# -- stages -----------------------------------------------------------------------------------
def _errors() -> rx.Component:
    return rx.cond(
        var_of(ApplyState.errors).length() > 0,
        error_summary(t("出现了问题"), var_of(ApplyState.errors), ERROR_SUMMARY_ID),
    )


def _back() -> rx.Component:
    return rx.el.p(button(t("返回上一步"), "link", on_click=ApplyState.back), class_name="yw-back")


def _intro() -> rx.Component:
    return rx.el.div(
        heading(server_span(var_of(ApplyState.item_name))),
        session_ended_notice(),
        login_error(),
        rx.el.dl(
            rx.el.div(
                rx.el.dt(t("办理部门")), rx.el.dd(server_span(var_of(ApplyState.department)))
            ),
            rx.el.div(rx.el.dt(t("承诺时限")), rx.el.dd(S(ApplyState.promise))),
            class_name="yw-summary-list",
        ),
        rx.cond(
            var_of(ApplyState.members).length() > 0,
            rx.el.section(
                rx.el.h2(t("一次办理以下事项"), class_name="yw-section-title"),
                rx.el.ul(rx.foreach(ApplyState.members, lambda m: rx.el.li(server_span(m)))),
            ),
        ),
        rx.el.p(
            t(
                "在线填写大约需要 5 到 10 分钟。填写的内容会自动保存为草稿，保留 {days} 天。",
                days=DRAFT_RETENTION.days,
            ),
        ),
        rx.cond(
            ApplyState.signed_in,
            rx.el.p(
                t_var(
                    "您已登录：{name}（{level}）",
                    name=S(ApplyState.display_name),
                    level=S(ApplyState.level_name),
                ),
                class_name="yw-muted",
            ),
            rx.el.p(t("开始办理前，我们会请您通过统一身份认证登录。"), class_name="yw-muted"),
        ),
        button(t("开始办理"), "primary", on_click=ApplyState.start),
        class_name="yw-stack",
    )


def _step() -> rx.Component:
    return rx.el.div(
        _back(),
        _errors(),
        rx.cond(
            ApplyState.resumed,
            rx.el.p(t("已恢复您上次填写的内容。"), role="status", class_name="yw-notice"),
        ),
        step_caption(
            t_var(
                "{item}：第 {n} 步，共 {total} 步",
                item=S(ApplyState.item_name),
                n=var_of(ApplyState.step_index) + 1,
                total=var_of(ApplyState.step_count),
            )
        ),
        heading(server_span(var_of(ApplyState.step_title))),
        rx.cond(ApplyState.step_intro != "", rx.el.p(server_span(var_of(ApplyState.step_intro)))),
        rx.el.form(
            rx.foreach(ApplyState.fields, field),
            rx.el.div(
                button(t("继续"), "primary", "submit"),
                rx.el.span(S(ApplyState.saved_note), role="status", class_name="yw-muted"),
                class_name="yw-button-row",
            ),
            on_submit=ApplyState.continue_step,
            reset_on_submit=False,
            no_validate=True,
            class_name="yw-question-form",
        ),
        class_name="yw-stack",
    )


def _extra() -> rx.Component:
    """A page of a registered step kind (``app.flow.wizard.register_step_kind``): the module
    that registers it adds its content here, matched on ``ApplyState.page_kind``."""
    return rx.el.div(
        _back(),
        _errors(),
        heading(server_span(var_of(ApplyState.step_title))),
        rx.el.form(
            button(t("继续"), "primary", "submit"),
            on_submit=ApplyState.continue_step,
            reset_on_submit=False,
            class_name="yw-question-form",
        ),
        class_name="yw-stack",
    )


def _check() -> rx.Component:
    return rx.el.div(
        _back(),
        _errors(),
        heading(t("提交前请核对")),
        rx.el.p(
            button(
                rx.cond(
                    ApplyState.revealed, t("隐藏证件号码和手机号"), t("显示完整的证件号码和手机号")
                ),
                "link",
                on_click=ApplyState.reveal_answers,
                aria_pressed=rx.cond(ApplyState.revealed, "true", "false"),
            )
        ),
        summary_list(var_of(ApplyState.answers), on_change=ApplyState.change),
        rx.el.form(
            rx.el.h2(t("承诺与授权"), class_name="yw-section-title"),
            rx.el.div(
                rx.el.input(type="checkbox", id="f-declaration", name="declaration", value="yes"),
                rx.el.label(server_span(var_of(ApplyState.declaration)), html_for="f-declaration"),
                class_name="yw-choice",
            ),
            rx.el.div(
                rx.el.input(type="checkbox", id="f-consent", name="consent", value="yes"),
                rx.el.label(server_span(var_of(ApplyState.consent_text)), html_for="f-consent"),
                class_name="yw-choice",
            ),
            button(t("提交申请"), "primary", "submit"),
            on_submit=lambda data: ApplyState.submit(data, _key_var()),
            reset_on_submit=False,
            class_name="yw-question-form",
        ),
        class_name="yw-stack",
    )


def _done() -> rx.Component:
    return rx.el.div(
        panel(t("申请已提交"), t("办件编号"), ApplyState.application_number, HEADING_ID),
        rx.el.p(t_var("承诺时限：{promise}。", promise=S(ApplyState.promise))),
        rx.el.h2(t("接下来会发生什么"), class_name="yw-section-title"),
        rx.el.ul(rx.foreach(ApplyState.next_steps, lambda s: rx.el.li(S(s)))),
        rx.el.p(t("请记下办件编号。您可以随时在“我的 > 我的办件”查看办理进度。")),
        rx.el.p(
            rx.el.a(
                t("查看办理进度"),
                href="/me/applications/" + ApplyState.application_number,
            )
        ),
        class_name="yw-stack",
    )


def _refused() -> rx.Component:
    return rx.el.div(
        heading(t("暂时不能在线办理")),
        rx.el.p(S(ApplyState.refused)),
        button(t("退出登录"), "secondary", on_click=FlowAuthState.sign_out),
        class_name="yw-stack",
    )


def _missing() -> rx.Component:
    return rx.el.div(
        heading(t("没有找到这个事项的在线申请")),
        rx.el.p(t("这个事项可能不支持在线办理，或者链接有误。")),
        rx.el.p(rx.el.a(t("查找其他服务"), href="/services")),
        class_name="yw-stack",
    )


def page() -> rx.Component:
    return layout(
        idle_warning(),
        rx.match(
            ApplyState.stage,
            ("intro", _intro()),
            ("step", _step()),
            ("extra", _extra()),
            ("check", _check()),
            ("done", _done()),
            ("level", _refused()),
            ("missing", _missing()),
            rx.el.div(
                rx.el.h1(t("在线办理"), class_name="yw-question-title"),
                rx.el.p(t("正在加载…"), role="status"),
            ),
        ),
        current="services",
    )
