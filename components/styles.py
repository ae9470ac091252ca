"""The library's stylesheet: ``base.css`` followed by every component's ``style.css``."""

from __future__ import annotations

import re
from pathlib import Path

COMPONENTS_DIR = Path(__file__).resolve().parent


def component_folders() -> list[Path]:
    """Every component folder (a package directory, not ``__pycache__``)."""
    return sorted(
        p for p in COMPONENTS_DIR.iterdir() if p.is_dir() and (p / "__init__.py").is_file()
    )


def minify_css(css: str) -> str:
    """Comments and layout whitespace removed (the CSS is inlined in every page and bundle)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    css = re.sub(r"\s+", " ", css)
    css = re.sub(r"\s*([{};,>])\s*", r"\1", css)
    css = re.sub(r"(?<=[{;])\s*([-\w]+)\s*:\s*", r"\1:", css)
    return css.replace(";}", "}").strip()


def library_css() -> str:
    parts = [(COMPONENTS_DIR / "base.css").read_text(encoding="utf-8")]
    for folder in component_folders():
        style = folder / "style.css"
        if style.is_file():
            parts.append(f"/* {folder.name} */\n" + style.read_text(encoding="utf-8"))
    return "\n".join(parts)
