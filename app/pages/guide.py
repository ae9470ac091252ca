"""办事指南 (/item/[code]): the elements of one item, in the order a citizen needs them.

Can I do it online and how often must I go; what to bring; how long; how much; the steps;
where and when; whom to ask or complain to; then the conditions and legal basis, collapsed.
The route is dynamic, so it is not prerendered: a readable skeleton shows until hydration.
"""

from __future__ import annotations

import reflex as rx
from reflex.vars.base import Var
from reflex.vars.object import ObjectVar

from app.catalogue.presenters import ChannelView, MaterialView
from app.pages.layout import layout
from app.pages.vars import server_var as S
from app.pages.vars import var_of
from app.state.guide import GuideState
from components.badge import badge
from components.i18n import server_span as C
from components.i18n import t, t_var
from components.question_page import focus_link
from components.search_entry import search_entry
from components.section_card import section_card
from components.skeleton import skeleton

G = var_of(GuideState.guide)


def _fact(term: Var, value: Var) -> rx.Component:
    return rx.fragment(rx.el.dt(term), rx.el.dd(value))


def _material(m: ObjectVar[MaterialView]) -> rx.Component:
    return rx.el.li(
        rx.el.div(
            C(m.name, class_name="yw-guide__material-name"),
            badge(S(m.necessity), "neutral"),
            rx.cond(m.e_licence, badge(t("可用电子证照免提交"), "success"), rx.fragment()),
            class_name="yw-guide__material-head",
        ),
        rx.cond(
            m.condition != "",
            rx.el.p(t("提交情形："), C(m.condition)),
            rx.fragment(),
        ),
        rx.el.p(S(m.detail), class_name="yw-muted"),
        rx.cond(m.notes != "", rx.el.p(C(m.notes), class_name="yw-muted"), rx.fragment()),
        rx.cond(
            (m.blank_form_url != "") | (m.sample_url != ""),
            rx.el.p(t("窗口可领取空白表格和填写样表"), class_name="yw-muted"),
            rx.fragment(),
        ),
        class_name="yw-guide__material",
    )


def _channel(c: ObjectVar[ChannelView]) -> rx.Component:
    return rx.el.li(
        rx.el.span(S(c.kind), class_name="yw-guide__channel-kind"),
        rx.cond(
            c.href != "",
            rx.el.a(C(c.value), href=c.href, class_name="yw-guide__channel-link"),
            C(c.value),
        ),
    )


