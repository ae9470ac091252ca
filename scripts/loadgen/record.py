"""What a citizen of the flow journey is given (its synthetic account, the forms it fills in,
its answers and upload) and what the pages acknowledged to it (:class:`FlowRecord`), which the
fault checks compare with the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class FlowRecord:
    """What one simulated citizen did in the application flow, as the page acknowledged it."""

    sub: str  # its own synthetic account at the sandbox identity provider
    item_code: str
    signed_in: bool = False
    #: the draft as last acknowledged: the answers sent and the step the page moved on to
    draft: dict[str, str] | None = None
    draft_step: int = 0
    #: the current draft's idempotency key (the page keeps one per draft: retries reuse it)
    key: str = ""
    #: acknowledged submissions: key -> (application number, answers sent)
    submitted: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)
    #: submits without an answer (made or not; never twice): key -> answers sent. The next
    #: journey settles them: the draft still there is submitted again with the same key.
    unconfirmed: dict[str, dict[str, str]] = field(default_factory=dict)
    #: unconfirmed submits whose draft was gone afterwards: they must have been made
    must_exist: dict[str, dict[str, str]] = field(default_factory=dict)
    #: acknowledged drafts that were gone without any submit (losses the journey saw)
    lost: list[str] = field(default_factory=list)
    #: a checkout (``/checkout/<code>``) waiting for its payment, with the submit's key and
    #: answers; the next journey pays it first (the cashier was away, or the tab was cut off)
    checkout: str = ""
    checkout_key: str = ""
    checkout_sent: dict[str, str] = field(default_factory=dict)
    #: application numbers paid through the cashier
    paid: list[str] = field(default_factory=list)
    #: stop at the pay page (``make faults``: the citizen taps 去支付 during the outage)
    hold_payment: bool = False
    #: uploads answered 404 (no draft): (UTC time, field, the page's step), for the checks
    upload_refused: list[tuple[str, str, Any]] = field(default_factory=list)


#: the loopback sandbox identity provider signs in any ``sbx-load-*`` subject as a citizen
#: of its own (sandboxes/idp/accounts.py)
SYNTHETIC_PREFIX = "sbx-load-"


#: the forms the flow journey fills in: a hand-written one laid over the derived form
#: (住房公积金提取: its own questions, then uploads of its materials), one derived from the
#: catalogue (无犯罪记录证明: a situation question and uploads of its materials)
#: and 机动车驾驶证期满换证 (¥10 paid online through the cashier, window collection or express
#: delivery)
FLOW_BASIC_CODES = ("009068000000", "027018000000", "006021000000")
#: of those, the one paid through the cashier (the faults' pay witnesses fill it in)
PAID_BASIC_CODE = "006021000000"


#: a valid 1x1 PNG (what a citizen's photo of a document is, as far as the checks go)
UPLOAD_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c4944415408d763f8cfc0000003010100c9fe92ef0000000049454e44ae426082"
)


VALID_ID_NUMBER = "11010519491231002X"  # GB 11643's own example


def answers_for(fields: list[dict[str, Any]], n: int) -> dict[str, str]:
    """What a citizen types into the fields the page shows (kept values stay as they are)."""
    answers: dict[str, str] = {}
    for fld in fields:
        name, kind, value = fld["name"], fld["kind"], str(fld.get("value") or "")
        options = [o["value"] for o in fld.get("options") or []]
        if fld.get("locked") or kind == "file":
            continue
        if kind == "checkbox":
            answers[f"{name}::{options[0]}"] = "on"
        elif kind == "address":
            answers[name] = value if value in options else options[0]
            answers[f"{name}.detail"] = fld.get("detail") or f"文化东路{n}号{n % 30 + 1}单元"
        elif value:
            answers[name] = value
        elif kind in ("radio", "select"):
            answers[name] = options[0]
        elif kind == "date":
            answers[name] = "2024-03-01"
        elif kind == "phone":
            answers[name] = "13800138000"
        elif kind == "id_number":
            answers[name] = VALID_ID_NUMBER
        else:
            answers[name] = f"6222{n:015d}"[: int(fld.get("max_length") or 19)]
    return answers
