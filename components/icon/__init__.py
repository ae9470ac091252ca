"""Inline SVG icons (24×24, stroked with currentColor): decorative, hidden from assistive tech."""

from __future__ import annotations

from typing import TypeGuard

import reflex as rx

from components.icon_names import ICON_NAMES, IconName

__all__ = ["ICON_NAMES", "IconName", "from_props", "icon"]


def is_icon_name(name: str) -> TypeGuard[IconName]:
    """Whether the library has an icon of that name (a theme names icons as plain strings)."""
    return name in ICON_NAMES


def icon_name(name: str) -> IconName:
    """``name`` as an :data:`IconName`; ``ValueError`` if the library has no such icon."""
    if not is_icon_name(name):
        raise ValueError(f"unknown icon {name!r}; known: {', '.join(sorted(ICON_NAMES))}")
    return name


_PATHS: dict[str, str] = {
    "home": "M3 11l9-7 9 7M5 10v10h5v-6h4v6h5V10",
    "grid": "M4 4h7v7H4zM13 4h7v7h-7zM4 13h7v7H4zM13 13h7v7h-7z",
    "user": "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21c0-4 3.6-6 8-6s8 2 8 6",
    "search": "M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14zM16 16l5 5",
    "id-card": "M3 6h18v12H3zM7 14a2 2 0 1 0 0-.01M6 16.5c.5-1.2 1.4-1.8 2.5-1.8M13 10h5M13 14h4",
    "card": "M3 6h18v12H3zM3 10h18M7 15h4",
    "house": "M4 11l8-6 8 6v9H4zM10 20v-5h4v5",
    "car": "M5 16l1.5-5h11L19 16M4 16h16v3H4zM7 19v2M17 19v2M8 8h8",
    "family": "M8 9a3 3 0 1 0 0-.01M16 9a3 3 0 1 0 0-.01M3 20c0-3 2.2-5 5-5s5 2 5 5M11 20c0-3 2.2-5 5-5s5 2 5 5",
    "health": "M12 20s-7-4.5-7-10a4 4 0 0 1 7-2.5A4 4 0 0 1 19 10c0 5.5-7 10-7 10zM12 10v4M10 12h4",
    "baby": "M12 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM6 21c0-3.5 2.7-6 6-6s6 2.5 6 6M10 7h.01M14 7h.01",
    "document": "M6 3h8l4 4v14H6zM14 3v4h4M9 12h6M9 16h6",
    "building": "M4 21V5l8-2v18M12 8h8v13M7 8h2M7 12h2M7 16h2M15 12h2M15 16h2M3 21h18",
    "close-doc": "M6 3h8l4 4v14H6zM14 3v4h4M9.5 11.5l5 5M14.5 11.5l-5 5",
    "receipt": "M6 3h12v18l-3-2-3 2-3-2-3 2zM9 8h6M9 12h6M9 16h3",
    "shop": "M4 9l1.5-5h13L20 9M4 9h16v2a3 3 0 0 1-5.3 2 3 3 0 0 1-5.4 0A3 3 0 0 1 4 11zM5 13v8h14v-8M10 21v-5h4v5",
    "crane": "M6 21V4l12 3M6 7h12M14 7v6M12 13h4v3h-4zM3 21h8",
    "school": "M3 9l9-5 9 5-9 5zM7 11.5V17c1.5 1.5 3 2 5 2s3.5-.5 5-2v-5.5M21 9v6",
    "briefcase": "M4 8h16v11H4zM9 8V5h6v3M4 13h16",
    "phone": "M5 4h4l2 5-2.5 1.5a11 11 0 0 0 5 5L15 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 6a2 2 0 0 1 2-2z",
    "chevron": "M9 5l7 7-7 7",
    "progress": "M8 4h8v3H8zM6 5H4v16h16V5h-2M8 12l2 2 4-4M8 17h8",
    "globe": "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM3 12h18M12 3c2.5 2.7 3.8 5.7 3.8 9s-1.3 6.3-3.8 9c-2.5-2.7-3.8-5.7-3.8-9S9.5 5.7 12 3z",
    "speaker": "M4 9h4l5-4v14l-5-4H4zM16 9a4 4 0 0 1 0 6M18.5 6.5a8 8 0 0 1 0 11",
    "text-size": "M3 19l5-14 5 14M5 14h6M14 19l3.5-9 3.5 9M15.2 16h4.6",
}


def icon(name: IconName, *, class_name: str = "yw-icon") -> rx.Component:
    """An inline SVG icon; always decorative (give the link or button its own name)."""
    if name not in _PATHS:
        raise ValueError(f"unknown icon {name!r}; known: {', '.join(sorted(_PATHS))}")
    return rx.el.svg(
        rx.el.svg.path(d=_PATHS[name]),
        view_box="0 0 24 24",
        aria_hidden="true",
        class_name=class_name,
    )


def from_props(props: dict) -> rx.Component:
    return icon(props["name"])
