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
    assert any(field == "flavour" and "unknown key 'flavour'" in msg for _, field, msg in found)


def test_unknown_keys_suggest_the_nearest_valid_one(province: Path) -> None:
    edit(province, "[contact]", '[contact]\nhotlin = "12345"')
    edit(province, "[features]", "[features]\nelder_mod = true")
    found = {field: message for _, field, message in problems(province)}
    assert found["contact.hotlin"] == "unknown key 'hotlin'; did you mean 'hotline'?"
    assert found["features.elder_mod"] == "unknown key 'elder_mod'; did you mean 'elder_mode'?"


def test_division_must_be_a_province_of_the_table_and_match_its_name(province: Path) -> None:
    edit(province, 'division = "37"', 'division = "19"')
    found = {field: message for _, field, message in problems(province)}
    assert "'19' is not a province of the GB/T 2260 table" in found["identity.division"]
    edit(province, 'division = "19"', 'division = "51"')
    found = {field: message for _, field, message in problems(province)}
    assert "does not match division 51 (四川省)" in found["identity.province"]


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


def test_low_contrast_brand_is_refused_with_pair_ratio_file_and_fix(province: Path) -> None:
    edit(province, 'blue-700 = "#0b57a4"', 'blue-700 = "#6fa8dc"')  # a pale sky blue
    with pytest.raises(ThemeError) as caught:
        load_theme(province)
    header = [p for p in caught.value.problems if "on header-bg" in p.message]
    [problem] = header
    assert problem.file == province / "theme.toml"
    assert problem.field == "tokens.palette.blue-700"
    assert "header-text #ffffff on header-bg #6fa8dc" in problem.message
    assert "2.53:1, needs 4.5:1" in problem.message
    assert "component.header-bg -> role.brand -> palette.brand-700 -> palette.blue-700" in (
        problem.message
    )
    suggestion = problem.message.rsplit("nearest passing colour for header-bg: ", 1)[1]
    edit(province, 'blue-700 = "#6fa8dc"', f'blue-700 = "{suggestion}"')
    left = [message for *_, message in problems(province)]  # the header pair is fixed
    assert left and not [m for m in left if "on header-bg" in m]


def test_elder_override_is_checked_in_elder_mode_only(province: Path) -> None:
    with (province / "theme.toml").open("a", encoding="utf-8") as fh:
        fh.write('\n[tokens.elder.role]\ntext-muted = "#9ca3af"\n')
    found = problems(province)
    assert found, "a pale muted grey in elder mode must be refused"
    for file, field, message in found:
        assert (file, field) == ("theme.toml", "tokens.elder.role.text-muted")
        assert "elder mode" in message
    assert any("text-muted #9ca3af on surface #ffffff" in m for *_, m in found)


def test_elder_tokens_redeclare_dependents(province: Path) -> None:
    with (province / "theme.toml").open("a", encoding="utf-8") as fh:
        fh.write('\n[tokens.elder.palette]\nblue-700 = "#083f78"\n')
    theme = load_theme(province)
    # the brand is a var() chain: every token on it must be re-declared in the elder scope
    for name in ("--yw-palette-blue-700", "--yw-brand", "--yw-header-bg", "--yw-action"):
        assert name in theme.elder_tokens, name
    assert theme.elder_values["--yw-header-bg"] == "#083f78"
    assert theme.values["--yw-header-bg"] == "#0b57a4"
    assert theme.elder_values["--yw-scale-font-md"] == "1.25rem"  # base elder sizes
    css = theme.css()
    assert css.index(":root{") < css.index('[data-mode="elder"]{')
    scoped = theme.css('html[data-province="x"]')
    assert 'html[data-province="x"] [data-mode="elder"]{' in scoped


def test_favicon_and_languages_are_checked(province: Path) -> None:
    edit(province, 'mark = "mark.svg"', 'mark = "mark.svg"\nfavicon = "icon.png"')
    edit(province, 'languages = ["zh_Hans"]', 'languages = ["zh_Hans", "xx"]')
    found = {field: message for _, field, message in problems(province)}
    assert "file not found" in found["identity.favicon"]
    assert "no translation catalogue for 'xx'" in found["features.languages.1"]
    (province / "icon.png").write_bytes(b"GIF89a")
    edit(province, 'languages = ["zh_Hans", "xx"]', 'languages = ["zh_Hans"]')
    assert [(f, m) for _, f, m in problems(province)] == [("identity.favicon", "not a PNG file")]


def test_the_old_sources_table_says_where_content_goes_now(province: Path) -> None:
    edit(province, "[features]", '[sources]\ncatalogue = "catalogue.yaml"\n\n[features]')
    found = {field: message for _, field, message in problems(province)}
    assert "catalogue/" in found["sources"] and "synonyms.toml" in found["sources"]


def test_home_sections_need_their_content(province: Path) -> None:
    edit(province, 'sections = ["search",', 'sections = ["hero", "search", "search",')
    found = {field: message for _, field, message in problems(province)}
    assert "repeated: search" in found["home.sections"]
    edit(province, '"hero", "search", "search",', '"hero", "search",')
    found = {field: message for _, field, message in problems(province)}
    assert "hero.title is empty" in found["home"]


def test_default_language_must_be_offered(province: Path) -> None:
    edit(province, 'default_language = "zh_Hans"', 'default_language = "ug"')
    found = {field: message for _, field, message in problems(province)}
    assert "'ug' is not in languages" in found["features"]


def test_cli_reports_every_problem_of_several_folders(
    province: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(province, 'hotline = "12345"', 'hotline = "hotline"')
    edit(province, 'blue-700 = "#0b57a4"', 'blue-700 = "#7fb2e5"')
    assert themes_cli(["check", str(DEFAULT), str(province)]) == 1
    out, err = capsys.readouterr()
    assert f"ok: {DEFAULT}" in out
    assert "contact.hotline" in err
    assert "tokens.palette.blue-700" in err
    assert "nearest passing colour" in err


def test_one_fix_for_every_failing_pair_is_offered_and_accepted(province: Path) -> None:
    edit(province, 'blue-700 = "#0b57a4"', 'blue-700 = "#2a9d8f"')  # a mid teal: 3.3:1 on white
    found = [m for _, f, m in problems(province) if f == "tokens.palette.blue-700"]
    [summary] = [m for m in found if m.startswith("one colour passing every pair")]
    fix = summary.rsplit(": ", 1)[1]
    assert len(found) > 2
    edit(province, 'blue-700 = "#2a9d8f"', f'blue-700 = "{fix}"')
    assert load_theme(province).value("--yw-header-bg") == fix
