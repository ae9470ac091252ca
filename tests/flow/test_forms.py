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
