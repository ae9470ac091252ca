"""The witnesses of a fault: citizens who type a query or save a draft or an application before
it, and afterwards reload their tab and find it (``under_load``)."""

from __future__ import annotations

import asyncio

from scripts.faults.common import Checks
from scripts.loadgen.citizen import Citizen, Target
from scripts.loadgen.crowd import Crowd
from scripts.loadgen.flow import flow_journey
from scripts.loadgen.report import Stats
from scripts.loadgen.wire import (
    APPLY_STATE,
    SEARCH_STATE,
    SEARCH_TYPE,
    delta_key,
    has,
)


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
