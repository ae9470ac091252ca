"""The seam into Reflex internals (app/resilience): the version guard, and contract tests that
the installed Reflex still has, and still calls, each private hook we rely on."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.resilience import check_reflex_version
from app.resilience import cli as quiet_cli


def test_the_installed_reflex_is_one_the_hooks_were_written_for() -> None:
    check_reflex_version()


def test_another_release_is_refused_with_what_to_do() -> None:
    with pytest.raises(RuntimeError, match=r"installed Reflex is 0\.11\.0.*REFLEX_RELEASES"):
        check_reflex_version("0.11.0")


def test_the_private_names_the_hooks_patch_still_exist() -> None:
    from reflex.app import EventNamespace
    from reflex.istate.manager.disk import StateManagerDisk
    from reflex.istate.manager.redis import StateManagerRedis
    from reflex.model import ModelRegistry
    from reflex.utils import js_runtimes, prerequisites
    from reflex_base.utils import log

    assert callable(StateManagerDisk._purge_expired_states)  # app/resilience/disk.py
    assert callable(StateManagerRedis)  # app/resilience/locks.py
    for name in ("emit_update", "on_event"):  # app/resilience/notice.py
        assert callable(getattr(EventNamespace, name))
    assert "_token_manager" in inspect.getsource(EventNamespace.__init__)  # tokens.py
    assert callable(prerequisites.check_schema_up_to_date)  # cli.py
    assert callable(js_runtimes.is_outdated_nodejs_installed)  # cli.py
    assert callable(log.deprecate)  # tests/app/test_routes.py listens there
    assert ModelRegistry.get_metadata  # app/db.py: tables reached through rx.Model


def test_reflex_asks_our_schema_check_and_node_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """After install(), Reflex's own code paths reach our functions by their module names."""
    from reflex.utils import js_runtimes, prerequisites

    monkeypatch.setattr(
        prerequisites, "check_schema_up_to_date", prerequisites.check_schema_up_to_date
    )
    monkeypatch.setattr(
        js_runtimes, "is_outdated_nodejs_installed", js_runtimes.is_outdated_nodejs_installed
    )
    quiet_cli.install()
    assert prerequisites.check_schema_up_to_date is quiet_cli.check_schema_up_to_date
    calls: list[str] = []
    monkeypatch.setattr(
        js_runtimes, "is_outdated_nodejs_installed", lambda: calls.append("node") or False
    )
    js_runtimes.get_js_package_executor(raise_on_none=False)
    assert "check_schema_up_to_date()" in inspect.getsource(prerequisites.get_and_validate_app)
    assert calls  # Reflex asked the function we put there


def test_a_migrated_database_has_no_schema_changes_though_reflex_saw_some(tmp_path: Path) -> None:
    from reflex import model

    from app.catalogue.db import upgrade

    engine = sa.create_engine(f"sqlite:///{tmp_path / 'yw.db'}")
    upgrade(engine)
    assert quiet_cli.schema_changes(engine) == []
    with engine.connect() as connection:  # Reflex's own check: the FTS5 tables look stray
        assert model.alembic_autogenerate(connection=connection, write_migration_scripts=False)
    with engine.begin() as connection:  # a real difference is still seen
        connection.execute(sa.text("ALTER TABLE flow_draft ADD COLUMN stray TEXT"))
    assert quiet_cli.schema_changes(engine)
