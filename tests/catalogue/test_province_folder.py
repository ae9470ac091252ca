"""A province is one folder: the registry is built from folders, the check covers the content."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from app.catalogue import provinces
from app.ingest import load_sources, sync
from app.province_check import check_folder
from themes import THEMES_DIR


@pytest.fixture
def zhejiang(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A new province outside the repository: Shandong's folder rewritten as 浙江 (33)."""
    folder = tmp_path / "zhejiang"
    shutil.copytree(THEMES_DIR / "shandong", folder)
    theme = folder / "theme.toml"
    text = theme.read_text(encoding="utf-8").replace("山东省", "浙江省")
    text = text.replace('division = "37"', 'division = "33"').replace('"鲁"', '"浙"')
    theme.write_text(text.replace("爱山东", "浙里办"), encoding="utf-8")
    (folder / "translations.toml").unlink()
    item = json.loads((folder / "catalogue" / "items.json").read_text(encoding="utf-8"))["items"][0]
    (folder / "catalogue" / "items.json").unlink()
    item["area_code"] = "330106000000"
    item["implementation_code"] = item["implementation_code"].replace(
        "370102000000", "330106000000"
    )
    item["department_code"] = item["department_code"]
    item["name"] = "西湖区居民身份证换领"
    (folder / "catalogue" / "zj.jsonl").write_text(
        json.dumps(item, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (folder / "synonyms.toml").write_text('[synonyms]\n"浙里证" = ["居民身份证"]\n', "utf-8")
    monkeypatch.setenv("YIWANG_PROVINCE_DIR", str(folder))
    provinces.clear_caches()
    yield folder
    provinces.clear_caches()


def test_registry_knows_a_folder_outside_the_repo_and_the_built_in_ones(zhejiang: Path) -> None:
    known = provinces.registry()
    assert list(provinces.configured()) == ["zhejiang"]
    assert {"zhejiang", "shandong", "sichuan", "chongqing", "guangdong"} <= set(known)
    zj = provinces.province("zhejiang")
    assert (zj.prefix, zj.name, zj.short_name, zj.app_name) == ("33", "浙江省", "浙", "浙里办")
    assert provinces.province_of_area("330106000000") == "zhejiang"
    assert [p.name for p in zj.catalogue_files()] == ["zj.jsonl"]


def test_two_folders_may_not_claim_one_division(tmp_path: Path, zhejiang: Path) -> None:
    twin = tmp_path / "zhejiang2"
    shutil.copytree(zhejiang, twin)
    from themes import ThemeError

    with pytest.raises(ThemeError, match="division 33 is already the division of zhejiang"):
        provinces._build([zhejiang, twin])


def test_sync_loads_only_the_configured_province_and_removes_what_left(
    zhejiang: Path, engine
) -> None:
    report = sync(list(provinces.configured().values()), engine)
    assert report.ok and report.loaded == ["zhejiang"] and report.load.inserted == 1
    assert sync(list(provinces.configured().values()), engine).unchanged == ["zhejiang"]
    from app.search.service import search

    with engine.connect() as conn:  # the folder's own synonym finds the folder's own item
        hits = search(conn, "浙里证", province="zhejiang").hits
        assert [h.name for h in hits] == ["西湖区居民身份证换领"]
        assert search(conn, "身份证", province="zhejiang").hits[0].area_code == "330106000000"
    (zhejiang / "catalogue" / "zj.jsonl").unlink()
    report = sync(list(provinces.configured().values()), engine)
    assert report.ok and report.load.removed == 1 and report.empty == ["zhejiang"]


def test_an_area_of_another_province_is_refused_and_nothing_is_written(
    zhejiang: Path, engine
) -> None:
    from app.catalogue.loader import Source

    shandong_items = provinces.province("shandong").catalogue_files()
    zj = provinces.province("zhejiang")
    report = load_sources([Source(tuple(zj.catalogue_files() + shandong_items), zj)], engine)
    assert not report.ok
    assert all(p.field == "area_code" for p in report.problems)
    assert "is not an area of this province (its codes start with 33)" in report.problems[0].reason
    import sqlalchemy as sa

    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM catalogue_item")).scalar() == 0


def test_the_folder_check_reports_every_problem_with_file_record_and_field(
    zhejiang: Path,
) -> None:
    theme, problems = check_folder(zhejiang)
    assert theme is not None and problems == []
    bad = json.loads((zhejiang / "catalogue" / "zj.jsonl").read_text(encoding="utf-8"))
    bad["nmae"] = bad.pop("name")
    lines = [json.dumps(bad, ensure_ascii=False)]
    (zhejiang / "catalogue" / "zj.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (zhejiang / "synonyms.toml").write_text('[synonyms]\n"a" = [\n', encoding="utf-8")
    (zhejiang / "synonyms.txt").write_text("x\n", encoding="utf-8")
    (zhejiang / "forms").mkdir()
    (zhejiang / "forms" / "001018000000.yaml").write_text("key: [\n", encoding="utf-8")
    _, problems = check_folder(zhejiang)
    text = [str(p) for p in problems]
    assert any("zj.jsonl: line 1: nmae" in t and "did you mean 'name'?" in t for t in text), text
    assert any("zj.jsonl: line 1: name" in t for t in text), text
    assert any(t.startswith(f"{zhejiang / 'synonyms.toml'}: not valid TOML") for t in text), text
    assert any("synonyms.txt: synonyms are read from synonyms.toml" in t for t in text), text
    assert any("001018000000.yaml" in t for t in text), text


def test_every_built_in_province_is_whole() -> None:
    for code in ("shandong", "sichuan", "chongqing", "guangdong"):
        theme, problems = check_folder(THEMES_DIR / code)
        assert theme is not None and problems == [], (code, problems)
        files = provinces.catalogue_files_in(THEMES_DIR / code)
        items = [i for f in files for i in json.loads(f.read_text(encoding="utf-8"))["items"]]
        assert len(items) >= 80, code
        assert {i["area_code"][:2] for i in items} == {theme.settings.identity.division}


def test_home_tiles_and_hot_searches_of_every_built_in_province_find_its_own_items(
    engine,
) -> None:
    from app.search.service import search
    from themes import available_provinces, load_theme

    codes = available_provinces()
    report = sync([provinces.province(c) for c in codes], engine)
    assert report.ok, report.load.problems
    missing = []
    with engine.connect() as conn:
        for code in codes:
            theme = load_theme(THEMES_DIR / code)
            home = theme.settings.home
            for query in [s.query for s in home.services] + list(home.hot_searches):
                hits = search(conn, query, province=code).hits
                prefix = theme.settings.identity.division
                if not hits or any(not h.area_code.startswith(prefix) for h in hits):
                    missing.append((code, query))
    assert not missing, f"home tiles or hot searches finding nothing of their own: {missing}"


def test_command_lines_say_what_keeps_a_province_from_loading(zhejiang: Path, engine) -> None:
    """``ensure_loaded_problems`` (``python -m app.search --province``, the evaluation): an
    invalid catalogue gives each problem with its file, line and field, then the summary, and
    nothing of it is written; an unknown code is named with the known ones."""
    import sqlalchemy as sa

    from app.ingest import ensure_loaded_problems

    lines = zhejiang / "catalogue" / "zj.jsonl"
    item = json.loads(lines.read_text(encoding="utf-8"))
    item["visits"] = -4
    lines.write_text(json.dumps(item, ensure_ascii=False) + "\n", encoding="utf-8")
    problems = ensure_loaded_problems(engine, ["zhejiang"])
    assert problems[-1] == "the catalogue of zhejiang is invalid"
    assert len(problems) == 2 and "zj.jsonl" in problems[0] and "line 1" in problems[0]
    assert "visits" in problems[0]
    with engine.connect() as conn:
        written = conn.execute(
            sa.text("SELECT count(*) FROM catalogue_item WHERE province = 'zhejiang'")
        ).scalar()
    assert written == 0
    unknown = ensure_loaded_problems(engine, ["atlantis"])
    assert len(unknown) == 1 and "unknown province 'atlantis'; known:" in unknown[0]
    assert ensure_loaded_problems(engine, ["sichuan"]) == []
