"""Form definitions: the shipped ones are valid and complete; bad files name file and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from app.flow.forms import FORMS_DIR, FormFileError, all_forms, has_form, parse_form

THEMES = Path(__file__).resolve().parents[2] / "themes"


def seed_items() -> dict[str, dict]:
    items = {}
    for path in THEMES.glob("*/catalogue/*.json"):
        for item in json.loads(path.read_text(encoding="utf-8"))["items"]:
            items.setdefault(item["basic_code"], item)
    return items


def test_at_least_six_items_with_a_person_a_business_and_a_bundle() -> None:
    forms = all_forms()
    items = [f for f in forms.values() if not f.is_bundle]
    assert len(items) >= 6
    assert {f.audience for f in items} == {"个人", "法人"}
    bundles = [f for f in forms.values() if f.is_bundle]
    assert bundles and all(len(b.members) >= 2 for b in bundles)


def test_every_form_belongs_to_a_catalogue_item_of_its_audience() -> None:
    items = seed_items()
    for form in all_forms().values():
        for code in form.members or [form.key]:
            assert code in items, f"{form.key}: {code} is not in the seed catalogue"
        if not form.is_bundle:
            assert items[form.key]["audience"] == form.audience, form.key
            assert items[form.key]["name"] == form.title, form.key


def test_every_kind_of_field_is_used() -> None:
    kinds = {f.kind for form in all_forms().values() for f in form.fields()}
    assert kinds == {
        "text", "id_number", "phone", "date", "select", "radio", "checkbox", "address", "file"
    }  # fmt: skip
    assert any(f.when for form in all_forms().values() for f in form.fields())
    assert any(f.prefill for form in all_forms().values() for f in form.fields())


def test_has_form() -> None:
    assert has_form("001018000000")
    assert has_form("yjs-birth")
    assert not has_form("002018000000")


def _write(tmp_path: Path, data: dict, name: str | None = None) -> Path:
    path = tmp_path / f"{name or data.get('key', 'x')}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _base() -> dict:
    return yaml.safe_load((FORMS_DIR / "001018000000.yaml").read_text(encoding="utf-8"))


def test_unknown_field_kind_names_file_and_field(tmp_path: Path) -> None:
    data = _base()
    data["steps"][1]["fields"][0]["kind"] = "slider"
    with pytest.raises(FormFileError) as err:
        parse_form(_write(tmp_path, data))
    problem = err.value.problems[0]
    assert problem.file.name == "001018000000.yaml"
    assert problem.field == "steps.1.fields.0.kind (field 'reason')"
    assert "slider" in problem.message or "Input should be" in problem.message


def test_condition_on_a_later_field_is_refused(tmp_path: Path) -> None:
    data = _base()
    data["steps"][1]["fields"][1]["when"] = {"field": "delivery", "in": ["post"]}
    with pytest.raises(FormFileError) as err:
        parse_form(_write(tmp_path, data))
    assert str(err.value.problems[0]) == (
        "001018000000.yaml: steps.1.fields.1.when.field: 'delivery' is not an earlier field"
    )


def test_condition_on_an_unknown_option_is_refused(tmp_path: Path) -> None:
    data = _base()
    data["steps"][1]["fields"][1]["when"] = {"field": "reason", "in": ["lost"]}
    with pytest.raises(FormFileError, match=r"when.in: \['lost'\] are not options of 'reason'"):
        parse_form(_write(tmp_path, data))


def test_duplicate_field_and_choice_without_options(tmp_path: Path) -> None:
    data = _base()
    data["steps"][2]["fields"][0]["name"] = "reason"
    with pytest.raises(FormFileError, match="duplicate field name 'reason'"):
        parse_form(_write(tmp_path, data))
    data = _base()
    data["steps"][1]["fields"][0]["options"] = []
    with pytest.raises(FormFileError, match=r"fields.0 \(field 'reason'\).*at least 2 options"):
        parse_form(_write(tmp_path, data))


def test_key_must_match_file_name(tmp_path: Path) -> None:
    with pytest.raises(FormFileError, match="key: '001018000000' must match the file name"):
        parse_form(_write(tmp_path, _base(), name="005018000000"))


def test_broken_yaml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("key: [unclosed", encoding="utf-8")
    with pytest.raises(FormFileError) as err:
        parse_form(path)
    assert err.value.problems[0].file == path


def test_bundle_needs_members_and_a_promise(tmp_path: Path) -> None:
    data = yaml.safe_load((FORMS_DIR / "yjs-birth.yaml").read_text(encoding="utf-8"))
    data["members"] = ["004013000000"]
    with pytest.raises(FormFileError, match="at least 2 items"):
        parse_form(_write(tmp_path, data))


# -- province folders, derived and extended forms, the command line -----------------------------
def _item(name: str):
    from app.domain.service_item import ServiceItem

    raw = next(i for i in seed_items().values() if i["name"] == name)
    return ServiceItem.model_validate(raw)


def test_a_province_folder_overrides_a_base_form_of_the_same_name(tmp_path: Path) -> None:
    """The lookup takes any folder: a form file there replaces the base one of its name."""
    from app.flow.forms import form_for_item, forms_in

    own = yaml.safe_load((FORMS_DIR / "001018000000.yaml").read_text(encoding="utf-8"))
    own["title"] = "居民身份证换领"
    own["steps"] = own["steps"][:1]
    (tmp_path / "forms").mkdir()
    _write(tmp_path / "forms", own)
    assert len(forms_in(tmp_path)["001018000000"].steps) == 1
    assert len(forms_in(None)["001018000000"].steps) == 4  # the base form is untouched
    assert len(form_for_item(_item("居民身份证换领"), tmp_path).steps) == 1


def test_every_online_item_has_a_form_listing_each_material() -> None:
    from app.flow.derive import can_apply_online, derived_form
    from app.flow.forms import form_for_item

    for raw in seed_items().values():
        from app.domain.service_item import ServiceItem

        item = ServiceItem.model_validate(raw)
        form = form_for_item(item)
        assert form is not None and can_apply_online(item), item.name
        derived = derived_form(item)
        assert [f.material for f in derived.fields() if f.kind == "file"] == [
            m.name for m in item.materials
        ]
        assert derived.audience == str(item.audience)


def test_an_item_below_level_three_has_no_derived_form() -> None:
    from app.domain.service_item import ServiceItem
    from app.flow.forms import form_for_item

    raw = next(i for i in seed_items().values() if i["name"] == "无犯罪记录证明")
    offline = ServiceItem.model_validate(
        raw | {"online": False, "online_depth": "二级", "visits": 1}
    )
    assert form_for_item(offline) is None


def test_a_hand_written_extension_is_laid_over_the_derived_form(tmp_path: Path) -> None:
    from app.flow.forms import form_for_item

    (tmp_path / "forms").mkdir()
    _write(tmp_path / "forms", {
        "key": "027018000000", "title": "无犯罪记录证明", "audience": "个人",
        "extends_derived": True,
        "steps": [{"id": "purpose", "title": "开具用途", "fields": [
            {"name": "purpose", "kind": "select", "label": "证明用于",
             "options": [{"value": "job", "label": "就业"}, {"value": "visa", "label": "出国签证"}]},
            {"name": "own_form", "kind": "file", "label": "查询申请表（本省样式）",
             "material": "查询申请表"},
        ]}],
    })  # fmt: skip
    form = form_for_item(_item("无犯罪记录证明"), tmp_path)
    assert form.origin == "extended"
    assert [s.id for s in form.steps] == ["applicant", "situation", "purpose", "materials"]
    assert form.declaration.startswith("本人承诺")  # the derived declaration is kept
    materials = [f.material for f in form.fields() if f.kind == "file"]
    assert materials == ["查询申请表", "申请人居民身份证"]  # asked once, by the extension


def test_an_incomplete_form_that_does_not_extend_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, {
        "key": "027018000000", "title": "t", "audience": "个人",
        "steps": [{"id": "a", "title": "A", "fields": [{"name": "x", "kind": "text", "label": "x"}]}],
    })  # fmt: skip
    with pytest.raises(FormFileError) as err:
        parse_form(path)
    assert next((p.field, p.message) for p in err.value.problems) == (
        "declaration",
        "required (unless the form sets extends_derived)",
    )


def test_show_prints_a_derived_form_as_json(capsys) -> None:
    from app.flow.forms.__main__ import main

    assert main(["show", "027018000000-370211000000-000-11370211459939353K-8-00", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["origin"] == "derived" and data["item"]["name"] == "无犯罪记录证明"
    assert [s["id"] for s in data["steps"]] == ["applicant", "situation", "materials"]
    assert all(m["field"] for m in data["materials"])
    assert main(["show", "038128000000", "--json", "--province", "shandong"]) == 0
    assert json.loads(capsys.readouterr().out)["audience"] == "法人"
    assert main(["show", "NOPE00000000"]) == 1
    assert "no catalogue item" in capsys.readouterr().err


def test_check_validates_every_province_folder(tmp_path: Path, capsys) -> None:
    from app.flow.forms.__main__ import main

    assert main(["check", "--province", "shandong"]) == 0
    assert "93 with an application" in capsys.readouterr().out
    (tmp_path / "theme.toml").write_text("", encoding="utf-8")
    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / "027018000000.yaml").write_text("key: [", encoding="utf-8")
    assert main(["check", "--province", str(tmp_path)]) == 1
    assert "027018000000.yaml" in capsys.readouterr().err
