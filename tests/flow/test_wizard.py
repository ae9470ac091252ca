"""The wizard as a plain step machine: navigation, conditional steps, e-licences, the gate and
the checks before submitting, driven without Reflex and without patching any check."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.domain import rules
from app.domain.identity import Identity
from app.domain.service_item import ServiceItem
from app.flow.derive import derived_form
from app.flow.forms import form_for_item
from app.flow.schema import FormDefinition
from app.flow.wizard import (
    CONSENT_TARGET,
    DECLARATION_TARGET,
    KEY_TARGET,
    LICENCE_PREFIX,
    Progress,
    Wizard,
    gate,
    register_step_kind,
    unregister_step_kind,
)

SEED = Path(__file__).resolve().parents[2] / "themes" / "shandong" / "catalogue" / "items.json"
ALICE = Identity("alice", "张三", "37010219850312002X", "13800135678", 3)
WEAK = Identity("weak", "王芳", "510107199006250037", "18628001122", 1)
COMPANY = Identity(
    "firm", "赵建国", "370102197801011513", "13705310909", 3, kind="business",
    org_name="济南泉城示例科技有限公司", uscc="91370102MA3C4R7X2T",
)  # fmt: skip
KEY = "k" * 32
SIGNED = {"declaration": "yes", "consent": "yes"}


def item(name: str) -> ServiceItem:
    for raw in json.loads(SEED.read_text(encoding="utf-8"))["items"]:
        if raw["name"] == name:
            return ServiceItem.model_validate(raw)
    raise LookupError(name)


def wizard_for(name: str) -> Wizard:
    return Wizard(derived_form(item(name)), "37")


def test_a_derived_application_from_continue_to_submit() -> None:
    """居民身份证丢失补领: applicant, one situation question, materials, check, submit."""
    w = wizard_for("居民身份证丢失补领")
    assert [p.kind for p in w.pages] == ["questions"] * 3 + ["check"]
    p = w.open(ALICE)
    assert (p.page, p.values["name"], p.values["id_number"]) == (0, "张三", ALICE.id_number)
    # the locked name cannot be changed; the phone can
    assert not w.set_answer(p, "name", "冒名", ALICE) and p.values["name"] == "张三"
    assert w.set_answer(p, "phone", "123", ALICE)
    out = w.continue_(p)
    assert out.action == "errors" and "11 位手机号码" in out.errors["phone"] and p.page == 0
    w.set_answer(p, "phone", "13900001111", ALICE)
    assert w.continue_(p).action == "page" and p.page == 1
    # one question per condition; none answered: an error naming it
    out = w.continue_(p)
    assert list(out.errors) == ["situation_1"] and "请选择" in out.errors["situation_1"]
    w.set_answer(p, "situation_1", "yes", ALICE)
    assert w.continue_(p).page == 2
    photo = next(f for f in w.fields_on(2) if f.material == "近期免冠证件照片")
    out = w.continue_(p, owned_files=set())
    assert photo.name in out.errors  # applies now: 不在窗口现场采集照片的 = yes
    # back to the situation, answer no: the photo is not asked for any more
    assert w.back(p).page == 1
    w.set_answer(p, "situation_1", "no", ALICE)
    w.continue_(p)
    out = w.continue_(p, owned_files=set())
    assert photo.name not in out.errors and out.errors  # the other materials still missing
    for f in w.fields_on(2):
        p.values[f.name] = f"file-{f.name}"
    owned = {v for k, v in p.values.items() if k.startswith("material_")}
    assert w.continue_(p, owned).page == w.check_page
    # submit: a bad key, then declaration and consent, then in
    assert w.submit(p, ALICE, SIGNED, "short", owned).errors.keys() == {KEY_TARGET}
    missing = w.submit(p, ALICE, {}, KEY, owned)
    assert missing.errors.keys() == {DECLARATION_TARGET, CONSENT_TARGET}
    done = w.submit(p, ALICE, SIGNED, KEY, owned)
    assert done.action == "submit"
    assert done.values["name"] == "张三" and done.values["situation_1"] == "no"
    assert photo.name not in done.values  # an answer to a hidden question is never stored


def test_change_from_the_check_page_comes_back_to_it() -> None:
    w = wizard_for("无犯罪记录证明")
    p = w.open(ALICE)
    p.values |= {"situation_1": "no", "material_1": "f1"}
    p.page = w.check_page
    assert w.change(p, 1).page == 1 and p.back_to_check
    w.set_answer(p, "situation_1", "yes", ALICE)
    assert w.continue_(p).page == w.check_page  # straight back, not to the next page
    # the new answer makes a material required: submitting sends the citizen to it
    out = w.submit(p, ALICE, SIGNED, KEY, {"f1"})
    assert out.action == "errors" and out.page == 2 and "material_2" in out.errors
    assert w.change(Progress(page=0), 1).action == "ignored"  # only from the check page
    assert w.change(p, 99).action == "ignored"


def test_steps_whose_questions_are_all_hidden_are_skipped() -> None:
    form = FormDefinition.model_validate({
        "key": "T00000000001", "title": "t", "audience": "个人", "declaration": "d",
        "sensitive_consent": "c", "next_steps": ["n"],
        "steps": [
            {"id": "a", "title": "A", "fields": [{"name": "kind", "kind": "radio", "label": "k",
             "options": [{"value": "x", "label": "X"}, {"value": "y", "label": "Y"}]}]},
            {"id": "b", "title": "B", "fields": [{"name": "only_x", "kind": "text",
             "label": "ox", "when": {"field": "kind", "in": ["x"]}}]},
            {"id": "c", "title": "C", "fields": [{"name": "last", "kind": "text", "label": "l"}]},
        ],
    })  # fmt: skip
    w = Wizard(form, "37")
    p = w.open(ALICE)
    w.set_answer(p, "kind", "y", ALICE)
    assert w.continue_(p).page == 2  # step b has nothing to ask
    assert w.back(p).page == 0
    w.set_answer(p, "kind", "x", ALICE)
    assert w.continue_(p).page == 1
    assert w.back(p).page == 0 and w.back(p).action == "intro"
    # a draft saved on a page that is now hidden resumes on the next shown one
    assert w.open(ALICE, {"kind": "y"}, 1).page == 2


def test_answers_only_for_the_current_page() -> None:
    w = wizard_for("无犯罪记录证明")
    p = w.open(ALICE)
    assert not w.set_answer(p, "situation_1", "yes", ALICE)  # a question of another page
    assert not w.set_answer(p, "phone.detail", "x", ALICE)  # a detail of a non-address
    assert not w.set_answer(p, "material_1", "someone-elses-file", ALICE)  # files: upload only
    assert "situation_1" not in p.values and "material_1" not in p.values
    w.take_post(p, {"phone": "13911112222", "name": "冒名", "situation_1": "yes"}, ALICE)
    assert (p.values["phone"], p.values["name"]) == ("13911112222", "张三")
    assert "situation_1" not in p.values


def test_an_e_licence_replaces_an_upload_only_when_it_is_the_citizens_and_of_the_kind() -> None:
    w = wizard_for("无犯罪记录证明")
    p = w.open(ALICE, {"situation_1": "no"}, 2)
    mine = {"lic-1": {"id": "lic-1", "kind": "居民身份证", "title": "居民身份证（张三）"}}
    other_kind = {"lic-2": {"id": "lic-2", "kind": "营业执照", "title": "x"}}
    assert not w.use_licence(p, "material_1", other_kind)
    assert not w.use_licence(p, "material_2", mine)  # 查询申请表 has no e-licence
    assert w.use_licence(p, "material_1", mine)
    assert p.values["material_1"] == LICENCE_PREFIX + "lic-1"
    assert w.continue_(p, owned_files={LICENCE_PREFIX + "lic-1"}).page == w.check_page
    # a licence id the state did not confirm as the citizen's does not count
    p.page = 2
    assert "material_1" in w.continue_(p, owned_files=set()).errors


def test_the_eligibility_gate() -> None:
    person = derived_form(item("无犯罪记录证明"))
    business = derived_form(item("发票申领"))
    assert gate(person, ALICE) is None
    assert "二级实名" in gate(person, WEAK) and "一级实名" in gate(person, WEAK)
    assert "个人账号" in gate(person, COMPANY)
    assert "法人账号" in gate(business, ALICE)
    assert gate(business, COMPANY) is None


def test_a_legal_person_form_is_prefilled_from_the_company_account() -> None:
    w = Wizard(derived_form(item("发票申领")), "37")
    p = w.open(COMPANY)
    assert p.values["org_name"] == "济南泉城示例科技有限公司"
    assert p.values["uscc"] == "91370102MA3C4R7X2T"
    assert p.values["agent_name"] == "赵建国"
    locked = {f.name for f in w.fields_on(0) if f.locked}
    assert locked == {"org_name", "uscc", "agent_name", "agent_id_number"}


@dataclass
class Payment:
    """A step kind as issue 15's payment would register it (answers decide if it is done)."""

    name: str = "payment"
    title: str = "缴费"

    def applies(self, form: FormDefinition) -> bool:
        return form.key == "027018000000"

    def problems(self, form: FormDefinition, values) -> dict[str, str]:
        return {} if values.get("payment.paid") == "yes" else {"pay-button": "请先缴费"}


