"""The catalogue file's JSON Schema is current and accepts every built-in catalogue."""

from __future__ import annotations

import json

import jsonschema

from app.catalogue.provinces import catalogue_files_in
from app.catalogue.schema import SCHEMA_PATH, json_schema
from themes import THEMES_DIR, available_provinces


def test_committed_schema_is_current() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == json_schema(), (
        "run python -m app.catalogue schema"
    )


def test_every_built_in_catalogue_file_validates_and_a_broken_record_does_not() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    doc = None
    for code in available_provinces():
        for path in catalogue_files_in(THEMES_DIR / code):
            doc = json.loads(path.read_text(encoding="utf-8"))
            errors = list(validator.iter_errors(doc))
            assert not errors, (path, errors[:1])
    assert doc is not None
    broken = doc["items"][0] | {"visits": "one", "nmae": "x"}
    assert not validator.is_valid([broken])
