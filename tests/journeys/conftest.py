"""The journeys run without Reflex against a real, migrated SQLite database (the flow's
fixtures: each store module's own sessions routed to it)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from app.context import RequestContext, context_for
from tests.flow.conftest import db, flow_db  # noqa: F401  (the fixtures, shared)

HOST = "127.0.0.1:3999"


def context(host: str = HOST, secret: str = "") -> RequestContext:
    """A request's context as a state or a route builds it (client and request id included)."""
    return context_for(host, None, secret, client="10.1.2.3", request_id="req-42")


def signed_in(ctx: RequestContext, secret: str) -> RequestContext:
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
