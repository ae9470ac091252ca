"""The names of the library's icons (``components.icon``), with no Reflex: a province's
theme is checked against them where pages are not built (``app.settings``)."""

from __future__ import annotations

from typing import Literal, get_args

IconName = Literal[
    "home", "grid", "user", "search", "id-card", "card", "house", "car", "family", "health",
    "baby", "document", "building", "close-doc", "receipt", "shop", "crane", "school",
    "briefcase", "phone", "chevron", "progress", "globe", "text-size", "speaker",
]  # fmt: skip
ICON_NAMES: frozenset[str] = frozenset(get_args(IconName))
