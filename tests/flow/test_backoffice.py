"""The flow's back-office sync against the sandbox back office on a real loopback port:
submissions are queued until sent, changes are recorded once, corrections go back."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from sqlmodel import Session

from app.adapters.backoffice import BackOfficeClient
from app.domain.identity import Identity
from app.flow import backoffice, store
from app.flow.store import applications, outbox
from app.flow.tables import StoredFile
from sandboxes.backoffice import make_app
from tests.sandbox_server import free_port, serve

ALICE = Identity("alice", "张三", "37010219850312002X", "13800135678", 3)


@pytest.fixture
def sandbox() -> Iterator[str]:
    with serve(make_app()) as url:
        yield url


def _submit(db: Session, key: str = "k" * 32) -> str:
    app, _ = applications.submit(
        "alice",
        key,
        item_code="X",
        form_key="001018000000",
        item_name="居民身份证换领",
        department="济南市公安局",
        area_code="370102000000",
        values={"name": "张三"},
        promised_days=15,
        session=db,
    )
    return app.number


def _status(db: Session, number: str) -> tuple[str, str]:
    db.expire_all()
    app = applications.get_application("alice", number, db)
    return app.status, app.outbox


def test_down_back_office_keeps_the_application_queued(flow_db: Session, sandbox: str) -> None:
    number = _submit(flow_db)
    down = BackOfficeClient(f"http://127.0.0.1:{free_port()}")
    assert asyncio.run(backoffice.sync("alice", down)) is False
    assert _status(flow_db, number) == ("submitted", "submit")  # kept, marked unsent
    client = BackOfficeClient(sandbox)
    assert asyncio.run(backoffice.sync("alice", client)) is True
    assert _status(flow_db, number) == ("submitted", "")
    assert asyncio.run(client.status(number)).status == "submitted"
    assert asyncio.run(backoffice.sync("alice", client)) is True  # nothing resent twice
    assert outbox.pending(session=flow_db) == []


def test_changes_are_recorded_once_with_timeline_and_messages(
    flow_db: Session, sandbox: str
) -> None:
    client = BackOfficeClient(sandbox)
    number = _submit(flow_db)
    asyncio.run(backoffice.sync("alice", client))
    for status in ("accepted", "reviewing", "completed"):
        asyncio.run(client.advance(number, status, "沙箱后台办理"))
    asyncio.run(backoffice.sync("alice", client))
    asyncio.run(backoffice.sync("alice", client))  # a second load applies nothing again
    assert _status(flow_db, number)[0] == "completed"
    app = applications.get_application("alice", number, flow_db)
    assert app.id is not None
    timeline = applications.events(app.id, flow_db)
    assert [e.status for e in timeline] == ["submitted", "accepted", "reviewing", "completed"]
    assert timeline[1].note == "沙箱后台办理"
    messages = applications.recent_events("alice", session=flow_db)
    assert [e.status for _, e in messages][:3] == ["completed", "reviewing", "accepted"]


def test_correction_round_goes_back_to_the_back_office(flow_db: Session, sandbox: str) -> None:
    client = BackOfficeClient(sandbox)
    number = _submit(flow_db)
    asyncio.run(backoffice.sync("alice", client))
    asyncio.run(client.advance(number, "returned", "请补充单位营业执照副本"))
    asyncio.run(backoffice.sync("alice", client))
    assert _status(flow_db, number) == ("returned", "")
    flow_db.add(
        StoredFile(
            id="f" * 32,
            owner="alice",
            name="licence.png",
            content_type="image/png",
            size=1,
            sha256="0" * 64,
            created_at=store.now(),
        )
    )
    flow_db.commit()
    applications.correct("alice", number, ["f" * 32], flow_db)
    assert _status(flow_db, number) == ("submitted", "correction")
    down = BackOfficeClient(f"http://127.0.0.1:{free_port()}")
    assert asyncio.run(backoffice.sync("alice", down)) is False
    assert _status(flow_db, number) == ("submitted", "correction")  # retried on the next sync
    asyncio.run(backoffice.sync("alice", client))
    assert _status(flow_db, number) == ("submitted", "")
    assert asyncio.run(client.status(number)).status == "submitted"
    asyncio.run(client.advance(number, "accepted"))
    asyncio.run(backoffice.sync("alice", client))
    assert _status(flow_db, number)[0] == "accepted"


def test_progress_page_load_syncs(
    flow_db: Session, sandbox: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.state.flow_me import ApplicationState, FlowMeState
    from tests.flow.test_handlers import _state

    monkeypatch.setenv("YIWANG_BACKOFFICE_URL", sandbox)
    number = _submit(flow_db)
    me = _state(FlowMeState, ALICE, flow_db)
    asyncio.run(FlowMeState.load.fn(me))  # sends the queued application
    asyncio.run(BackOfficeClient(sandbox).advance(number, "returned", "照片不清晰"))
    page = _state(ApplicationState, ALICE, flow_db, f"/me/applications/{number}")
    asyncio.run(ApplicationState.load.fn(page))
    assert page.found and page.status_key == "returned"
    assert page.returned_note == "照片不清晰"
    assert [e.note for e in page.timeline] == ["", "照片不清晰"]


def test_cli_advance_goes_through_the_back_office(
    flow_db: Session, sandbox: str, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    from app.flow.__main__ import main

    number = _submit(flow_db)
    monkeypatch.setenv("YIWANG_BACKOFFICE_URL", sandbox)
    assert main(["advance", number, "accepted", "窗口受理"]) == 0
    assert _status(flow_db, number) == ("accepted", "")
    assert asyncio.run(BackOfficeClient(sandbox).status(number)).status == "accepted"
    assert main(["advance", number, "completed"]) == 1
    assert "answered 409" in capsys.readouterr().err
    assert _status(flow_db, number)[0] == "accepted"
    monkeypatch.delenv("YIWANG_BACKOFFICE_URL")
    assert main(["advance", number, "reviewing"]) == 0  # local operator tool
    assert _status(flow_db, number)[0] == "reviewing"


def test_changes_are_fetched_page_by_page(
    flow_db: Session, sandbox: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backoffice, "PAGE", 2)
    client = BackOfficeClient(sandbox)
    numbers = [_submit(flow_db, key * 32) for key in "abc"]
    asyncio.run(backoffice.sync("alice", client))
    for number in numbers:
        asyncio.run(client.advance(number, "accepted"))
        asyncio.run(client.advance(number, "reviewing"))
    assert asyncio.run(backoffice.pull(client)) == 6
    assert {_status(flow_db, n)[0] for n in numbers} == {"reviewing"}
    assert outbox.backoffice_cursor(flow_db) == 6
