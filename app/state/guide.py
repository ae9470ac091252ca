"""State of the item guide page (/item/[code])."""

from __future__ import annotations

from pathlib import Path

import reflex as rx

from app.catalogue.i18n import content_for
from app.catalogue.presenters import GuideView, guide_view
from app.catalogue.queries import get_item
from app.domain.enums import ChannelKind
from app.domain.service_item import ServiceItem
from app.flow.forms import bundles_with, form_for_item
from app.readcache import ReadCache
from app.settings import theme_for_host
from app.state.routing import ITEM, route_arg
from app.text import st as t
from app.text import stext

MAX_CODE_LENGTH = 80

# (guide, 在线办理 href, 一件事 bundles, how to go instead) per code, or None when there is no
# such item: the popular guides are opened by many citizens a minute.
Page = tuple[GuideView, str, list[dict[str, str]], str] | None
PAGES: ReadCache[Page] = ReadCache()


def visit_text(item: ServiceItem) -> str:
    """For an item that cannot be applied for online: how to book and where to go."""
    if item.appointment:
        ways = [
            c.value for c in item.consultation if c.kind in (ChannelKind.PHONE, ChannelKind.APP)
        ]
        return t(
            "本事项暂不能在线申请。请先预约（{ways}），再带齐申请材料到下面的办理地点办理。",
            ways="、".join(ways) or t("见下方咨询方式"),
        )
    return t("本事项暂不能在线申请。请带齐申请材料，在办理时间内到下面的办理地点办理。")


def _guide_page_now(code: str, folder: Path | None = None) -> Page:
    item = get_item(code)
    if item is None:
        return None
    # 在线办理 for every item with an application form: hand-written, or derived from the
    # record when the catalogue says it can be applied for online (三级/四级)
    apply_href = (
        f"/apply/{item.implementation_code}" if form_for_item(item, folder) is not None else ""
    )
    bundles = [
        {"title": stext(bundle.title), "href": f"/apply/{bundle.key}"}
        for bundle in bundles_with(item.basic_code, folder)
    ]
    return (
        guide_view(item, content_for(folder)),
        apply_href,
        bundles,
        "" if apply_href else visit_text(item),
    )


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
        code = route_arg(self, ITEM).strip()[:MAX_CODE_LENGTH]
        self.requested = code
        # a miss is read in a worker thread: with PostgreSQL the read waits on the network
        folder = theme_for_host(self.router.headers.host).folder
        page = (
            await PAGES.get_or_compute_off_loop(
                (folder, code.upper()), lambda: _guide_page_now(code, folder)
            )
            if code
            else None
        )
        if page is None:
            self.guide, self.apply_href, self.bundles, self.visit = GuideView(), "", [], ""
            self.status = "not_found"
            return
        self.guide, self.apply_href, self.bundles, self.visit = page
        self.status = "found"
