"""我的证照, 亮证 and the verifier's page without Reflex: the sandbox e-licence service on a
loopback port, a real database for the session; another holder's licence is never shown."""

from __future__ import annotations

import asyncio
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from sqlmodel import Session

from app import licence_show as ls
from app.domain.identity import Identity
from app.flow.store import sessions
from app.journeys import licences
from app.text import pick
from sandboxes.elicence import make_app
from tests.journeys.conftest import context, lines
from tests.sandbox_server import free_port, serve

# the sandbox's holder of 出生医学证明 lic-birth-0001
MOTHER = Identity("mother", "李秀英", "370202195208170042", "13905321234", 3)
STRANGER = Identity("stranger", "王五", "510107199006250037", "13700000000", 3)


@pytest.fixture
def elicence(monkeypatch: pytest.MonkeyPatch):
    port = free_port()
    with serve(make_app(), port) as url:
        monkeypatch.setenv("YIWANG_ELICENCE_URL", url)
        yield url


def _as(identity: Identity, db: Session):
    return context(secret=sessions.open_session(identity, db))


def test_the_list_is_the_holders_own(flow_db: Session, elicence: str) -> None:
    view = asyncio.run(licences.licences(_as(MOTHER, flow_db)))
    assert view.account is not None and not view.unavailable
    assert [(row.kind, row.href) for row in view.licences] == [
        ("出生医学证明", "/me/licences/lic-birth-0001")
    ]
    assert asyncio.run(licences.licences(_as(STRANGER, flow_db))).licences == ()
    assert asyncio.run(licences.licences(context())) == licences.Licences()


def test_a_service_that_is_off_or_down_is_unavailable(
    flow_db: Session, monkeypatch: pytest.MonkeyPatch, audit_log: Path
) -> None:
    monkeypatch.delenv("YIWANG_ELICENCE_URL", raising=False)
    assert asyncio.run(licences.licences(_as(MOTHER, flow_db))).unavailable
    monkeypatch.setenv("YIWANG_ELICENCE_URL", f"http://127.0.0.1:{free_port()}")
    shown = asyncio.run(licences.show(_as(MOTHER, flow_db), "lic-birth-0001"))
    assert shown.unavailable and not shown.found and shown.qr_svg == ""
    assert lines(audit_log)[-1]["reason"] == "service_unavailable"


def test_a_shown_licence_carries_a_code_that_verifies(
    flow_db: Session, elicence: str, audit_log: Path
) -> None:
    shown = asyncio.run(licences.show(_as(MOTHER, flow_db), "lic-birth-0001"))
    assert shown.found and shown.kind == "出生医学证明" and shown.ttl_ms == ls.ttl_seconds() * 1000
    assert shown.holder_number != MOTHER.id_number and "<svg" in shown.qr_svg
    assert shown.verify_url.startswith("http") and shown.code_id
    line = lines(audit_log)[-1]
    assert (line["event"], line["outcome"], line["detail"]) == (
        "licence_show",
        "success",
        f"code:{shown.code_id}",
    )
    code = parse_qs(urlparse(shown.verify_url).query)["code"][0]
    verdict = licences.verify(context(), code)
    assert verdict.status == "valid" and verdict.holder_number == shown.holder_number
    assert verdict.number == shown.number and verdict.checked_text
    assert lines(audit_log)[-1]["event"] == "licence_verify"


def test_another_holders_licence_is_denied(
    flow_db: Session, elicence: str, audit_log: Path
) -> None:
    shown = asyncio.run(licences.show(_as(STRANGER, flow_db), "lic-birth-0001"))
    assert shown.account is not None and not shown.found and shown.qr_svg == ""
    assert (lines(audit_log)[-1]["outcome"], lines(audit_log)[-1]["reason"]) == (
        "denied",
        "not_holder",
    )
    assert asyncio.run(licences.show(context(), "lic-birth-0001")) == licences.Shown()


def test_the_verifier_says_forged_or_nothing_and_never_the_holder(
    flow_db: Session, audit_log: Path
) -> None:
    assert licences.verify(context(), "  ").status == ""
    assert lines(audit_log) == []  # an empty page is no verification
    forged = licences.verify(context(), "x" * 40)
    assert forged.status == "forged" and forged.holder_name == "" and forged.number == ""
    assert lines(audit_log)[-1]["outcome"] == "failure"
    assert pick(forged.checked_text, "zh_Hans")
