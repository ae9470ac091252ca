"""Finding services for the 办事 page: the province's configured services, matched by text.

The unified search issue replaces this with the catalogue index; the page and its state only
depend on ``find_services``.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from app.settings import theme_for_host


@dataclass(frozen=True)
class ServiceHit:
    name: str
    href: str
    audience: str


def find_services(query: str, theme: str = "", host: str = "") -> list[ServiceHit]:
    """Configured services of the province serving ``host`` whose name or phrase has ``query``.

    ``theme`` (a life-event theme) matches nothing until the catalogue provides themes.
    """
    home = theme_for_host(host).settings.home
    query = query.strip()
    hits: list[ServiceHit] = []
    if query:
        hits = [
            ServiceHit(s.name, f"/services?{urlencode({'q': s.query})}", s.audience)
            for s in home.services
            if query in s.name or query in s.query or s.name in query
        ]
    return hits
