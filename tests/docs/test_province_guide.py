"""docs/add-your-province.md builds a working province, exactly as written.

Every fenced block whose info string names a file (```toml file=theme.toml) is written into a
fresh folder outside the repository; the folder must pass the check, load, and search as the
guide says. The guide's example of mistakes must give the messages it shows.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from app.catalogue import provinces
from app.catalogue.db import upgrade
from app.ingest import sync
from app.province_check import check_folder

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "add-your-province.md"
BLOCK = re.compile(r"^```\w+ file=(\S+)\n(.*?)^```$", re.M | re.S)


def write_guide_folder(folder: Path) -> list[str]:
    """Write the guide's files into ``folder``; return their names."""
    names = []
    for name, body in BLOCK.findall(GUIDE.read_text(encoding="utf-8")):
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")
        names.append(name)
    return names


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    folder = tmp_path / "zhejiang"
    folder.mkdir()
    names = write_guide_folder(folder)
    assert {"theme.toml", "mark.svg", "catalogue/items.json", "synonyms.toml"} <= set(names)
    assert any(n.startswith("forms/") for n in names)
    monkeypatch.setenv("YIWANG_PROVINCE_DIR", str(folder))
    monkeypatch.delenv("YIWANG_HOSTS", raising=False)
    provinces.clear_caches()
    yield folder
    provinces.clear_caches()


def test_the_guides_folder_passes_the_check_loads_and_searches(folder: Path, tmp_path) -> None:
    theme, problems = check_folder(folder)
    assert theme is not None and problems == [], problems
    assert theme.code == "zhejiang" and theme.settings.identity.app_name == "浙里办"
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'guide.db'}")
    upgrade(engine)
    report = sync(list(provinces.configured().values()), engine)
    assert report.ok and report.loaded == ["zhejiang"] and report.load.inserted == 2
    from app.search.service import search

    with engine.connect() as conn:
        assert [h.name for h in search(conn, "公交卡", province="zhejiang").hits] == [
            "杭州市民卡申领"
        ]
        for phrase in theme.settings.home.hot_searches:
            assert search(conn, phrase, province="zhejiang").hits, phrase
        for tile in theme.settings.home.services:
            assert search(conn, tile.query, province="zhejiang").hits[0].name == tile.query
    from app.catalogue.queries import get_item
    from app.flow.forms import form_for_item

    with Session(engine) as session:
        code = "027018000000-330106000000-000-11330106249816574N-8-00"
        form = form_for_item(get_item(code, session=session), folder)
    assert form is not None and form.origin == "extended"
    assert "purpose" in [s.id for s in form.steps] and "applicant" in [s.id for s in form.steps]


def test_the_guides_mistakes_give_the_messages_it_shows(folder: Path) -> None:
    path = folder / "catalogue" / "items.json"
    items = json.loads(path.read_text(encoding="utf-8"))
    items[0]["department_code"] = "12330100470003215Q"
    items[1]["area_code"] = "370102000000"
    items[1]["nmae"] = items[1].pop("name")
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    (folder / "synonyms.toml").write_text('[synonyms]\n"公交卡" = [\n', encoding="utf-8")
    _, problems = check_folder(folder)
    shown = GUIDE.read_text(encoding="utf-8").split("Every problem is listed at once")[1]
    assert f"theme is invalid ({len(problems)} problem(s))" in shown
    for problem in problems:
        assert f"  - {str(problem).replace(str(folder), '/tmp/zhejiang')}\n" in shown, problem
