from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from app.catalogue import queries
from app.catalogue.cli import seed_path
from app.catalogue.provinces import province, province_of_area
from app.ingest import load_files


@pytest.fixture
def session(engine: sa.Engine) -> Iterator[Session]:
    report = load_files([seed_path("shandong"), seed_path("sichuan")], engine)
    assert report.ok
    with Session(engine) as s:
        yield s


def test_list_items_pages_and_filters(session: Session) -> None:
    first, total = queries.list_items("shandong", "个人", per_page=10, session=session)
    second, total2 = queries.list_items("shandong", "个人", page=2, per_page=10, session=session)
    assert total == total2 > 20
    assert len(first) == len(second) == 10
    assert not {i.implementation_code for i in first} & {i.implementation_code for i in second}
    pops = [i.popularity for i in first + second]
    assert pops == sorted(pops, reverse=True)
    assert {i.audience for i in first} == {"个人"}
    assert {i.area_code[:2] for i in first} == {"37"}


def test_list_items_by_theme_and_department(session: Session) -> None:
    items, total = queries.list_items("sichuan", theme="企业注销", per_page=50, session=session)
    assert total == len(items) > 0
    assert all("企业注销" in i.themes for i in items)
    dept = items[0].department
    by_dept, n = queries.list_items("sichuan", department=dept, per_page=50, session=session)
    assert n == len(by_dept) and {i.department for i in by_dept} == {dept}


def test_list_items_rejects_bad_paging(session: Session) -> None:
    with pytest.raises(ValueError, match="page must be >= 1"):
        queries.list_items(page=0, session=session)


def test_get_item(session: Session) -> None:
    items, _ = queries.list_items("shandong", per_page=1, session=session)
    code = items[0].implementation_code
    assert queries.get_item(code.lower(), session=session) == items[0]
    assert queries.get_item("NOPE", session=session) is None


def test_high_frequency_one_per_service(session: Session) -> None:
    top = queries.high_frequency("sichuan", "法人", limit=5, session=session)
    assert len(top) == 5
    assert len({i.basic_code for i in top}) == 5
    assert {i.audience for i in top} == {"法人"}
    assert top[0].name == "企业设立登记"


def test_life_event_themes(session: Session) -> None:
    themes = queries.life_event_themes("shandong", session=session)
    names = [t for t, _ in themes]
    assert len(names) >= 8 and {"出生", "退休", "开办企业"} <= set(names)
    counts = [n for _, n in themes]
    assert counts == sorted(counts, reverse=True)
    birth = dict(themes)["出生"]
    assert birth == queries.list_items("shandong", theme="出生", session=session)[1]
    person = dict(queries.life_event_themes("shandong", "个人", session=session))
    assert "企业注销" not in person


def test_departments(session: Session) -> None:
    depts = dict(queries.departments("shandong", "法人", session=session))
    assert "济南市市场监督管理局" not in depts  # company registration is county level
    assert any(d.endswith("市场监督管理局") for d in depts)
    assert sum(depts.values()) == queries.list_items("shandong", "法人", session=session)[1]


def test_province_mapping() -> None:
    assert province("sichuan").prefix == "51"
    assert province_of_area("370102000000") == "shandong"
    assert province_of_area("110000000000") is None
    assert province_of_area("500103000000") == "chongqing"
    assert province("guangdong").name == "广东省" and province("guangdong").short_name == "粤"
    with pytest.raises(KeyError, match="known: chongqing, guangdong, shandong, sichuan"):
        province("beijing")


def test_implementation_codes_of_a_province_in_order(session: Session) -> None:
    codes = queries.implementation_codes("shandong", session=session)
    assert codes == sorted(codes) and len(codes) == len(set(codes)) > 20
    assert all(c.split("-")[1].startswith("37") for c in codes)
    assert queries.implementation_codes("shandong", limit=5, session=session) == codes[:5]
    basic = {codes[0].split("-")[0], codes[-1].split("-")[0]}
    only = queries.implementation_codes("shandong", basic_codes=basic, session=session)
    assert only and {c.split("-")[0] for c in only} == basic
    assert set(only) <= set(codes)
    assert queries.implementation_codes("nowhere", session=session) == []
