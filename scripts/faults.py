"""Faults under load; each prints what it checked and exits non-zero if anything is lost.

    python -m scripts.faults kill-worker    scaled: kill -9 one granian worker during load
    python -m scripts.faults restart-app    embedded: stop and restart the whole app
    python -m scripts.faults redis          scaled: stop Redis for a few seconds during load
    python -m scripts.faults postgres       scaled: stop PostgreSQL for a few seconds during load
    python -m scripts.faults cashier        scaled: stop the cashier for a few seconds during load
    python -m scripts.faults all            every fault above, in that order (make faults)
    python -m scripts.faults redis postgres several of them (scaled ones share one stack)

Witnesses are citizens (``scripts/load.py``) that type a query of their own before the fault
(SearchState.typed, kept in the state manager: Redis or the disk) and then stay connected while
a background crowd keeps doing journeys. After the fault every witness must be connected again
by itself, and a reload of its tab (a new connection with the same session token) must hydrate
what it typed; searches and guides must answer again. Background actions cut off by the fault
are counted and printed (the citizen saw the connection banner and does them again), not
counted as lost: only state that was acknowledged before the fault must survive. An action the
server cannot process during the fault must be answered with the service notice (the page
shows a banner), never left without an answer on an open socket (a frozen page).

Flow witnesses sign in (sandbox identity provider), save a draft at step 2 or submit an
application before the fault; background citizens start, save and submit applications
throughout it (``scripts/loadgen/flow.py`` ``flow_journey``). Afterwards :func:`check_flow` checks the
database: every acknowledged submission exists exactly once with the answers sent, a submit
that got no answer exists at most once (and its draft is still there if it does not), every
acknowledged draft is there with its answers; the draft witnesses reload their tab, resume
their draft in the app and submit it.

The flow's sandboxes (identity provider, back office, e-licences) start with the app, in both
modes (``sandboxes.launcher``), unless the environment names real services.

Payments (issue 15): the flow journeys include 机动车驾驶证期满换证, paid through the cashier.
For the scaled faults this script runs the sandbox cashier itself (``CashierProcess``, its store
in a file) so that the ``cashier`` fault can stop it and start it again on the same port.
Citizens whose 去支付 found the cashier away keep their checkout and pay on their next journey;
after the fault every one of them pays. :func:`check_payments` then compares the cashier's
orders with the app's: every payment the cashier took is recorded as paid on exactly one
application (none lost), no order was paid twice and no application has two paid orders (none
doubled).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from scripts import scaled as stack
from scripts.loadgen.citizen import Citizen, Target
from scripts.loadgen.crowd import Crowd, run_loop
from scripts.loadgen.data import catalogue_codes, flow_codes, remove_synthetic_rows, search_queries
from scripts.loadgen.flow import (
    PAID_BASIC_CODE,
    SYNTHETIC_PREFIX,
    FlowRecord,
    checkout_view,
    flow_journey,
    pay_checkout,
)
from scripts.loadgen.report import Stats, percentile
from scripts.loadgen.wire import (
    APPLY_STATE,
    FROZEN,
    NOTICE,
    NOTICE_STATE,
    NOTICE_VAR,
    SEARCH_STATE,
    SEARCH_TYPE,
    SLOW,
    delta_key,
    has,
)

ROOT = Path(__file__).resolve().parent.parent

WITNESSES = int(os.environ.get("FAULT_WITNESSES", "60"))
BACKGROUND = int(os.environ.get("FAULT_BACKGROUND", "200"))
OUTAGE_S = float(os.environ.get("FAULT_OUTAGE_S", "5"))
RECOVER_S = float(os.environ.get("FAULT_RECOVER_S", "60"))
FLOW_WITNESSES = int(os.environ.get("FAULT_FLOW_WITNESSES", "20"))
PAY_WITNESSES = int(os.environ.get("FAULT_PAY_WITNESSES", "10"))


class Checks:
    def __init__(self, name: str) -> None:
        self.name = name
        self.failed: list[str] = []
        #: the fault's figures, for the final JSON line (payments: orders, paid, lost, …)
        self.figures: dict[str, Any] = {}

    def check(self, ok: bool, what: str) -> None:
        print(f"  [{'ok' if ok else 'FAIL'}] {what}", flush=True)
        if not ok:
            self.failed.append(what)


async def wait_for(predicate: Callable[[], bool], timeout: float) -> float | None:
    """Seconds until predicate() held, or None after timeout."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if predicate():
            return time.monotonic() - started
        await asyncio.sleep(0.25)
    return None


async def witnesses_type(crowd: Crowd) -> dict[str, str]:
    """Every witness types its own query; returns token -> acknowledged text."""
    typed: dict[str, str] = {}
    for i, citizen in enumerate(crowd.citizens):
        text = f"社保卡补办 见证{i:04d}"
        ok = await citizen.event(
            "witness_type", SEARCH_TYPE, {"value": text},
            has(SEARCH_STATE, delta_key("suggestions")),
        )  # fmt: skip
        if ok:
            typed[citizen.token] = text
    return typed


RELOAD_STATS = Stats()


