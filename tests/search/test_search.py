"""Search on the seed catalogue in a fresh SQLite database: understanding, bad input, the
index following the loader, synonyms files, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.catalogue.cli import seed_path
from app.catalogue.db import get_engine, upgrade
from app.ingest import load_files
from app.search.analyze import analyze_query
from app.search.highlight import highlight
from app.search.index import Filters
from app.search.service import SearchError, search
from app.search.synonyms import SynonymError, load_synonyms, synonyms_for
from app.search.text import normalize, split_pinyin


def seeded_db(folder: Path) -> str:
    url = f"sqlite:///{folder / 'search.db'}"
    engine = get_engine(url)
    upgrade(engine)
    report = load_files([seed_path("shandong"), seed_path("sichuan")], engine)
    assert report.ok, report.problems
    return url


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The two seed catalogues, shared by the tests that only read them."""
    return seeded_db(tmp_path_factory.mktemp("search"))


def names(url: str, query: str, province: str | None = "shandong", **kw: object) -> list[str]:
    with get_engine(url).connect() as conn:
        return [h.name for h in search(conn, query, province=province, **kw).hits]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("居民身份证换领", "居民身份证换领"),
        ("社保卡丢了", "社会保障卡挂失与补换"),
        ("开公司", "企业设立登记"),
        ("shebaoka", "社会保障卡申领"),
        ("gjj", "住房公积金提取（租房）"),
        ("身分证", "居民身份证换领"),
        ("驾使证", "机动车驾驶证期满换证"),
        ("社保", "社会保障卡申领"),
        ("户口", "户口迁移"),
        ("駕駛證補領", "机动车驾驶证补领"),
    ],
)
def test_citizens_phrasings_find_the_service(db: str, query: str, expected: str) -> None:
    assert expected in names(db, query)[:3]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "身" * 1000,
        "😀🎉",
        "\x00\x01\x1f\u200b",
        '"',
        "*",
        "NEAR",
        "OR",
        "'",
        "--",
        "身份证 OR 1=1; DROP TABLE catalogue_item; --",
        '身份证" OR name:*',
        "<script>alert(1)</script>",
        "NEAR(a b) AND NOT c*",
    ],
)
def test_bad_input_gives_a_result_not_an_error(db: str, query: str) -> None:
    hits = names(db, query)
    assert isinstance(hits, list)
    with get_engine(db).connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM catalogue_item")).scalar() == 186


def test_empty_and_noise_queries_find_nothing(db: str) -> None:
    assert names(db, "") == []
    assert names(db, "😀") == []
    assert names(db, "<>") == []


def test_filters_and_province(db: str) -> None:
    with get_engine(db).connect() as conn:
        business = search(conn, "登记", province="sichuan", filters=Filters(audience="法人")).hits
        assert business and all(h.audience == "法人" for h in business)
        assert all(h.code.split("-")[1].startswith("51") for h in business)
        online = search(conn, "驾驶证", province="shandong", filters=Filters(online=True)).hits
        assert online and all(h.online for h in online)


def test_region_ranks_the_users_area_first(db: str) -> None:
    """One entry per service: the implementation in the user's area first, the other
    areas' behind it (shown under 其他地区)."""
    with get_engine(db).connect() as conn:
        top = search(conn, "身份证换领", province="shandong").hits[0]
        assert top.others and len({top.area_code, *(o.area_code for o in top.others)}) >= 2
        far = top.others[0].area_code
        near = search(conn, "身份证换领", province="shandong", area=far).hits
        assert near[0].area_code == far
        assert top.area_code in {o.area_code for o in near[0].others}


def test_one_entry_per_service(db: str) -> None:
    with get_engine(db).connect() as conn:
        for query in ("身份证", "驾照", "社保卡丢了", "shebaoka"):
            hits = search(conn, query, province="shandong").hits
            assert len({h.basic_code for h in hits}) == len(hits), query
            assert all(o.basic_code == h.basic_code for h in hits for o in h.others)


def test_bad_arguments_name_what_is_wrong(db: str) -> None:
    with get_engine(db).connect() as conn, pytest.raises(SearchError, match="province"):
        search(conn, "x", province="atlantis")
    with get_engine(db).connect() as conn, pytest.raises(SearchError, match="limit"):
        search(conn, "x", limit=0)


def test_the_index_follows_the_loader(tmp_path: Path) -> None:
    db = seeded_db(tmp_path)  # its own: it renames an item the other tests search for
    item = json.loads(seed_path("shandong").read_text(encoding="utf-8"))["items"][0]
    item = {**item, "name": "居民身份证换领（测试更名）", "keywords": ["蓝月亮证"]}
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps([item], ensure_ascii=False), encoding="utf-8")
    report = load_files([changed], get_engine(db))
    assert report.ok and report.updated == 1
    with get_engine(db).connect() as conn:
        hits = search(conn, "蓝月亮证", province="shandong").hits
    assert hits and hits[0].code == item["implementation_code"]


def test_synonyms_file_problems_name_the_file_and_phrase(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[synonyms]\n"开店" = []\n', encoding="utf-8")
    with pytest.raises(SynonymError, match=r"bad\.toml.*开店"):
        load_synonyms(bad)
    bad.write_text("[synonyms\n", encoding="utf-8")
    with pytest.raises(SynonymError, match="not valid TOML"):
        load_synonyms(bad)
    with pytest.raises(SynonymError, match="not found"):
        load_synonyms(tmp_path / "missing.toml")


def test_province_synonyms_add_to_the_base(tmp_path: Path) -> None:
    extra = tmp_path / "p.toml"
    extra.write_text('[synonyms]\n"蓝月亮" = ["居民身份证换领"]\n', encoding="utf-8")
    q = analyze_query("蓝月亮", synonyms_for("shandong", extra))
    assert "居民身份证换领" in [p for p, _ in q.phrases]
    assert "居民身份证" in [p for p, _ in analyze_query("身份证", synonyms_for(None)).phrases]


def test_text_helpers() -> None:
    assert normalize("  駕駛證😀 ＡＢＣ ") == "驾驶证 abc"
    assert len(normalize("a" * 1000)) == 64
    assert split_pinyin("shebaoka") == ("she", "bao", "ka")
    parts = highlight("居民身份证换领", analyze_query("身分证", synonyms_for(None)))
    assert {"text": "身份证", "hit": "1"} in parts


def test_cli_prints_json_hits(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    from app.search.cli import main

    code = main(["身份证", "--province", "shandong", "--limit", "3", "--json", "--db-url", db])
    hits = json.loads(capsys.readouterr().out)
    assert code == 0 and len(hits) == 3
    assert {"code", "name", "score"} <= set(hits[0]) and "身份证" in hits[0]["name"]
    assert main(["x", "--province", "atlantis", "--db-url", db]) == 2
    assert "province" in capsys.readouterr().err


def test_elder_mode_queries_are_recognised() -> None:
    from app.journeys.search import wants_elder_mode

    for query in ("长辈版", "关怀版", "亲情版", " 长辈 版 ", "关怀模式", "大字版"):
        assert wants_elder_mode(query), query
    for query in ("身份证", "社保卡", "长期居住证", "关于版权"):
        assert not wants_elder_mode(query), query
