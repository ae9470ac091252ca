"""The theme loader: the default province loads; every bad input names its file and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from themes import THEMES_DIR, ThemeError, load_theme, province_dir_from_env
from themes.__main__ import main as themes_cli

DEFAULT = THEMES_DIR / "shandong"


@pytest.fixture
def province(tmp_path: Path) -> Path:
    """A copy of the default province outside the repository, to break at will."""
    folder = tmp_path / "testprov"
    shutil.copytree(DEFAULT, folder)
    return folder


def edit(folder: Path, old: str, new: str) -> Path:
    path = folder / "theme.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not in theme.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def problems(folder: Path) -> list[tuple[str, str, str]]:
    with pytest.raises(ThemeError) as caught:
        load_theme(folder)
    return [(p.file.name, p.field, p.message) for p in caught.value.problems]


def test_default_province_loads_with_resolved_tokens() -> None:
    theme = load_theme(DEFAULT)
    assert theme.code == "shandong"
    assert theme.settings.identity.app_name == "爱山东"
    assert theme.html_lang == "zh-Hans"
    # the province's palette override flows through role and component tiers
    assert theme.value("--yw-header-bg") == "#0b57a4"
    assert theme.tokens["--yw-header-bg"] == "var(--yw-brand)"
    assert theme.css().startswith(":root{--yw-palette-")
    assert theme.mark_data_uri.startswith("data:image/svg+xml;base64,")


def test_environment_picks_province_and_folder(province: Path) -> None:
    assert province_dir_from_env({}) == DEFAULT
    assert province_dir_from_env({"YIWANG_PROVINCE": "shandong"}) == DEFAULT
    assert province_dir_from_env({"YIWANG_PROVINCE_DIR": str(province)}) == province
    assert load_theme(province).code == "testprov"


def test_unknown_province_names_the_variable_and_known_ones() -> None:
    with pytest.raises(ThemeError) as caught:
        province_dir_from_env({"YIWANG_PROVINCE": "atlantis"})
    message = str(caught.value)
    assert "YIWANG_PROVINCE" in message
    assert "'atlantis'" in message
    assert "shandong" in message


def test_malformed_toml_names_the_file(province: Path) -> None:
    edit(province, 'app_name = "爱山东"', 'app_name = "爱山东')
    [(file, field, message)] = problems(province)
    assert file == "theme.toml"
    assert field == ""
    assert "malformed TOML" in message
    assert "line" in message


def test_missing_required_field_is_named(province: Path) -> None:
    edit(province, 'host_unit = "山东省人民政府办公厅"\n', "")
    assert ("theme.toml", "contact.host_unit", "Field required") in problems(province)


def test_every_problem_is_reported_at_once(province: Path) -> None:
    edit(province, 'hotline = "12345"', 'hotline = "12-345"')
    edit(province, 'site_code = "3700000000"', 'site_code = "37"')
    edit(province, 'blue-700 = "#0b57a4"', 'blue-700 = "navy"')
    found = {(file, field) for file, field, _ in problems(province)}
    assert found >= {
        ("theme.toml", "contact.hotline"),
        ("theme.toml", "contact.site_code"),
        ("theme.toml", "tokens.palette.blue-700"),
    }


def test_unknown_section_and_token_are_refused(province: Path) -> None:
    edit(province, "[tokens.palette]", '[tokens.palette]\nbrand-purple = "#663399"')
    with (province / "theme.toml").open("a", encoding="utf-8") as fh:
        fh.write("\n[flavour]\nspicy = true\n")
    found = problems(province)
    assert ("theme.toml", "tokens.palette.brand-purple", "no such token in themes/base") in found
    assert any(field == "flavour" and "Extra inputs" in msg for _, field, msg in found)


def test_token_reference_must_resolve_and_not_loop(province: Path) -> None:
    edit(
        province,
        "[tokens.palette]",
        '[tokens.role]\ntext = "{palette.no-such}"\nlink = "{role.action}"\naction = "{role.link}"\n\n[tokens.palette]',
    )
    found = {field: message for _, field, message in problems(province)}
    assert "unknown token {palette.no-such}" in found["tokens.role.text"]
    assert "circular" in found["tokens.role.link"] or "circular" in found["tokens.role.action"]


def test_unsafe_css_value_is_refused(province: Path) -> None:
    edit(
        province,
        "[tokens.palette]",
        '[tokens.scale]\nfont-md = "1rem;}body{display:none"\n\n[tokens.palette]',
    )
    [(_, field, message)] = problems(province)
    assert field == "tokens.scale.font-md"
    assert "not a safe CSS value" in message


def test_mark_must_exist_inside_the_folder(province: Path) -> None:
    (province / "mark.svg").unlink()
    [(_, field, message)] = problems(province)
    assert field == "identity.mark"
    assert "file not found" in message
    edit(province, 'mark = "mark.svg"', 'mark = "../../etc/passwd.svg"')
    [(_, field, message)] = problems(province)
    assert message == "must stay inside the folder"


def test_cli_check_reports_ok_and_problems(
    province: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert themes_cli(["check", str(province)]) == 0
    assert "ok:" in capsys.readouterr().out
    edit(province, 'icp = "鲁ICP备00000000号-1"\n', "")
    assert themes_cli(["check", str(province)]) == 1
    err = capsys.readouterr().err
    assert "theme.toml: contact.icp: Field required" in err