async def reload_and_read(target: Target, token: str, session: object) -> str | None:
    """A reload of the witness's tab: a new socket with the same token; what it typed."""
    tab = Citizen(target, RELOAD_STATS, session)
    tab.token = token
    tab.path = "/"  # home has no on_load: /search's would reset typed from its URL
    try:
        for _ in range(3):  # a tab keeps retrying; so does this reload
            if await tab.connect():
                return tab.state.get(SEARCH_STATE, {}).get(delta_key("typed"))
            await tab.close()
            await asyncio.sleep(1)
        return None
    finally:
        await tab.close()


async def flow_witnesses_act(crowd: Crowd) -> tuple[list[Citizen], list[Citizen]]:
    """Half the flow witnesses save a draft (two question pages), half submit; returns the
    (drafting, submitting) witnesses whose last step the page acknowledged."""
    drafting, submitting = [], []
    for i, citizen in enumerate(crowd.citizens):
        submit = i % 2 == 1
        await flow_journey(citizen, submit=submit, max_steps=99 if submit else 2)
        flow = citizen.flow
        if flow is not None and submit and flow.submitted:
            submitting.append(citizen)
        elif flow is not None and not submit and flow.draft is not None:
            drafting.append(citizen)
    return drafting, submitting


async def resume_drafts(checks: Checks, drafting: list[Citizen]) -> None:
    """Each draft witness reloads its tab on the form: the draft resumes where it was saved;
    then it finishes and submits it (the flow works again after the fault)."""
    resumed, submitted = 0, 0
    for citizen in drafting:
        flow = citizen.flow
        assert flow is not None
        path = f"/apply/{flow.item_code}"
        if await citizen.reload("flow_resume", path):
            view = citizen.state.get(APPLY_STATE, {})
            stage = view.get(delta_key("stage"))
            at_step = stage == "step" and view.get(delta_key("step_index")) == flow.draft_step
            # a two-page form saved at step 2 resumes on its check page
            at_check = stage == "check" and flow.draft_step >= view.get(delta_key("step_count"), 99)
            if view.get(delta_key("resumed")) is True and (at_step or at_check):
                resumed += 1
        await flow_journey(citizen, submit=True)
        submitted += bool(flow.submitted and flow.draft is None)
    checks.check(
        resumed == len(drafting),
        f"{resumed}/{len(drafting)} draft witnesses reloaded their tab and resumed their draft "
        "at the step they had saved",
    )
    checks.check(
        submitted == len(drafting),
        f"after recovery {submitted}/{len(drafting)} draft witnesses submitted their application",
    )


def _owner_rows(db_url: str, subs: list[str]) -> tuple[dict, dict]:
    """Applications (by owner, key) and drafts (by owner, item) of these owners."""
    import sqlalchemy as sa

    engine = sa.create_engine(db_url)
    apps: dict[str, dict[str, list[dict[str, Any]]]] = {}
    drafts: dict[tuple[str, str], dict[str, Any]] = {}
    app_sql = sa.text(
        'SELECT owner, idempotency_key, number, item_code, "values" FROM flow_application '
        "WHERE owner IN :subs"
    ).bindparams(sa.bindparam("subs", expanding=True))
    draft_sql = sa.text(
        'SELECT owner, item_code, step, "values" FROM flow_draft WHERE owner IN :subs'
    ).bindparams(sa.bindparam("subs", expanding=True))
    with engine.connect() as conn:
        for chunk in range(0, len(subs), 500):
            part = {"subs": subs[chunk : chunk + 500]}
            for owner, key, number, item, values in conn.execute(app_sql, part):
                row = {"number": number, "item": item, "values": _json(values)}
                apps.setdefault(owner, {}).setdefault(key, []).append(row)
            for owner, item, step, values in conn.execute(draft_sql, part):
                drafts[(owner, item)] = {"step": step, "values": _json(values)}
    engine.dispose()
    return apps, drafts


def _json(value: Any) -> dict[str, Any]:
    """A row's answers as stored: encrypted at rest (issue 19), as the app reads them."""
    from app.security.crypto import decrypt_json

    return dict(decrypt_json(value) if isinstance(value, str) else value or {})


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
    import sqlalchemy as sa

    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        for flow in flows:
            draft = conn.execute(
                sa.text("SELECT created_at, updated_at, step FROM flow_draft "
                        "WHERE owner = :o AND item_code = :i"),
                {"o": flow.sub, "i": flow.item_code},
            ).first()  # fmt: skip
            apps = conn.execute(
                sa.text("SELECT number, submitted_at FROM flow_application "
                        "WHERE owner = :o AND item_code = :i ORDER BY submitted_at"),
                {"o": flow.sub, "i": flow.item_code},
            ).all()  # fmt: skip
            print(
                f"    {flow.sub} {flow.item_code[:12]}: 404 at {flow.upload_refused}; draft "
                f"{tuple(draft) if draft else None}; submitted {[tuple(a) for a in apps]}",
                flush=True,
            )
    engine.dispose()


