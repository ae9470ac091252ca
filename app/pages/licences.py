"""我的证照 (/me/licences), 亮证 (/me/licences/[id]) and the verifier's page (/licence/verify).

The citizen's pages need a login and show only the signed-in citizen's licences; the
verifier's page needs none and shows only what a verifier needs. Business rules:
``app/licence_show.py``; states: ``app/state/licences.py``.
"""

from __future__ import annotations

import reflex as rx

from app.pages.layout import layout
from app.pages.province import per_province
from app.pages.vars import var_of
from app.state.licences import (
    COUNTDOWN_ID,
    QR_ID,
    LicenceShowState,
    LicencesState,
    LicenceVerifyState,
)
from components.i18n import server_text as S
from components.i18n import t, t_around, t_content
from components.icon import IconName, icon
from components.js import js
from components.licence_card import licence_card
from components.question_page import button
from themes import Theme


def _area(theme: Theme, _suffix: str) -> rx.Component:
    """Who issues the e-licences shown here: the province of the request's host."""
    province = t_content(theme.settings.identity.province)
    return rx.el.span(*t_around("{province}电子证照", "province", province))


def _platform(theme: Theme, _suffix: str) -> rx.Component:
    name = t_content(theme.settings.identity.app_name)
    return rx.el.p(
        *t_around("核验结果由{platform}根据亮证码的数字签名给出。", "platform", name),
        class_name="yw-muted",
    )


def _sign_in(state: type[LicencesState] | type[LicenceShowState], prompt: rx.Var) -> rx.Component:
    return rx.el.div(
        rx.el.p(prompt),
        button(
            t("登录"), "primary", on_click=state.begin_login(js("window.location.pathname", str))
        ),
    )


def _unavailable() -> rx.Component:
    return rx.el.p(
        t("电子证照服务暂时不可用，请稍后再试。需要时可出示实体证件。"),
        role="alert",
        class_name="yw-notice",
    )


# -- 我的证照 --------------------------------------------------------------------------------
def _gated(
    state: type[LicencesState] | type[LicenceShowState], prompt: rx.Var, body: rx.Component
) -> rx.Component:
    """Loading, then sign in, then the service being away, then ``body``."""
    return rx.cond(
        state.loaded,
        rx.cond(
            state.signed_in,
            rx.cond(state.unavailable, _unavailable(), body),
            _sign_in(state, prompt),
        ),
        rx.el.p(t("正在加载…"), role="status"),
    )


def _list() -> rx.Component:
    return rx.cond(
        var_of(LicencesState.licences).length() > 0,
        rx.el.ul(
            rx.foreach(
                LicencesState.licences,
                lambda lic: rx.el.li(
                    rx.el.h2(lic.title, lang="zh-Hans", class_name="yw-licence-list__title"),
                    rx.el.p(
                        rx.el.span(lic.issuer, lang="zh-Hans"),
                        " · ",
                        lic.issued,
                        class_name="yw-muted",
                    ),
                    rx.el.a(
                        icon("id-card"),
                        rx.el.span(t("亮证")),
                        href=lic.href,
                        aria_label=t("亮证：{title}", title=lic.title),
                        class_name="yw-button yw-button--secondary",
                    ),
                ),
            ),
            class_name="yw-list",
        ),
        rx.el.p(t("没有找到您名下的电子证照。"), class_name="yw-muted"),
    )


def list_page() -> rx.Component:
    return layout(
        rx.el.div(
            rx.el.h1(t("我的证照"), class_name="yw-page-title"),
            rx.el.div(per_province(_area), class_name="yw-muted"),
            _gated(LicencesState, t("请登录后查看您的电子证照。"), _list()),
            rx.el.p(
                rx.el.a(t("返回我的"), href="/me", class_name="yw-button yw-button--link"),
                class_name="yw-back",
            ),
            class_name="yw-stack",
        ),
        current="me",
    )


# -- 亮证 ------------------------------------------------------------------------------------
def _countdown() -> rx.Component:
    s = LicenceShowState
    return rx.el.div(
        rx.el.p(
            # filled every second by COUNTDOWN_JS from the templates below (React leaves the
            # span's text alone: it renders no children of its own)
            rx.el.span(custom_attrs={"data-countdown-text": ""}),
            id=COUNTDOWN_ID,
            role="timer",
            class_name="yw-licence-countdown",
            custom_attrs={
                "data-code": s.code_id,
                "data-ttl": var_of(s.ttl_ms).to_string(),
                "data-template": t("亮证码 {time} 后失效", time="{time}"),
                "data-expired": t("亮证码已失效，请点击“刷新亮证码”后再出示。"),
            },
        ),
        rx.el.p(id=f"{COUNTDOWN_ID}-expired", role="status", class_name="yw-licence-expired"),
        rx.el.p(t("有效期至 {time}", time=S(s.expires_text)), class_name="yw-muted"),
        rx.el.details(
            rx.el.summary(t("核验人无法扫码时")),
            rx.el.p(t("请核验人在浏览器中打开下面的核验链接：")),
            rx.el.p(
                rx.el.a(
                    t("打开核验链接"), href=s.verify_url, class_name="yw-button yw-button--link"
                ),
            ),
            rx.el.p(rx.el.code(s.verify_url), class_name="yw-licence-url"),
            class_name="yw-details",
        ),
        rx.el.div(
            button(t("刷新亮证码"), "primary", on_click=LicenceShowState.refresh),
            class_name="yw-button-row",
        ),
    )


