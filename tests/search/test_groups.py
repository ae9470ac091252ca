"""The index by service and province (groups): one term row per group, group terms following
loads, and, where a group's items share their name (the seed), opening only the promising
groups and only their most popular items never changing the ranking that opening every group
and every item gives. (Where names inside a group differ, as with the synthetic items' unique
suffixes, an item is chosen by popularity within its group: see ``app.search.service``.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.catalogue.cli import seed_path
from app.catalogue.db import get_engine, upgrade
from app.catalogue.generator import write_items
from app.ingest import load_files
from app.search.evaluate import DEFAULT_SET, load_cases
from app.search.index import Filters
from app.search.service import search, sync

SYNTHETIC = 1500


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    tmp = tmp_path_factory.mktemp("groups")
    url = f"sqlite:///{tmp / 'groups.db'}"
    engine = get_engine(url)
    upgrade(engine)
    write_items(SYNTHETIC, 3, tmp / "items.jsonl")
    report = load_files([seed_path("shandong"), seed_path("sichuan"), tmp / "items.jsonl"], engine)
    assert report.ok, report.problems
    return url


@pytest.fixture(scope="module")
def seed_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('groups_seed') / 'seed.db'}"
    engine = get_engine(url)
    upgrade(engine)
    assert load_files([seed_path("shandong"), seed_path("sichuan")], engine).ok
    return url


def scalar(url: str, sql: str) -> int:
    with get_engine(url).connect() as conn:
        return int(conn.execute(sa.text(sql)).scalar() or 0)


def test_one_term_row_per_service_and_province(db: str) -> None:
    groups = scalar(
        db, "SELECT count(*) FROM (SELECT DISTINCT province, basic_code FROM catalogue_item)"
    )
    assert scalar(db, "SELECT count(*) FROM search_group") == groups
    assert scalar(db, "SELECT count(*) FROM search_fts") == groups
    # every item once (the module's database: other tests may have added items to it)
    items = scalar(db, "SELECT count(*) FROM catalogue_item")
    assert items >= 186 + SYNTHETIC
    assert scalar(db, "SELECT count(*) FROM search_doc") == items
    assert scalar(db, "SELECT sum(items) FROM search_group") == items
    assert scalar(db, "SELECT count(*) FROM search_doc d LEFT JOIN search_group g "
                      "ON g.group_id = d.group_id WHERE g.group_id IS NULL") == 0  # fmt: skip


@pytest.mark.parametrize("area", [None, "370203000000"])
@pytest.mark.parametrize("limit", [1, 3])
def test_opening_some_groups_ranks_as_opening_all(seed_db: str, area: str | None,
                                                  limit: int) -> None:  # fmt: skip
    opened = 0
    with get_engine(seed_db).connect() as conn:
        for case in load_cases(DEFAULT_SET):
            few = search(conn, case.q, province=case.province, limit=limit, area=area).hits
            every = search(conn, case.q, province=case.province, limit=100, area=area).hits
            assert [h.code for h in few] == [h.code for h in every[:limit]], case.q
            opened += len(every) > limit
    assert opened > 30  # the cut-off was really exercised


def test_items_pass_every_filter_even_when_their_group_has_other_items(db: str) -> None:
    filters = Filters(audience="个人", level="市级", online=True)
    with get_engine(db).connect() as conn:
        hits = search(conn, "身份证", province="shandong", limit=50, filters=filters).hits
        assert hits
        assert all(h.audience == "个人" and h.online and h.level == "市级" for h in hits)
        levels = conn.execute(
            sa.text("SELECT DISTINCT d.level FROM search_doc d JOIN search_doc h "
                    "USING (group_id) WHERE h.implementation_code = :c"), {"c": hits[0].code}
        ).scalars().all()  # fmt: skip
    assert set(levels) > {"市级"}  # the group matched on terms of items the filter drops


def _item(code_from: str) -> dict:
    items = json.loads(seed_path("shandong").read_text(encoding="utf-8"))["items"]
    return next(i for i in items if i["implementation_code"] == code_from)


def _load(url: str, tmp_path: Path, items: list[dict]) -> None:
    path = tmp_path / "change.json"
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    report = load_files([path], get_engine(url))
    assert report.ok, report.problems


def codes(url: str, query: str) -> list[str]:
    with get_engine(url).connect() as conn:
        return [h.code for h in search(conn, query, province="shandong", limit=100).hits]


def test_group_terms_follow_changed_and_added_items(db: str, tmp_path: Path) -> None:
    with get_engine(db).connect() as conn:
        code = conn.execute(
            sa.text("SELECT implementation_code FROM catalogue_item WHERE province = 'shandong' "
                    "AND name = '出生登记' ORDER BY implementation_code LIMIT 1")
        ).scalar_one()  # fmt: skip
    item = _item(code)
    _load(db, tmp_path, [{**item, "keywords": ["蓝月亮证"]}])
    assert codes(db, "蓝月亮证")[:1] == [code]
    # changed again: the group is recomputed and forgets the old keyword
    _load(db, tmp_path, [{**item, "keywords": ["紫星星证"]}])
    assert codes(db, "紫星星证")[:1] == [code]
    assert code not in codes(db, "蓝月亮证")
    with get_engine(db).connect() as conn:
        kws = conn.execute(
            sa.text("SELECT g.keywords FROM search_group g JOIN search_doc d USING (group_id) "
                    "WHERE d.implementation_code = :c"), {"c": code}
        ).scalar_one()  # fmt: skip
    assert "紫星星证" in kws.split("|") and "蓝月亮证" not in kws.split("|")
    # a new item in the same group adds its terms to what the group had
    new_code = code[:-2] + "99"
    _load(db, tmp_path, [{**item, "implementation_code": new_code, "keywords": ["金太阳证"]}])
    assert codes(db, "金太阳证")[:1] == [new_code]
    assert codes(db, "紫星星证")[:1] == [code]


def test_full_rebuild_gives_the_same_results(db: str) -> None:
    queries = ["身份证", "sbk", "社保卡丢了", "开公司", "驾使证", "户口"]
    before = {q: codes(db, q) for q in queries}
    items = scalar(db, "SELECT count(*) FROM catalogue_item")
    with get_engine(db).begin() as conn:
        assert sync(conn) == items
    assert {q: codes(db, q) for q in queries} == before
