"""The guide offers 在线办理 for every item with an application form (hand-written or derived),
and says how to book and where to go for an item that cannot be applied for online."""

from __future__ import annotations

import json
from pathlib import Path

from app.domain.service_item import ServiceItem
from app.state.guide import _guide_page_now, visit_text

SEED = Path(__file__).resolve().parents[2] / "themes" / "shandong" / "catalogue" / "items.json"
DERIVED = "027018000000-370211000000-000-11370211459939353K-8-00"  # no hand-written form


def _raw(name: str) -> dict:
    return next(
        i for i in json.loads(SEED.read_text(encoding="utf-8"))["items"] if i["name"] == name
    )


def test_a_derived_item_has_the_online_action() -> None:
    page = _guide_page_now(DERIVED)
    assert page is not None
    _, apply_href, _, visit = page
    assert apply_href == f"/apply/{DERIVED}" and visit == ""


def test_an_offline_item_says_how_to_book_and_where_to_go() -> None:
    raw = _raw("无犯罪记录证明") | {"online": False, "online_depth": "二级", "visits": 1}
    booked = ServiceItem.model_validate(raw | {"appointment": True})
    text = visit_text(booked)
    assert "请先预约" in text and "12345" in text and "办理地点" in text
    walk_in = ServiceItem.model_validate(raw | {"appointment": False})
    assert "在办理时间内到下面的办理地点办理" in visit_text(walk_in)
