"""The route table: every page of the app, explicitly (no registration by import)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import reflex as rx

from app.pages import (
    apply,
    apply_auth,
    apply_status,
    checkout,
    gallery,
    guide,
    home,
    items,
    licences,
    me,
    search,
    services,
)
from app.pages.tabs import TabKey, tabs
from app.state import routing
from app.state.checkout import CheckoutState
from app.state.flow import ApplyState
from app.state.flow_auth import FlowAuthState
from app.state.flow_me import ApplicationState, FlowMeState
from app.state.guide import GuideState
from app.state.items import ItemsState
from app.state.licences import LicenceShowState, LicencesState, LicenceVerifyState
from app.state.search import SearchState
from app.state.services import ServicesState
from components.i18n import N_

__all__ = ["Route", "TabKey", "routes", "tabs"]


@dataclass(frozen=True)
class Route:
    path: str
    title: str  # the zh_Hans source of the page title (a message id; translated per device)
    page: Callable[[], rx.Component]
    on_load: Callable[..., object] | list[Callable[..., object]] | None = None


def routes() -> list[Route]:
    return [
        Route("/", N_("首页"), home.page),
        Route("/services", N_("办事"), services.page, ServicesState.load),
        Route("/items", N_("事项列表"), items.page, ItemsState.load),
        Route(routing.ITEM, N_("办事指南"), guide.page, GuideState.load),
        Route("/me", N_("我的"), me.page, FlowMeState.load),
        Route("/search", N_("搜索"), search.page, SearchState.load),
        # for reviewers, not in the tab bar
        Route("/gallery", N_("组件示例"), gallery.page),
        Route(
            routing.APPLY,
            N_("在线办理"),
            apply.page,
            [ApplyState.load, FlowAuthState.watch_idle],
        ),
        # issue 15: delivery choice and payment between the check page and the submission
        Route(
            routing.CHECKOUT,
            N_("缴费和领取"),
            checkout.page,
            [CheckoutState.load, FlowAuthState.watch_idle],
        ),
        Route("/auth/callback", N_("正在登录"), apply_auth.page, FlowAuthState.finish_login),
        Route(
            routing.APPLICATION,
            N_("办件详情"),
            apply_status.page,
            [ApplicationState.load, FlowAuthState.watch_idle],
        ),
        # 亮证 (issue 21): the citizen's e-licences, one shown with its code, the verifier's page
        Route(
            "/me/licences",
            N_("我的证照"),
            licences.list_page,
            [LicencesState.load, FlowAuthState.watch_idle],
        ),
        Route(
            routing.LICENCE,
            N_("亮证"),
            licences.show_page,
            [LicenceShowState.load, FlowAuthState.watch_idle],
        ),
        Route("/licence/verify", N_("电子证照核验"), licences.verify_page, LicenceVerifyState.load),
    ]
