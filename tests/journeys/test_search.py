"""The search journey without Reflex, on the seed catalogues in a fresh SQLite database: the
request's province scopes the results and gives its folder (synonyms, translations) without a
registry look-up per query; spelling suggestions; what the box suggests as one types."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

import pytest

from app.catalogue.db import get_engine
from app.context import RequestContext
from app.journeys import search as journey
from app.text import pick
from tests.journeys.conftest import context
from tests.search.test_search import seeded_db


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return seeded_db(tmp_path_factory.mktemp("journey-search"))


@pytest.fixture
def ctx(url: str, monkeypatch: pytest.MonkeyPatch) -> RequestContext:
    monkeypatch.setattr(journey, "get_engine", lambda: get_engine(url))
    monkeypatch.setattr(journey, "RESULTS", journey.ReadCache())
    return context("localhost:3000")  # the default province: shandong


def find(ctx: RequestContext, query: str, **kw) -> journey.Found:
    return asyncio.run(journey.find(ctx, query, **kw))


def test_results_are_the_requests_provinces(ctx: RequestContext) -> None:
    assert ctx.province.code == "shandong"
    found = find(ctx, "  社保卡丢了  ")
    assert found.searched and found.query == "社保卡丢了" and found.spelled == ()
    assert "社会保障卡挂失与补换" in [pick(r["name"], "zh_Hans") for r in found.results][:3]
    # the implementation code's second part is the area: 37… is Shandong, never Sichuan's 51…
    assert all(str(r["href"]).split("-")[1].startswith("37") for r in found.results)


def test_an_empty_query_is_no_search(ctx: RequestContext) -> None:
    assert find(ctx, "   ") == journey.Found()
    assert asyncio.run(journey.suggest(ctx, "  ")) == ()


def test_filters_narrow_the_results(ctx: RequestContext) -> None:
    everyone = find(ctx, "营业执照")
    firms = find(ctx, "营业执照", audience="法人")
    assert firms.results and len(firms.results) <= len(everyone.results)
    assert find(ctx, "营业执照", audience="nobody").results == everyone.results


def test_nothing_found_offers_spellings_not_results(ctx: RequestContext) -> None:
    found = find(ctx, "shebaoo kaa")
    assert found.results == () or found.spelled == ()
    nothing = find(ctx, "龘龘龘")
    assert nothing.searched and nothing.results == ()
    assert all(s["href"].startswith("/search/?q=") for s in nothing.spelled)


def test_suggestions_as_one_types(ctx: RequestContext) -> None:
    found = asyncio.run(journey.suggest(ctx, "身份证"))
    assert 0 < len(found) <= journey.SUGGESTIONS_LIMIT
    assert [s["id"] for s in found] == [f"yw-search-box-opt-{i}" for i in range(len(found))]
    assert all(s["href"].startswith("/item/") and s["label"] for s in found)


def test_the_province_folder_is_used_as_the_request_resolved_it(
    ctx: RequestContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A synonyms file in the request's folder is read, with no registry look-up by code."""
    import app.catalogue.provinces as provinces
    import app.search.service as service
    import app.search.synonyms as synonyms

    folder = tmp_path / "shandong"
    folder.mkdir()
    (folder / "synonyms.toml").write_text(
        '[synonyms]\n"证件本本" = ["居民身份证换领"]\n', encoding="utf-8"
    )
    moved = dataclasses.replace(ctx, province=dataclasses.replace(ctx.province, folder=folder))

    def no_registry():
        raise AssertionError("the search looked the province up by code")

    for module in (provinces, service, synonyms):  # wherever the name is bound
        monkeypatch.setattr(module, "registry", no_registry)
    found = find(moved, "证件本本")
    assert "居民身份证换领" in [pick(r["name"], "zh_Hans") for r in found.results][:3]


def test_the_recent_searches_keep_the_newest_once() -> None:
    assert journey.remember(["a", "b", "c"], "b", 3) == ["b", "a", "c"]
    assert journey.remember(["a", "b", "c"], "d", 3) == ["d", "a", "b"]


def test_elder_mode_queries() -> None:
    assert journey.wants_elder_mode("长辈 版") and journey.wants_elder_mode("关怀模式")
    assert not journey.wants_elder_mode("身份证")
