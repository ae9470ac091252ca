"""State of the 办事 page: what the citizen searched for or which theme they opened."""

from __future__ import annotations

import reflex as rx

from app.services_index import find_services


class ServicesState(rx.State):
    query: str = ""
    theme: str = ""
    results: list[dict[str, str]] = []

    @rx.event
    def load(self) -> None:
        params = self.router.url.query_parameters
        self.query = str(params.get("q", "")).strip()[:50]
        self.theme = str(params.get("theme", "")).strip()[:20]
        self.results = [
            {"name": hit.name, "href": hit.href, "audience": hit.audience}
            for hit in find_services(self.query, self.theme, self.router.headers.host)
        ]

    @rx.var
    def searching(self) -> bool:
        return bool(self.query or self.theme)
