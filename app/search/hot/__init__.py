"""Hot searches (热门搜索) per province: ``app/search/hot/<province>.toml`` with ``hot = [...]``."""

from __future__ import annotations

import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent


def hot_searches(province: str | None, path: Path | None = None) -> list[str]:
    """The province's list; a broken file is an error naming the file and the problem."""
    path = path or (HERE / f"{province}.toml" if province else None)
    if path is None or not path.exists():
        return []
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    hot = data.get("hot")
    if not isinstance(hot, list) or not all(isinstance(h, str) and h.strip() for h in hot):
        raise ValueError(f"{path}: hot must be a list of non-empty strings, got {hot!r}")
    return [h.strip() for h in hot]
