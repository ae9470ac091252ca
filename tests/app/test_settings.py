"""The app refuses a theme that asks for what the component library lacks."""

from __future__ import annotations

import shutil
from pathlib import Path

from app.settings import library_problems
from themes import THEMES_DIR, load_theme


def test_default_theme_uses_only_known_icons() -> None:
    assert library_problems(load_theme(THEMES_DIR / "shandong")) == []


def test_unknown_icon_is_named_with_its_field(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    shutil.copytree(THEMES_DIR / "shandong", folder)
    path = folder / "theme.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('icon = "car"', 'icon = "rocket"', 1),
        encoding="utf-8",
    )
    [problem] = library_problems(load_theme(folder))
    assert problem.field == "home.services.3.icon"
    assert "unknown icon 'rocket'" in problem.message
