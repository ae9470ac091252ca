"""State of the 办事 page: themes and departments per audience."""

from __future__ import annotations

from urllib.parse import urlencode

import reflex as rx

from app.catalogue.queries import departments, life_event_themes
from app.offloop import in_thread
from app.settings import theme_for_host
from app.text import snt as nt
from components.audience_switch import AUDIENCE_KEYS


def _entries(kind: str, rows: list[tuple[str, int]], audience: str) -> list[dict[str, str]]:
    return [
        {
            "name": name,
            "count": nt("{n} 项", "{n} 项", count),
            "href": f"/items?{urlencode({'audience': audience, kind: name})}",
            "audience": AUDIENCE_KEYS[audience],
        }
        for name, count in rows
    ]


class ServicesState(rx.State):
    themes: list[dict[str, str]] = []
    departments: list[dict[str, str]] = []
    loaded: bool = False

    @rx.event
    @in_thread  # catalogue reads: off the event loop (app/offloop.py)
    def load(self) -> None:
        province = theme_for_host(self.router.headers.host).code
        self.themes = [
            entry
            for audience in AUDIENCE_KEYS
            for entry in _entries("theme", life_event_themes(province, audience), audience)
        ]
        self.departments = [
            entry
            for audience in AUDIENCE_KEYS
            for entry in _entries("department", departments(province, audience), audience)
        ]
        self.loaded = True
