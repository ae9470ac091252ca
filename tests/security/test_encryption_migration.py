"""The encryption migration (e5a7c9d1b3f2) on SQLite and PostgreSQL: rows written in clear
before it are encrypted by it, read back by the app, and decrypted again by its downgrade."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.catalogue.db import upgrade
from tests import pg

BEFORE = "1b2aef3f13ff"  # payment and delivery: their tables exist, in clear
ID_NUMBER, PHONE = "37010219850312002X", "13800135678"


def _downgrade(engine: sa.Engine, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    from app.catalogue.db import ALEMBIC_INI, ROOT

    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(ROOT / "alembic"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def _clear_rows(engine: sa.Engine) -> None:
    identity = json.dumps({"sub": "alice", "name": "张三", "id_number": ID_NUMBER,
                           "phone": PHONE, "level": 3}, ensure_ascii=False)  # fmt: skip
    values = json.dumps({"id_number": ID_NUMBER, "phone": PHONE}, ensure_ascii=False)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO flow_session (id_hash, sub, identity, created_at, last_seen_at) "
                "VALUES ('h', 'alice', :identity, :at, :at)"
            ),
            {"identity": identity, "at": "2026-12-01 10:00:00"},
        )
        conn.execute(
            sa.text(
                'INSERT INTO flow_draft (owner, item_code, form_key, item_name, "values", step, '
                "created_at, updated_at) VALUES ('alice', 'X', 'k', 'n', :values, 1, :at, :at)"
            ),
            {"values": values, "at": "2026-12-01 10:00:00"},
        )
        address = json.dumps({"address": "历下区泉城路 1 号", "phone": PHONE}, ensure_ascii=False)
        conn.execute(
            sa.text(
                "INSERT INTO flow_delivery (application_number, owner, method, details, outbox, "
                "tracking_no, status, last_seq, created_at, updated_at) VALUES "
                "('A1', 'alice', 'express', :details, '', '', '', 0, :at, :at)"
            ),
            {"details": address, "at": "2026-12-01 10:00:00"},
        )


def _raw(engine: sa.Engine) -> str:
    with engine.connect() as conn:
        return repr(
            conn.execute(sa.text("SELECT identity FROM flow_session")).all()
            + conn.execute(sa.text('SELECT "values" FROM flow_draft')).all()
            + conn.execute(sa.text("SELECT details FROM flow_delivery")).all()
        )


def _check(engine: sa.Engine) -> None:
    upgrade(engine, BEFORE)
    _clear_rows(engine)
    assert ID_NUMBER in _raw(engine)
    upgrade(engine)
    raw = _raw(engine)
    assert ID_NUMBER not in raw and PHONE not in raw and "gAAAA" in raw
    from sqlmodel import Session, select

    from app.flow.checkout_tables import Delivery
    from app.flow.tables import Draft, FlowSession

    with Session(engine) as s:
        assert s.exec(select(FlowSession)).one().identity["id_number"] == ID_NUMBER
        assert s.exec(select(Draft)).one().values["phone"] == PHONE
        assert s.exec(select(Delivery)).one().details["phone"] == PHONE
    _downgrade(engine, BEFORE)
    assert ID_NUMBER in _raw(engine)


def test_on_sqlite(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'm.db'}")
    _check(engine)
    engine.dispose()


@pytest.fixture
def pg_engine() -> Iterator[sa.Engine]:
    if os.environ.get("YW_TEST_POSTGRES") != "1":
        pytest.skip("set YW_TEST_POSTGRES=1 (make test-postgres)")
    with pg.cluster() as url:
        engine = sa.create_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()


def test_on_postgresql(pg_engine: sa.Engine) -> None:
    _check(pg_engine)