def _found() -> rx.Component:
    return rx.el.div(
        rx.el.h1(C(G.name), class_name="yw-page-title"),
        rx.cond(G.summary != "", rx.el.p(C(G.summary), class_name="yw-guide__summary")),
        rx.el.p(
            C(G.department),
            t_var(" · {level} · {item_type}", level=S(G.level), item_type=S(G.item_type)),
            class_name="yw-muted",
        ),
        rx.el.p(
            rx.cond(G.online, badge(t("可网上办理"), "info"), badge(t("需到现场办理"))),
            badge(S(G.visits_summary), "success"),
            class_name="yw-guide__badges",
        ),
        rx.cond(
            GuideState.apply_href != "",
            rx.el.a(
                t("在线办理"), href=GuideState.apply_href, class_name="yw-button yw-button--primary"
            ),
            rx.el.div(
                rx.el.p(S(GuideState.visit)),
                rx.el.p(focus_link(t("查看办理地点和时间"), "halls-title")),
                role="note",
                class_name="yw-notice",
            ),
        ),
        rx.cond(
            var_of(GuideState.bundles).length() > 0,
            rx.el.ul(
                rx.foreach(
                    GuideState.bundles,
                    lambda b: rx.el.li(
                        rx.el.a(
                            t_var("一件事一次办：{title}", title=S(b["title"])),
                            href=b["href"],
                            class_name="yw-guide__channel-link",
                        )
                    ),
                ),
                class_name="yw-guide__channels",
            ),
            rx.fragment(),
        ),
        section_card(
            t("办理方式"),
            "how-title",
            rx.el.dl(
                _fact(t("网上办理"), S(G.online_summary)),
                _fact(t("到现场次数"), S(G.visits_summary)),
                class_name="yw-facts",
            ),
            rx.cond(
                G.services.to(list).length() > 0,
                rx.el.p(
                    rx.foreach(G.services, lambda s: badge(S(s), "info")),
                    class_name="yw-guide__badges",
                ),
                rx.fragment(),
            ),
        ),
        section_card(
            t("申请材料"),
            "materials-title",
            rx.cond(
                G.materials.to(list).length() > 0,
                rx.el.ol(rx.foreach(G.materials, _material), class_name="yw-guide__materials"),
                rx.el.p(t("无需提交材料。")),
            ),
        ),
        section_card(
            t("办理时限"),
            "limits-title",
            rx.el.dl(
                _fact(t("承诺时限"), S(G.promised_limit)),
                rx.cond(
                    G.statutory_limit != "",
                    _fact(t("法定时限"), S(G.statutory_limit)),
                    rx.fragment(),
                ),
                class_name="yw-facts",
            ),
        ),
        section_card(
            t("收费标准"),
            "fees-title",
            rx.el.p(S(G.fee_summary)),
            rx.el.ul(
                rx.foreach(
                    G.fees,
                    lambda f: rx.el.li(
                        rx.el.p(C(f.name), t_var("：{amount}", amount=S(f.amount))),
                        rx.el.p(t("收费依据："), C(f.basis), class_name="yw-muted"),
                    ),
                ),
                class_name="yw-list",
            ),
        ),
        section_card(
            t("办理流程"),
            "steps-title",
            rx.el.ol(
                rx.foreach(
                    G.steps,
                    lambda s: rx.el.li(
                        rx.el.p(C(s.name), class_name="yw-guide__step-name"),
                        rx.el.p(C(s.description)),
                    ),
                ),
                class_name="yw-guide__steps",
            ),
        ),
        section_card(
            t("办理地点和时间"),
            "halls-title",
            rx.el.ul(
                rx.foreach(
                    G.halls,
                    lambda h: rx.el.li(
                        rx.el.p(C(h.name), class_name="yw-guide__step-name"),
                        rx.el.p(t("地址："), C(h.address)),
                        rx.el.p(t("时间："), C(h.hours)),
                    ),
                ),
                class_name="yw-list",
            ),
        ),
        section_card(
            t("咨询与投诉"),
            "contact-title",
            rx.el.h3(t("咨询方式"), class_name="yw-guide__subtitle"),
            rx.el.ul(rx.foreach(G.consultation, _channel), class_name="yw-guide__channels"),
            rx.el.h3(t("监督投诉"), class_name="yw-guide__subtitle"),
            rx.el.ul(rx.foreach(G.complaint, _channel), class_name="yw-guide__channels"),
        ),
        section_card(
            t("受理条件与设定依据"),
            "legal-title",
            rx.el.details(
                rx.el.summary(t("受理条件")),
                rx.el.p(C(G.acceptance_conditions)),
                class_name="yw-details",
            ),
            rx.el.details(
                rx.el.summary(t("设定依据")),
                rx.el.ul(rx.foreach(G.legal_basis, lambda b: rx.el.li(C(b)))),
                class_name="yw-details",
            ),
        ),
        class_name="yw-stack",
    )


def _not_found() -> rx.Component:
    return rx.el.div(
        rx.el.h1(t("没有找到这个事项"), class_name="yw-page-title"),
        rx.el.p(t("链接可能已失效，或事项已调整。您可以搜索事项，或到“办事”中按主题查找。")),
        rx.el.p(
            t_var("事项编码：{code}", code=var_of(GuideState.requested)), class_name="yw-muted"
        ),
        search_entry(field_id="yw-guide-q"),
        rx.el.a(t("按主题和部门查找事项"), href="/services", class_name="yw-guide__channel-link"),
        class_name="yw-stack",
    )


def page() -> rx.Component:
    return layout(
        rx.match(
            GuideState.status,
            ("found", _found()),
            ("not_found", _not_found()),
            skeleton(6, t("正在加载办事指南…")),
        ),
        current="services",
    )
