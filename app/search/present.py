"""What a citizen reads of a search result: plain data for the page, no Reflex.

One entry per service (``service.Hit`` with its ``others``): the name with the query's matches
marked, then the department and the area, then badges (可网上办, how many visits, 跨省通办,
收费 or 不收费); the other areas' implementations behind it. A query that finds nothing gets
spelling suggestions: words of the index that the query nearly spells (``suggestions``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from app.catalogue.i18n import CatalogueContent, content_text
from app.catalogue.presenters import visits_summary
from app.catalogue.tables import CatalogueItem
from app.search.analyze import Query
from app.search.highlight import highlight
from app.search.lexicon import Lexicon
from app.search.service import Hit
from app.search.text import compact, pinyin
from app.text import st as t
from themes.divisions import division

MAX_SUGGESTIONS = 3


def area_name(code: str) -> str:
    """How an address names an area code (``济南市历下区``: the national division table), or
    ``""`` for a code it lacks."""
    found = division(code)
    return found.full_name if found else ""


def _facts(conn: sa.Connection, codes: Sequence[str]) -> dict[str, dict[str, Any]]:
    items = CatalogueItem.__table__  # type: ignore[attr-defined]
    if not codes:
        return {}
    stmt = sa.select(
        items.c.implementation_code,
        items.c.visits,
        items.c.online,
        items.c.data["fee_required"].as_boolean().label("fee"),
        items.c.data["cross_province"].as_boolean().label("cross"),
    ).where(items.c.implementation_code.in_(list(codes)))
    return {r.implementation_code: dict(r._mapping) for r in conn.execute(stmt)}


def badges(facts: dict[str, Any]) -> list[str]:
    """The badges of one item, in the citizen's language."""
    out = []
    if facts.get("online"):
        out.append(t("可网上办"))
    out.append(visits_summary(int(facts.get("visits") or 0)))
    if facts.get("cross"):
        out.append(t("支持跨省通办"))
    out.append(t("收费") if facts.get("fee") else t("不收费"))
    return out


def entries(
    conn: sa.Connection, hits: Sequence[Hit], q: Query, content: CatalogueContent | None = None
) -> list[dict[str, Any]]:
    """The page's entries for ``hits``: one per service, its other areas inside. With the
    province's catalogue ``content`` (app/catalogue/i18n.py) the name (``local``) and the
    department are local texts in every locale it translates; ``parts`` mark the matches in
    the Chinese name."""

    def local(text: str) -> str:
        return content_text(text, content) if content is not None else text

    codes = [h.code for h in hits] + [o.code for h in hits for o in h.others]
    facts = _facts(conn, codes)
    out = []
    for h in hits:
        f = facts.get(h.code, {})
        out.append(
            {
                "code": h.code,
                "name": h.name,
                "local": local(h.name),
                "href": f"/item/{h.code}",
                "parts": highlight(h.name, q),
                "department": local(h.department),
                "area": area_name(h.area_code),
                "badges": badges(f),
                "others": [
                    {
                        "code": o.code,
                        "href": f"/item/{o.code}",
                        "label": " · ".join(x for x in (area_name(o.area_code), o.department) if x),
                    }
                    for o in h.others
                ],
            }
        )
    return out


def suggestions(lexicon: Lexicon, q: Query, limit: int = MAX_SUGGESTIONS) -> list[str]:
    """Words of the index a query that found nothing nearly spells: the same pinyin with one
    letter off (typed pinyin, or characters typed by sound), or most of its characters."""
    text = q.compact
    if not text:
        return []
    typed = text if text.isascii() else pinyin(text)
    scored: dict[str, float] = {}
    if typed and typed.isascii() and typed.isalpha():
        for word, edits in lexicon.lookup(typed, typo=True):
            scored[word] = 2.0 - edits
    chars = set(compact(text))
    if len(chars) >= 2:
        for word in lexicon.words:
            shared = len(chars & set(word))
            if shared >= 2 and shared / len(word) >= 0.6:
                scored[word] = max(scored.get(word, 0.0), shared / len(word))
    scored.pop(text, None)
    ranked = sorted(scored, key=lambda w: (-scored[w], -lexicon.weight.get(w, 0), -len(w), w))
    return ranked[:limit]
