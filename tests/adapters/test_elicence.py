"""The e-licence client against the sandbox service (in process)."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from app.adapters.elicence import ELicenceClient, ELicenceError
from sandboxes.elicence import make_app

BASE = "http://127.0.0.1:9998"


def client(token: str = "", app_token: str = "") -> ELicenceClient:
    return ELicenceClient(BASE, token, httpx.ASGITransport(app=make_app(app_token)))


def test_lists_only_the_holders_licences() -> None:
    found = asyncio.run(client().licences("370202195208170042"))
    assert [lic.kind for lic in found] == ["出生医学证明"]
    assert found[0].holder == "370202195208170042"
    business = asyncio.run(client().licences("91370102MA3C4R7X2T"))
    assert {lic.kind for lic in business} == {"不动产权证书", "营业执照"}
    assert asyncio.run(client().licences("510107199006250037")) == []


def test_token_is_required_when_configured() -> None:
    with pytest.raises(ELicenceError, match="401"):
        asyncio.run(client(token="", app_token="s3cret").licences("370202195208170042"))
    ok = asyncio.run(client(token="s3cret", app_token="s3cret").licences("370202195208170042"))
    assert len(ok) == 1


def test_plain_http_only_on_loopback() -> None:
    with pytest.raises(ELicenceError, match="must use https"):
        ELicenceClient("http://licences.example")
