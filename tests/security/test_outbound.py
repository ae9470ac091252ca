"""The one rule for URLs the server calls (app.security.outbound), and that each of the five
adapters applies it rather than a copy of its own."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from app.adapters.backoffice import BackOfficeClient, BackOfficeError
from app.adapters.cashier import CashierClient, CashierError
from app.adapters.elicence import ELicenceClient, ELicenceError
from app.adapters.identity import IdentityError, OIDCSettings
from app.adapters.identity.oidc import OIDCProvider
from app.adapters.logistics import LogisticsClient, LogisticsError
from app.security.outbound import InsecureURL, is_loopback, require_safe_url

SETTING = "YIWANG_EXAMPLE_URL"


@pytest.mark.parametrize(
    ("url", "allow_loopback", "refusal"),
    [
        ("https://backoffice.example.cn", True, None),
        ("https://backoffice.example.cn:8443/api/", True, None),
        ("https://backoffice.example.cn", False, None),
        ("http://127.0.0.1:9000", True, None),
        ("http://127.8.0.1:9000", True, None),  # all of 127.0.0.0/8 is loopback
        ("http://[::1]:9000", True, None),
        ("http://localhost:9000/x", True, None),
        ("http://LOCALHOST", True, None),
        ("http://127.0.0.1:9000", False, "must use https"),
        ("http://backoffice.example.cn", True, "plain http only on loopback"),
        ("http://10.0.0.5", True, "must use https"),
        ("http://localhost.example.cn", True, "must use https"),
        ("http://127.0.0.1.example.cn", True, "must use https"),
        ("ftp://127.0.0.1", True, "must use https"),
        ("backoffice.example.cn", True, "has no host"),
        ("https://", True, "has no host"),
        ("", True, "has no host"),
        ("http://[::1", True, "is not a URL"),
    ],
)
def test_https_or_plain_http_on_loopback(
    url: str, allow_loopback: bool, refusal: str | None
) -> None:
    if refusal is None:
        assert require_safe_url(url, SETTING, allow_http_loopback=allow_loopback) == url
        return
    with pytest.raises(InsecureURL, match=refusal) as refused:
        require_safe_url(url, SETTING, allow_http_loopback=allow_loopback)
    assert str(refused.value).startswith(f"{SETTING}=")  # the message names the setting
    assert isinstance(refused.value, ValueError)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("::1", True), ("localhost", True), ("example.cn", False), ("", False)],
)
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def _oidc(url: str) -> None:
    asyncio.run(OIDCProvider(OIDCSettings(issuer=url, client_id="yiwang")).discovery())


ADAPTERS: list[tuple[Callable[[str], object], type[Exception], str]] = [
    (lambda url: ELicenceClient(url), ELicenceError, "YIWANG_ELICENCE_URL"),
    (lambda url: BackOfficeClient(url), BackOfficeError, "YIWANG_BACKOFFICE_URL"),
    (lambda url: CashierClient(url, "m", "k"), CashierError, "YIWANG_CASHIER_URL"),
    (lambda url: LogisticsClient(url), LogisticsError, "YIWANG_LOGISTICS_URL"),
    (_oidc, IdentityError, "YIWANG_OIDC_ISSUER"),
]


@pytest.mark.parametrize(("make", "error", "setting"), ADAPTERS)
def test_every_adapter_applies_the_rule(
    make: Callable[[str], object], error: type[Exception], setting: str
) -> None:
    """The same refusal, worded by the one rule, in each adapter's own error type."""
    for url in ("http://10.0.0.5", "http://localhost.example.cn", "https://"):
        with pytest.raises(error, match=setting) as refused:
            make(url)
        assert isinstance(refused.value.__cause__, InsecureURL)
