"""Server-side field checks, conditions, prefill and display masking."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from app.domain.identity import Identity
from app.domain.service_item import ServiceItem
from app.flow.forms import form_for_item, get_form
from app.flow.validate import (
    check_all,
    check_field,
    check_step,
    cleaned,
    display,
    is_visible,
    prefilled,
    with_locked,
)

SHANDONG = Path(__file__).resolve().parents[2] / "themes" / "shandong"


def the_form(basic_code: str):
    """The form a citizen gets for the item (the hand-written part laid over the derived)."""
    items = json.loads((SHANDONG / "catalogue" / "items.json").read_text(encoding="utf-8"))
    raw = next(i for i in items["items"] if i["basic_code"] == basic_code)
    form = form_for_item(ServiceItem.model_validate(raw), SHANDONG)
    assert form is not None
    return form


ID_CARD = the_form("001018000000")
HOUSING = the_form("009068000000")
COMPANY = get_form("030111000000")
ALICE = Identity("alice", "张三", "37010219850312002X", "13800135678", 3)


def test_id_number_check_digit() -> None:
    spouse = HOUSING.field("spouse_id")
    assert check_field(spouse, {"spouse_id": "37010219850312002X"}, "37") is None
    assert "校验码" in check_field(spouse, {"spouse_id": "370102198503120021"}, "37")
    assert "18 位" in check_field(spouse, {"spouse_id": "3701021985"}, "37")
    assert "请填写" in check_field(spouse, {}, "37")


def test_phone_date_and_choices() -> None:
    phone = ID_CARD.field("phone")
    assert check_field(phone, {"phone": "13800135678"}, "37") is None
    assert "11 位手机号码" in check_field(phone, {"phone": "0531-1234567"}, "37")
    since = get_form("005018000000").field("since")
    assert "真实的日期" in check_field(since, {"since": "2024-02-30"}, "37")
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    assert "不能晚于今天" in check_field(since, {"since": tomorrow}, "37")
    reason = ID_CARD.field("reason")
    assert "请选择" in check_field(reason, {}, "37")
    assert "列出的选项" in check_field(reason, {"reason": "lost"}, "37")
    scope = COMPANY.field("scope")
    assert check_field(scope, {"scope": "software,food"}, "37") is None
    assert "列出的选项" in check_field(scope, {"scope": "software,guns"}, "37")


def test_address_needs_a_known_division_and_a_street() -> None:
    station = ID_CARD.field("station")
    assert "区县" in check_field(station, {}, "37")
    assert "从列表" in check_field(station, {"station": "510104000000"}, "37")
    assert "门牌号" in check_field(station, {"station": "370102000000"}, "37")
    ok = {"station": "370102000000", "station.detail": "历山路 1 号"}
    assert check_field(station, ok, "37") is None
    assert display(station, ok, "37") == "济南市历下区 历山路 1 号"


def test_conditional_fields_are_checked_and_kept_only_when_shown() -> None:
    step = HOUSING.steps[1]
    assert check_step(HOUSING, step, {"marital": "single"}, "37") == {}
    errors = check_step(HOUSING, step, {"marital": "married"}, "37")
    assert list(errors) == ["spouse_name", "spouse_id"]
    values = {"marital": "single", "spouse_name": "王五", "spouse_id": "x"}
    assert "spouse_name" not in cleaned(HOUSING, values)
    # checkbox conditions: any chosen option in the list shows the field
    plan = COMPANY.field("food_license_plan")
    assert is_visible(COMPANY, plan, {"scope": "software,food"})
    assert not is_visible(COMPANY, plan, {"scope": "software"})


def test_check_all_reports_step_of_each_error() -> None:
    found = check_all(ID_CARD, {"reason": "expired"}, "37")
    assert found["expiry_date"][0] == 2  # applicant, situation, then the item's reason
    assert found["station"][0] == 3
    assert found["material_2"][0] == 4  # 居民户口簿, required of everyone
    assert "changed_item" not in found


def test_prefill_and_locked_fields_come_from_identity() -> None:
    assert prefilled(ID_CARD, ALICE) == {
        "name": "张三",
        "id_number": "37010219850312002X",
        "phone": "13800135678",
    }
    forged = with_locked(ID_CARD, {"name": "冒名", "phone": "13900000000"}, ALICE)
    assert forged["name"] == "张三"  # locked: the client's value is ignored
    assert forged["phone"] == "13900000000"  # not locked: the citizen may change it


def test_sensitive_values_are_masked_unless_revealed() -> None:
    values = {"id_number": "37010219850312002X", "phone": "13800135678"}
    assert display(ID_CARD.field("id_number"), values, "37") == "3701**********002X"
    assert display(ID_CARD.field("phone"), values, "37") == "138****5678"
    assert display(ID_CARD.field("id_number"), values, "37", reveal=True) == values["id_number"]