async def under_load(
    checks: Checks,
    url: str,
    codes: list[str],
    fault: Callable[[], object],
    recover: Callable[[], object],
    db_url: str,
    pay_witnesses: int = 0,
) -> None:
    target = Target(url, codes, search_queries(), think=(1.0, 3.0), timeout_s=10,
                         flow_codes=flow_codes(db_url))  # fmt: skip
    witnesses = Crowd(target)
    flow_witnesses = Crowd(target)
    background = Crowd(target)
    payers = Crowd(target)
    try:
        await witnesses.grow(WITNESSES, rate=50, live=False)
        checks.check(witnesses.connected == WITNESSES, f"{WITNESSES} witnesses connected")
        typed = await witnesses_type(witnesses)
        witness_tokens = {id(c): c.token for c in witnesses.citizens}
        checks.check(len(typed) == WITNESSES, f"{len(typed)} witnesses typed a query of their own")
        await flow_witnesses.grow(FLOW_WITNESSES, rate=50, live=False)
        drafting, submitting = await flow_witnesses_act(flow_witnesses)
        checks.check(
            len(drafting) + len(submitting) == FLOW_WITNESSES,
            f"{FLOW_WITNESSES} flow witnesses signed in: {len(drafting)} saved a draft at step 2, "
            f"{len(submitting)} submitted an application"
            + (f" (errors: {flow_witnesses.stats.errors})" if flow_witnesses.stats.errors else ""),
        )
        if pay_witnesses:
            await payers.grow(pay_witnesses, rate=20, live=False)
            ready = await payers_ready(payers, db_url)
            checks.check(
                ready == pay_witnesses,
                f"{ready}/{pay_witnesses} pay witnesses filled a paid item and wait on its pay page",
            )
        await background.grow(BACKGROUND, rate=100)
        await asyncio.sleep(5)
        before = sum(background.stats.errors.values())
        print(f"  fault: {fault.__doc__ or fault.__name__}", flush=True)
        fault_at = time.monotonic()
        await asyncio.to_thread(fault)
        queued_at_outage = 0
        if pay_witnesses:  # they tap 去支付 now: a clear message, the order kept
            refused = await payers_tap_pay(payers)
            subs = [c.flow.sub for c in payers.citizens if c.flow is not None]
            queued_at_outage = await asyncio.to_thread(queued_orders, db_url, subs)
            print(f"  pay witnesses' orders in the outbox during the outage: {queued_at_outage}",
                  flush=True)  # fmt: skip
            checks.check(
                refused == pay_witnesses,
                f"{refused}/{pay_witnesses} pay witnesses tapped 去支付 during the outage and "
                "were told the cashier cannot be reached (order and draft kept)",
            )
        await asyncio.sleep(OUTAGE_S)
        await asyncio.to_thread(recover)
        recovered_at = time.monotonic()
        took = await wait_for(
            lambda: (
                witnesses.connected == WITNESSES
                and background.connected == BACKGROUND
                and flow_witnesses.connected == FLOW_WITNESSES
            ),
            RECOVER_S,
        )
        checks.check(
            took is not None,
            f"every citizen connected again by itself ({witnesses.connected}/{WITNESSES} "
            f"witnesses, {flow_witnesses.connected}/{FLOW_WITNESSES} flow witnesses, "
            f"{background.connected}/{BACKGROUND} background"
            + (
                f", {took:.1f} s after recovery)"
                if took is not None
                else f" after {RECOVER_S:.0f} s)"
            ),
        )
        # actions in flight at the fault either get their answer late or time out (10 s)
        await asyncio.sleep(target.timeout_s + 2)
        outage = [ms for v in background.stats.window(fault_at, recovered_at).values() for ms in v]
        late = time.monotonic() - 2
        after = [ms for v in background.stats.window(late, time.monotonic()).values() for ms in v]
        print(
            f"  reconnects: {witnesses.stats.reconnects + background.stats.reconnects}; "
            f"background actions without an answer in {target.timeout_s:.0f} s: "
            f"{sum(background.stats.errors.values()) - before}; answered during the outage: "
            f"{len(outage)} (slowest {max(outage, default=0):.0f} ms); answered in the "
            f"last 2 s: {len(after)}",
            flush=True,
        )
        kinds = sorted(background.stats.errors.items(), key=lambda kv: -kv[1])[:8]
        print(f"  background actions without their answer, by kind: {dict(kinds)}", flush=True)
        checks.check(bool(after), "the background crowd is being answered again")
        frozen = sum(n for k, n in background.stats.errors.items() if FROZEN in k)
        noticed = sum(n for k, n in background.stats.errors.items() if NOTICE in k)
        slow = sum(n for k, n in background.stats.errors.items() if SLOW in k)
        checks.check(
            frozen == 0,
            f"no action hung without a word on an open socket ({frozen} did: those pages "
            f"showed no banner, they looked frozen); {noticed} were answered with the 'not "
            f"completed' notice, {slow} still waited after {target.timeout_s:.0f} s with the "
            "'still working' notice shown",
        )
        # the crowd stops acting: what it acknowledged is final for the checks below
        background.stop.set()
        await asyncio.gather(*background.tasks, return_exceptions=True)
        showing = [c for c in background.citizens if c.state.get(NOTICE_STATE, {}).get(
            NOTICE_VAR)]  # fmt: skip
        cleared = 0
        for citizen in showing:
            await citizen.search()
            cleared += not citizen.state.get(NOTICE_STATE, {}).get(NOTICE_VAR)
        checks.check(
            cleared == len(showing),
            f"the service notice went away with the next answer ({cleared}/{len(showing)} "
            "pages that still showed it)",
        )
        session = await witnesses._http()
        survived = 0
        answers: dict[str, int] = {}
        for citizen in witnesses.citizens:
            # a reload: the page disconnects (pagehide), the new page connects with the same
            # session token (a second live socket with it would count as a duplicated tab)
            await citizen.close()
            original = witness_tokens[id(citizen)]
            if original not in typed:
                continue
            if citizen.token != original:
                # the server's duplicate-tab check gave the tab a new token: fresh state
                answers["given a new token on reconnect"] = (
                    answers.get("given a new token on reconnect", 0) + 1
                )
                continue
            got = await reload_and_read(target, citizen.token, session)
            if got == typed[citizen.token]:
                survived += 1
            else:
                key = "no hydrate after 3 tries" if got is None else f"hydrated {got!r}"
                answers[key] = answers.get(key, 0) + 1
        print(
            f"  new tokens given by the server's duplicate-tab check: "
            f"{witnesses.stats.new_tokens} on reconnects, {RELOAD_STATS.new_tokens} on reloads",
            flush=True,
        )
        checks.check(
            survived == len(typed),
            f"state survived: {survived}/{len(typed)} reloaded tabs hydrate what they typed"
            + (f" (others: {answers})" if answers else ""),
        )
        probe = Crowd(target)
        await probe.grow(10, rate=20, live=False)
        answered = 0
        for citizen in probe.citizens:
            errors = sum(probe.stats.errors.values())
            await citizen.search()
            await citizen.open_guide()
            answered += sum(probe.stats.errors.values()) == errors
        await probe.close()
        checks.check(
            answered == 10, f"after recovery {answered}/10 new citizens searched and opened a guide"
        )
        await resume_drafts(checks, drafting)
        journeys = sum(1 for c in background.citizens if c.flow is not None)
        print(f"  background citizens who started the flow: {journeys}", flush=True)
        everyone = flow_witnesses.citizens + background.citizens + payers.citizens
        if pay_witnesses:  # their orders reach the cashier from the outbox, nobody tapping
            subs = [c.flow.sub for c in payers.citizens if c.flow is not None]
            took = await wait_for(lambda: queued_orders(db_url, subs) == 0, OUTBOX_WAIT_S)
            checks.check(
                took is not None and queued_at_outage > 0,
                f"the outbox sent the {queued_at_outage} orders the outage left queued to the "
                f"cashier by itself, no citizen tapping "
                f"({queued_orders(db_url, subs)} still queued"
                + (f", {took:.0f} s after the checks above)" if took is not None else
                   f" after {OUTBOX_WAIT_S:.0f} s)"),
            )  # fmt: skip
        if CASHIER is not None:  # payments (issue 15): settle the retries, then compare
            await settle_payments(checks, everyone)
            paid = sum(len(c.flow.paid) for c in everyone if c.flow)
            # 去支付 .. receipt shown, of the background crowd's journeys (under the load);
            # the witnesses' retries after recovery, one by one, are not counted in it
            payments = [ms for _t, ms in background.stats.journeys.get("payment", [])]
            p95 = round(percentile(payments, 95)) if payments else None
            p50 = round(percentile(payments, 50)) if payments else None
            print(
                f"  payments made: {paid}; payment round trip under load: p50 {p50} ms, "
                f"p95 {p95} ms over {len(payments)}",
                flush=True,
            )
            checks.figures.update(
                payments_made=paid, payment_n=len(payments), payment_p50_ms=p50,
                payment_p95_ms=p95,
            )  # fmt: skip
        check_payments(checks, db_url, everyone)  # before check_flow removes the test rows
        check_flow(checks, db_url, everyone)
    finally:
        await payers.close()
        await background.close()
        await flow_witnesses.close()
        await witnesses.close()