def test_a_registered_step_kind_sits_before_the_check_page_and_blocks_submitting() -> None:
    kind = Payment()
    register_step_kind(kind)
    try:
        with pytest.raises(ValueError, match="already registered"):
            register_step_kind(Payment())
        w = wizard_for("无犯罪记录证明")
        assert [p.kind for p in w.pages][-2:] == ["payment", "check"]
        assert [p.kind for p in wizard_for("发票申领").pages][-1:] == ["check"]
        p = w.open(ALICE, {"situation_1": "no", "material_1": "f"}, 2)
        assert w.continue_(p, {"f"}).page == 3  # the payment page
        assert w.continue_(p, {"f"}).errors == {"pay-button": "请先缴费"}
        p.page = w.check_page
        out = w.submit(p, ALICE, SIGNED, KEY, {"f"})
        assert out.action == "errors" and out.page == 3
        p.page = w.check_page
        assert not w.set_step_value(p, "payment.paid", "yes")  # not on the payment page
        assert not w.set_step_value(p, "material_1", "forged")
        p.page = 3
        assert not w.set_step_value(p, "delivery.address", "x")  # another kind's key
        assert w.set_step_value(p, "payment.paid", "yes")
        assert w.continue_(p, {"f"}).page == w.check_page
        done = w.submit(p, ALICE, SIGNED, KEY, {"f"})
        assert done.action == "submit" and done.values["payment.paid"] == "yes"
    finally:
        unregister_step_kind("payment")


