from __future__ import annotations

import pytest

from app.domain import codes
from tests.factories import ref_id_check, ref_uscc_check

# Real-world-shaped USCCs: a government body, an enterprise and a public institution.
USCC_PREFIXES = ["11370100004186958", "91510100MA61R8XY3", "12370000495570384"]
ID_PREFIXES = ["11010519491231002", "37010219900307231", "51160220150101004"]


@pytest.mark.parametrize("first17", USCC_PREFIXES)
def test_valid_uscc_is_accepted(first17: str) -> None:
    code = first17 + ref_uscc_check(first17)
    assert codes.validate_uscc(code.lower()) == code


@pytest.mark.parametrize("first17", USCC_PREFIXES)
def test_every_wrong_uscc_check_character_is_refused(first17: str) -> None:
    good = ref_uscc_check(first17)
    for wrong in (c for c in codes.USCC_CHARSET if c != good):
        with pytest.raises(ValueError, match=f"check character {wrong}, the checksum gives {good}"):
            codes.validate_uscc(first17 + wrong)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("9137010", "must have 18 characters, it has 7"),
        ("91370100MA3CIOVS0Z", "not allowed by GB 32100: IOSVZ"),
        ("9137AB00MA3C000000", "characters 3-8 must be a 6-digit area code"),
    ],
)
def test_malformed_uscc_reason(value: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        codes.validate_uscc(value)


@pytest.mark.parametrize("first17", ID_PREFIXES)
def test_valid_id_number(first17: str) -> None:
    number = first17 + ref_id_check(first17)
    assert codes.validate_id_number(number.lower()) == number


def test_known_published_id_example() -> None:
    # The worked example printed in GB 11643-1999, annex: check character X.
    assert codes.validate_id_number("11010519491231002X") == "11010519491231002X"


@pytest.mark.parametrize("first17", ID_PREFIXES)
def test_wrong_id_check_digit(first17: str) -> None:
    good = ref_id_check(first17)
    wrong = "0" if good != "0" else "1"
    with pytest.raises(ValueError, match=f"the checksum gives {good}"):
        codes.validate_id_number(first17 + wrong)


@pytest.mark.parametrize(
    ("first17", "reason"),
    [
        ("37010219900230231", "impossible birth date 19900230"),
        ("99010219900307231", "unknown province code 99"),
        ("37010229990307231", "implausible birth date"),
    ],
)
def test_bad_id_number_parts(first17: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        codes.validate_id_number(first17 + ref_id_check(first17))


@pytest.mark.parametrize("value", ["3701000000", "37010000000A", "990100000000"])
def test_bad_area_codes(value: str) -> None:
    with pytest.raises(ValueError, match=repr(value)):
        codes.validate_area_code(value)


@pytest.mark.parametrize(
    ("area", "level"),
    [
        ("370000000000", "省级"),
        ("370100000000", "市级"),
        ("370102000000", "县级"),
        ("370102001000", "乡级"),
    ],
)
def test_area_level(area: str, level: str) -> None:
    assert codes.area_level(area) == level


def test_implementation_code_parts() -> None:
    uscc = "11511600MB1520291" + ref_uscc_check("11511600MB1520291")
    code = f"511A0138000000-511602000000-000-{uscc}-1-00"
    parsed = codes.parse_implementation_code(code)
    assert (parsed.basic, parsed.area, parsed.uscc, parsed.kind, parsed.sub) == (
        "511A0138000000",
        "511602000000",
        uscc,
        "1",
        "00",
    )
    assert codes.validate_implementation_code(code.lower()) == code


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("511A0138000000-511602000000-000-1", "must have 6 parts"),
        ("511A0138000000-51160200000-000-{u}-1-00", "area code '51160200000' must be exactly 12"),
        ("511A0138000000-511602000000-000-{bad}-1-00", "the checksum gives"),
        ("511A0138000000-511602000000-0X0-{u}-1-00", "third part must be 3 digits"),
        ("511A-511602000000-000-{u}-1-00", "basic code '511A' must be 8-20"),
        ("511A0138000000-511602000000-000-{u}-1-", "sub part '' must be 1-10"),
    ],
)
def test_bad_implementation_codes(code: str, reason: str) -> None:
    good = "11511600MB1520291" + ref_uscc_check("11511600MB1520291")
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(ValueError, match=reason):
        codes.parse_implementation_code(code.format(u=good, bad=bad))


def test_make_uscc_builds_valid_codes() -> None:
    made = codes.make_uscc("1", "1", "370100", "00418695")
    assert made[17] == ref_uscc_check(made[:17])
    assert made[8:16] == "00418695"


def test_mask_id_number() -> None:
    assert codes.mask_id_number("11010519491231002X") == "1101**********002X"