class CashierProcess:
    """The sandbox cashier of the scaled faults, on a fixed port with its store in a file."""

    def __init__(self) -> None:
        self.port = stack.free_port()
        self.key = secrets.token_urlsafe(24)
        self.url = f"http://127.0.0.1:{self.port}"
        self.db = stack.STATE / "cashier-faults.db"
        self.db.parent.mkdir(parents=True, exist_ok=True)
        self.db.unlink(missing_ok=True)
        (ROOT / "reports").mkdir(exist_ok=True)
        self.proc: subprocess.Popen | None = None

    def env(self) -> dict[str, str]:
        return {"YIWANG_CASHIER_URL": self.url, "YIWANG_CASHIER_KEY": self.key}

    def start(self) -> None:
        log = (ROOT / "reports" / "faults-cashier.log").open("ab")
        self.proc = subprocess.Popen(
            # --key=…: a token_urlsafe key may begin with "-" (argparse would take it for an option)
            [sys.executable, "-m", "sandboxes.cashier", "--port", str(self.port),
             f"--key={self.key}", "--db", str(self.db)],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while not stack.port_open(self.port):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise stack.ScaledError(f"the sandbox cashier did not start on {self.url}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.proc is not None:
            stack.stop_process(self.proc)
            self.proc = None

    def orders(self) -> list[dict[str, Any]]:
        import httpx

        return httpx.get(f"{self.url}/operator/orders", timeout=10).json()["orders"]


CASHIER: CashierProcess | None = None
#: the app's periodic outbox retry during the faults (YIWANG_OUTBOX_INTERVAL_S), and how long
#: the cashier fault waits for it to send the orders the outage left queued
OUTBOX_INTERVAL_S = 5
OUTBOX_WAIT_S = 60.0


def queued_orders(db_url: str, subs: list[str]) -> int:
    """How many of these citizens' payment orders still wait in the outbox."""
    import sqlalchemy as sa

    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        n = conn.execute(
            sa.text(
                "SELECT count(*) FROM flow_payment WHERE outbox <> '' AND owner IN :subs"
            ).bindparams(sa.bindparam("subs", expanding=True)),
            {"subs": subs or [""]},
        ).scalar_one()
    engine.dispose()
    return int(n)


async def payers_ready(crowd: Crowd, db_url: str) -> int:
    """Each pay witness fills 机动车驾驶证期满换证, submits it and stops on its pay page."""
    paid_codes = [c for c in flow_codes(db_url) if c.startswith(PAID_BASIC_CODE)]
    ready = 0
    for citizen in crowd.citizens:
        citizen.flow = FlowRecord(
            f"{SYNTHETIC_PREFIX}{secrets.token_hex(8)}", paid_codes[0], hold_payment=True
        )
        await flow_journey(citizen, submit=True)
        ready += bool(citizen.flow.checkout) and checkout_view(citizen, "stage") == "pay"
    return ready


async def payers_tap_pay(crowd: Crowd) -> int:
    """The pay witnesses tap 去支付 while the cashier is away; how many were told so."""
    told = 0
    others: dict[str, int] = {}
    for citizen in crowd.citizens:
        assert citizen.flow is not None
        citizen.flow.hold_payment = False
        await pay_checkout(citizen, citizen.flow, on_page=True)  # it waits on its pay page
        stage = checkout_view(citizen, "stage")
        if stage == "unreachable" and citizen.flow.checkout:
            told += 1
        else:
            others[str(stage)] = others.get(str(stage), 0) + 1
    if others:
        print(f"  pay witnesses not told: stages {others}; errors {dict(crowd.stats.errors)}",
              flush=True)  # fmt: skip
    return told


async def settle_payments(checks: Checks, citizens: list[Citizen]) -> None:
    """Citizens whose payment did not go through (the cashier was away, the tab was cut
    off) tap 重新支付 now: every one of them must pay."""
    waiting = [c for c in citizens if c.flow is not None and c.flow.checkout]
    paid = 0
    why: dict[str, int] = {}
    for citizen in waiting:
        assert citizen.flow is not None
        for _ in range(5):
            if await pay_checkout(citizen, citizen.flow):
                paid += 1
                break
            await asyncio.sleep(2)
        else:
            stage = str(checkout_view(citizen, "stage"))
            why[stage] = why.get(stage, 0) + 1
    if why:
        print(f"  not paid after 5 tries, by the checkout's stage: {why}", flush=True)
    checks.check(
        paid == len(waiting),
        f"after recovery {paid}/{len(waiting)} citizens whose payment had not gone through paid",
    )


#: the cashier's orders an earlier fault of this run has checked
_CHECKED: set[str] = set()


def check_payments(checks: Checks, db_url: str, citizens: list[Citizen]) -> None:
    """The cashier's orders against the app's: none lost, none doubled."""
    import sqlalchemy as sa

    if CASHIER is None:
        return
    # the scaled faults share one cashier, and each removes its own rows from the app after
    # its checks: the orders an earlier fault checked are not this one's
    at_cashier = {o["order_no"]: o for o in CASHIER.orders() if o["order_no"] not in _CHECKED}
    _CHECKED.update(at_cashier)
    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT order_no, checkout_id, status, application_number, notifications "
                "FROM flow_payment WHERE order_no IN :nos"
            ).bindparams(sa.bindparam("nos", expanding=True)),
            {"nos": list(at_cashier) or [""]},
        ).all()
        numbers = [n for c in citizens if c.flow for n in c.flow.paid]
        apps = conn.execute(
            sa.text(
                "SELECT number, count(*) FROM flow_application WHERE number IN :n GROUP BY number"
            ).bindparams(sa.bindparam("n", expanding=True)),
            {"n": numbers or [""]},
        ).all()
    engine.dispose()
    ours = {r.order_no: r for r in rows}
    taken = [o for o in at_cashier.values() if o["payments"] >= 1]
    lost = [
        o["order_no"]
        for o in taken
        if o["order_no"] not in ours
        or ours[o["order_no"]].status not in ("paid", "refunding", "refunded")
        or not ours[o["order_no"]].application_number
    ]
    twice = [o["order_no"] for o in at_cashier.values() if o["payments"] > 1]
    per_checkout: dict[int, int] = {}
    for r in rows:
        if r.status in ("paid", "refunding", "refunded"):
            per_checkout[r.checkout_id] = per_checkout.get(r.checkout_id, 0) + 1
    doubled = [cid for cid, n in per_checkout.items() if n > 1]
    unpaid_recorded = [
        r.order_no
        for r in rows
        if r.status == "paid" and at_cashier.get(r.order_no, {}).get("payments", 0) != 1
    ]
    print(
        f"  cashier: {len(at_cashier)} orders, {len(taken)} paid; app: "
        f"{sum(per_checkout.values())} paid orders on {len(per_checkout)} applications",
        flush=True,
    )
    checks.figures.update(
        orders=len(at_cashier), paid=len(taken), lost=len(lost),
        doubled=len(twice) + len(doubled) + len(unpaid_recorded),
    )  # fmt: skip
    checks.check(not lost, f"no payment lost ({len(lost)} taken by the cashier but not recorded"
                 + (f": {lost[:5]}" if lost else "") + ")")  # fmt: skip
    checks.check(
        not twice and not doubled and not unpaid_recorded,
        f"no payment doubled ({len(twice)} orders paid twice at the cashier, {len(doubled)} "
        f"applications with two paid orders, {len(unpaid_recorded)} recorded as paid that the "
        "cashier did not take)",
    )
    once = all(n == 1 for _, n in apps) and len(apps) == len(set(numbers))
    checks.check(
        once, f"every paid application exists exactly once ({len(apps)}/{len(set(numbers))})"
    )
    check_payment_rows(checks, db_url, citizens)


