"""Connection status: a clear, translated message while the app cannot reach the server, or
while the server cannot process what the citizen asked.

Replaces Reflex's default overlay (an English toast through the sonner library, which also
costs the home page bundle). Two messages, both ``role="alert"`` at the top of the screen:

- lost connection: shown after two failed connection attempts, hidden again once the websocket
  reconnects by itself;
- service trouble (``service_trouble``, a boolean Var the app passes in): the server is reached
  but could not process the last action (for example while its database is being restarted);
  hidden with the next answer that arrives.

What the citizen typed stays in the page meanwhile.
"""

from __future__ import annotations

from typing import Literal

import reflex as rx
from reflex.vars.base import Var
from reflex_components_core.core.banner import has_too_many_connection_errors

from components.i18n import t

Kind = Literal["connection", "service"]


def connection_message() -> rx.Component:
    """The lost-connection banner itself (always rendered; for examples and the gallery)."""
    return rx.el.div(
        rx.el.p(t("网络连接中断，正在自动重新连接。"), class_name="yw-connection__title"),
        rx.el.p(t("您填写的内容不会丢失，请稍候。")),
        role="alert",
        class_name="yw-connection",
    )


def service_message() -> rx.Component:
    """The service-trouble banner itself (always rendered; for examples and the gallery)."""
    return rx.el.div(
        rx.el.p(t("服务暂时繁忙，您的操作没有完成。"), class_name="yw-connection__title"),
        rx.el.p(t("请稍等片刻后再试，已填写的内容不会丢失。")),
        role="alert",
        class_name="yw-connection",
    )


def connection_status(service_trouble: Var[bool] | None = None) -> rx.Component:
    """The banner, rendered only while the connection is lost or the service is in trouble."""
    lost = rx.cond(has_too_many_connection_errors, connection_message(), rx.fragment())
    if service_trouble is None:
        return lost
    return rx.fragment(
        lost,
        rx.cond(
            service_trouble & ~has_too_many_connection_errors, service_message(), rx.fragment()
        ),
    )


def from_props(props: dict) -> rx.Component:
    kind: Kind = props.get("kind", "connection")
    if kind not in ("connection", "service"):
        raise ValueError(f"connection_status: kind {kind!r} is not 'connection' or 'service'")
    return service_message() if kind == "service" else connection_message()
