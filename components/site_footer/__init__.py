"""The footer: hotline, the units (主办/承办单位), ICP and 公安 records and site identifier."""

from __future__ import annotations

import reflex as rx

from components.i18n import source_lang, t, t_around
from components.icon import icon

ICP_LOOKUP_URL = "https://beian.miit.gov.cn/"
POLICE_LOOKUP_URL = "https://beian.mps.gov.cn/"


def site_footer(
    hotline: str,
    host_unit: str | rx.Var,
    icp: str,
    site_code: str,
    operator_unit: str | rx.Var = "",
    police_record: str = "",
) -> rx.Component:
    """``<footer>`` (contentinfo) with the contacts a provincial platform must show."""
    lines = [
        rx.el.p(
            rx.el.a(
                icon("phone"),
                rx.el.span(t("政务服务便民热线 {hotline}", hotline=hotline)),
                href=f"tel:{hotline}",
                class_name="yw-footer__hotline",
            )
        ),
        rx.el.p(*t_around("主办单位：{unit}", "unit", host_unit)),
    ]
    if isinstance(operator_unit, rx.Var) or operator_unit:
        lines.append(rx.el.p(*t_around("承办单位：{unit}", "unit", operator_unit)))
    lines += [
        rx.el.p(
            rx.el.a(
                icp,
                href=ICP_LOOKUP_URL,
                rel="noopener",
                lang=source_lang(icp),
                class_name="yw-footer__link",
            ),
            rx.el.span(t("网站标识码：{code}", code=site_code), class_name="yw-footer__code"),
        ),
    ]
    if police_record:
        lines.append(
            rx.el.p(
                rx.el.a(
                    police_record,
                    href=POLICE_LOOKUP_URL,
                    lang=source_lang(police_record),
                    rel="noopener",
                    class_name="yw-footer__link",
                )
            )
        )
    return rx.el.footer(*lines, class_name="yw-footer")


def from_props(props: dict) -> rx.Component:
    return site_footer(**props)
