"""亮证 codes (app/licence_show.py): signed, short-lived, one licence, masked, tamper-proof."""

from __future__ import annotations

import base64
import json
import re
import xml.etree.ElementTree as ET

import pytest
from cryptography.fernet import Fernet

from app import licence_show as ls
from app.adapters.elicence import Licence
from app.security import crypto
from sandboxes.elicence import LICENCES

KEYS = [b"k" * 32]
NOW = 1_800_000_000.0
BIRTH = next(lic for lic in LICENCES if lic.id == "lic-birth-0001")  # the sandbox's own


def issue(licence: Licence = BIRTH, name: str = "李秀英", now: float = NOW, ttl: int = 180):
    return ls.issue(licence, name, now=now, ttl=ttl, keys=KEYS)


def payload_of(code: str) -> dict:
    part = code.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def test_a_fresh_code_is_valid_and_carries_only_masked_data() -> None:
    code, shown = issue()
    verdict = ls.verify(code, now=NOW + 1, keys=KEYS)
    assert verdict.status == "valid"
    assert verdict.shown == shown
    assert shown.kind == "出生医学证明"
    assert shown.holder_name == "李**"
    assert shown.holder_number == "3702**********0042"
    assert shown.number == "Q3******56"
    assert shown.expires == int(NOW) + 180
    assert re.fullmatch(r"[a-z]{10}", shown.code_id)
    # nothing unmasked travels in the code: not the ID number, the name or the title
    text = json.dumps(payload_of(code), ensure_ascii=False)
    for secret in ("370202195208170042", "李秀英", "张小满", "Q370123456", "70123"):
        assert secret not in text
        assert secret not in code


@pytest.mark.parametrize("licence", LICENCES, ids=lambda lic: lic.id)
def test_every_sandbox_licence_round_trips_without_its_holder_number(licence: Licence) -> None:
    code, shown = issue(licence, "赵建国")
    assert ls.verify(code, now=NOW, keys=KEYS).status == "valid"
    assert licence.holder not in code
    assert licence.holder not in json.dumps(payload_of(code))
    assert shown.licence_id == licence.id


def test_each_code_is_new() -> None:
    first, _ = issue()
    second, _ = issue()
    assert first != second
    assert payload_of(first)["code_id"] != payload_of(second)["code_id"]


def test_a_code_expires_after_its_ttl() -> None:
    code, shown = issue(ttl=60)
    assert ls.verify(code, now=NOW + 59, keys=KEYS).status == "valid"
    expired = ls.verify(code, now=NOW + 60, keys=KEYS)
    assert expired.status == "expired"
    assert expired.shown == shown  # the verifier still learns which licence it was


def _flip(text: str, at: int) -> str:
    ch = text[at]
    return text[:at] + ("A" if ch != "A" else "B") + text[at + 1 :]


def test_any_changed_character_makes_it_forged() -> None:
    code, _ = issue()
    for at in range(0, len(code), 7):
        if code[at] == ".":
            continue
        assert ls.verify(_flip(code, at), now=NOW, keys=KEYS).status == "forged", at


def test_a_rewritten_payload_is_forged() -> None:
    code, _ = issue()
    version, _payload, signature = code.split(".")
    data = payload_of(code) | {"expires": int(NOW) + 10_000, "kind": "居民身份证"}
    raw = json.dumps(data, ensure_ascii=False).encode()
    forged = f"{version}.{base64.urlsafe_b64encode(raw).rstrip(b'=').decode()}.{signature}"
    assert ls.verify(forged, now=NOW, keys=KEYS).status == "forged"


def test_another_key_or_a_signed_oddity_is_forged() -> None:
    code, _ = issue()
    assert ls.verify(code, now=NOW, keys=[b"x" * 32]).status == "forged"
    # signed with our key but not a code we make (too long a lifetime): still forged
    signed = (
        "v1."
        + base64.urlsafe_b64encode(
            json.dumps(payload_of(code) | {"expires": int(NOW) + 86_400}).encode()
        )
        .rstrip(b"=")
        .decode()
    )
    odd = f"{signed}.{ls._signature(KEYS[0], signed)}"
    assert ls.verify(odd, now=NOW, keys=KEYS).status == "forged"


@pytest.mark.parametrize(
    "code", ["", "v1", "v1..", "v2.a.b", "v1.a.b.c", "x" * 5000, "v1.%%%.***", "v1.e30.e30"]
)
def test_garbage_is_forged(code: str) -> None:
    assert ls.verify(code, now=NOW, keys=KEYS) == ls.Verdict("forged")


def test_old_keys_still_verify_after_rotation() -> None:
    code, _ = issue()
    assert ls.verify(code, now=NOW, keys=[b"n" * 32, KEYS[0]]).status == "valid"


def test_the_app_keys_come_from_the_data_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv("YIWANG_DATA_KEYS", old)
    code, _ = ls.issue(BIRTH, "李秀英", now=NOW, ttl=180)
    assert ls.verify(code, now=NOW).status == "valid"
    monkeypatch.setenv("YIWANG_DATA_KEYS", f"{new},{old}")  # rotated: old codes still hold
    assert ls.verify(code, now=NOW).status == "valid"
    monkeypatch.setenv("YIWANG_DATA_KEYS", new)  # the old key dropped
    assert ls.verify(code, now=NOW).status == "forged"
    derived = crypto.derived_keys(ls.PURPOSE)[0]
    assert derived != base64.urlsafe_b64decode(new)  # never the encryption key itself


def test_ttl_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert ls.ttl_seconds({}) == 180
    assert ls.ttl_seconds({ls.TTL_SETTING: "45"}) == 45
    for bad in ("0", "5", "601", "three"):
        with pytest.raises(ls.SettingError, match=ls.TTL_SETTING):
            ls.ttl_seconds({ls.TTL_SETTING: bad})
    with pytest.raises(ls.SettingError):
        issue(ttl=3600)


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张三", "张*"), ("李秀英", "李**"), ("欧阳娜娜", "欧***"), ("王", "*"), ("", "")],
)
def test_mask_name(name: str, masked: str) -> None:
    assert ls.mask_name(name) == masked


def test_mask_organisation_and_holder_numbers() -> None:
    assert ls.mask_name("济南泉城示例科技有限公司") == "济南******有限公司"
    assert ls.mask_holder("37010219850312002x") == "3701**********002X"
    assert ls.mask_holder("91370102MA3C4R7X2T") == "913701********7X2T"
    estate = "鲁(2024)济南市不动产权第0123456号"
    assert ls.mask_number(estate) == "鲁(20" + "*" * (len(estate) - 8) + "456号"
    assert ls.mask_number("1234") == "1**4"
    assert ls.mask_number("123") == "***"


def test_verify_url_and_qr() -> None:
    code, _ = issue()
    url = ls.verify_url("https://www.example.gov.cn/", code)
    assert url.startswith("https://www.example.gov.cn/licence/verify?code=v1.")
    svg = ls.qr_svg(url)
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert root.get("aria-hidden") == "true"
    assert "#" not in svg  # no colour of its own: the stylesheet's token draws it
    path = root.find("{*}path") if root.find("{*}path") is not None else root.find("path")
    assert path is not None and path.get("class") == "yw-qr__modules"


def test_the_pages_are_in_the_route_table() -> None:
    from app.routes import routes
    from app.state import routing

    paths = {r.path for r in routes()}
    assert {ls.VERIFY_PATH, "/me/licences", routing.LICENCE} <= paths
