"""Embedded mode: states on disk survive a restart; states of another build never load."""

from __future__ import annotations

import asyncio
import os
import pickle
from pathlib import Path

import pytest
import reflex.istate.manager as manager_module
from reflex.istate.manager.disk import StateManagerDisk
from reflex.istate.manager.token import BaseStateToken

from app.resilience import disk
from app.state.search import SearchState

TOKEN = "0d1e2f3a-0000-4000-8000-000000000042"


@pytest.fixture
def states_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "states"
    monkeypatch.setenv("REFLEX_STATES_WORKDIR", str(folder))
    return folder


def typed_after_restart(states_dir: Path, write: str | None) -> str:
    """Type ``write`` (if given) in one manager's life, then read it in a new one's."""

    async def main() -> str:
        token = BaseStateToken(ident=TOKEN, cls=SearchState)
        if write is not None:
            first = StateManagerDisk()
            async with first.modify_state(token) as root:
                (await root.get_state(SearchState)).typed = write
            await first.close()  # a stopped app flushes its write queue
        second = StateManagerDisk()
        assert second.states_directory == states_dir.absolute()
        root = await second.get_state(token)
        typed = (await root.get_state(SearchState)).typed
        await second.close()
        return typed

    return asyncio.run(main())


def test_reflex_run_keeps_the_states_directory(states_dir: Path) -> None:
    states_dir.mkdir()
    (states_dir / "kept.pkl").write_bytes(b"x")
    original = manager_module.reset_disk_state_manager
    try:
        disk.keep_states_across_restarts()
        manager_module.reset_disk_state_manager()  # what `reflex run` calls on start
        assert (states_dir / "kept.pkl").exists()
    finally:
        manager_module.reset_disk_state_manager = original
    original()  # Reflex's own empties it: what the patch prevents
    assert not (states_dir / "kept.pkl").exists()


def test_what_a_citizen_typed_survives_a_restart(states_dir: Path) -> None:
    assert typed_after_restart(states_dir, "社保卡补办") == "社保卡补办"


def test_a_state_with_other_fields_loads_fresh_instead_of_failing(states_dir: Path) -> None:
    typed_after_restart(states_dir, "社保卡补办")
    token = BaseStateToken(ident=TOKEN, cls=SearchState)
    path = StateManagerDisk().token_path(token)
    assert path.exists()
    _schema, state = pickle.loads(path.read_bytes())
    path.write_bytes(pickle.dumps(("schema-of-an-older-build", state)))
    assert typed_after_restart(states_dir, None) == ""
    path.write_bytes(b"not a pickle at all")
    assert typed_after_restart(states_dir, None) == ""


def test_states_of_another_build_are_dropped(states_dir: Path) -> None:
    typed_after_restart(states_dir, "社保卡补办")
    fingerprint = disk.state_fingerprint()
    assert disk.drop_incompatible_states(states_dir, fingerprint) > 0  # first stamp: unknown
    typed_after_restart(states_dir, "社保卡补办")
    assert disk.drop_incompatible_states(states_dir, fingerprint) == 0  # same build: kept
    assert typed_after_restart(states_dir, None) == "社保卡补办"
    assert disk.drop_incompatible_states(states_dir, "another build") > 0
    assert not list(states_dir.glob("*.pkl"))
    assert (states_dir / disk.FINGERPRINT_FILE).read_text().strip() == "another build"
    assert typed_after_restart(states_dir, None) == ""


def test_the_fingerprint_covers_backend_vars(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.state.flow import ApplyState

    before = disk.state_fingerprint()
    assert before == disk.state_fingerprint()
    fields = dict(ApplyState.__fields__)
    changed = fields.pop("_values")  # a backend var: not in Reflex's own schema hash
    monkeypatch.setattr(ApplyState, "__fields__", fields)
    assert disk.state_fingerprint() != before
    monkeypatch.setattr(ApplyState, "__fields__", {**fields, "_values": changed})
    assert disk.state_fingerprint() == before


def test_the_expired_state_scan_runs_once_a_minute_not_every_write(
    states_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reflex scans the whole states directory on every pass of its write queue; installed,
    the scan runs at most once per PURGE_EVERY_S and still removes expired states."""
    clock = [1000.0]
    monkeypatch.setattr(disk.time, "monotonic", lambda: clock[0])
    manager = StateManagerDisk()
    scans: list[int] = []
    real = manager._purge_expired_states

    def counting() -> None:
        scans.append(1)
        real()

    manager._purge_expired_states = counting
    disk.throttle_purge(manager)
    states_dir.mkdir(exist_ok=True)
    old = states_dir / "old.pkl"
    old.write_bytes(b"x")
    os.utime(old, (0, 0))  # written long before the token expiration
    for _ in range(20):  # twenty passes of the write queue within a second
        manager._purge_expired_states()
    assert len(scans) == 1 and not old.exists()
    old.write_bytes(b"x")
    os.utime(old, (0, 0))
    clock[0] += disk.PURGE_EVERY_S - 1
    manager._purge_expired_states()
    assert len(scans) == 1 and old.exists()  # not yet
    clock[0] += 1
    manager._purge_expired_states()
    assert len(scans) == 2 and not old.exists()
    asyncio.run(manager.close())
