"""State of the item guide page (/item/[code]): adapts its load to
``app.journeys.catalogue.guide``."""

from __future__ import annotations

import reflex as rx

from app.journeys import catalogue
from app.journeys.catalogue import GuideView
from app.state.context import context_of
from app.state.routing import ITEM, route_arg


class GuideState(rx.State):
    guide: GuideView = GuideView()
    status: str = "loading"
    requested: str = ""
    # where 在线办理 leads ("" when the item has no online form), and 一件事 bundles with it
    apply_href: str = ""
    bundles: list[dict[str, str]] = []
    #: no online application: how to book and where to go instead
    visit: str = ""

    @rx.event
    async def load(self) -> None:
        page = await catalogue.guide(context_of(self), route_arg(self, ITEM))
        self.requested, self.status, self.guide = page.requested, page.status, page.guide
        self.apply_href, self.bundles, self.visit = page.apply_href, list(page.bundles), page.visit
