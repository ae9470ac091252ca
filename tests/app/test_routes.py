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


def test_no_route_uses_anything_reflex_deprecates(monkeypatch) -> None:
    """Every route's page is built and rendered; any Reflex deprecation on the way (they are
    log records, not Python warnings, and Reflex reports each only once per process) fails."""
    from reflex_base.utils import log

    from app.pages import fallback

    seen: list[str] = []

    def record(*, feature_name: str, reason: str, removal_version: str, **_: object) -> None:
        seen.append(f"{feature_name}: {reason} (removed in {removal_version})")

    monkeypatch.setattr(log, "deprecate", record)
    for route in routes():
        str(route.page().render())
    str(fallback.page().render())
    assert seen == []


def test_the_deprecation_check_sees_one(monkeypatch) -> None:
    """So the test above can fail: an unnamed control submitted by its id is reported."""
    import reflex as rx
    from reflex_base.utils import log

    from app.state.flow_me import ApplicationState

    seen: list[str] = []
    monkeypatch.setattr(log, "deprecate", lambda **kw: seen.append(kw["feature_name"]))
    rx.el.form(rx.el.input(id="probe"), on_submit=ApplicationState.submit_correction)
    assert seen and "'probe'" in seen[0]


def test_handlers_read_the_route_without_a_deprecation(monkeypatch) -> None:
    """Handlers read a dynamic route's argument off ``RouterData.url`` (app.state.routing),
    not ``RouterData.page`` (deprecated): reading it reports nothing, while ``router.page``
    is reported (so this test can fail); no module of the app uses ``router.page``."""
    from pathlib import Path

    import reflex as rx
    from reflex.istate.data import RouterData
    from reflex_base.utils import log

    from app.state import routing
    from app.state.guide import GuideState

    seen: list[str] = []
    monkeypatch.setattr(log, "deprecate", lambda **kw: seen.append(kw["feature_name"]))
    root = rx.State(_reflex_internal_init=True)
    guide = root.get_substate(GuideState.get_full_name().split(".")[1:])
    data = {"pathname": "/item/[code]", "asPath": "/item/37%2001?a=b", "headers": {}}
    root.router = RouterData.from_router_data({**data, "query": {"code": "37 01", "a": "b"}})
    assert routing.route_arg(guide, routing.ITEM) == "37 01"
    assert routing.route_arg(guide, routing.APPLY) == ""  # another route's page
    assert dict(root.router.url.query_parameters) == {"a": "b"}
    assert seen == []
    assert root.router.page.params["code"] == "37 01" and seen == ["RouterData.page"]
    dynamic = {r.path for r in routes() if "[" in r.path}
    assert dynamic == {
        routing.ITEM,
        routing.APPLY,
        routing.CHECKOUT,
        routing.APPLICATION,
        routing.LICENCE,
    }
    app_dir = Path(__file__).resolve().parents[2] / "app"
    using = [p.name for p in app_dir.rglob("*.py") if ".router.page" in p.read_text("utf-8")]
    assert using == []


def test_reflex_lock_package_json_is_kept_as_reflex_writes_it() -> None:
    """Reflex 0.10 copies .web/package.json, which it writes with json.dumps (one line), back
    to the tracked reflex.lock/package.json on every build: a reformatted copy (indented, a
    final newline) is rewritten by the next build and leaves git status dirty."""
    import json
    from pathlib import Path

    tracked = Path(__file__).resolve().parents[2] / "reflex.lock" / "package.json"
    text = tracked.read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text)), "rewrite it with json.dumps, as Reflex does"
