"""State of the item guide page (/item/[code])."""

from __future__ import annotations

from typing import Literal

import reflex as rx

from app.catalogue.presenters import GuideView, guide_view
from app.catalogue.queries import get_item
from app.flow.forms import bundles_with, has_form

GuideStatus = Literal["loading", "found", "not_found"]
MAX_CODE_LENGTH = 80


class GuideState(rx.State):
    guide: GuideView = GuideView()
    status: str = "loading"
    requested: str = ""
    # where 在线办理 leads ("" when the item has no online form), and 一件事 bundles with it
    apply_href: str = ""
    bundles: list[dict[str, str]] = []

    @rx.event
    def load(self) -> None:
        code = str(self.router.page.params.get("code", "")).strip()[:MAX_CODE_LENGTH]
        self.requested = code
        item = get_item(code) if code else None
        self.apply_href, self.bundles = "", []
        if item is None:
            self.guide = GuideView()
            self.status = "not_found"
            return
        self.guide = guide_view(item)
        if item.online and has_form(item.basic_code):
            self.apply_href = f"/apply/{item.implementation_code}"
        self.bundles = [
            {"title": bundle.title, "href": f"/apply/{bundle.key}"}
            for bundle in bundles_with(item.basic_code)
        ]
        self.status = "found"
