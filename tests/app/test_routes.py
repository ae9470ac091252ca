"""The route table and the tab bar agree, and every route builds a page."""

from __future__ import annotations

from app.routes import routes, tabs


def test_routes_are_unique_and_cover_the_tabs() -> None:
    paths = [r.path for r in routes()]
    assert len(paths) == len(set(paths))
    assert {t.href for t in tabs()} <= set(paths)


def test_every_page_builds_with_the_shell() -> None:
    for route in routes():
        rendered = str(route.page())
        for landmark in ('jsx("header"', 'jsx("main"', 'jsx("footer"', 'jsx("nav"'):
            assert landmark in rendered, f"{route.path} lacks {landmark}"
        assert route.title
