"""The catalogue's pages without Reflex, on the seed catalogues in a fresh SQLite database: the
guide offers 在线办理 for every item with an application form (hand-written or derived) and says
how to book and where to go otherwise; the item list and 办事 are the request's province's."""

from __future__ import annotations

import asyncio
import json
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlmodel import Session

from app.catalogue import queries
from app.catalogue.db import get_engine
from app.context import RequestContext
from app.domain.enums import Audience
from app.domain.service_item import ServiceItem
from app.journeys import catalogue
from app.text import pick
from components.audience_switch import AUDIENCE_KEYS
from tests.journeys.conftest import context
from tests.search.test_search import seeded_db

SEED = Path(__file__).resolve().parents[2] / "themes" / "shandong" / "catalogue" / "items.json"
DERIVED = "027018000000-370211000000-000-11370211459939353K-8-00"  # no hand-written form


def _raw(name: str) -> dict:
    return next(
        i for i in json.loads(SEED.read_text(encoding="utf-8"))["items"] if i["name"] == name
    )


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return seeded_db(tmp_path_factory.mktemp("journey-catalogue"))


@pytest.fixture
def ctx(url: str, monkeypatch: pytest.MonkeyPatch) -> RequestContext:
    engine = get_engine(url)

    @contextmanager
    def scope(session: Session | None = None):
        if session is not None:
            yield session
            return
        with Session(engine) as own:
            yield own

    monkeypatch.setattr(queries, "session_scope", scope)
    monkeypatch.setattr(catalogue, "PAGES", catalogue.ReadCache())
    return context("localhost:3000")  # the default province: shandong


def test_a_derived_item_has_the_online_action(ctx: RequestContext) -> None:
    page = asyncio.run(catalogue.guide(ctx, f"  {DERIVED.lower()} "))
    assert page.status == "found" and page.requested == DERIVED.lower()
    assert page.apply_href == f"/apply/{DERIVED}" and page.visit == ""
    assert page.guide.name


def test_an_unknown_or_empty_code_is_not_found(ctx: RequestContext) -> None:
    assert asyncio.run(catalogue.guide(ctx, "nope")) == catalogue.Guide(requested="nope")
    assert asyncio.run(catalogue.guide(ctx, "   ")).status == "not_found"
    assert asyncio.run(catalogue.guide(ctx, "x" * 500)).requested == "x" * 80


def test_an_offline_item_says_how_to_book_and_where_to_go() -> None:
    raw = _raw("无犯罪记录证明") | {"online": False, "online_depth": "二级", "visits": 1}
    booked = ServiceItem.model_validate(raw | {"appointment": True})
    text = catalogue.visit_text(booked)
    assert "请先预约" in text and "12345" in text and "办理地点" in text
    walk_in = ServiceItem.model_validate(raw | {"appointment": False})
    assert "在办理时间内到下面的办理地点办理" in catalogue.visit_text(walk_in)


def test_the_item_list_is_the_provinces_a_page_at_a_time(ctx: RequestContext) -> None:
    first = catalogue.items(ctx, {"audience": "个人", "page": "1"})
    assert first.audience == "个人" and first.page == 1 and first.total > 0
    assert 0 < len(first.items) <= catalogue.PER_PAGE and first.pages >= 1
    assert all(item.code.split("-")[1].startswith("37") for item in first.items)
    odd = catalogue.items(ctx, {"audience": "everyone", "page": "-3", "theme": " 出生 "})
    assert (odd.audience, odd.page, odd.theme) == ("", 1, "出生")
    assert catalogue.page_number("x") == 1 and catalogue.page_number(10**9) == 10_000
    assert catalogue.items_href("个人", "", "", 2) == "/items?audience=%E4%B8%AA%E4%BA%BA&page=2"


def test_services_list_themes_and_departments_per_audience(ctx: RequestContext) -> None:
    found = catalogue.services(ctx)
    assert found.themes and found.departments
    assert {e["audience"] for e in found.departments} <= set(AUDIENCE_KEYS.values())
    first = found.departments[0]
    assert first["href"].startswith("/items?audience=") and pick(first["count"], "zh_Hans")


def test_the_audience_keys_are_the_switchs() -> None:
    assert {a.value: a.key for a in Audience} == AUDIENCE_KEYS  # the component's, the domain's