def test_a_hand_written_form_still_drives_the_same_machine() -> None:
    """居民身份证换领: the base form's own questions laid over the derived applicant, 提交情形
    and materials, on the same machine."""
    form = form_for_item(item("居民身份证换领"), SEED.parents[1])
    assert form is not None and form.origin == "extended"
    w = Wizard(form, "37")
    p = w.open(ALICE)
    assert w.continue_(p).page == 1  # the applicant is prefilled from identity
    w.set_answer(p, "situation_1", "yes", ALICE)
    w.set_answer(p, "situation_2", "no", ALICE)
    assert w.continue_(p).page == 2
    w.set_answer(p, "reason", "expired", ALICE)
    out = w.continue_(p)
    assert "expiry_date" in out.errors  # a conditional question on the same page


def test_one_definition_of_each_rule() -> None:
    import ast

    from app.adapters import backoffice
    from app.flow import store
    from app.flow.store import applications, evaluations, sessions

    assert backoffice.STATUSES is rules.STATUSES and applications.MOVES is rules.MOVES
    assert sessions.IDLE_TIMEOUT is rules.IDLE_TIMEOUT and evaluations.LEVELS is rules.LEVELS
    # no module of the application flow (its store, states, pages, back office) defines a name
    # of app/domain/rules.py again (the cashier's and the courier's STATUSES are their own)
    tree = ast.parse(Path(rules.__file__).read_text(encoding="utf-8"))
    names = {t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}  # fmt: skip
    names |= {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)}
    names |= {n.target.id for n in tree.body if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)}  # fmt: skip
    again = []
    root = Path(rules.__file__).parents[2]
    folders = (
        "app/flow",
        "app/state",
        "app/pages",
        "app/adapters/backoffice",
        "sandboxes/backoffice",
    )
    for path in (p for folder in folders for p in (root / folder).rglob("*.py")):
        for n in ast.parse(path.read_text(encoding="utf-8")).body:
            defined = (
                {t.id for t in n.targets if isinstance(t, ast.Name)} if isinstance(n, ast.Assign)
                else {n.name} if isinstance(n, ast.FunctionDef | ast.ClassDef) else set()
            )  # fmt: skip
            again += [f"{path.name}: {name}" for name in defined & names]
    assert (
        again == []
        and {"MOVES", "STATUSES", "Status", "Milestone", "valid_idempotency_key"} <= names
    )
    assert rules.valid_idempotency_key("a" * 16) and not rules.valid_idempotency_key("a" * 15)
    assert not rules.valid_idempotency_key("ä" * 20)  # letters of any script were let in before
    with pytest.raises(store.Refused):
        applications.submit("x", "ä" * 20, item_code="", form_key="", item_name="", department="",
                     area_code="", values={}, promised_days=0)  # fmt: skip
    assert rules.FINAL_STATUSES == ("completed", "rejected")
    assert all(not rules.MOVES[s] for s in rules.FINAL_STATUSES)
    from datetime import date

    friday = date(2026, 11, 27)
    assert rules.add_working_days(friday, 1) == date(2026, 11, 30)
    assert rules.working_days_between(friday, date(2026, 11, 30)) == 1
