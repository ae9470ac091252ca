"""``make eval-search`` (``python -m app.search.evaluate``) on a fresh database: it loads the
catalogue of every province its labelled set names, and then meets the issue's bar, MRR ≥ 0.9
and recall@3 ≥ 0.95 for every query type (a fresh clone's database holds only the province it
serves; the evaluation had then found nothing for the other province's queries)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.catalogue.db import get_engine
from app.search import evaluate


def test_a_fresh_database_meets_the_bar_for_every_query_type(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert evaluate.main(["--db-url", url]) == 0
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    cases = evaluate.load_cases(evaluate.DEFAULT_SET)
    assert report["queries"] == len(cases)
    assert set(report["by_type"]) == {case.type for case in cases}
    low = {
        kind: figures
        for kind, figures in report["by_type"].items()
        if figures["mrr"] < 0.9 or figures["recall_at_3"] < 0.95
    }
    assert not low
    with get_engine(url).connect() as conn:
        loaded = {p for (p,) in conn.execute(sa.text("SELECT DISTINCT province FROM catalogue_item"))}  # fmt: skip
    assert loaded == {case.province for case in cases}


def test_a_set_naming_an_unknown_province_says_which(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    labelled = tmp_path / "set.yaml"
    labelled.write_text(
        "- {q: 结婚登记, type: official, expect: [结婚登记（预约）], province: atlantis}\n",
        encoding="utf-8",
    )
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert evaluate.main(["--set", str(labelled), "--db-url", url]) == 1
    err = capsys.readouterr().err
    assert str(labelled) in err and "unknown province 'atlantis'" in err
