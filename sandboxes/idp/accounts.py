"""Test accounts of the sandbox identity provider (fictional people, valid check digits).

Besides the listed accounts (the login page offers them), the sandbox accepts synthetic
load-test citizens, ``sbx-load-<1 to 32 lowercase letters or digits>``: the load generator
(``scripts/load.py``) signs in thousands of simulated citizens, each with an account of its own
so that their drafts (one per citizen and item) do not overwrite each other. They are derived
from the subject (a level-2 person with a valid fictional ID number and phone), never listed,
and exist only in this loopback sandbox.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.codes import id_check_char, validate_id_number, validate_uscc


@dataclass(frozen=True)
class Account:
    sub: str
    name: str
    id_number: str
    phone: str
    level: int
    kind: str = "person"  # person | business
    org_name: str = ""
    uscc: str = ""
    note: str = ""

    def claims(self) -> dict[str, object]:
        claims: dict[str, object] = {
            "sub": self.sub,
            "name": self.name,
            "id_number": self.id_number,
            "phone_number": self.phone,
            "phone_number_verified": True,
            "real_name_level": self.level,
            "account_type": self.kind,
        }
        if self.kind == "business":
            claims |= {"org_name": self.org_name, "uscc": self.uscc}
        return claims


ACCOUNTS: tuple[Account, ...] = (
    Account(
        "sbx-person-0001", "张三", "37010219850312002X", "13800135678", 3, note="三级实名，济南"
    ),
    Account(
        "sbx-person-0002", "李秀英", "370202195208170042", "13905321234", 2, note="二级实名，青岛"
    ),
    Account(
        "sbx-person-0003", "王芳", "510107199006250037", "18628001122", 1, note="一级实名，成都"
    ),
    Account(
        "sbx-business-0001",
        "赵建国",
        "370102197801011513",
        "13705310909",
        3,
        kind="business",
        org_name="济南泉城示例科技有限公司",
        uscc="91370102MA3C4R7X2T",
        note="法人（经办人赵建国）",
    ),
)

for _account in ACCOUNTS:  # fail at import, naming the account, if a number is mistyped
    try:
        validate_id_number(_account.id_number)
        if _account.uscc:
            validate_uscc(_account.uscc)
    except ValueError as exc:
        raise ValueError(f"sandbox account {_account.sub}: {exc}") from None

BY_SUB = {a.sub: a for a in ACCOUNTS}


SYNTHETIC_PREFIX = "sbx-load-"
_SYNTHETIC = re.compile(r"sbx-load-[0-9a-z]{1,32}")


def synthetic_account(sub: str) -> Account | None:
    """The load-test citizen of this subject (see the module docstring), or None."""
    if not _SYNTHETIC.fullmatch(sub):
        return None
    n = int.from_bytes(hashlib.sha256(sub.encode()).digest()[:8], "big")
    born = date(1950, 1, 1) + timedelta(days=n % 18_000)
    first17 = f"370102{born:%Y%m%d}{n // 18_000 % 1000:03d}"
    return Account(
        sub,
        f"测试市民{sub.removeprefix(SYNTHETIC_PREFIX)[-6:]}",
        first17 + id_check_char(first17),
        f"139{n % 10**8:08d}",
        2,
        note="压力测试合成账号",
    )


def account(sub: str) -> Account | None:
    """A listed account or a synthetic load-test citizen; None for anything else."""
    return BY_SUB.get(sub) or synthetic_account(sub)
