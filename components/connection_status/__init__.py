"""Connection status: a clear, translated message while the app cannot reach the server.

Replaces Reflex's default overlay (an English toast through the sonner library, which also
costs the home page bundle): shown after two failed connection attempts, hidden again once
the websocket reconnects by itself. What the citizen typed stays in the page meanwhile.
"""

from __future__ import annotations

import reflex as rx
from reflex_components_core.core.banner import has_too_many_connection_errors

from components.i18n import t


def connection_message() -> rx.Component:
    """The banner itself (always rendered; for examples and the gallery)."""
    return rx.el.div(
        rx.el.p(t("网络连接中断，正在自动重新连接。"), class_name="yw-connection__title"),
        rx.el.p(t("您填写的内容不会丢失，请稍候。")),
        role="alert",
        class_name="yw-connection",
    )


def connection_status() -> rx.Component:
    """The banner, rendered only while the connection is lost."""
    return rx.cond(has_too_many_connection_errors, connection_message(), rx.fragment())


def from_props(props: dict) -> rx.Component:
    return connection_message()
