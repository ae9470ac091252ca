"""What the crowd is given to do, read from the app's own data: the catalogue's guides and
online forms, the labelled queries; and the clean-up of the synthetic citizens' rows."""

from __future__ import annotations

from scripts.loadgen.flow import FLOW_BASIC_CODES, SYNTHETIC_PREFIX
from scripts.loadgen.wire import ROOT, LoadError


def default_province() -> str:
    """The province the app under load serves by default (YIWANG_PROVINCE / _DIR, the same
    resolver as the app's): the citizens' guides, forms and queries are taken from it."""
    from themes.loader import province_dir_from_env

    return province_dir_from_env().name


def catalogue_codes(db_url: str | None = None, limit: int = 500) -> list[str]:
    """Implementation codes of the default province's catalogue (guides to open)."""
    import sqlalchemy as sa

    if db_url is None:
        from rxconfig import config

        db_url = config.db_url
    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT implementation_code FROM catalogue_item "
                "WHERE province = :p ORDER BY implementation_code LIMIT :n"
            ),
            {"n": limit, "p": default_province()},
        ).all()
    engine.dispose()
    if not rows:
        raise LoadError(
            f"no {default_province()} items in the catalogue at {db_url}: run make setup"
        )
    return [r[0] for r in rows]


def flow_codes(db_url: str | None = None) -> list[str]:
    """Implementation codes (default province) of the online forms the flow journey fills in."""
    import sqlalchemy as sa

    if db_url is None:
        from rxconfig import config

        db_url = config.db_url
    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT implementation_code FROM catalogue_item WHERE province = :p "
                "AND basic_code IN :codes ORDER BY implementation_code"
            ).bindparams(sa.bindparam("codes", expanding=True)),
            {"codes": list(FLOW_BASIC_CODES), "p": default_province()},
        ).all()
    engine.dispose()
    if not rows:
        raise LoadError(f"no items with the forms {FLOW_BASIC_CODES} at {db_url}: run make setup")
    return [r[0] for r in rows]


def remove_synthetic_rows(db_url: str, subs: list[str] | None = None) -> int:
    """Delete the flow rows (sessions, drafts, applications and their events) of synthetic
    citizens: the ``subs`` given, or every ``sbx-load-*`` one when ``subs`` is None. Real
    citizens' rows are never touched (only owners with the synthetic prefix qualify)."""
    import sqlalchemy as sa

    if subs is None:
        where, batches = "LIKE :p", [{"p": f"{SYNTHETIC_PREFIX}%"}]
    else:
        own = [s for s in subs if s.startswith(SYNTHETIC_PREFIX)]
        where = "IN :subs"
        batches = [{"subs": own[i : i + 500]} for i in range(0, len(own), 500)]
    statements = [
        f"DELETE FROM flow_payment WHERE owner {where}",
        f"DELETE FROM flow_checkout WHERE owner {where}",
        f"DELETE FROM flow_delivery WHERE owner {where}",
        f"DELETE FROM flow_application_event WHERE application_id IN "
        f"(SELECT id FROM flow_application WHERE owner {where})",
        f"DELETE FROM flow_application WHERE owner {where}",
        f"DELETE FROM flow_draft WHERE owner {where}",
        f"DELETE FROM flow_session WHERE sub {where}",
    ]
    engine = sa.create_engine(db_url)
    removed = 0
    with engine.begin() as conn:
        for params in batches:
            for sql in statements:
                stmt = sa.text(sql)
                if subs is not None:
                    stmt = stmt.bindparams(sa.bindparam("subs", expanding=True))
                removed += conn.execute(stmt, params).rowcount or 0
    engine.dispose()
    return removed


def search_queries() -> list[str]:
    """Queries from the labelled relevance set whose answers are in the default province's
    catalogue (a query of the set without a province is Shandong's)."""
    import yaml

    data = yaml.safe_load((ROOT / "app" / "search" / "eval" / "queries.yaml").read_text())
    province = default_province()
    return [
        q["q"]
        for q in data
        if q.get("type") == "official" and q.get("province", "shandong") == province
    ]
