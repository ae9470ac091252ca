"""State of the item guide page (/item/[code])."""

from __future__ import annotations

from typing import Literal

import reflex as rx

from app.catalogue.presenters import GuideView, guide_view
from app.catalogue.queries import get_item

GuideStatus = Literal["loading", "found", "not_found"]
MAX_CODE_LENGTH = 80


class GuideState(rx.State):
    guide: GuideView = GuideView()
    status: str = "loading"
    requested: str = ""

    @rx.event
    def load(self) -> None:
        code = str(self.router.page.params.get("code", "")).strip()[:MAX_CODE_LENGTH]
        self.requested = code
        item = get_item(code) if code else None
        if item is None:
            self.guide = GuideView()
            self.status = "not_found"
            return
        self.guide = guide_view(item)
        self.status = "found"
