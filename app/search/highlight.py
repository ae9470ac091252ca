"""Highlighted matches: split a hit's name into parts, marking what the query matched."""

from __future__ import annotations

from app.search.analyze import Query
from app.search.text import char_pinyin, simplify


def highlight(name: str, q: Query) -> list[dict[str, str]]:
    """``[{"text", "hit": "1"|""}]``: characters of ``name`` typed (or meant, through a synonym
    or a homophone) by the query are marked; runs are merged."""
    wanted = {ch for phrase, _ in q.phrases for ch in phrase}
    sounds = {char_pinyin(ch) for ch in q.compact}
    parts: list[dict[str, str]] = []
    for ch in name:
        plain = simplify(ch)
        hit = "1" if plain in wanted or (len(sounds) > 1 and char_pinyin(plain) in sounds) else ""
        if parts and parts[-1]["hit"] == hit:
            parts[-1]["text"] += ch
        else:
            parts.append({"text": ch, "hit": hit})
    return parts
