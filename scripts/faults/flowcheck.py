"""After a fault, the flow in the database, read through the app's stores: every acknowledged
submission exactly once with its answers, every acknowledged draft kept (``check_flow``)."""

from __future__ import annotations

from typing import Any

from scripts.faults.common import Checks
from scripts.loadgen.citizen import Citizen
from scripts.loadgen.data import (
    app_database,
    remove_synthetic_rows,
)
from scripts.loadgen.record import FlowRecord


def _owner_rows(db_url: str, subs: list[str]) -> tuple[dict, dict]:
    """Applications (by owner, key) and drafts (by owner, item) of these owners, read through
    the app's stores (which decrypt the answers, encrypted at rest: issue 19)."""
    from app.flow.store import applications
    from app.flow.store import drafts as stored_drafts

    apps: dict[str, dict[str, list[dict[str, Any]]]] = {}
    drafts: dict[tuple[str, str], dict[str, Any]] = {}
    with app_database(db_url):
        for owner in subs:
            for application in applications.list_applications(owner):
                row = {"number": application.number, "item": application.item_code,
                       "values": dict(application.values or {})}  # fmt: skip
                apps.setdefault(owner, {}).setdefault(application.idempotency_key, []).append(row)
            for draft in stored_drafts.list_drafts(owner):
                drafts[(owner, draft.item_code)] = {"step": draft.step, "values": dict(draft.values or {})}  # fmt: skip
    return apps, drafts


def _differs(values: dict[str, Any], sent: dict[str, str]) -> str:
    """The answers ``values`` does not hold as sent ("" when it holds them all)."""
    return ", ".join(
        f"{k}: {str(values.get(k, ''))[:24]!r} not {str(v)[:24]!r}"
        for k, v in sent.items()
        if str(values.get(k, "")).strip() != str(v).strip()
    )


def check_flow(checks: Checks, db_url: str, citizens: list[Citizen]) -> None:
    """In the database: every acknowledged submission exactly once with the answers sent; a
    submit that got no answer at most once (its draft still there if not made); every
    acknowledged draft there with its answers; nothing the journeys saw vanish."""
    flows = [c.flow for c in citizens if c.flow is not None and c.flow.signed_in]
    if not flows:
        checks.check(False, "drafts and submissions: no citizen got through the login")
        return
    apps, drafts = _owner_rows(db_url, [f.sub for f in flows])
    problems: list[str] = []
    acked = maybe_made = maybe_not = drafted = paid_unanswered = 0
    for flow in flows:
        rows = apps.get(flow.sub, {})
        for key, (number, sent) in flow.submitted.items():
            acked += 1
            found = rows.get(key, [])
            if len(found) != 1 or found[0]["number"] != number:
                problems.append(
                    f"{flow.sub} {number}: {len(found)} rows for an acknowledged submit"
                )
            elif differs := _differs(found[0]["values"], sent):
                problems.append(f"{flow.sub} {number}: answers differ from those sent ({differs})")
        for key in flow.must_exist:
            if len(rows.get(key, [])) != 1:
                problems.append(f"{flow.sub}: draft gone after an unanswered submit, not made once")
        draft = drafts.get((flow.sub, flow.item_code))
        for key, sent in flow.unconfirmed.items():
            made = len(rows.get(key, []))
            if made > 1:
                problems.append(f"{flow.sub}: unanswered submit made {made} times")
            elif made == 1 and (differs := _differs(rows[key][0]["values"], sent)):
                problems.append(
                    f"{flow.sub}: unanswered submit made with other answers ({differs})"
                )
            maybe_made += made == 1
            maybe_not += made == 0
            if made == 0 and draft is None:
                problems.append(f"{flow.sub}: unanswered submit neither made nor its draft kept")
        # a checkout whose payment round trip got no answer may have been paid and submitted
        # (the cashier notifies the app server to server): at most once, under its key
        pending = {flow.checkout_key} if flow.checkout and flow.checkout_key else set()
        for key in pending:
            if len(rows.get(key, [])) > 1:
                problems.append(
                    f"{flow.sub}: an unanswered payment submitted {len(rows[key])} times"
                )
            paid_unanswered += len(rows.get(key, [])) == 1
        known = set(flow.submitted) | set(flow.must_exist) | set(flow.unconfirmed) | pending
        if extra := set(rows) - known:
            problems.append(f"{flow.sub}: {len(extra)} applications it never submitted")
        if flow.draft is not None:
            drafted += 1
            # a submit without an answer that was made took the draft with it (the page may
            # since have started another one: a reconnect of /apply/<code>?start=1 does)
            made = any(len(rows.get(k, [])) == 1 for k in flow.unconfirmed)
            if draft is None and not made:
                problems.append(f"{flow.sub}: acknowledged draft not in the database")
            elif (
                draft is not None
                and not made
                and (draft["step"] < flow.draft_step or _differs(draft["values"], flow.draft))
            ):
                problems.append(
                    f"{flow.sub}: draft in the database (step {draft['step']}) is behind what "
                    f"was saved (step {flow.draft_step}; {_differs(draft['values'], flow.draft)})"
                )
        problems.extend(f"{flow.sub}: {lost}" for lost in flow.lost)
    print(
        f"  flow: {len(flows)} signed-in citizens; {acked} acknowledged submissions; "
        f"{maybe_made + maybe_not} submits without an answer ({maybe_made} made, {maybe_not} "
        f"not made, draft kept); {drafted} acknowledged drafts; {paid_unanswered} paid "
        "checkouts whose page got no answer (made once)",
        flush=True,
    )
    for problem in problems[:10]:
        print(f"    {problem}", flush=True)
    checks.check(
        not problems,
        f"no submitted application lost or duplicated and every saved draft in the database "
        f"({len(problems)} problems)",
    )
    refused = [f for f in flows if f.upload_refused]
    if refused:
        print(f"  uploads answered 404 (no draft) to {len(refused)} citizens:", flush=True)
        print_upload_refusals(db_url, refused[:5])
    removed = remove_synthetic_rows(db_url, [f.sub for f in flows])
    print(f"  removed the run's {removed} test rows (synthetic sbx-load-* owners)", flush=True)


def print_upload_refusals(db_url: str, flows: list[FlowRecord]) -> None:
    """Beside each upload the route answered 404, what the database holds of that citizen's
    draft and applications of the item (when the draft was made, when they were submitted)."""
    from app.flow.store import applications, drafts

    with app_database(db_url):
        for flow in flows:
            draft = drafts.get_draft(flow.sub, flow.item_code)
            made = sorted(
                (a.submitted_at, a.number)
                for a in applications.list_applications(flow.sub)
                if a.item_code == flow.item_code
            )
            kept = (draft.created_at, draft.updated_at, draft.step) if draft else None
            print(
                f"    {flow.sub} {flow.item_code[:12]}: 404 at {flow.upload_refused}; draft "
                f"{kept}; submitted {[(number, at) for at, number in made]}",
                flush=True,
            )
