"""在线办理 ``/apply/[code]``: intro, question pages, check your answers, confirmation.

``code`` is an item's implementation code or a 一件事 bundle id (``yjs-…``). Everything shown
comes from ``ApplyState``; the page itself is one layout with a branch per stage.
"""

from __future__ import annotations

import reflex as rx
from reflex.vars.base import Var

from app.pages.apply_parts import idle_warning, login_error, session_ended_notice
from app.pages.layout import layout
from app.state.flow import ERROR_SUMMARY_ID, HEADING_ID, ApplyState, FieldView
from app.state.flow_auth import FlowAuthState
from components.i18n import server_lang, server_span, t, t_var
from components.i18n import server_text as S
from components.question_page import button, error_summary, field_wrapper, panel, step_caption

#: the idempotency key: made once per draft in this tab, reused by every retry and double tap
IDEMPOTENCY_KEY_JS = (
    "(() => { const k = 'yw-idem-' + {token}; let v = sessionStorage.getItem(k);"
    " if (!v) { v = (crypto.randomUUID ? crypto.randomUUID().replaceAll('-', '') :"
    " Array.from(crypto.getRandomValues(new Uint8Array(16)),"
    " (b) => b.toString(16).padStart(2, '0')).join('')); sessionStorage.setItem(k, v); }"
    " return v; })()"
)


def _key_var() -> Var:
    token = ApplyState.draft_token
    return Var(
        _js_expr=IDEMPOTENCY_KEY_JS.replace("{token}", str(token)),
        _var_type=str,
        _var_data=token._get_all_var_data(),
    )


def heading(text) -> rx.Component:
    return rx.el.h1(text, id=HEADING_ID, tab_index=-1, class_name="yw-question-title")


# -- fields -----------------------------------------------------------------------------------
def _label(f: FieldView) -> rx.Component:
    return rx.el.label(S(f.label), html_for=f.input_id, class_name="yw-label")


def _hint_and_error(f: FieldView) -> list[rx.Component]:
    return [
        rx.cond(f.hint != "", rx.el.p(S(f.hint), id=f.input_id + "-hint", class_name="yw-hint")),
        rx.cond(
            f.error != "",
            rx.el.p(
                rx.el.span(t("错误："), class_name="yw-visually-hidden"),
                S(f.error),
                id=f.input_id + "-error",
                class_name="yw-error-message",
            ),
        ),
    ]


def _text_input(f: FieldView, input_type: str, **extra) -> rx.Component:
    return rx.el.input(
        id=f.input_id,
        name=f.name,
        type=input_type,
        default_value=f.value,
        max_length=f.max_length,
        auto_complete=rx.cond(f.autocomplete != "", f.autocomplete, "on"),
        aria_describedby=f.described_by,
        aria_invalid=rx.cond(f.error != "", "true", "false"),
        on_blur=lambda value: ApplyState.save_field(f.name, value),
        class_name="yw-input",
        **extra,
    )


def _simple(f: FieldView, control: rx.Component) -> rx.Component:
    return field_wrapper(_label(f), *_hint_and_error(f), control, invalid=f.error != "")


def _select(f: FieldView) -> rx.Component:
    return rx.el.select(
        rx.el.option(t("请选择"), value=""),
        rx.foreach(
            f.options, lambda o: rx.el.option(S(o.label), value=o.value, lang=server_lang(o.label))
        ),
        id=f.input_id,
        name=f.name,
        default_value=f.value,
        aria_describedby=f.described_by,
        aria_invalid=rx.cond(f.error != "", "true", "false"),
        on_change=lambda value: ApplyState.save_field(f.name, value),
        class_name="yw-select",
    )


def _group(f: FieldView, *controls: rx.Component) -> rx.Component:
    return field_wrapper(
        rx.el.fieldset(
            rx.el.legend(S(f.label), class_name="yw-legend"),
            *_hint_and_error(f),
            *controls,
            aria_describedby=f.described_by,
            class_name="yw-fieldset",
        ),
        invalid=f.error != "",
    )


def _radios(f: FieldView) -> rx.Component:
    return _group(
        f,
        rx.foreach(
            f.options,
            lambda o: rx.el.div(
                rx.el.input(
                    type="radio",
                    id=o.input_id,
                    name=f.name,
                    value=o.value,
                    default_checked=o.checked,
                    on_change=lambda value: ApplyState.save_field(f.name, value),
                ),
                rx.el.label(S(o.label), html_for=o.input_id),
                class_name="yw-choice",
            ),
        ),
    )