#: order statuses a citizen is told about with a way to pay again (no money taken)
REFUSED = ("cancelled", "failed", "closed")


def payment_problems(
    paid_by_citizen: dict[str, set[str]],
    orders: list[Any],
    checkouts: list[Any],
    receipt_events: dict[str, list[str]],
    unanswered: set[str] | frozenset[str] = frozenset(),
) -> tuple[dict[str, int], list[str]]:
    """Each citizen's rows after the outage and the retries, as the database holds them:
    ``orders`` (owner, order_no, status, outbox, receipt_no, application_number,
    checkout_id), ``checkouts`` (id, owner, needs_payment, application_number) and the
    receipt notes of each application's ``paid`` events.

    What the issue asks, counted exactly: no payment lost or doubled, and every started
    payment (a checkout with an order at the cashier's side) ends paid — once, with its
    receipt, once on its timeline — or refused with its message and retryable (cancelled,
    failed, timed out: the checkout kept, no application). A payable checkout that never
    reached payment (no order: the citizen stopped at the delivery choice or the pay page)
    is counted, not a problem: nothing was taken. Nothing waits in the outbox; what each
    citizen saw paid is what the database says, but for one payment more of a citizen in
    ``unanswered`` (its pay round trip got no answer: the cashier may have taken it and
    notified the app). Returns counts and the problems found."""
    problems: list[str] = []
    by_checkout: dict[int, list[Any]] = {}
    for o in orders:
        by_checkout.setdefault(o.checkout_id, []).append(o)
    paid_rows = [o for o in orders if o.status in ("paid", "refunding", "refunded")]
    by_app: dict[str, list[Any]] = {}
    for o in paid_rows:
        by_app.setdefault(o.application_number, []).append(o)
    for o in orders:
        if o.outbox:
            problems.append(f"{o.owner}: order {o.order_no} still waits in the outbox ({o.outbox})")
        if o.status in ("created", "open") and o.application_number:
            problems.append(
                f"{o.owner}: order {o.order_no} is {o.status} on a submitted application"
            )
    for o in paid_rows:
        if not o.receipt_no:
            problems.append(f"{o.owner}: paid order {o.order_no} has no receipt number")
        if not o.application_number:
            problems.append(f"{o.owner}: paid order {o.order_no} submitted no application")
    payable = [c for c in checkouts if c.needs_payment]
    never_paid = refused = 0
    for c in payable:
        if not c.application_number:  # not paid: nothing may have been taken
            started = by_checkout.get(c.id, [])
            if not started:
                never_paid += 1  # never reached payment
            elif any(o.status in ("created", "open") for o in started):
                problems.append(
                    f"{c.owner}: checkout {c.id} has a started payment neither paid nor "
                    f"refused ({', '.join(f'{o.order_no} {o.status}' for o in started)})"
                )
            elif all(o.status in REFUSED for o in started):
                refused += 1  # refused with its message, the checkout kept: retryable
            else:
                problems.append(
                    f"{c.owner}: checkout {c.id} not submitted though its orders are "
                    f"{sorted({o.status for o in started})}"
                )
            continue
        rows = by_app.get(c.application_number, [])
        if len(rows) != 1:
            problems.append(f"{c.owner}: {c.application_number} has {len(rows)} paid orders")
            continue
        notes = receipt_events.get(c.application_number, [])
        if notes != [f"receipt:{rows[0].receipt_no}"]:
            problems.append(
                f"{c.owner}: {c.application_number} timeline receipts {notes} (expected one, "
                f"{rows[0].receipt_no})"
            )
    in_db: dict[str, set[str]] = {}
    for o in paid_rows:
        in_db.setdefault(o.owner, set()).add(o.application_number)
    late = 0
    for owner, seen in paid_by_citizen.items():
        extra = in_db.get(owner, set()) - seen
        if owner in unanswered and len(extra) == 1 and seen <= in_db.get(owner, set()):
            late += 1
            continue
        if seen != in_db.get(owner, set()):
            problems.append(
                f"{owner}: paid {sorted(seen)} as the pages said, the database has "
                f"{sorted(in_db.get(owner, set()))}"
            )
    counts = {
        "citizens": len({o.owner for o in orders}),
        "orders": len(orders),
        "paid": len(paid_rows),
        "receipts": sum(1 for o in paid_rows if o.receipt_no),
        "payable checkouts": len(payable),
        "paid applications": len(by_app),
        "payable checkouts that never reached payment": never_paid,
        "payments refused and retryable": refused,
        "paid while the page got no answer": late,
    }
    return counts, problems


