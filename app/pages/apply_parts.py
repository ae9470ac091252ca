"""Shared parts of the flow pages: the idle-session warning and its watcher script."""

from __future__ import annotations

import reflex as rx

from app.domain.rules import IDLE_WARNING, IDLE_WARNING_BEFORE, minutes
from app.pages.vars import var_of
from app.state.flow_auth import IDLE_WARNING_ID, FlowAuthState
from components.i18n import server_text, t
from components.question_page import button


def idle_warning() -> rx.Component:
    return rx.el.div(
        rx.el.p(
            t(
                "您已经 {idle} 分钟没有操作。为保护您的信息，{left} 分钟后将自动退出登录；已填写的内容已保存为草稿。",
                idle=minutes(IDLE_WARNING),
                left=minutes(IDLE_WARNING_BEFORE),
            )
        ),
        button(t("继续办理"), "primary", on_click=FlowAuthState.extend_session),
        id=IDLE_WARNING_ID,
        role="alert",
        hidden=True,
        custom_attrs={"data-deadline": var_of(FlowAuthState.idle_deadline_ms).to_string()},
        class_name="yw-idle-warning",
    )


def session_ended_notice() -> rx.Component:
    return rx.cond(
        FlowAuthState.session_ended,
        rx.el.p(
            t("为了安全，您已退出登录。已填写的内容保存在草稿中，重新登录后可以继续。"),
            role="status",
            class_name="yw-notice",
        ),
    )


def login_error() -> rx.Component:
    """Why the login did not happen; after an outage, a 重试 button that starts it again."""
    return rx.cond(
        FlowAuthState.login_error != "",
        rx.el.div(
            rx.el.p(server_text(FlowAuthState.login_error)),
            rx.cond(
                FlowAuthState.login_retry != "",
                button(t("重试"), "primary", on_click=FlowAuthState.retry_login),
            ),
            role="alert",
            class_name="yw-notice",
        ),
    )


def signed_out_notice() -> rx.Component:
    """After 退出登录: whether the identity provider's session ended too."""
    return rx.cond(
        FlowAuthState.signed_out_notice != "",
        rx.el.p(
            server_text(FlowAuthState.signed_out_notice), role="status", class_name="yw-notice"
        ),
    )
