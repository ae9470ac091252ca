from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from app.domain.enums import Audience, MaterialForm, Necessity, TimeUnit
from app.domain.service_item import Material, ServiceItem, TimeLimit
from tests.factories import AREA, BASIC, BODY_USCC, item


def errors(data: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    with pytest.raises(ValidationError) as info:
        ServiceItem.model_validate(data)
    return [(e["loc"], e["msg"]) for e in info.value.errors()]


def test_valid_item_round_trips() -> None:
    parsed = ServiceItem.model_validate(item())
    assert parsed.audience is Audience.PERSON
    assert parsed.fees[0].amount == Decimal("20.00")
    assert parsed.materials[1].necessity is Necessity.CONDITIONAL
    assert parsed.materials[0].form == [MaterialForm.ORIGINAL]
    again = ServiceItem.model_validate_json(parsed.model_dump_json())
    assert again == parsed


@pytest.mark.parametrize(
    ("changes", "loc", "fragment"),
    [
        ({"item_type": "行政审批"}, ("item_type",), "Input should be"),
        ({"audience": "企业"}, ("audience",), "'个人' or '法人'"),
        ({"area_code": "37010000000"}, ("area_code",), "must be exactly 12 digits"),
        ({"level": "县级"}, ("level",), "does not match area_code '370100000000', which is 市级"),
        ({"department_code": BODY_USCC[:17] + "0"}, ("department_code",), "checksum gives"),
        ({"basic_code": "000101001001"}, ("basic_code",), "does not match the basic-code part"),
        ({"fee_required": False}, ("fees",), "1 fee(s) listed but fee_required is false"),
        ({"visits": 0, "online": False}, ("online",), "visits is 0"),
        ({"online_depth": "二级"}, ("online_depth",), "below 三级"),
        ({"promised_limit": {"value": 90, "unit": "自然日"}}, ("promised_limit",), "longer"),
        (
            {"promised_limit": {"value": -1, "unit": "工作日"}},
            ("promised_limit", "value"),
            "greater than or equal to 0",
        ),
        ({"promised_limit": {"value": 3, "unit": "即办"}}, ("promised_limit",), "must be 0"),
        ({"effective_date": "2024-02-30"}, ("effective_date",), "date"),
        ({"visits": "two"}, ("visits",), "valid integer"),
        ({"steps": []}, ("steps",), "at least 1"),
        ({"colour": "red"}, ("colour",), "Extra inputs"),
    ],
)
def test_invalid_fields_are_named(
    changes: dict[str, Any], loc: tuple[str, ...], fragment: str
) -> None:
    found = errors(item(**changes))
    assert any(e_loc == loc and fragment in msg for e_loc, msg in found), found


def test_missing_required_field() -> None:
    data = item()
    del data["name"]
    assert errors(data) == [(("name",), "Field required")]


def test_conditional_material_needs_condition() -> None:
    data = item()
    del data["materials"][1]["condition"]
    assert errors(data) == [
        (
            ("materials", 1, "condition"),
            "Value error, a 非必要 (conditional) material must state its condition",
        )
    ]


def test_area_part_must_match_area_code() -> None:
    other = f"{BASIC}-370102000000-000-{BODY_USCC}-1-00"
    found = errors(item(implementation_code=other))
    assert (("area_code",), f"Value error, '{AREA}' does not match the area part") in [
        (loc, msg[: len("Value error, '370100000000' does not match the area part")])
        for loc, msg in found
    ]


def test_time_limit_day_conversion() -> None:
    assert TimeLimit(value=5, unit=TimeUnit.WORKING_DAYS).in_days() == 7
    assert TimeLimit(value=0, unit=TimeUnit.IMMEDIATE).in_days() == 0


def test_material_defaults() -> None:
    m = Material(name="营业执照", form=[MaterialForm.ELECTRONIC])
    assert (m.necessity, m.copies, m.e_licence) == (Necessity.REQUIRED, 1, False)
