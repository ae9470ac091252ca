"""Journeys run without Reflex against a real, migrated database (SQLite, and PostgreSQL with
YW_TEST_POSTGRES=1): every store on it (``app.db.use_engine``), and a request context as a
state or a route builds it."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from app.catalogue.db import upgrade
from app.catalogue.loader import DATA_JSON, row_of
from app.catalogue.tables import CatalogueItem
from app.context import RequestContext, context_for
from app.domain.identity import Identity
from app.domain.service_item import ServiceItem
from app.flow import lookup
from app.flow.store import sessions
from app.journeys import account
from sandboxes.idp import SandboxIdP
from tests import pg
from tests.dbfixtures import flow_db
from tests.sandbox_server import free_port, serve

__all__ = ["flow_db"]  # the flow's store fixture, on this package's database

ALICE = Identity("alice", "张三", "37010219850312002X", "13800135678", 3)
BOB = Identity("bob", "李秀英", "370202195208170042", "13905321234", 2)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """One throwaway PostgreSQL cluster for the journeys' PostgreSQL runs."""
    with pg.cluster() as url:
        yield url


@pytest.fixture(params=["sqlite", *(["postgresql"] if pg.WANTED else [])])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Session]:
    """A fresh database migrated by Alembic: SQLite, and PostgreSQL too with
    ``YW_TEST_POSTGRES=1`` (make test): every journey test runs on both."""
    if request.param == "sqlite":
        engine = sa.create_engine(f"sqlite:///{tmp_path / 'flow.db'}")
        upgrade(engine)
        with Session(engine) as session:
            yield session
        engine.dispose()
        return
    server = request.getfixturevalue("pg_server")
    with pg.fresh_database(server) as engine:
        upgrade(engine)
        with Session(engine) as session:
            yield session


@pytest.fixture
def journey_db(flow_db: Session, monkeypatch: pytest.MonkeyPatch) -> Session:
    """The flow's test database (every store on it, the catalogue's queries too), no read
    cache (each test its own items) and no outside system unless a test starts its sandbox."""
    monkeypatch.setenv("YIWANG_READ_CACHE_TTL", "0")
    lookup.ITEMS.clear()  # items of an earlier test's database are not this one's
    for name in ("YIWANG_ELICENCE_URL", "YIWANG_BACKOFFICE_URL", "YIWANG_CASHIER_URL"):
        monkeypatch.delenv(name, raising=False)
    return flow_db


def put_item(db: Session, data: dict[str, Any]) -> ServiceItem:
    """A catalogue item in the test database (as the loader writes it)."""
    item = ServiceItem.model_validate(data)
    row = row_of(item, "shandong")
    row["data"] = json.loads(row.pop(DATA_JSON))
    db.add(CatalogueItem(**row))
    db.commit()
    return item


@pytest.fixture
def signed_in(journey_db: Session) -> Callable[[Identity | None], RequestContext]:
    """The request context of a browser with this citizen's session (None: signed out)."""

    def context(identity: Identity | None) -> RequestContext:
        secret = sessions.open_session(identity, journey_db) if identity is not None else ""
        return context_for("localhost", None, secret)

    return context


HOST = "127.0.0.1:3999"


def context(host: str = HOST, secret: str = "") -> RequestContext:
    """A request's context as a state or a route builds it (client and request id included)."""
    return context_for(host, None, secret, client="10.1.2.3", request_id="req-42")


def with_secret(ctx: RequestContext, secret: str) -> RequestContext:
    """The context of the same request from a browser holding this session secret."""
    return dataclasses.replace(ctx, session_secret=secret)


@pytest.fixture
def audit_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "audit.jsonl"
    monkeypatch.setenv("YIWANG_AUDIT_LOG", str(path))
    return path


def lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


PUBLIC = "http://127.0.0.1:3999"
CALLBACKS = (f"{PUBLIC}/auth/callback",)  # registered exactly, as at a real provider


@pytest.fixture
def idp(monkeypatch: pytest.MonkeyPatch) -> Iterator[SandboxIdP]:
    """The sandbox identity provider on a loopback port, the app configured to use it."""
    port = free_port()
    sandbox = SandboxIdP(issuer=f"http://127.0.0.1:{port}", redirect_uris=CALLBACKS)
    with serve(sandbox.app(), port) as url:
        monkeypatch.setenv("YIWANG_OIDC_ISSUER", url)
        monkeypatch.setenv("YIWANG_OIDC_CLIENT_ID", "yiwang")
        monkeypatch.setenv("YIWANG_PUBLIC_URL", PUBLIC)
        monkeypatch.setattr(account, "_provider", None)
        yield sandbox
