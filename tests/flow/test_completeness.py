"""Every online item of every province folder has an application that collects every material
of the item (required ones from everyone, conditional ones under their condition) and leaves
delivery and payment to the checkout. The catalogue is read from the folders' own files
(``themes/<p>/catalogue/*`` through the catalogue readers), never from the database."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from app.domain.enums import Necessity
from app.domain.service_item import ServiceItem
from app.flow.completeness import (
    checkout_questions,
    coverage,
    material_fields,
    material_gaps,
    province_items,
)
from app.flow.derive import SITUATION_STEP, can_apply_online
from app.flow.forms import form_for_item
from app.flow.schema import FormDefinition
from app.flow.validate import is_visible

THEMES = Path(__file__).resolve().parents[2] / "themes"
FOLDERS = sorted(p.parent for p in THEMES.glob("*/theme.toml"))


def online_items(folder: Path) -> list[ServiceItem]:
    items, problems = province_items(folder)
    assert not problems, problems
    return [i for i in items if can_apply_online(i)]


def test_every_province_folder_is_read_and_has_online_items() -> None:
    assert len(FOLDERS) >= 4
    for folder in FOLDERS:
        assert online_items(folder), folder.name


def situation_answers(form: FormDefinition, condition: str, applies: bool) -> dict[str, str]:
    """Answers to every derived 提交情形 question: ``applies`` for ``condition``, no otherwise."""
    values = {}
    for step in form.steps:
        if step.id != SITUATION_STEP:
            continue
        for f in step.fields:
            values[f.name] = "yes" if applies and condition in f.label else "no"
    return values


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_every_online_item_collects_every_material(folder: Path) -> None:
    for item in online_items(folder):
        where = f"{folder.name}: {item.implementation_code} {item.name}"
        form = form_for_item(item, folder)
        assert form is not None, f"{where}: no application form"
        assert form.audience == str(item.audience), where
        assert material_gaps(form, item) == [], where
        by_material = material_fields(form)
        for m in item.materials:
            fields = by_material.get(m.name, [])
            assert fields, f"{where}: {m.name} has no field"
            if m.necessity is Necessity.REQUIRED:
                # asked of everyone, whatever the answers
                assert any(f.required and f.when is None for f in fields), f"{where}: {m.name}"
                continue
            if m.necessity is not Necessity.CONDITIONAL or not m.condition:
                continue
            derived_question = any(f.when and f.when.field.startswith("situation_") for f in fields)
            if derived_question:
                # the derived question on its condition shows it, and only then
                yes = situation_answers(form, m.condition, applies=True)
                no = situation_answers(form, m.condition, applies=False)
                assert any(is_visible(form, f, yes) and f.required for f in fields), where
                assert not any(is_visible(form, f, no) for f in fields), where
            else:
                # the form's own question decides it: an answer that shows it, required then
                shown = [
                    f
                    for f in fields
                    if f.when is None or is_visible(form, f, {f.when.field: f.when.in_[0]})
                ]
                assert shown, f"{where}: {m.name} is never shown"
                assert any(f.required for f in shown if f.when is not None) or any(
                    f.when is None for f in shown
                ), where


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_no_form_asks_what_the_checkout_asks(folder: Path) -> None:
    for item in online_items(folder):
        form = form_for_item(item, folder)
        assert form is not None
        found = [(f.name, what) for f, what in checkout_questions(form, item)]
        assert found == [], f"{folder.name}: {item.implementation_code} {item.name}: {found}"


def test_an_applicants_own_id_card_is_an_e_licence_field() -> None:
    """居民身份证换领: the ID card the citizen signed in with is a field (the one-tap e-licence
    of the real-name identity, or an upload), never left to the counter."""
    folder = THEMES / "shandong"
    item = next(i for i in online_items(folder) if i.name == "居民身份证换领")
    form = form_for_item(item, folder)
    assert form is not None and form.origin == "extended"
    (card,) = material_fields(form)["申请人居民身份证"]
    assert card.licence == "居民身份证" and card.required and card.when is None
    assert form.steps[0].id == "applicant"


# -- the checks themselves find what is missing ------------------------------------------------
def _folder_with(tmp_path: Path, data: dict) -> Path:
    (tmp_path / "forms").mkdir(exist_ok=True)
    path = tmp_path / "forms" / f"{data['key']}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return tmp_path


def _id_card_item() -> ServiceItem:
    return next(i for i in online_items(THEMES / "sichuan") if i.name == "居民身份证换领")


REPLACING = {
    "key": "001018000000",
    "title": "居民身份证换领",
    "audience": "个人",
    "declaration": "本人承诺。",
    "sensitive_consent": "我同意。",
    "next_steps": ["审核。"],
    "steps": [
        {
            "id": "collect",
            "title": "领取",
            "fields": [
                {"name": "photo", "kind": "file", "label": "照片", "material": "近期免冠证件照片"},
                {
                    "name": "how",
                    "kind": "radio",
                    "label": "新证件如何领取？",
                    "options": [
                        {"value": "counter", "label": "到窗口领取"},
                        {"value": "post", "label": "邮政寄递"},
                    ],
                },
                {
                    "name": "card",
                    "kind": "file",
                    "label": "身份证",
                    "material": "申请人居民身份证",
                    "when": {"field": "how", "in": ["post"]},
                },
            ],
        }
    ],
}


def test_a_replacing_form_that_leaves_materials_out_is_found(tmp_path: Path) -> None:
    form = form_for_item(_id_card_item(), _folder_with(tmp_path, REPLACING))
    assert form is not None and form.origin == "hand-written"
    gaps = {g.material: g.reason for g in material_gaps(form, _id_card_item())}
    assert gaps == {
        "申请人居民身份证": "required, but the form asks for it only sometimes",
        "居民户口簿": "no field of the form provides it",
        "授权委托书及受托人身份证件": "no field of the form provides it",
    }
    assert [(f.name, what) for f, what in checkout_questions(form, _id_card_item())] == [
        ("how", "delivery")
    ]
    figures = coverage(tmp_path)  # no catalogue in the folder: nothing to count
    assert (figures.online, figures.complete) == (0, 0)


def test_an_extension_keeps_the_derived_materials(tmp_path: Path) -> None:
    extension = REPLACING | {"extends_derived": True}
    extension["steps"] = [
        {**REPLACING["steps"][0], "fields": REPLACING["steps"][0]["fields"][:1]},
    ]
    form = form_for_item(_id_card_item(), _folder_with(tmp_path, extension))
    assert form is not None and form.origin == "extended"
    assert material_gaps(form, _id_card_item()) == []
    # the extension's own photo upload replaces the derived one, and the 提交情形 question
    # that only decided the photo is gone; the one on 委托他人代为办理的 stays
    assert material_fields(form)["近期免冠证件照片"][0].name == "photo"
    labels = [f.label for s in form.steps if s.id == SITUATION_STEP for f in s.fields]
    assert len(labels) == 1 and "委托他人代为办理的" in labels[0]


def test_a_situation_question_wording_about_fees_is_not_a_payment_question() -> None:
    """The derived questions use the catalogue's wording (需核定视同缴费年限的): not counted."""
    item = next(i for i in online_items(THEMES / "shandong") if i.name == "基本养老金申领")
    form = form_for_item(item, THEMES / "shandong")
    assert form is not None
    assert any("缴费" in f.label for f in form.fields())
    assert checkout_questions(form, item) == []


def test_the_coverage_of_a_folder_counts_its_own_catalogue() -> None:
    figures = coverage(THEMES / "shandong")
    assert figures.online == len(online_items(THEMES / "shandong"))
    assert figures.with_form == figures.complete == figures.online
    assert figures.asking_checkout == 0 and figures.incomplete == []