def check_payment_rows(checks: Checks, db_url: str, citizens: list[Citizen]) -> None:
    """Per citizen in the database, after the outage and the retries (payment_problems)."""
    import sqlalchemy as sa

    flows = [c.flow for c in citizens if c.flow is not None and c.flow.signed_in]
    owners = [f.sub for f in flows] or [""]
    engine = sa.create_engine(db_url)
    expanding = sa.bindparam("owners", expanding=True)
    with engine.connect() as conn:
        orders = conn.execute(
            sa.text(
                "SELECT owner, order_no, status, outbox, receipt_no, application_number, "
                "checkout_id FROM flow_payment WHERE owner IN :owners"
            ).bindparams(expanding),
            {"owners": owners},
        ).all()
        checkouts = conn.execute(
            sa.text(
                "SELECT id, owner, needs_payment, application_number FROM flow_checkout "
                "WHERE owner IN :owners"
            ).bindparams(expanding),
            {"owners": owners},
        ).all()
        events = conn.execute(
            sa.text(
                "SELECT a.number, e.note FROM flow_application_event e JOIN flow_application a "
                "ON a.id = e.application_id WHERE e.status = 'paid' AND a.owner IN :owners "
                "ORDER BY e.id"
            ).bindparams(expanding),
            {"owners": owners},
        ).all()
    engine.dispose()
    receipt_events: dict[str, list[str]] = {}
    for number, note in events:
        receipt_events.setdefault(number, []).append(note)
    paid_by_citizen = {f.sub: set(f.paid) for f in flows}
    unanswered = {f.sub for f in flows if f.checkout}
    counts, problems = payment_problems(
        paid_by_citizen, orders, checkouts, receipt_events, unanswered
    )
    print("  payments in the database: " + "; ".join(f"{v} {k}" for k, v in counts.items()),
          flush=True)  # fmt: skip
    for problem in problems[:10]:
        print(f"    {problem}", flush=True)
    checks.figures.update(
        never_reached_payment=counts["payable checkouts that never reached payment"],
        refused_retryable=counts["payments refused and retryable"],
        payment_problems=len(problems),
    )  # fmt: skip
    checks.check(
        counts["payable checkouts"] > 0 and not problems,
        f"per citizen: every payable checkout paid exactly once with its receipt on its "
        f"timeline, nothing left in the outbox ({len(problems)} problems)",
    )


