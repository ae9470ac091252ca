"""Test data built independently of the implementation's own check-digit code."""

from __future__ import annotations

import copy
from typing import Any

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def ref_uscc_check(first17: str) -> str:
    """GB 32100 check character, written from the standard's text (weights 3^i mod 31)."""
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, weights, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def ref_id_check(first17: str) -> str:
    """GB 11643 / ISO 7064 MOD 11-2 check character, from the standard's weight table."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(c) * w for c, w in zip(first17, weights, strict=True))
    return "10X98765432"[total % 11]


BODY_USCC = "11370100MB0000001" + ref_uscc_check("11370100MB0000001")
AREA = "370100000000"
BASIC = "000101001000"
CODE = f"{BASIC}-{AREA}-000-{BODY_USCC}-1-00"

_ITEM: dict[str, Any] = {
    "implementation_code": CODE,
    "basic_code": BASIC,
    "name": "居民身份证换领",
    "item_type": "公共服务",
    "audience": "个人",
    "level": "市级",
    "area_code": AREA,
    "department": "济南市公安局",
    "department_code": BODY_USCC,
    "legal_basis": ["《中华人民共和国居民身份证法》第十一条"],
    "acceptance_conditions": "居民身份证有效期满或证件损坏的本市户籍居民。",
    "themes": ["户籍身份"],
    "keywords": ["身份证到期"],
    "steps": [{"name": "受理", "description": "窗口核验身份、采集指纹和人像。"}],
    "statutory_limit": {"value": 60, "unit": "自然日"},
    "promised_limit": {"value": 15, "unit": "自然日"},
    "fee_required": True,
    "fees": [{"name": "换领工本费", "amount": "20.00", "basis": "发改价格〔2003〕2322号"}],
    "halls": [{"name": "户籍窗口", "address": "济南市龙鼎大道1号", "hours": "工作日 9:00-17:00"}],
    "consultation": [{"kind": "电话", "value": "12345"}],
    "complaint": [{"kind": "电话", "value": "12345"}],
    "visits": 1,
    "online": True,
    "online_depth": "三级",
    "appointment": True,
    "popularity": 900,
    "effective_date": "2024-01-01",
    "materials": [
        {
            "name": "原居民身份证",
            "necessity": "必要",
            "form": ["原件"],
            "source": "政府部门核发",
            "e_licence": True,
        },
        {
            "name": "户口簿",
            "necessity": "非必要",
            "condition": "户籍信息有变化的",
            "form": ["原件"],
        },
    ],
}


def item(**changes: Any) -> dict[str, Any]:
    """A valid item as a JSON-able dict, with top-level fields replaced by ``changes``."""
    data = copy.deepcopy(_ITEM)
    data.update(changes)
    return data


def item_with_code(n: int, **changes: Any) -> dict[str, Any]:
    """A valid item whose implementation code differs by its ``sub`` part."""
    return item(implementation_code=f"{BASIC}-{AREA}-000-{BODY_USCC}-1-{n:02d}", **changes)


def submitted_application(
    db: Any,
    owner: str = "bob",
    *,
    key: str = "",
    item_code: str = "X",
    statuses: tuple[str, ...] = (),
) -> Any:
    """An application of 居民身份证换领 submitted by ``owner`` (key: the owner's first letter
    32 times unless given), then moved through ``statuses`` by the back office."""
    from app.flow.store import applications

    app, _ = applications.submit(
        owner,
        key or owner[0] * 32,
        item_code=item_code,
        form_key="001018000000",
        item_name="居民身份证换领",
        department="济南市公安局历下分局",
        area_code="370102000000",
        values={},
        promised_days=15,
        session=db,
    )
    for status in statuses:
        applications.advance(app.number, status, session=db)
    return app


#: the statuses of an application the back office has finished
COMPLETED = ("accepted", "reviewing", "completed")
