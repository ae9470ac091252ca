"""State of the item guide page (/item/[code])."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import reflex as rx

from app.catalogue.i18n import content_for
from app.catalogue.presenters import GuideView, guide_view
from app.catalogue.queries import get_item
from app.flow.forms import bundles_with, has_form
from app.readcache import ReadCache
from app.settings import theme_for_host
from components.i18n import stext

GuideStatus = Literal["loading", "found", "not_found"]
MAX_CODE_LENGTH = 80

# (guide, 在线办理 href, 一件事 bundles) per code, or None when there is no such item:
# the popular guides are opened by many citizens a minute.
Page = tuple[GuideView, str, list[dict[str, str]]] | None
PAGES: ReadCache[Page] = ReadCache()


def guide_page(code: str, folder: Path | None = None) -> Page:
    """What the guide page shows for ``code`` (cached for the read cache's TTL), with the
    catalogue translations of the province folder ``folder``."""
    return PAGES.get_or_compute(_key(code, folder), lambda: _guide_page_now(code, folder))


def _key(code: str, folder: Path | None) -> str:
    return f"{code.upper()}|{folder or ''}"


def _guide_page_now(code: str, folder: Path | None = None) -> Page:
    item = get_item(code)
    if item is None:
        return None
    apply_href = (
        f"/apply/{item.implementation_code}" if item.online and has_form(item.basic_code) else ""
    )
    bundles = [
        {"title": stext(bundle.title), "href": f"/apply/{bundle.key}"}
        for bundle in bundles_with(item.basic_code)
    ]
    return guide_view(item, content_for(folder)), apply_href, bundles


class GuideState(rx.State):
    guide: GuideView = GuideView()
    status: str = "loading"
    requested: str = ""
    # where 在线办理 leads ("" when the item has no online form), and 一件事 bundles with it
    apply_href: str = ""
    bundles: list[dict[str, str]] = []

    @rx.event
    async def load(self) -> None:
        code = str(self.router.page.params.get("code", "")).strip()[:MAX_CODE_LENGTH]
        self.requested = code
        # a miss is read in a worker thread: with PostgreSQL the read waits on the network
        folder = theme_for_host(self.router.headers.host).folder
        page = (
            await PAGES.get_or_compute_off_loop(
                _key(code, folder), lambda: _guide_page_now(code, folder)
            )
            if code
            else None
        )
        if page is None:
            self.guide, self.apply_href, self.bundles = GuideView(), "", []
            self.status = "not_found"
            return
        self.guide, self.apply_href, self.bundles = page
        self.status = "found"