def cashier_outage(checks: Checks, app: stack.Running) -> None:
    assert CASHIER is not None
    codes = catalogue_codes(stack.pg_url())
    cashier = CASHIER

    def fault() -> None:
        cashier.stop()
        checks.check(not stack.port_open(cashier.port), f"the cashier is down ({cashier.url})")

    fault.__doc__ = f"stop the cashier for {OUTAGE_S:g} s, then start it again"
    run_loop(
        under_load(
            checks, app.base_url, codes, fault, cashier.start, stack.pg_url(),
            pay_witnesses=PAY_WITNESSES,
        )
    )  # fmt: skip
    checks.check(app.backend.poll() is None, "the app itself kept running")


def kill_worker(checks: Checks, app: stack.Running) -> None:
    codes = catalogue_codes(stack.pg_url())
    workers = app.worker_pids()
    checks.check(len(workers) == 3, f"3 granian workers running ({workers})")
    victim: list[int] = []

    def fault() -> None:
        """kill -9 one granian worker"""
        victim.append(app.worker_pids()[0])
        os.kill(victim[0], signal.SIGKILL)

    run_loop(under_load(checks, app.base_url, codes, fault, lambda: None, stack.pg_url()))
    now = app.worker_pids()
    checks.check(
        len(now) == 3 and victim[0] not in now,
        f"granian replaced worker {victim[0]}: workers now {now}",
    )


