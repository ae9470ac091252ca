"""Connection status: a clear, translated message while the app cannot reach the server, or
while the server cannot process (or is slow to process) what the citizen asked.

Replaces Reflex's default overlay (an English toast through the sonner library, which also
costs the home page bundle). One message at a time, ``role="alert"`` at the top of the screen:

- lost connection: shown after two failed connection attempts, hidden again once the websocket
  reconnects by itself;
- ``service_notice`` (a string Var the app passes in) ``"slow"``: the server has the citizen's
  action but has not processed it after a few seconds;
- ``service_notice`` ``"failed"``: the server could not process the last action (for example
  while its database or Redis restarts); hidden with the next answer that arrives;
- ``service_notice`` ``"limited"``: the page sent more actions than the server accepts per
  second (``app.security.limits``); hidden with the next answer that arrives.

What the citizen typed stays in the page meanwhile.
"""

from __future__ import annotations

from typing import Literal

import reflex as rx
from reflex.vars.base import Var
from reflex_components_core.core.banner import has_too_many_connection_errors

from components.i18n import t

Kind = Literal["connection", "slow", "failed", "limited"]


def _banner(title: Var, body: Var) -> rx.Component:
    return rx.el.div(
        rx.el.p(title, class_name="yw-connection__title"),
        rx.el.p(body),
        role="alert",
        class_name="yw-connection",
    )


def connection_message() -> rx.Component:
    """The lost-connection banner itself (always rendered; for examples and the gallery)."""
    return _banner(t("网络连接中断，正在自动重新连接。"), t("您填写的内容不会丢失，请稍候。"))


def slow_message() -> rx.Component:
    """The server is still working on the citizen's action (always rendered)."""
    return _banner(
        t("服务器响应较慢，正在处理您的操作。"), t("请稍候，不要关闭页面，已填写的内容不会丢失。")
    )


def failed_message() -> rx.Component:
    """The server could not process the citizen's action (always rendered)."""
    return _banner(
        t("服务暂时繁忙，您的操作没有完成。"), t("请稍等片刻后再试，已填写的内容不会丢失。")
    )


def limited_message() -> rx.Component:
    """The page sent too many actions at once; the extra ones were not processed."""
    return _banner(
        t("操作过于频繁，部分操作没有完成。"), t("请稍等几秒后再试，已填写的内容不会丢失。")
    )


def connection_status(service_notice: Var[str] | None = None) -> rx.Component:
    """The banner, rendered only while the connection is lost or a service notice is set."""
    lost = rx.cond(has_too_many_connection_errors, connection_message(), rx.fragment())
    if service_notice is None:
        return lost
    return rx.cond(
        has_too_many_connection_errors,
        connection_message(),
        rx.match(
            service_notice,
            ("failed", failed_message()),
            ("slow", slow_message()),
            ("limited", limited_message()),
            rx.fragment(),
        ),
    )


def from_props(props: dict) -> rx.Component:
    kind = props.get("kind", "connection")
    messages = {
        "connection": connection_message,
        "slow": slow_message,
        "failed": failed_message,
        "limited": limited_message,
    }
    if kind not in messages:
        raise ValueError(f"connection_status: kind {kind!r} is not one of {', '.join(messages)}")
    return messages[kind]()
