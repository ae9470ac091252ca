"""Build-time settings of this instance: the active province theme (loaded once)."""

from __future__ import annotations

import functools

from app.content_i18n import content_translations
from components.i18n import activate, register_content
from components.icon import ICON_NAMES
from themes import Theme, ThemeError, ThemeProblem, load_theme


def library_problems(theme: Theme) -> list[ThemeProblem]:
    """What the theme asks of the component library that the library does not have."""
    path = theme.folder / "theme.toml"
    home = theme.settings.home
    entries = [("services", i, s.icon) for i, s in enumerate(home.services)]
    entries += [("life_events", i, e.icon) for i, e in enumerate(home.life_events)]
    return [
        ThemeProblem(
            path,
            f"home.{section}.{index}.icon",
            f"unknown icon {name!r}; known: {', '.join(sorted(ICON_NAMES))}",
        )
        for section, index, name in entries
        if name not in ICON_NAMES
    ]


@functools.cache
def active_theme() -> Theme:
    """The province chosen by the environment, validated; its language made active."""
    theme = load_theme()
    if problems := library_problems(theme):
        raise ThemeError(problems)
    activate(theme.settings.identity.locale)
    register_content(content_translations(theme))
    return theme
