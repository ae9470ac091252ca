"""Losing the server shows a clear, translated message; when it is back the page reconnects by
itself and nothing the citizen typed is lost. Likewise when the server is reached but cannot
process an action (its database is away). Each test uses a server of its own."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from playwright.sync_api import Page, expect

from e2e.axe import assert_no_violations
from e2e.conftest import open_page
from e2e.server import ROOT, e2e_mode, free_port, production_app
from e2e.skips import only_in


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


# scaled mode: make faults stops PostgreSQL and Redis under load and checks the notice
@only_in("embedded mode", e2e_mode() == "scaled")
def test_an_action_the_server_cannot_process_is_announced_then_clears(
    pixel: Page, tmp_path: Path
) -> None:
    """The database is locked by another process (as while it is being restored or restarted):
    the search the citizen types cannot be answered; the page says so, in words, instead of
    looking frozen; once the database is back the next answer takes the notice away."""
    db = tmp_path / "yiwang.db"
    with sqlite3.connect(ROOT / "yiwang.db") as source, sqlite3.connect(db) as copy:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # a writer's lock keeps readers out
    env = {"REFLEX_WEB_WORKDIR": str(tmp_path / "web"), "REFLEX_DB_URL": f"sqlite:///{db}",
           "REFLEX_STATES_WORKDIR": str(tmp_path / "states")}  # fmt: skip
    with production_app(env=env) as base:
        page = open_page(pixel, base, "/search")
        box = page.get_by_role("combobox", name="搜索服务事项")
        alert = page.get_by_role("alert")
        locker = sqlite3.connect(db, isolation_level=None)
        try:
            locker.execute("BEGIN EXCLUSIVE")
            box.click()
            box.press_sequentially("sbk")  # asks the server for suggestions
            # the handler gives up after SQLite's 5 s busy timeout and the page is told. (The
            # "still working" notice cannot come first here: this handler waits for SQLite
            # synchronously, which holds the worker's event loop and its timers.)
            expect(alert).to_contain_text("服务暂时繁忙，您的操作没有完成。", timeout=30_000)
            expect(alert).to_contain_text("请稍等片刻后再试，已填写的内容不会丢失。")
            expect(box).to_have_value("sbk")
            assert_no_violations(page)
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        box.fill("")
        box.press_sequentially("sbk")  # the database answers again
        listbox = page.get_by_role("listbox", name="搜索建议")
        expect(listbox.get_by_role("option").first).to_be_visible(timeout=30_000)
        expect(alert).to_have_count(0)
