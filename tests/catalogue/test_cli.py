from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.catalogue.build.services import SERVICES
from app.catalogue.cli import main, seed_path
from app.catalogue.generator import synthetic_items
from app.domain.service_item import ServiceItem
from app.ingest import load_files
from tests.factories import item_with_code

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = [
    "居民身份证换领", "居民身份证丢失补领", "户口迁移", "出生登记", "居住证申领",
    "机动车驾驶证期满换证", "机动车驾驶证补领", "机动车检验合格标志核发", "住房公积金提取（租房）",
    "住房公积金缴存证明", "社会保障卡申领", "社会保障卡挂失与补换", "城乡居民养老保险参保登记",
    "基本养老金申领", "医保异地就医备案", "生育津贴申领", "失业保险金申领", "结婚登记（预约）",
    "出生医学证明", "不动产转移登记（二手房）", "普通护照签发", "往来港澳通行证签注",
    "义务教育入学报名", "高龄津贴申领", "残疾人证办理", "最低生活保障申请", "无犯罪记录证明",
    "教师资格认定", "就业登记", "企业设立登记", "个体工商户设立登记", "企业注销登记", "食品经营许可",
    "企业变更登记", "建筑工程施工许可证核发", "道路运输经营许可", "排污许可", "发票申领",
    "单位社会保险参保登记", "单位住房公积金缴存登记",
]  # fmt: skip


def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


def count(url: str) -> int:
    with sa.create_engine(url).connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM catalogue_item")).scalar_one()


@pytest.mark.parametrize("province", ["shandong", "sichuan"])
def test_seed_catalogue_content(province: str) -> None:
    doc = json.loads(seed_path(province).read_text(encoding="utf-8"))
    items = [ServiceItem.model_validate(i) for i in doc["items"]]
    names = {i.name for i in items}
    assert len(items) >= 80
    assert [n for n in REQUIRED if n not in names] == []
    assert {i.audience for i in items} == {"个人", "法人"}
    assert {i.level for i in items} >= {"省级", "市级", "县级"}
    themes = {t for i in items for t in i.themes}
    assert themes >= {"出生", "上学", "就业", "婚育", "住房", "退休", "开办企业", "企业注销"}
    prefix = {"shandong": "37", "sichuan": "51"}[province]
    assert {i.area_code[:2] for i in items} == {prefix}


def test_seed_files_are_up_to_date() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "scripts.build_seed", "--check"], cwd=ROOT, capture_output=True
    )
    assert run.returncode == 0, run.stderr.decode()


def test_sync_loads_every_province_once_then_skips_unchanged_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = db_url(tmp_path)
    assert main(["--db-url", url, "sync", "--all"]) == 0
    first = capsys.readouterr().out
    total = count(url)
    assert total >= 4 * 80 and f"{total} inserted, 0 updated, 0 unchanged" in first
    assert main(["--db-url", url, "sync", "--province", "sichuan"]) == 0
    assert "unchanged: sichuan" in capsys.readouterr().out
    assert count(url) == total
    assert main(["--db-url", url, "sync", "--province", "sichuan", "--force"]) == 0
    assert "0 inserted, 0 updated" in capsys.readouterr().out
    assert main(["--db-url", url, "sync", "--province", "atlantis"]) == 2
    assert "unknown province 'atlantis'" in capsys.readouterr().err


def test_load_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = db_url(tmp_path)
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps([item_with_code(1)], ensure_ascii=False), encoding="utf-8")
    bad.write_text(
        json.dumps([item_with_code(2, visits="x")], ensure_ascii=False), encoding="utf-8"
    )
    assert main(["--db-url", url, "load", str(good), str(bad)]) == 1
    err = capsys.readouterr().err
    assert "nothing was written" in err and "bad.json: record 0: visits = 'x'" in err
    assert count(url) == 0
    assert main(["--db-url", url, "load", str(good)]) == 0
    assert "1 records: 1 inserted" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exc:
        main(["load"])
    assert exc.value.code == 2
    assert main(["generate", "-1", "--out", str(tmp_path / "x.jsonl")]) == 2


def test_migrate_creates_the_sqlite_file(tmp_path: Path) -> None:
    assert main(["--db-url", db_url(tmp_path), "migrate"]) == 0
    tables = sa.inspect(sa.create_engine(db_url(tmp_path))).get_table_names()
    assert {"alembic_version", "catalogue_item", "catalogue_item_theme"} <= set(tables)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_generator_is_deterministic(tmp_path: Path) -> None:
    a, b, c = (tmp_path / n for n in ("a.jsonl", "b.jsonl", "c.jsonl"))
    for path, seed in ((a, 7), (b, 7), (c, 8)):
        assert main(["generate", "300", "--seed", str(seed), "--out", str(path)]) == 0
    assert digest(a) == digest(b) != digest(c)
    assert len(a.read_text(encoding="utf-8").splitlines()) == 300


def test_generated_items_load(tmp_path: Path) -> None:
    path = tmp_path / "gen.json"
    assert main(["generate", "500", "--seed", "3", "--out", str(path)]) == 0
    engine = sa.create_engine(db_url(tmp_path))
    from app.catalogue.db import upgrade

    upgrade(engine)
    report = load_files([path], engine)
    assert report.problems == [] and report.inserted == 500


def test_generator_streams() -> None:
    # Only the first items are built: a generator of a huge N costs nothing up front.
    stream = synthetic_items(10**9, seed=1)
    first = [next(stream) for _ in range(3)]
    assert len({i["implementation_code"] for i in first}) == 3
    assert {i["name"].rsplit("（", 1)[0] for i in first} <= {s.name for s in SERVICES}