@contextlib.contextmanager
def embedded(port: int) -> Iterator[str]:
    log = ROOT / "reports" / f"faults-embedded-{port}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PORT": str(port), "REFLEX_WEB_WORKDIR": ".web-faults",
           "REFLEX_STATES_WORKDIR": ".states-faults",
           # one machine plays every citizen from one address (app/security/limits.py)
           "YIWANG_PUBLIC_URL": f"http://127.0.0.1:{port}", "YIWANG_SOCKETS_PER_MINUTE": "0",
           "YIWANG_TOKENS_PER_MINUTE": "0"}  # fmt: skip
    env.pop("REFLEX_REDIS_URL", None)
    env.pop("REFLEX_DB_URL", None)
    with log.open("ab") as out:
        proc = subprocess.Popen(["bash", str(ROOT / "scripts" / "run.sh")], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    try:
        stack.wait_ready(f"http://127.0.0.1:{port}", [proc], log, 900)
        yield f"http://127.0.0.1:{port}"
    finally:
        stack.stop_process(proc)


def restart_app(checks: Checks) -> None:
    db_url = f"sqlite:///{ROOT / 'yiwang.db'}"
    codes = catalogue_codes(db_url)
    port = stack.free_port()
    holder: dict[str, contextlib.ExitStack] = {"app": contextlib.ExitStack()}
    url = holder["app"].enter_context(embedded(port))

    def fault() -> None:
        """stop the whole embedded app (SIGTERM to its process group)"""
        holder["app"].close()

    def recover() -> None:
        holder["app"] = contextlib.ExitStack()
        holder["app"].enter_context(embedded(port))

    global RECOVER_S
    RECOVER_S = max(RECOVER_S, 600)  # run.sh rebuilds the frontend before it serves again
    try:
        run_loop(under_load(checks, url, codes, fault, recover, db_url))
    finally:
        holder["app"].close()


def outage(checks: Checks, app: stack.Running, which: str) -> None:
    codes = catalogue_codes(stack.pg_url())
    stop, start = {
        "redis": (stack.stop_redis, stack.start_redis),
        "postgres": (stack.stop_postgres, stack.start_postgres),
    }[which]

    port = stack.REDIS_PORT if which == "redis" else stack.PG_PORT

    def fault() -> None:
        stop()
        checks.check(not stack.port_open(port), f"{which} is down (port {port} closed)")

    fault.__doc__ = f"stop {which} for {OUTAGE_S:g} s, then start it again"
    run_loop(under_load(checks, app.base_url, codes, fault, start, stack.pg_url()))
    checks.check(app.backend.poll() is None, "the app itself kept running")


# Faults on the scaled stack share one running app (one frontend build); restart-app has its own.
SCALED = {
    "kill-worker": kill_worker,
    "redis": lambda c, app: outage(c, app, "redis"),
    "postgres": lambda c, app: outage(c, app, "postgres"),
    "cashier": cashier_outage,
}
FAULTS = ["kill-worker", "restart-app", "redis", "postgres", "cashier"]


#: each fault's figures and outcome, printed as the last line (JSON)
RESULTS: dict[str, dict[str, Any]] = {}


def run_one(name: str, app: stack.Running | None) -> list[str]:
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"\n== fault: {name} (load average {load})", flush=True)
    checks = Checks(name)
    try:
        if app is None:
            restart_app(checks)
        else:
            SCALED[name](checks, app)
    finally:
        RESULTS[name] = {
            "passed": not checks.failed, "failed": len(checks.failed), "load_before": load,
            "load_after": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
            **checks.figures,
        }  # fmt: skip
    return [f"{name}: {f}" for f in checks.failed]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("fault", nargs="+", choices=[*FAULTS, "all"])
    args = parser.parse_args(argv)
    names = FAULTS if "all" in args.fault else [f for f in FAULTS if f in args.fault]
    failed: list[str] = []
    try:
        scaled = [n for n in names if n in SCALED]
        if scaled:
            # scaled_app starts the flow's sandboxes (identity provider, e-licences, back
            # office) unless the environment names real ones
            global CASHIER
            CASHIER = CashierProcess()  # the cashier fault stops and starts this one
            CASHIER.start()
            env = {
                "REFLEX_WEB_WORKDIR": ".web-faults",
                "YIWANG_SOCKETS_PER_MINUTE": "0",
                "YIWANG_TOKENS_PER_MINUTE": "0",
                "YIWANG_OUTBOX_INTERVAL_S": str(OUTBOX_INTERVAL_S),
                **CASHIER.env(),
            }
            try:
                with stack.scaled_app(env, workers=3) as app:
                    for name in scaled:
                        failed += run_one(name, app)
            finally:
                CASHIER.stop()
                CASHIER = None  # restart-app runs its own cashier (scripts/run.sh)
        if "restart-app" in names:
            failed += run_one("restart-app", None)
    except stack.ScaledError as exc:
        failed.append(f"the stack did not start: {exc}")
    print("\n" + ("FAILED:\n  " + "\n  ".join(failed) if failed else "every check passed"))
    print(json.dumps({"passed": not failed, "faults": RESULTS}, ensure_ascii=False))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
