"""The JSON Schema for editors is committed and current; every field is documented."""

from __future__ import annotations

import json

from themes.__main__ import SCHEMA_PATH
from themes.__main__ import main as themes_cli
from themes.schema import ThemeFile, json_schema


def test_committed_json_schema_is_current() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == json_schema(), (
        f"{SCHEMA_PATH} is stale: run `python -m themes schema` and commit it"
    )
    assert themes_cli(["schema", "--check"]) == 0


def test_schema_check_fails_on_a_stale_file(tmp_path, monkeypatch, capsys) -> None:
    import themes.__main__ as cli

    stale = tmp_path / "theme.schema.json"
    stale.write_text("{}", encoding="utf-8")
    monkeypatch.setattr(cli, "SCHEMA_PATH", stale)
    assert themes_cli(["schema", "--check"]) == 1
    assert "is stale" in capsys.readouterr().err


def test_every_field_has_a_description() -> None:
    schema = json.loads(json_schema())
    undocumented = []
    for name, definition in {**schema["$defs"], "ThemeFile": schema}.items():
        for field, spec in definition.get("properties", {}).items():
            if not spec.get("description"):
                undocumented.append(f"{name}.{field}")
    assert not undocumented, f"fields without a description: {undocumented}"
    assert set(ThemeFile.model_fields) >= {
        "identity", "contact", "home", "features", "tokens",
    }  # fmt: skip
