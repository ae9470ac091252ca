"""One fault under load: witnesses and a background crowd, the fault, the recovery, and the
checks of what the citizens kept (``under_load``)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from scripts.faults import cashier
from scripts.faults.cashier import (
    OUTBOX_WAIT_S,
    payers_ready,
    payers_tap_pay,
    queued_orders,
    settle_payments,
)
from scripts.faults.common import (
    BACKGROUND,
    FLOW_WITNESSES,
    OUTAGE_S,
    RECOVER_S,
    WITNESSES,
    Checks,
    wait_for,
)
from scripts.faults.flowcheck import check_flow
from scripts.faults.payments import check_payments
from scripts.faults.witnesses import (
    RELOAD_STATS,
    flow_witnesses_act,
    reload_and_read,
    resume_drafts,
    witnesses_type,
)
from scripts.loadgen.citizen import Target
from scripts.loadgen.crowd import Crowd
from scripts.loadgen.data import (
    flow_codes,
    search_queries,
)
from scripts.loadgen.report import percentile
from scripts.loadgen.wire import (
    FROZEN,
    NOTICE,
    NOTICE_STATE,
    NOTICE_VAR,
    SLOW,
)


async def under_load(
    checks: Checks,
    url: str,
    codes: list[str],
    fault: Callable[[], object],
    recover: Callable[[], object],
    db_url: str,
    pay_witnesses: int = 0,
    recover_s: float = RECOVER_S,
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
            recover_s,
        )
        checks.check(
            took is not None,
            f"every citizen connected again by itself ({witnesses.connected}/{WITNESSES} "
            f"witnesses, {flow_witnesses.connected}/{FLOW_WITNESSES} flow witnesses, "
            f"{background.connected}/{BACKGROUND} background"
            + (
                f", {took:.1f} s after recovery)"
                if took is not None
                else f" after {recover_s:.0f} s)"
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
        if cashier.CASHIER is not None:  # payments (issue 15): settle the retries, then compare
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
