"""Losing the server shows a clear, translated message; when it is back the page reconnects by
itself and nothing the citizen typed is lost. Uses a server of its own, stopped and restarted."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from e2e.conftest import open_page
from e2e.server import free_port, production_app


def test_server_restart_is_announced_and_recovered(pixel: Page, tmp_path: Path) -> None:
    port = free_port()
    # A build of its own: a build bakes its port into the bundle, so sharing .web with the
    # session's server would point that server's pages at this one.
    env = {"REFLEX_WEB_WORKDIR": str(tmp_path / "web")}
    with production_app(env=env, port=port) as base:
        page = open_page(pixel, base, "/")
        page.get_by_role("searchbox", name="搜索服务事项").fill("社保卡补办")
        expect(page.get_by_role("alert")).to_have_count(0)
    # the server is gone: the banner appears, the typed text stays
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("网络连接中断，正在自动重新连接。", timeout=30_000)
    expect(alert).to_contain_text("您填写的内容不会丢失")
    expect(page.get_by_role("searchbox", name="搜索服务事项")).to_have_value("社保卡补办")
    with production_app(env=env, port=port):
        expect(alert).to_have_count(0, timeout=60_000)
        expect(page.get_by_role("searchbox", name="搜索服务事项")).to_have_value("社保卡补办")
        expect(page.locator('[data-hydrated="true"]')).to_have_count(1)
