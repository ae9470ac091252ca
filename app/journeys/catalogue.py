"""The catalogue's pages: an item's guide (/item/[code]), the item list (/items: one audience,
by theme or department, a page at a time) and 办事 (themes and departments per audience).

Every read is scoped to the request's province (its code for the catalogue, its folder for the
translations and the application forms). The popular guides are opened by many citizens a
minute: one page per (province, code) is kept a minute (``app.readcache``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from app.catalogue.i18n import content_for
from app.catalogue.presenters import GuideView, ItemSummary, guide_view, item_summary
from app.catalogue.queries import departments, get_item, life_event_themes, list_items
from app.context import Province, RequestContext
from app.domain.enums import Audience, ChannelKind
from app.domain.service_item import ServiceItem
from app.flow.forms import bundles_with, form_for_item
from app.readcache import ReadCache
from app.text import snt as nt
from app.text import st as t
from app.text import stext

MAX_CODE_LENGTH = 80
PER_PAGE = 10
#: 个人 and 法人, in the order the pages show them (app.domain.enums.Audience, the one definition)
AUDIENCES: tuple[str, ...] = tuple(a.value for a in Audience)


# -- the guide -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Guide:
    """An item's guide page (``status`` "found" or "not_found")."""

    status: str = "not_found"
    requested: str = ""
    guide: GuideView = field(default_factory=GuideView)
    #: where 在线办理 leads ("" when the item has no online form)
    apply_href: str = ""
    #: 一件事 bundles with the item
    bundles: tuple[dict[str, str], ...] = ()
    #: no online application: how to book and where to go instead
    visit: str = ""


PAGES: ReadCache[Guide] = ReadCache()


def visit_text(item: ServiceItem) -> str:
    """For an item that cannot be applied for online: how to book and where to go."""
    if item.appointment:
        ways = [
            c.value for c in item.consultation if c.kind in (ChannelKind.PHONE, ChannelKind.APP)
        ]
        return t(
            "本事项暂不能在线申请。请先预约（{ways}），再带齐申请材料到下面的办理地点办理。",
            ways="、".join(ways) or t("见下方咨询方式"),
        )
    return t("本事项暂不能在线申请。请带齐申请材料，在办理时间内到下面的办理地点办理。")


def guide_now(province: Province, code: str) -> Guide:
    """The guide read now (no cache): blocking."""
    item = get_item(code)
    if item is None:
        return Guide(requested=code)
    folder = province.folder
    # 在线办理 for every item with an application form: hand-written, or derived from the
    # record when the catalogue says it can be applied for online (三级/四级)
    apply_href = (
        f"/apply/{item.implementation_code}" if form_for_item(item, folder) is not None else ""
    )
    bundles = tuple(
        {"title": stext(bundle.title), "href": f"/apply/{bundle.key}"}
        for bundle in bundles_with(item.basic_code, folder)
    )
    return Guide(
        "found",
        code,
        guide_view(item, content_for(folder)),
        apply_href,
        bundles,
        "" if apply_href else visit_text(item),
    )


async def guide(ctx: RequestContext, code: str) -> Guide:
    """An item's guide: a cached page at once, a miss read in a worker thread (with
    PostgreSQL the read waits on the network)."""
    code = code.strip()[:MAX_CODE_LENGTH]
    if not code:
        return Guide()
    found = await PAGES.get_or_compute_off_loop(
        (ctx.province, code.upper()), lambda: guide_now(ctx.province, code)
    )
    return replace(found, requested=code)  # the cache answers every spelling of the code


# -- the item list -------------------------------------------------------------------------


@dataclass(frozen=True)
class Items:
    audience: str = ""
    theme: str = ""
    department: str = ""
    page: int = 1
    total: int = 0
    items: tuple[ItemSummary, ...] = ()

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / PER_PAGE))


def page_number(raw: object) -> int:
    try:
        return max(1, min(int(str(raw)), 10_000))
    except ValueError:
        return 1


def items(ctx: RequestContext, params: Mapping[str, object]) -> Items:
    """/items?audience=&theme=&department=&page=: blocking (catalogue reads)."""
    audience = str(params.get("audience", ""))
    audience = audience if audience in AUDIENCES else ""
    theme = str(params.get("theme", "")).strip()[:20]
    department = str(params.get("department", "")).strip()[:100]
    page = page_number(params.get("page", 1))
    found, total = list_items(
        province=ctx.province.code,
        audience=audience or None,
        theme=theme or None,
        department=department or None,
        page=page,
        per_page=PER_PAGE,
    )
    content = content_for(ctx.province.folder)
    summaries = tuple(item_summary(item, content) for item in found)
    return Items(audience, theme, department, page, total, summaries)


def items_href(audience: str, theme: str, department: str, page: int) -> str:
    """The item list's address for these filters and page."""
    query = {"audience": audience, "theme": theme, "department": department}
    query = {k: v for k, v in query.items() if v}
    return f"/items?{urlencode({**query, 'page': page})}"


# -- 办事 ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Services:
    themes: tuple[dict[str, str], ...] = ()
    departments: tuple[dict[str, str], ...] = ()


def _entries(kind: str, rows: list[tuple[str, int]], audience: str) -> list[dict[str, str]]:
    return [
        {
            "name": name,
            "count": nt("{n} 项", "{n} 项", count),
            "href": f"/items?{urlencode({'audience': audience, kind: name})}",
            "audience": Audience(audience).key,
        }
        for name, count in rows
    ]


def services(ctx: RequestContext) -> Services:
    """办事: the life-event themes and the departments of each audience: blocking."""
    code = ctx.province.code
    return Services(
        tuple(
            entry
            for audience in AUDIENCES
            for entry in _entries("theme", life_event_themes(code, audience), audience)
        ),
        tuple(
            entry
            for audience in AUDIENCES
            for entry in _entries("department", departments(code, audience), audience)
        ),
    )
