"""make load's settings: a bad LOAD_* value is refused with the variable's name and value."""

from __future__ import annotations

import pytest

from scripts import load_bench


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("LOAD_STEPS", "abc", "LOAD_STEPS='abc': expected client counts"),
        ("LOAD_STEPS", "500,250", "increasing client counts"),
        ("LOAD_STEPS", "0,100", "from 1 to 20,000"),
    ],
)
def test_bad_steps_name_the_variable(monkeypatch, name: str, value: str, says: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(load_bench.SettingError, match=says):
        load_bench.steps(name, "100")


def test_bad_seconds_and_think_name_the_variable(monkeypatch) -> None:
    monkeypatch.setenv("LOAD_WINDOW_S", "soon")
    with pytest.raises(load_bench.SettingError, match="LOAD_WINDOW_S='soon'"):
        load_bench.seconds("LOAD_WINDOW_S", "30", least=1)
    monkeypatch.setenv("LOAD_WINDOW_S", "0")
    with pytest.raises(load_bench.SettingError, match="at least 1"):
        load_bench.seconds("LOAD_WINDOW_S", "30", least=1)
    monkeypatch.setenv("LOAD_BUSY_THINK", "paced")
    with pytest.raises(load_bench.SettingError, match="not paced"):
        load_bench.busy_think()
    monkeypatch.setenv("LOAD_BUSY_THINK", "9,1")
    with pytest.raises(load_bench.SettingError, match="LOAD_BUSY_THINK='9,1'"):
        load_bench.busy_think()


def test_good_settings_are_read(monkeypatch) -> None:
    monkeypatch.setenv("LOAD_STEPS", "100, 250,500")
    assert load_bench.steps("LOAD_STEPS", "1") == [100, 250, 500]
    monkeypatch.setenv("LOAD_BUSY_THINK", "2,4")
    assert load_bench.busy_think() == (2.0, 4.0)