def _shown() -> rx.Component:
    s = LicenceShowState
    return rx.el.div(
        rx.el.p(
            t("请将本页出示给核验人员，由对方扫描二维码核验。亮证码几分钟内有效，过期请刷新。"),
        ),
        licence_card(
            s.kind,
            [
                (t("持证人"), s.holder_name, "zh-Hans"),
                (t("证件号码"), s.holder_number),
                (t("证照编号"), s.number),
                (t("发证机关"), s.issuer, "zh-Hans"),
                (t("发证日期"), s.issued),
            ],
            area=per_province(_area),
            qr_svg=s.qr_svg,
            qr_label=t(
                "亮证二维码：{kind}。供核验人扫描；无法扫码时可打开下方的核验链接。", kind=s.kind
            ),
            footer=_countdown(),
            card_id=QR_ID.removesuffix("-qr"),  # the QR figure's id is <card_id>-qr
        ),
        class_name="yw-stack",
    )


def show_page() -> rx.Component:
    s = LicenceShowState
    return layout(
        rx.el.div(
            rx.el.h1(t("亮证"), class_name="yw-page-title"),
            _gated(
                s,
                t("请登录后亮证。"),
                rx.cond(
                    s.found, _shown(), rx.el.p(t("没有找到这份证照。只有持证人本人可以亮证。"))
                ),
            ),
            rx.el.p(
                rx.el.a(
                    t("返回我的证照"), href="/me/licences", class_name="yw-button yw-button--link"
                ),
                class_name="yw-back",
            ),
            class_name="yw-stack",
        ),
        current="me",
    )


# -- the verifier's page --------------------------------------------------------------------
def _verdict(status: str, title: rx.Var, body: rx.Var, icon_name: IconName) -> rx.Component:
    return rx.el.div(
        rx.el.h2(icon(icon_name), rx.el.span(title), class_name="yw-verdict__title"),
        rx.el.p(body),
        class_name=f"yw-verdict yw-verdict--{status}",
        role="status",
    )


def _fact(term: rx.Component, value: rx.Component) -> rx.Component:
    return rx.el.div(term, value, class_name="yw-licence__row")


def _facts() -> rx.Component:
    v = LicenceVerifyState
    return rx.el.dl(
        _fact(rx.el.dt(t("证照类型")), rx.el.dd(v.kind, lang="zh-Hans")),
        _fact(rx.el.dt(t("持证人")), rx.el.dd(v.holder_name, lang="zh-Hans")),
        _fact(rx.el.dt(t("证件号码")), rx.el.dd(v.holder_number)),
        _fact(rx.el.dt(t("证照编号")), rx.el.dd(v.number)),
        _fact(rx.el.dt(t("发证机关")), rx.el.dd(v.issuer, lang="zh-Hans")),
        _fact(rx.el.dt(t("发证日期")), rx.el.dd(v.issued)),
        _fact(rx.el.dt(t("亮证码有效期至")), rx.el.dd(S(v.expires_text))),
        _fact(rx.el.dt(t("核验时间")), rx.el.dd(S(v.checked_text))),
        class_name="yw-licence__facts yw-card",
    )


def verify_page() -> rx.Component:
    v = LicenceVerifyState
    return layout(
        rx.el.div(
            rx.el.h1(t("电子证照核验"), class_name="yw-page-title"),
            rx.cond(
                v.checked,
                rx.match(
                    v.status,
                    (
                        "valid",
                        rx.el.div(
                            _verdict(
                                "valid",
                                t("有效"),
                                t(
                                    "这是本平台签发的亮证码，在有效期内。证照信息如下，请与持证人核对。"
                                ),
                                "progress",
                            ),
                            _facts(),
                            class_name="yw-stack",
                        ),
                    ),
                    (
                        "expired",
                        rx.el.div(
                            _verdict(
                                "expired",
                                t("已过期"),
                                t(
                                    "这个亮证码已于 {time} 失效，不能再作为核验依据。请持证人刷新后重新出示。",
                                    time=S(v.expires_text),
                                ),
                                "close-doc",
                            ),
                            rx.el.dl(
                                _fact(rx.el.dt(t("证照类型")), rx.el.dd(v.kind, lang="zh-Hans")),
                                _fact(rx.el.dt(t("核验时间")), rx.el.dd(S(v.checked_text))),
                                class_name="yw-licence__facts yw-card",
                            ),
                            class_name="yw-stack",
                        ),
                    ),
                    (
                        "forged",
                        _verdict(
                            "forged",
                            t("无效"),
                            t("这个亮证码不是本平台签发的，或已被改动，不能证明持证人持有该证照。"),
                            "close-doc",
                        ),
                    ),
                    rx.el.p(t("请扫描持证人出示的亮证二维码，或打开持证人提供的核验链接。")),
                ),
                rx.el.p(t("正在核验…"), role="status"),
            ),
            per_province(_platform),
            class_name="yw-stack",
        ),
        current=None,
    )
