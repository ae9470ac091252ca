"""A frame for showing a component example to reviewers (the gallery), in one display mode."""

from __future__ import annotations

from typing import Any, Literal

import reflex as rx
from reflex.vars.base import Var

from components.i18n import t

Mode = Literal["standard", "elder"]


def mode_label(mode: Mode) -> Var:
    return {"standard": t("标准模式"), "elder": t("长辈模式")}[mode]


def example_frame(
    title: str | Var, *content: rx.Component, mode: Mode = "standard", example: str = ""
) -> rx.Component:
    """``<figure>`` captioned with the example and mode; its canvas carries ``data-mode``.

    In elder mode the canvas has ``data-mode="elder"``, so the elder token overrides apply to
    the example inside it (type, spacing, targets), as they would on a whole page.
    """
    # ``component/example``: an accessibility check names the example a violation is in
    named: dict[str, Any] = {"custom_attrs": {"data-example": example}} if example else {}
    return rx.el.figure(
        rx.el.figcaption(
            rx.el.span(title, class_name="yw-example__name"),
            rx.el.span(mode_label(mode), class_name="yw-example__mode"),
            class_name="yw-example__caption",
        ),
        rx.el.div(
            *content,
            class_name="yw-example__canvas",
            custom_attrs={"data-mode": mode},
        ),
        class_name="yw-example",
        **named,
    )


def from_props(props: dict) -> rx.Component:
    return example_frame(props["title"], rx.el.p(props["text"]), mode=props.get("mode", "standard"))
