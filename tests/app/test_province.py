"""Several provinces from one build: the host map, scoped tokens, per-province content."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import settings
from app.pages import province
from themes import THEMES_DIR, ThemeError


@pytest.fixture
def hosts(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("YIWANG_HOSTS", "sd.localhost=shandong, SC.localhost=sichuan")
    monkeypatch.delenv("YIWANG_PROVINCE", raising=False)
    monkeypatch.delenv("YIWANG_PROVINCE_DIR", raising=False)
    for cached in (settings.host_folders, settings.hosted_themes, settings.active_theme):
        cached.cache_clear()
    yield
    monkeypatch.delenv("YIWANG_HOSTS")
    for cached in (settings.host_folders, settings.hosted_themes, settings.active_theme):
        cached.cache_clear()


def test_hosts_are_parsed_and_bad_entries_named() -> None:
    assert settings.parse_hosts("a.localhost=shandong,b.localhost=sichuan,") == {
        "a.localhost": THEMES_DIR / "shandong",
        "b.localhost": THEMES_DIR / "sichuan",
    }
    with pytest.raises(ThemeError) as caught:
        settings.parse_hosts("a.localhost:shandong, b.localhost=atlantis, c_d=sichuan")
    messages = [p.message for p in caught.value.problems]
    assert len(messages) == 3
    assert all(p.field == "YIWANG_HOSTS" for p in caught.value.problems)
    assert any("'b.localhost=atlantis': no theme.toml in" in m for m in messages)


def test_a_host_can_serve_a_folder_outside_the_repo(tmp_path: Path) -> None:
    folder = tmp_path / "zhejiang"
    shutil.copytree(THEMES_DIR / "sichuan", folder)
    assert settings.parse_hosts(f"zj.localhost={folder}") == {"zj.localhost": folder}
    clash = tmp_path / "other" / "sichuan"
    shutil.copytree(THEMES_DIR / "sichuan", clash)
    with pytest.raises(ThemeError, match="another folder is also named 'sichuan'"):
        settings.parse_hosts(f"a.localhost=sichuan,b.localhost={clash}")


def test_one_province_is_the_default_without_hosts() -> None:
    settings.hosted_themes.cache_clear()
    assert not province.is_multi()
    assert province.tokens_css().startswith(":root{")


@pytest.mark.usefixtures("hosts")
def test_host_picks_the_province_and_tokens_are_scoped() -> None:
    assert [t.code for t in settings.hosted_themes()] == ["shandong", "sichuan"]
    assert settings.theme_for_host("sc.localhost:3000").code == "sichuan"
    assert settings.theme_for_host("127.0.0.1:3000").code == "shandong"
    css = province.tokens_css()
    assert ":root{" not in css
    assert 'html[data-province="sichuan"]{' in css
    assert 'html[data-province="sichuan"] [data-mode="elder"]{' in css
    assert 'html:not([data-province="sichuan"]) [data-only="sichuan"]' in css
    script = province.head_script()
    assert '"sc.localhost":"sichuan"' in script
    assert "天府通办" in script


@pytest.mark.usefixtures("hosts")
def test_pages_render_each_province_once_with_unique_ids() -> None:
    import reflex as rx

    from app.pages.layout import layout
    from app.routes import routes

    shell_ids = re.findall(r'\bid:"([^"]+)"', str(layout(rx.fragment(), current="home")))
    assert shell_ids and len(shell_ids) == len(set(shell_ids)), shell_ids
    for route in routes():
        rendered = str(route.page())
        assert rendered.count('"data-only":"sichuan"') >= 2, route.path  # header + footer
        ids = re.findall(r'\bid:"([^"]+)"', rendered)
        # A page may reuse an id in branches that never render together (the wizard's steps);
        # the shell's ids, rendered once per province, must stay unique on every page.
        repeated = {i for i in ids if ids.count(i) > 1}
        assert not repeated & set(shell_ids), f"{route.path}: duplicate shell ids {repeated}"
        if "[" not in route.path:  # static pages have no exclusive branches of that kind
            assert not repeated, f"{route.path}: duplicate ids {sorted(repeated)}"
    home = str(next(r for r in routes() if r.path == "/").page())
    assert "天府通办 一网通办" in home.encode("ascii", "backslashreplace").decode("unicode_escape")
