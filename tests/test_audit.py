"""The audit log: one JSON line per event, to the operator's file, nothing secret in it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app import audit


@pytest.fixture
def log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "audit" / "yiwang-audit.jsonl"
    monkeypatch.setenv("YIWANG_AUDIT_LOG", str(path))
    monkeypatch.delenv("YIWANG_AUDIT_KEY", raising=False)
    return path


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_one_json_line_per_event_with_the_required_fields(log: Path) -> None:
    audit.record("login", "success", sub="sbx-person-0001", client="127.0.0.1", request_id="r-1")
    audit.record("login_failed", "failure", client="10.0.0.7", reason="state_mismatch")
    first, second = lines(log)
    assert set(first) == {"time", "event", "subject", "client", "request_id", "outcome"}
    assert first["event"] == "login" and first["outcome"] == "success"
    assert first["time"].endswith("Z") and first["request_id"] == "r-1"
    assert first["subject"] and "sbx-person-0001" not in log.read_text()
    assert second["reason"] == "state_mismatch" and second["subject"] == ""
    assert len(second["request_id"]) == 32  # a fresh id when the request had none


def test_the_subject_hash_is_stable_and_keyed(log: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = audit.subject_hash("sbx-person-0001")
    assert plain == audit.subject_hash("sbx-person-0001") != audit.subject_hash("other")
    monkeypatch.setenv("YIWANG_AUDIT_KEY", "operator-key")
    assert audit.subject_hash("sbx-person-0001") not in {plain, ""}


@pytest.mark.parametrize(
    "value", ["37010219850312002X", "13800135678", "eyJhbGciOiJSUzI1NiJ9", "abc def", "A" * 5]
)
def test_values_that_could_be_secrets_or_numbers_are_refused(log: Path, value: str) -> None:
    with pytest.raises(ValueError, match="short code"):
        audit.record("reveal", "success", detail=value)
    assert not log.exists()


def test_a_forged_request_id_cannot_break_the_line(log: Path) -> None:
    audit.record("logout", "success", request_id='x"}\n{"event":"login')
    (line,) = lines(log)
    assert line["request_id"] == "xeventlogin"


def test_without_a_file_the_lines_go_to_the_audit_logger(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("YIWANG_AUDIT_LOG", raising=False)
    with caplog.at_level("WARNING", logger="yiwang.audit"):
        audit.record("idle_expiry", "success", sub="s")
    assert json.loads(caplog.records[-1].getMessage())["event"] == "idle_expiry"
