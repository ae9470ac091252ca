"""e2e fixtures: one production build per session, Debian's Chromium, phone profiles."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Playwright
from sqlalchemy.engine import Engine

from e2e.browser import CHROMIUM, DEVICES, LAUNCH_ARGS, device_context_args
from e2e.results_plugin import pytest_runtest_logreport, pytest_sessionfinish
from e2e.server import app_db_url, free_port, production_app

# every outcome goes to reports/e2e/results.json, the evidence of the conformance report
__all__ = ["pytest_runtest_logreport", "pytest_sessionfinish"]


@pytest.fixture(scope="session")
def backoffice_url() -> str:
    """The back office the app talks to: ``YIWANG_BACKOFFICE_URL`` if set (also for an
    external app), else the sandbox that starts with the app on this port (scripts/run.sh,
    or scripts/scaled/ in scaled mode: sandboxes/launcher.py)."""
    if configured := os.environ.get("YIWANG_BACKOFFICE_URL"):
        return configured.rstrip("/")
    return f"http://127.0.0.1:{os.environ.get('SANDBOX_BACKOFFICE_PORT') or free_port()}"


@pytest.fixture(scope="session")
def cashier_url() -> str:
    """The cashier (issue 15): ``YIWANG_CASHIER_URL`` if set, else the sandbox on this port."""
    if configured := os.environ.get("YIWANG_CASHIER_URL"):
        return configured.rstrip("/")
    return f"http://127.0.0.1:{os.environ.get('SANDBOX_CASHIER_PORT') or free_port()}"


@pytest.fixture(scope="session")
def logistics_url() -> str:
    """The logistics service (issue 15): ``YIWANG_LOGISTICS_URL`` or the sandbox on this port,
    moved by the tests' operator calls (``SANDBOX_LOGISTICS_STEP_S=0``)."""
    if configured := os.environ.get("YIWANG_LOGISTICS_URL"):
        return configured.rstrip("/")
    return f"http://127.0.0.1:{os.environ.get('SANDBOX_LOGISTICS_PORT') or free_port()}"


@pytest.fixture(scope="session")
def base_url(backoffice_url: str, cashier_url: str, logistics_url: str) -> Iterator[str]:
    """The production app, built and served once for the whole session."""
    if external := os.environ.get("YIWANG_E2E_BASE_URL"):
        yield external.rstrip("/")
        return
    env = {}
    if not os.environ.get("YIWANG_BACKOFFICE_URL"):
        env["SANDBOX_BACKOFFICE_PORT"] = backoffice_url.rsplit(":", 1)[1]
    if not os.environ.get("YIWANG_CASHIER_URL"):
        env["SANDBOX_CASHIER_PORT"] = cashier_url.rsplit(":", 1)[1]
    if not os.environ.get("YIWANG_LOGISTICS_URL"):
        env["SANDBOX_LOGISTICS_PORT"] = logistics_url.rsplit(":", 1)[1]
        env["SANDBOX_LOGISTICS_STEP_S"] = "0"
    with production_app(env) as url:
        yield url


@pytest.fixture(scope="session")
def app_db(base_url: str) -> Iterator[Engine]:
    """The database the app under test uses (SQLite embedded, PostgreSQL scaled), to check
    what it stored; ``YIWANG_E2E_DB_URL`` names it for an external app."""
    from sqlmodel import create_engine

    engine = create_engine(os.environ.get("YIWANG_E2E_DB_URL") or app_db_url())
    yield engine
    engine.dispose()


def back_office_moves(backoffice_url: str, number: str, status: str, note: str = "") -> None:
    """A clerk moves the application in the (sandbox) back office, over its operator endpoint."""
    import httpx

    token = os.environ.get("YIWANG_BACKOFFICE_TOKEN", "")
    response = httpx.post(
        f"{backoffice_url}/operator/applications/{number}/advance",
        json={"status": status, "note": note},
        headers={"Authorization": f"Bearer {token}"} if token else {},
        timeout=10,
    )
    assert response.status_code == 200, f"advance {number} to {status}: {response.text}"


# One build serving every built-in province, chosen by host name (*.localhost is loopback in
# Chromium). Built in its own web directory so it does not disturb the default build.
PROVINCE_HOSTS = {
    "shandong": "sd.localhost",
    "sichuan": "sc.localhost",
    "chongqing": "cq.localhost",
    "guangdong": "gd.localhost",
}


@pytest.fixture(scope="session")
def hosts_port() -> Iterator[int]:
    """The port of the multi-province build (``YIWANG_HOSTS`` = :data:`PROVINCE_HOSTS`)."""
    env = {
        "YIWANG_HOSTS": ",".join(f"{host}={code}" for code, host in PROVINCE_HOSTS.items()),
        "YIWANG_PROVINCE": "shandong",
        "REFLEX_WEB_WORKDIR": ".web-hosts",
        "REFLEX_STATES_WORKDIR": ".states-hosts",
    }
    with production_app(env) as url:
        yield int(url.rsplit(":", 1)[1])


def province_url(code: str, port: int) -> str:
    return f"http://{PROVINCE_HOSTS[code]}:{port}"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": LAUNCH_ARGS}


@pytest.fixture(params=DEVICES)
def device(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def phone(browser: Browser, playwright: Playwright, device: str) -> Iterator[Page]:
    """A page in a fresh context emulating ``device``."""
    context = browser.new_context(**device_context_args(playwright, device))
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def pixel(browser: Browser, playwright: Playwright) -> Iterator[Page]:
    """A page on the Pixel 7 profile, for tests that need one phone only."""
    context = browser.new_context(**device_context_args(playwright, "Pixel 7"))
    page = context.new_page()
    yield page
    context.close()


def open_page(page: Page, base_url: str, path: str) -> Page:
    """Navigate and wait until the page is hydrated and connected to the backend."""
    page.goto(base_url + path)
    page.locator('[data-hydrated="true"]').wait_for(timeout=30_000)
    return page


@pytest.fixture
def phone_ctx(browser: Browser, playwright: Playwright):
    """New Pixel 7 pages on demand (each in its own context, as another phone would be)."""
    contexts = []

    def make():
        context = browser.new_context(**device_context_args(playwright, "Pixel 7"))
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
