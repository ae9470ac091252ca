"""亮证: one electronic licence shown large, with its verification QR code and a countdown.

A card for the holder to show a verifier (a clerk, a hotel desk, a police officer): the
licence type as its heading, the facts a verifier reads (``rows``: label and value pairs,
masked by the caller), the QR code (an inline ``<svg>`` made by the server, with a text
alternative) and whatever the page puts below it (``footer``: the countdown, refresh). The
licence's own data (type, issuer, names) is Chinese and marked ``lang="zh-Hans"``.
"""

from __future__ import annotations

from collections.abc import Sequence

import reflex as rx

from components.field_parts import Text, as_var

#: a row: (label, value) or (label, value, lang) for data in another language than the page's
Row = tuple[Text, Text] | tuple[Text, Text, str]


def _row(row: Row) -> rx.Component:
    label, value = row[0], row[1]
    value_cell = rx.el.dd(value, lang=row[2]) if len(row) > 2 else rx.el.dd(value)
    return rx.el.div(rx.el.dt(label), value_cell, class_name="yw-licence__row")


def licence_card(
    kind: Text,
    rows: Sequence[Row] = (),
    *,
    area: Text | rx.Component = "",
    qr_svg: Text = "",
    qr_label: Text = "",
    footer: rx.Component | None = None,
    card_id: str = "licence",
) -> rx.Component:
    """``kind``: the licence type (the heading). ``area``: who issues e-licences here (the
    province's line above the heading). ``qr_svg``: the QR code, an ``<svg>`` string without
    colours (its modules are drawn with a token); ``qr_label``: its text alternative. The
    QR figure has the id ``<card_id>-qr`` (a page's script may hide it when the code expires)."""
    qr = as_var(qr_svg)
    return rx.el.article(
        rx.el.div(area, class_name="yw-licence__area") if not isinstance(area, str) or area else "",
        rx.el.h2(kind, id=f"{card_id}-title", lang="zh-Hans", class_name="yw-licence__kind"),
        rx.el.dl(*[_row(r) for r in rows], class_name="yw-licence__facts"),
        rx.cond(
            qr != "",
            rx.el.figure(
                rx.html(qr_svg, role="img", aria_label=qr_label, class_name="yw-licence__qr-image"),
                id=f"{card_id}-qr",
                class_name="yw-licence__qr",
            ),
        ),
        footer if footer is not None else "",
        aria_labelledby=f"{card_id}-title",
        class_name="yw-licence",
    )


def from_props(props: dict) -> rx.Component:
    props = dict(props)
    rows = [tuple(r) for r in props.pop("rows", [])]
    return licence_card(props.pop("kind"), rows, **props)
