"""Read API of the catalogue for the pages: plain functions over a SQLModel session.

Every function takes an optional ``session``; without one it uses ``app.db.session_scope``
(a new session on the app's database, ``app.db``, or the handler's shared one). Provinces are
the short codes of ``app.catalogue.provinces`` (``shandong``, ``sichuan``).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TypeVar

from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import Select, SelectOfScalar

from app.catalogue.tables import CatalogueItem, CatalogueItemTheme
from app.db import session_scope
from app.domain.service_item import ServiceItem

# a select of sqlmodel's (rows or scalars): the filters keep its kind
S = TypeVar("S", Select, SelectOfScalar)


def _filtered(
    stmt: S,
    province: str | None = None,
    audience: str | None = None,
    theme: str | None = None,
    department: str | None = None,
) -> S:
    if province is not None:
        stmt = stmt.where(col(CatalogueItem.province) == province)
    if audience is not None:
        stmt = stmt.where(col(CatalogueItem.audience) == audience)
    if department is not None:
        stmt = stmt.where(col(CatalogueItem.department) == department)
    if theme is not None:
        stmt = stmt.where(
            col(CatalogueItem.implementation_code).in_(
                select(CatalogueItemTheme.implementation_code).where(
                    CatalogueItemTheme.theme == theme
                )
            )
        )
    return stmt


def _items(rows: list[CatalogueItem]) -> list[ServiceItem]:
    return [ServiceItem.model_validate(row.data) for row in rows]


def _ranked(stmt: S) -> S:
    return stmt.order_by(
        col(CatalogueItem.popularity).desc(), col(CatalogueItem.implementation_code)
    )


def list_items(
    province: str | None = None,
    audience: str | None = None,
    theme: str | None = None,
    department: str | None = None,
    page: int = 1,
    per_page: int = 20,
    session: Session | None = None,
) -> tuple[list[ServiceItem], int]:
    """One page of items (most popular first) matching the filters, and the total count."""
    if page < 1 or not 1 <= per_page <= 200:
        raise ValueError(f"page must be >= 1 and per_page 1-200, got {page} and {per_page}")
    filters = {"province": province, "audience": audience, "theme": theme, "department": department}
    with session_scope(session) as s:
        count = _filtered(select(func.count()).select_from(CatalogueItem), **filters)
        total = s.exec(count).one()
        stmt = _ranked(_filtered(select(CatalogueItem), **filters))
        rows = s.exec(stmt.offset((page - 1) * per_page).limit(per_page)).all()
        return _items(list(rows)), int(total)


def get_item(implementation_code: str, session: Session | None = None) -> ServiceItem | None:
    """The item with this implementation code (case-insensitive), or ``None``."""
    with session_scope(session) as s:
        row = s.get(CatalogueItem, implementation_code.strip().upper())
        return None if row is None else ServiceItem.model_validate(row.data)


def high_frequency(
    province: str, audience: str, limit: int = 8, session: Session | None = None
) -> list[ServiceItem]:
    """The most popular services (高频服务) of a province for 个人 or 法人.

    One item per service (basic code): the same service offered by several cities shows once,
    by its most popular place.
    """
    with session_scope(session) as s:
        stmt = _ranked(_filtered(select(CatalogueItem), province=province, audience=audience))
        picked: dict[str, CatalogueItem] = {}
        for row in s.exec(stmt.limit(limit * 8)).all():
            picked.setdefault(row.basic_code, row)
            if len(picked) == limit:
                break
        return _items(list(picked.values()))


def life_event_themes(
    province: str, audience: str | None = None, session: Session | None = None
) -> list[tuple[str, int]]:
    """Theme names with their item counts, most items first, then by name."""
    theme = col(CatalogueItemTheme.theme)
    stmt = _filtered(
        select(theme, func.count())
        .join(
            CatalogueItem,
            col(CatalogueItem.implementation_code) == col(CatalogueItemTheme.implementation_code),
        )
        .group_by(theme),
        province=province,
        audience=audience,
    ).order_by(func.count().desc(), theme)
    with session_scope(session) as s:
        return [(name, int(n)) for name, n in s.exec(stmt).all()]


def departments(
    province: str, audience: str | None = None, session: Session | None = None
) -> list[tuple[str, int]]:
    """Implementing bodies with their item counts, most items first, then by name."""
    dept = col(CatalogueItem.department)
    stmt = _filtered(
        select(dept, func.count()).group_by(dept), province=province, audience=audience
    ).order_by(func.count().desc(), dept)
    with session_scope(session) as s:
        return [(name, int(n)) for name, n in s.exec(stmt).all()]


def implementation_codes(
    province: str,
    basic_codes: Collection[str] | None = None,
    limit: int | None = None,
    session: Session | None = None,
) -> list[str]:
    """The province's implementation codes in order (only those of ``basic_codes`` if given;
    the first ``limit``): what the load generator's citizens open and fill in."""
    with session_scope(session) as s:
        stmt = select(CatalogueItem.implementation_code).where(CatalogueItem.province == province)
        if basic_codes is not None:
            stmt = stmt.where(col(CatalogueItem.basic_code).in_(list(basic_codes)))
        stmt = stmt.order_by(col(CatalogueItem.implementation_code)).limit(limit)
        return list(s.exec(stmt).all())


def item_name(basic_code: str, session: Session | None = None) -> str | None:
    """The catalogue's name of a basic item code (the members of a 一件事 bundle), or None."""
    with session_scope(session) as s:
        stmt = select(CatalogueItem.name).where(CatalogueItem.basic_code == basic_code)
        return s.exec(stmt.limit(1)).first()
