"""Forms derived from an item's GB/T 39554.2 record: built from the kinds of elements, not
from particular items (every element below is varied on a copy of a seed record)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.domain.service_item import ServiceItem
from app.flow.derive import can_apply_online, conditions, derived_form, licence_kind

SEED = Path(__file__).resolve().parents[2] / "themes" / "sichuan" / "catalogue" / "items.json"


def raw(name: str) -> dict:
    return next(
        i for i in json.loads(SEED.read_text(encoding="utf-8"))["items"] if i["name"] == name
    )


def material(name: str, necessity: str = "必要", condition: str | None = None, e_licence=False):
    m = {"name": name, "necessity": necessity, "form": ["原件"], "e_licence": e_licence}
    return m | ({"condition": condition} if condition else {})


def test_one_question_per_distinct_condition_and_materials_follow_their_answer() -> None:
    item = ServiceItem.model_validate(raw("就业登记") | {"materials": [
        material("申请人居民身份证", e_licence=True),
        material("劳动合同", "非必要", "单位就业的"),
        material("社会保险缴费证明", "非必要", "单位就业的"),
        material("营业执照", "非必要", "自主创业的", e_licence=True),
        material("补充说明", "容缺"),
    ]})  # fmt: skip
    assert conditions(item) == ["单位就业的", "自主创业的"]
    form = derived_form(item)
    assert [s.id for s in form.steps] == ["applicant", "situation", "materials"]
    questions = form.steps[1].fields
    assert [q.name for q in questions] == ["situation_1", "situation_2"]
    assert "劳动合同、社会保险缴费证明" in questions[0].hint
    files = {f.material: f for f in form.steps[2].fields}
    assert files["劳动合同"].when.field == "situation_1"
    assert files["社会保险缴费证明"].when.field == "situation_1"
    assert files["营业执照"].when.field == "situation_2" and files["营业执照"].licence == "营业执照"
    assert (
        files["申请人居民身份证"].licence == "居民身份证" and files["申请人居民身份证"].when is None
    )
    assert files["补充说明"].required is False and "容缺" in files["补充说明"].hint


def test_no_conditions_no_situation_step_and_no_materials_no_materials_step() -> None:
    plain = ServiceItem.model_validate(raw("就业登记") | {"materials": [material("申请表")]})
    assert [s.id for s in derived_form(plain).steps] == ["applicant", "materials"]
    bare = ServiceItem.model_validate(raw("就业登记") | {"materials": []})
    assert [s.id for s in derived_form(bare).steps] == ["applicant"]


def test_the_audience_decides_the_applicant_and_the_declaration() -> None:
    company = ServiceItem.model_validate(raw("发票申领"))
    form = derived_form(company)
    assert form.audience == "法人" and form.declaration.startswith("本单位承诺")
    assert {f.prefill for f in form.steps[0].fields} == {
        "org_name",
        "uscc",
        "name",
        "id_number",
        "phone",
    }
    person = derived_form(ServiceItem.model_validate(raw("发票申领") | {"audience": "个人"}))
    assert person.audience == "个人" and person.declaration.startswith("本人承诺")
    assert company.department in form.sensitive_consent and company.name in form.sensitive_consent


def test_the_promise_and_the_process_become_the_next_steps() -> None:
    item = ServiceItem.model_validate(raw("无犯罪记录证明"))
    steps = derived_form(item).next_steps
    limit = item.promised_limit
    assert f"{limit.value} 个{limit.unit}" in steps[0] and item.department in steps[0]
    assert steps[1:] == [f"{s.name}：{s.description}" for s in item.steps[1:]]


@pytest.mark.parametrize(("depth", "online", "visits", "expected"), [
    ("四级", True, 0, True), ("三级", True, 1, True), ("二级", False, 2, False),
    ("一级", False, 2, False),
])  # fmt: skip
def test_online_depth_decides(depth: str, online: bool, visits: int, expected: bool) -> None:
    item = ServiceItem.model_validate(
        raw("无犯罪记录证明") | {"online_depth": depth, "online": online, "visits": visits}
    )
    assert can_apply_online(item) is expected


def test_only_the_applicants_own_licence_replaces_a_material() -> None:
    from app.domain.service_item import Material

    assert (
        licence_kind(Material.model_validate(material("申请人居民身份证", e_licence=True)))
        == "居民身份证"
    )
    assert (
        licence_kind(Material.model_validate(material("父母居民身份证", e_licence=True)))
        == "父母居民身份证"
    )
    assert licence_kind(Material.model_validate(material("营业执照"))) == ""


def test_a_province_folders_translations_reach_its_derived_forms(tmp_path: Path) -> None:
    """The folder's translations.toml names its own materials and conditions in English: its
    derived form reads them; without the folder (first: the texts are this test's own) they
    stay Chinese, shown marked zh-Hans."""
    from app.flow.forms import form_for_item
    from app.text import pick, stext

    item = ServiceItem.model_validate(raw("就业登记") | {"materials": [
        material("申请人居民身份证", e_licence=True),
        material("乡村振兴示范协议书", "非必要", "参加示范项目的"),
    ]})  # fmt: skip
    (tmp_path / "translations.toml").write_text(
        '[en.names]\n"乡村振兴示范协议书" = "Rural revitalisation agreement"\n'
        '"参加示范项目的" = "if you take part in a pilot project"\n',
        encoding="utf-8",
    )

    def english(form, step: str, name: str) -> str:
        fields = {f.name: f for s in form.steps if s.id == step for f in s.fields}
        return pick(stext(fields[name].label), "en")

    base = form_for_item(item, None)
    assert base is not None
    upload = next(f for f in base.steps[2].fields if f.material == "乡村振兴示范协议书")
    assert pick(stext(upload.label), "en") == "乡村振兴示范协议书"
    assert "参加示范项目的" in english(base, "situation", "situation_1")

    own = form_for_item(item, tmp_path)
    assert own is not None
    upload = next(f for f in own.steps[2].fields if f.material == "乡村振兴示范协议书")
    assert pick(stext(upload.label), "en") == "Rural revitalisation agreement"
    assert "if you take part in a pilot project" in english(own, "situation", "situation_1")
