"""The claim mapping of a province folder (identity.toml): loading, problems, reading claims."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.adapters.identity.claims import identity_from_claims
from app.adapters.identity.mapping import DEFAULT_MAPPING, load_mapping, mapping_for
from themes import THEMES_DIR, ThemeProblem

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "identity" / "standard-acr.toml"


def folder_with(tmp_path: Path, text: str) -> Path:
    (tmp_path / "identity.toml").write_text(text, encoding="utf-8")
    return tmp_path


def test_a_folder_without_identity_toml_uses_the_defaults(tmp_path: Path) -> None:
    assert load_mapping(tmp_path) == (DEFAULT_MAPPING, [])
    assert DEFAULT_MAPPING.scope == "openid profile phone idcard"


@pytest.mark.parametrize(
    "code", sorted(p.name for p in THEMES_DIR.iterdir() if (p / "theme.toml").is_file())
)
def test_every_shipped_province_mapping_loads(code: str) -> None:
    mapping, problems = load_mapping(THEMES_DIR / code)
    assert problems == []
    assert "openid" in mapping.scopes


def test_the_shipped_standard_claims_and_acr_mapping(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, EXAMPLE.read_text(encoding="utf-8"))
    mapping, problems = load_mapping(folder)
    assert problems == []
    assert mapping.scope == "openid profile phone national_id"
    claims = {
        "sub": "op-1",
        "name": "陈立华",
        "phone_number": "13911112222",
        "national_id_number": "11010519491231002x",
        "acr": "urn:cn:gov:loa:3",
    }
    identity = identity_from_claims(claims, mapping, "http://op")
    assert (identity.name, identity.id_number, identity.phone) == (
        "陈立华",
        "11010519491231002X",
        "13911112222",
    )
    assert (identity.level, identity.kind) == (3, "person")
    assert identity_from_claims(claims | {"acr": "urn:cn:gov:loa:9"}, mapping).level == 0
    # the sandbox vocabulary means nothing to this mapping
    sandbox = {"sub": "x", "name": "甲", "id_number": "1", "real_name_level": 3}
    assert identity_from_claims(sandbox, mapping).missing() == ["id_number", "level"]


def test_a_province_level_scheme_with_integers_and_strings(tmp_path: Path) -> None:
    folder = folder_with(
        tmp_path,
        """
scopes = "openid profile sfrz"
[claims]
name = "xm"
id_number = "sfzhm"
phone = "sjhm"
account_type = "yhlx"
org_name = "qymc"
uscc = "tyshxydm"
[account_type]
person = ["1", "geren"]
business = ["2"]
[level]
claim = "smdj"
[level.values]
"L1" = 1
"L2" = 2
"4" = 3
""",
    )
    mapping, problems = load_mapping(folder)
    assert problems == []
    base = {"sub": "s", "xm": "王五", "sfzhm": "510107199006250037", "sjhm": "186"}
    assert identity_from_claims(base | {"smdj": 4}, mapping).level == 3
    assert identity_from_claims(base | {"smdj": "4"}, mapping).level == 3
    assert identity_from_claims(base | {"smdj": "L2"}, mapping).level == 2
    business = identity_from_claims(
        base | {"smdj": "L2", "yhlx": 2, "qymc": "某公司", "tyshxydm": "91370102MA3C4R7X2T"},
        mapping,
    )
    assert (business.kind, business.org_name, business.uscc) == (
        "business",
        "某公司",
        "91370102MA3C4R7X2T",
    )


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        ('scopes = ["profile"]', "scopes", 'must include "openid"'),
        ("scopes = 3", "scopes", "list of scope names"),
        ('[claims]\nnickname = "n"', "claims.nickname", "unknown field"),
        ("[claims]\nname = 3", "claims.name", "name of a claim"),
        ('[level]\nclaim = "acr"', "level.values", "which values"),
        ('[level]\nclaim = "acr"\n[level.values]\nloa9 = 4', "level.values.loa9", "1, 2 or 3"),
        ('[level]\nclaim = "acr"\n[level.values]\nx = true', "level.values.x", "1, 2 or 3"),
        ('[account_type]\nperson = ["a"]\nbusiness = ["a"]', "account_type", "both"),
        ('colour = "red"', "colour", "unknown setting"),
        ("scopes = [", "", "cannot be read"),
    ],
)
def test_problems_name_the_file_the_field_and_why(
    tmp_path: Path, text: str, field: str, message: str
) -> None:
    folder = folder_with(tmp_path, text)
    _, problems = load_mapping(folder)
    assert problems, text
    problem = problems[0]
    assert isinstance(problem, ThemeProblem)
    assert problem.file == folder / "identity.toml"
    assert problem.field == field
    assert message in problem.message
    with pytest.raises(ValueError, match=r"identity\.toml"):
        mapping_for(folder)


def test_mapping_for_rereads_a_changed_file(tmp_path: Path) -> None:
    import os

    folder = folder_with(tmp_path, 'scopes = ["openid", "a"]')
    assert mapping_for(folder).scopes == ("openid", "a")
    (folder / "identity.toml").write_text('scopes = ["openid", "b"]', encoding="utf-8")
    stat = (folder / "identity.toml").stat()
    os.utime(folder / "identity.toml", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert mapping_for(folder).scopes == ("openid", "b")


def test_the_province_folder_check_reports_identity_toml(tmp_path: Path) -> None:
    import shutil

    from app.province_check import check_folder

    folder = tmp_path / "shandong"
    shutil.copytree(THEMES_DIR / "shandong", folder)
    shutil.copyfile(EXAMPLE, folder / "identity.toml")
    assert check_folder(folder)[1] == []
    (folder / "identity.toml").write_text('scopes = ["profile"]\n', encoding="utf-8")
    _, problems = check_folder(folder)
    assert [str(p) for p in problems] == [
        f'{folder / "identity.toml"}: scopes: must include "openid" (OpenID Connect needs it)'
    ]
