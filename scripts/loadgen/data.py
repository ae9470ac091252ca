"""What the crowd is given to do, read from the app's own data through the app's stores: the
catalogue's guides and online forms, the labelled queries; and the clean-up of the synthetic
citizens' rows (``app.flow.store.erasure``)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from scripts.loadgen.record import FLOW_BASIC_CODES, SYNTHETIC_PREFIX
from scripts.loadgen.wire import ROOT, LoadError


def default_province() -> str:
    """The province the app under load serves by default (YIWANG_PROVINCE / _DIR, the same
    resolver as the app's): the citizens' guides, forms and queries are taken from it."""
    from themes.loader import province_dir_from_env

    return province_dir_from_env().name


@contextlib.contextmanager
def app_database(db_url: str | None = None) -> Iterator[None]:
    """The app's stores read and write ``db_url`` (the app's database by default) inside."""
    import sqlalchemy as sa

    from app.db import database_url, one_session

    engine = sa.create_engine(db_url or database_url())
    try:
        with one_session(engine):
            yield
    finally:
        engine.dispose()


def catalogue_codes(db_url: str | None = None, limit: int = 500) -> list[str]:
    """Implementation codes of the default province's catalogue (guides to open)."""
    from app.catalogue.queries import implementation_codes

    with app_database(db_url):
        codes = implementation_codes(default_province(), limit=limit)
    if not codes:
        raise LoadError(
            f"no {default_province()} items in the catalogue at {db_url}: run make setup"
        )
    return codes


def flow_codes(db_url: str | None = None) -> list[str]:
    """Implementation codes (default province) of the online forms the flow journey fills in."""
    from app.catalogue.queries import implementation_codes

    with app_database(db_url):
        codes = implementation_codes(default_province(), basic_codes=FLOW_BASIC_CODES)
    if not codes:
        raise LoadError(f"no items with the forms {FLOW_BASIC_CODES} at {db_url}: run make setup")
    return codes


def remove_synthetic_rows(db_url: str, subs: list[str] | None = None) -> int:
    """Delete the flow rows (sessions, drafts, applications and their events, checkouts,
    payments, deliveries) of synthetic citizens: the ``subs`` given, or every ``sbx-load-*``
    one when ``subs`` is None. Real citizens' rows are never touched (only owners with the
    synthetic prefix qualify)."""
    from app.flow.store.erasure import erase_owners

    with app_database(db_url):
        if subs is None:
            return erase_owners(prefix=SYNTHETIC_PREFIX)
        return erase_owners([s for s in subs if s.startswith(SYNTHETIC_PREFIX)])


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
