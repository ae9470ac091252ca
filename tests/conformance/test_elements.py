"""Catalogue conformance of single records: each element and consistency rule can fail, and a
failure names the field, the element and the change to make in the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conformance.elements import check_record
from conformance.findings import CONSISTENCY, ELEMENT, Context
from conformance.inputs import OnlineForm, area_names

AREAS = area_names("37")


def ctx(form: OnlineForm | None = None, areas: dict[str, str] | None = AREAS) -> Context:
    return Context("catalogue/items.json", "37", areas, form, "forms/{code}.yaml")


FORM_WITH_BOTH = OnlineForm(Path("forms/x.yaml"), frozenset({"payment", "delivery"}))


def findings(data: dict[str, Any], context: Context | None = None, kind: str = ELEMENT):
    result = check_record(data, "record 7", context or ctx(FORM_WITH_BOTH))
    return {f.field: f for f in result.findings if f.kind == kind}, result


def test_every_seed_item_has_every_element(records: list[dict[str, Any]]) -> None:
    for data in records:
        found, result = findings(data)
        assert not found, (data["implementation_code"], found)
        assert result.element_checks > 30 and result.element_score == 1.0


def test_time_limit_without_unit(record: dict[str, Any]) -> None:
    record["promised_limit"] = {"value": 5}
    found, result = findings(record)
    f = found["promised_limit"]
    assert f.element == "承诺办结时限"
    assert "no value with a unit" in f.problem
    assert f.fix.startswith("In catalogue/items.json, record 7:")
    assert "工作日" in f.fix and "`promised_limit`" in f.fix
    assert f.item == record["implementation_code"]
    assert result.element_score < 1.0 and not result.conformant


def test_time_limit_with_an_unknown_unit_and_immediate_with_days(record: dict[str, Any]) -> None:
    record["statutory_limit"] = {"value": 5, "unit": "天"}
    record["promised_limit"] = {"value": 3, "unit": "即办"}
    found, _ = findings(record)
    assert "'天' is not a unit" in found["statutory_limit"].problem
    assert "即办 is 0" in found["promised_limit"].problem


def test_uscc_check_character(record: dict[str, Any]) -> None:
    code = record["department_code"]
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    record["department_code"] = wrong
    record["implementation_code"] = record["implementation_code"].replace(code, wrong)
    found, _ = findings(record)
    assert "check character" in found["department_code"].problem
    assert "check character" in found["implementation_code"].problem


def test_code_parts_must_agree(record: dict[str, Any]) -> None:
    record["basic_code"] = "999999000000"
    found, _ = findings(record)
    assert "differs from basic_code" in found["implementation_code"].problem


def test_area_code_of_another_province_and_an_unknown_one(record: dict[str, Any]) -> None:
    area = record["area_code"]
    elsewhere = "51" + area[2:]
    record["area_code"] = elsewhere
    record["implementation_code"] = record["implementation_code"].replace(area, elsewhere)
    found, _ = findings(record)
    assert "not in this province" in found["area_code"].problem
    assert "start with 37" in found["area_code"].problem

    unknown = "379999000000"
    record["area_code"] = unknown
    record["implementation_code"] = record["implementation_code"].replace(elsewhere, unknown)
    found, _ = findings(record)
    assert "not a division of this province" in found["area_code"].problem
    found, _ = findings(record, ctx(FORM_WITH_BOTH, areas=None))  # no table: the prefix only
    assert "area_code" not in found


def test_level_must_match_the_area(record: dict[str, Any]) -> None:
    record["level"] = "省级" if record["level"] != "省级" else "县级"
    found, _ = findings(record)
    assert "does not match area_code" in found["level"].problem


def test_fee_basis_when_fees_are_charged(record: dict[str, Any]) -> None:
    record["fees"][0]["basis"] = ""
    found, _ = findings(record)
    assert found["fees"].problem.startswith("fees.0.basis is missing")
    assert "收费依据" in found["fees"].fix
    record["fees"] = []
    found, _ = findings(record)
    assert "no fee is listed" in found["fees"].problem


def test_conditional_material_needs_its_condition(record: dict[str, Any]) -> None:
    index = next(i for i, m in enumerate(record["materials"]) if m["necessity"] == "非必要")
    del record["materials"][index]["condition"]
    found, _ = findings(record)
    f = found[f"materials.{index}.condition"]
    assert f.element == "提交情形"
    assert f"`materials.{index}.condition`" in f.fix


def test_e_licence_flag_must_be_stated(record: dict[str, Any]) -> None:
    del record["materials"][0]["e_licence"]
    record["materials"][1]["necessity"] = "可选"
    found, _ = findings(record)
    assert found["materials.0.e_licence"].element == "是否可用电子证照"
    assert "must be stated" in found["materials.0.e_licence"].problem
    assert "'可选' is not one of" in found["materials.1.necessity"].problem


def test_missing_flags_and_texts_are_missing_not_defaulted(record: dict[str, Any]) -> None:
    for key in ("appointment", "fee_required", "acceptance_conditions"):
        del record[key]
    record["consultation"] = []
    found, _ = findings(record)
    for key in ("appointment", "fee_required", "acceptance_conditions", "consultation"):
        assert key in found, key
        assert "missing" in found[key].problem


def test_not_an_object_is_reported_not_raised() -> None:
    result = check_record({}, "record 0", ctx())
    assert result.element_score < 0.2
    assert {"name", "implementation_code", "promised_limit"} <= {f.field for f in result.findings}


def test_depth_against_visits(record: dict[str, Any]) -> None:
    record.update(online_depth="四级", visits=1)
    found, _ = findings(record, kind=CONSISTENCY)
    assert "四级 (fully online) but visits = 1" in found["visits"].problem
    record.update(online_depth="三级", visits=0)
    found, _ = findings(record, kind=CONSISTENCY)
    assert "visits = 0 (no visit)" in found["visits"].problem
    record.update(online_depth="三级", visits=2)
    found, _ = findings(record, kind=CONSISTENCY)
    assert "at most one visit" in found["visits"].problem


def test_online_depth_needs_an_online_application(record: dict[str, Any]) -> None:
    record.update(online_depth="三级", visits=1)
    found, _ = findings(record, ctx(form=None), kind=CONSISTENCY)
    f = found["online_depth"]
    assert "no online application" in f.problem
    assert f"forms/{record['basic_code']}.yaml" in f.fix


def test_express_delivery_needs_a_delivery_step(record: dict[str, Any]) -> None:
    form = OnlineForm(Path("forms/x.yaml"), frozenset({"payment"}))
    record.update(express_delivery=True, online_payment=True)
    found, _ = findings(record, ctx(form), kind=CONSISTENCY)
    assert "no delivery step" in found["express_delivery"].problem
    assert "x.yaml" in found["express_delivery"].fix
    assert "online_payment" not in found


def test_fees_against_payment(record: dict[str, Any]) -> None:
    form = OnlineForm(Path("forms/x.yaml"), frozenset({"delivery"}))
    record.update(online_payment=True)
    found, _ = findings(record, ctx(form), kind=CONSISTENCY)
    assert "no payment step" in found["online_payment"].problem
    record.update(online_payment=True, fee_required=False, fees=[])
    found, _ = findings(record, ctx(FORM_WITH_BOTH), kind=CONSISTENCY)
    assert "charges no fee" in found["online_payment"].problem
    record.update(
        online_payment=False,
        fee_required=True,
        fees=[{"name": "x", "amount": "1.00", "basis": "y"}],
        online_depth="四级",
        visits=0,
    )
    found, _ = findings(record, ctx(FORM_WITH_BOTH), kind=CONSISTENCY)
    assert "without online payment" in found["online_payment"].problem


def test_consistency_does_not_lower_the_element_score(record: dict[str, Any]) -> None:
    record.update(online_depth="四级", visits=1)
    result = check_record(record, "record 0", ctx(None))
    assert result.element_score == 1.0 and result.conformant
    failed = {f.field for f in result.findings if f.kind == CONSISTENCY}
    assert failed == {"visits", "online_depth", "online_payment"}  # the fee needs paying online