def _checkboxes(f: FieldView) -> rx.Component:
    return _group(
        f,
        rx.foreach(
            f.options,
            lambda o: rx.el.div(
                rx.el.input(
                    type="checkbox",
                    id=o.input_id,
                    name=f.name + "::" + o.value,
                    value="on",
                    default_checked=o.checked,
                    on_change=lambda checked: ApplyState.set_choice(f.name, o.value, checked),
                ),
                rx.el.label(S(o.label), html_for=o.input_id),
                class_name="yw-choice",
            ),
        ),
    )


def _address(f: FieldView) -> rx.Component:
    detail_id = f.input_id + "-detail"
    return _group(
        f,
        rx.el.label(t("所在区县"), html_for=f.input_id, class_name="yw-label"),
        _select(f),
        rx.el.label(t("街道、小区和门牌号"), html_for=detail_id, class_name="yw-label"),
        rx.el.input(
            id=detail_id,
            name=f.name + ".detail",
            type="text",
            default_value=f.detail,
            max_length=100,
            auto_complete="street-address",
            on_blur=lambda value: ApplyState.save_field(f.name + ".detail", value),
            class_name="yw-input",
        ),
    )


def _locked(f: FieldView) -> rx.Component:
    return rx.el.dl(rx.el.dt(S(f.label)), rx.el.dd(server_span(f.value)), class_name="yw-locked")


def _file(f: FieldView) -> rx.Component:
    from app.pages.apply_upload import file_field

    return file_field(f)


def field(f: FieldView) -> rx.Component:
    control = rx.match(
        f.kind,
        ("select", _simple(f, _select(f))),
        ("radio", _radios(f)),
        ("checkbox", _checkboxes(f)),
        ("address", _address(f)),
        ("file", _file(f)),
        ("phone", _simple(f, _text_input(f, "tel", input_mode="tel"))),
        ("date", _simple(f, _text_input(f, "date"))),
        ("id_number", _simple(f, _text_input(f, "text", auto_capitalize="characters"))),
        _simple(f, _text_input(f, "text")),
    )
    return rx.el.div(rx.cond(f.locked, _locked(f), control), key=f.name)


# -- stages -----------------------------------------------------------------------------------
def _errors() -> rx.Component:
    return rx.cond(
        ApplyState.errors.length() > 0,
        error_summary(t("出现了问题"), ApplyState.errors, ERROR_SUMMARY_ID),
    )


def _back() -> rx.Component:
    return rx.el.p(button(t("返回上一步"), "link", on_click=ApplyState.back), class_name="yw-back")


def _intro() -> rx.Component:
    return rx.el.div(
        heading(server_span(ApplyState.item_name)),
        session_ended_notice(),
        login_error(),
        rx.el.dl(
            rx.el.div(rx.el.dt(t("办理部门")), rx.el.dd(server_span(ApplyState.department))),
            rx.el.div(rx.el.dt(t("承诺时限")), rx.el.dd(S(ApplyState.promise))),
            class_name="yw-summary-list",
        ),
        rx.cond(
            ApplyState.members.length() > 0,
            rx.el.section(
                rx.el.h2(t("一次办理以下事项"), class_name="yw-section-title"),
                rx.el.ul(rx.foreach(ApplyState.members, lambda m: rx.el.li(server_span(m)))),
            ),
        ),
        rx.el.p(
            t("在线填写大约需要 5 到 10 分钟。填写的内容会自动保存为草稿，保留 30 天。"),
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
                n=ApplyState.step_index + 1,
                total=ApplyState.step_count,
            )
        ),
        heading(S(ApplyState.step_title)),
        rx.cond(ApplyState.step_intro != "", rx.el.p(S(ApplyState.step_intro))),
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
        rx.el.dl(
            rx.foreach(
                ApplyState.answers,
                lambda a: rx.el.div(
                    rx.el.dt(S(a.label)),
                    rx.el.dd(server_span(a.value)),
                    rx.el.dd(
                        button(
                            t("修改"),
                            "link",
                            on_click=ApplyState.change(a.step),
                            aria_label=S(a.change_label),
                        )
                    ),
                    class_name="yw-summary-list__row",
                    key=a.key,
                ),
            ),
            class_name="yw-summary-list",
        ),
        rx.el.form(
            rx.el.h2(t("承诺与授权"), class_name="yw-section-title"),
            rx.el.div(
                rx.el.input(type="checkbox", id="f-declaration", name="declaration", value="yes"),
                rx.el.label(S(ApplyState.declaration), html_for="f-declaration"),
                class_name="yw-choice",
            ),
            rx.el.div(
                rx.el.input(type="checkbox", id="f-consent", name="consent", value="yes"),
                rx.el.label(S(ApplyState.consent_text), html_for="f-consent"),
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
