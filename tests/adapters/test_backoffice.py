"""The back-office client against the sandbox back office on a real loopback port."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from app.adapters.backoffice import BackOfficeClient, BackOfficeError, client_from_env
from sandboxes.backoffice import make_app
from tests.sandbox_server import free_port, serve

NUMBER = "370102-20261125-00000042"
BODY = {
    "item_code": "11370000MB28474744300011410200201",
    "item_name": "居民身份证换领",
    "department": "济南市公安局",
    "promised_days": 15,
    "submitted_at": "2026-11-25T10:00:00+00:00",
    "values": {"name": "张三"},
}


@pytest.fixture(scope="module")
def sandbox() -> Iterator[str]:
    with serve(make_app(token="s3cret")) as url:
        yield url


@pytest.fixture
def client(sandbox: str) -> BackOfficeClient:
    return BackOfficeClient(sandbox, "s3cret")


def run(coro):
    return asyncio.run(coro)


def unique(suffix: int) -> str:
    return NUMBER[:-2] + f"{suffix:02d}"


def test_submit_is_idempotent_by_number(client: BackOfficeClient, sandbox: str) -> None:
    number = unique(1)
    assert run(client.submit(number, **BODY)) == "submitted"
    assert run(client.submit(number, **BODY)) == "submitted"  # resent: same answer
    listing = httpx.get(
        f"{sandbox}/operator/applications", headers={"Authorization": "Bearer s3cret"}
    ).json()["applications"]
    assert [a["number"] for a in listing].count(number) == 1
    assert run(client.status(number)).status == "submitted"


def test_advance_through_every_status(client: BackOfficeClient) -> None:
    number = unique(2)
    run(client.submit(number, **BODY))
    since = max((c.seq for c in run(client.changes(0, 1000))), default=0)
    for status in ("accepted", "reviewing", "completed"):
        change = run(client.advance(number, status, f"办理：{status}"))
        assert (change.number, change.status) == (number, status)
    changes = [c for c in run(client.changes(since)) if c.number == number]
    assert [c.status for c in changes] == ["accepted", "reviewing", "completed"]
    assert changes[0].note == "办理：accepted"
    assert [c.seq for c in changes] == sorted({c.seq for c in changes})
    status = run(client.status(number))
    assert status.status == "completed" and len(status.changes) == 3
    # a finished application cannot move again: 409 names the call and the code
    with pytest.raises(BackOfficeError, match=r"advance .* answered 409") as err:
        run(client.advance(number, "returned", "太迟了"))
    assert err.value.status_code == 409


def test_rejected_is_final(client: BackOfficeClient) -> None:
    number = unique(3)
    run(client.submit(number, **BODY))
    run(client.advance(number, "rejected", "不符合受理条件"))
    assert run(client.status(number)).status == "rejected"
    with pytest.raises(BackOfficeError, match="409"):
        run(client.advance(number, "accepted"))


def test_return_for_correction_and_resubmit(client: BackOfficeClient) -> None:
    number = unique(4)
    run(client.submit(number, **BODY))
    run(client.advance(number, "accepted"))
    run(client.advance(number, "returned", "请补充单位营业执照副本"))
    assert run(client.status(number)).status == "returned"
    assert run(client.send_correction(number, 1, ["f1"])) == "submitted"
    assert run(client.send_correction(number, 1, ["f1"])) == "submitted"  # resent round
    with pytest.raises(BackOfficeError, match=r"correction .* answered 409"):
        run(client.send_correction(number, 2, ["f2"]))  # not returned again yet
    run(client.advance(number, "returned", "照片不清晰"))
    assert run(client.send_correction(number, 2, ["f2"])) == "submitted"
    run(client.advance(number, "accepted"))
    assert run(client.status(number)).status == "accepted"


def test_bad_status_codes_name_the_call(client: BackOfficeClient, sandbox: str) -> None:
    with pytest.raises(BackOfficeError, match=r"status .* answered 404") as err:
        run(client.status("370102-20261125-99999999"))
    assert err.value.status_code == 404
    with pytest.raises(BackOfficeError, match=r"advance .* answered 404"):
        run(client.advance("370102-20261125-99999999", "accepted"))
    with pytest.raises(BackOfficeError, match=r"correction .* answered 404"):
        run(client.send_correction("370102-20261125-99999999", 1, []))
    with pytest.raises(BackOfficeError, match=r"advance .* answered 409"):
        run(client.submit(unique(5), **BODY))
        run(client.advance(unique(5), "flying"))
    with pytest.raises(BackOfficeError, match=r"changes .* answered 401") as err:
        run(BackOfficeClient(sandbox, "wrong").changes(0))
    assert err.value.status_code == 401
    with pytest.raises(BackOfficeError, match=r"submit .* answered 400"):
        run(client.submit(unique(6), **{**BODY, "item_code": ""}))


def test_back_office_down_is_a_clear_error() -> None:
    down = BackOfficeClient(f"http://127.0.0.1:{free_port()}")
    with pytest.raises(BackOfficeError, match=r"back office submit \(PUT .*\): ConnectError"):
        run(down.submit(NUMBER, **BODY))
    with pytest.raises(BackOfficeError, match=r"back office changes"):
        run(down.changes(0))


def test_non_json_answer_is_an_error() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, text="<html>"))
    client = BackOfficeClient("http://127.0.0.1:1", transport=transport)
    with pytest.raises(BackOfficeError, match="not JSON"):
        run(client.changes(0))
    odd = httpx.MockTransport(
        lambda r: httpx.Response(200, json={"changes": [{"seq": 1, "number": "x", "status": "?"}]})
    )
    with pytest.raises(BackOfficeError, match="unknown status"):
        run(BackOfficeClient("http://127.0.0.1:1", transport=odd).changes(0))


def test_plain_http_only_on_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(BackOfficeError, match="must use https"):
        BackOfficeClient("http://backoffice.example")
    monkeypatch.delenv("YIWANG_BACKOFFICE_URL", raising=False)
    assert client_from_env() is None
    monkeypatch.setenv("YIWANG_BACKOFFICE_URL", "https://backoffice.example/api/")
    monkeypatch.setenv("YIWANG_BACKOFFICE_TOKEN", "t")
    found = client_from_env()
    assert found is not None and found.base_url == "https://backoffice.example/api"
