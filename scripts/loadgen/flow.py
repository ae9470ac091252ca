"""The application flow as a citizen goes through it: sign in at the identity provider, open
or resume a form, answer its pages (each saves the draft), upload materials, submit, and pay at
the checkout; what the pages acknowledged is kept (:class:`FlowRecord`) for the fault checks."""

from __future__ import annotations

import random
import time
import urllib.parse
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from scripts.loadgen.checkout import pay_checkout
from scripts.loadgen.record import SYNTHETIC_PREFIX, UPLOAD_PNG, FlowRecord, answers_for
from scripts.loadgen.wire import (
    APPLY_STATE,
    FLOW_AUTH_STATE,
    SESSION_COOKIE,
    Delta,
    delta_key,
    ensure_loopback,
)

if TYPE_CHECKING:
    from scripts.loadgen.citizen import Citizen


def apply_view(citizen: Citizen, var: str) -> Any:
    return citizen.state.get(APPLY_STATE, {}).get(delta_key(var))


async def flow_sign_in(citizen: Citizen, flow: FlowRecord, idp_url: str) -> bool:
    """The browser's part of the login: the identity provider's page, the account chosen,
    its redirect back to the app's callback, which the tab loads (a new socket, same token)."""
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(idp_url).query))
    authorize = idp_url.split("?", 1)[0]
    ensure_loopback(authorize)
    started = time.monotonic()
    try:
        async with citizen.http.get(idp_url) as page:
            if page.status != 200:
                citizen.stats.error(f"flow_login: identity provider answered {page.status}")
                return False
        form = {**query, "account": flow.sub, "action": "login"}
        async with citizen.http.post(authorize, data=form, allow_redirects=False) as answer:
            back = answer.headers.get("Location", "")
    except Exception as exc:  # aiohttp errors: the identity provider is not reachable
        citizen.stats.error(f"flow_login: identity provider unreachable ({type(exc).__name__})")
        return False
    parts = urllib.parse.urlsplit(back)
    if "code=" not in parts.query:
        citizen.stats.error(f"flow_login: identity provider refused the login ({back[:80]})")
        return False
    citizen.stats.add("flow_login_idp", (time.monotonic() - started) * 1000)
    citizen.redirects.clear()
    citizen.page_loads.clear()
    if not await citizen.reload("flow_login_callback", f"{parts.path}?{parts.query}"):
        return False
    handoff = next((u for u in reversed(citizen.page_loads) if u.startswith("/flow/session")), "")
    if not handoff:
        citizen.stats.error("flow_login: the callback did not hand over a session")
        return False
    # the browser loads /flow/session: the HttpOnly cookie, then where the login began
    try:
        async with citizen.http.get(citizen.target.url + handoff, allow_redirects=False) as answer:
            morsel = answer.cookies.get(SESSION_COOKIE)
            back = answer.headers.get("Location", "/me")
    except Exception as exc:  # aiohttp errors: the app is not reachable
        citizen.stats.error(f"flow_login: /flow/session unreachable ({type(exc).__name__})")
        return False
    if morsel is None or not morsel.value:
        citizen.stats.error("flow_login: /flow/session set no session cookie")
        return False
    citizen.cookie = morsel.value
    if not await citizen.reload("flow_open", back):
        return False
    if not citizen.state.get(FLOW_AUTH_STATE, {}).get(delta_key("signed_in")):
        citizen.stats.error("flow_login: the session cookie did not sign the citizen in")
        return False
    flow.signed_in = True
    return True


async def flow_open(citizen: Citizen, flow: FlowRecord) -> bool:
    """Open the item's online form; start it (signing in first if needed) or resume the draft."""
    if not await citizen.navigate("flow_open", f"/apply/{urllib.parse.quote(flow.item_code)}"):
        return False
    if apply_view(citizen, "stage") != "intro":
        return True
    if flow.draft is not None:  # no draft any more
        if flow.unconfirmed:  # a submit without an answer went through
            flow.must_exist.update(flow.unconfirmed)
            flow.unconfirmed.clear()
        else:
            flow.lost.append(f"{flow.item_code}: draft acknowledged at step {flow.draft_step}")
            citizen.stats.error("flow: an acknowledged draft is gone")
        flow.draft, flow.key = None, ""
    citizen.redirects.clear()

    def started(delta: Delta) -> bool:
        answer = delta.get(APPLY_STATE, {})
        return (
            bool(citizen.redirects)
            or delta_key("stage") in answer
            or bool(delta.get(FLOW_AUTH_STATE, {}).get(delta_key("login_error")))
        )

    if not await citizen.event("flow_start", f"{APPLY_STATE}.start", {}, started):
        return False
    if apply_view(citizen, "stage") == "step":
        return True
    if citizen.redirects and not citizen.redirects[-1].startswith("/"):
        if not await flow_sign_in(citizen, flow, citizen.redirects[-1]):
            return False
    elif error := citizen.state.get(FLOW_AUTH_STATE, {}).get(delta_key("login_error")):
        citizen.stats.error(f"flow_start: {error}")
        return False
    if apply_view(citizen, "stage") != "step":
        citizen.stats.error(
            f"flow_start: the form did not open (stage {apply_view(citizen, 'stage')!r})"
        )
        return False
    return True


async def flow_upload(citizen: Citizen, flow: FlowRecord, name: str) -> str | None:
    """Upload a material into the draft (``POST /flow/files`` with the session cookie); its
    stored id, or ``None`` with the error counted (round trip ``upload``)."""
    import aiohttp

    body = aiohttp.FormData()
    body.add_field("item", flow.item_code)
    body.add_field("field", name)
    body.add_field("file", UPLOAD_PNG, filename="material.png", content_type="image/png")
    started = time.perf_counter()
    try:
        async with citizen.http.post(
            f"{citizen.target.url}/flow/files",
            data=body,
            headers={"X-Yiwang-Upload": "1", "Cookie": f"{SESSION_COOKIE}={citizen.cookie}"},
        ) as answer:
            data = await answer.json(content_type=None)
            ok = answer.status == 200 and bool(data.get("id"))
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        citizen.stats.error(f"upload: {type(exc).__name__}")
        return None
    if not ok:
        where = f"stage {apply_view(citizen, 'stage')}, step {apply_view(citizen, 'step_index')}"
        if answer.status == 404:
            at = datetime.now(UTC).isoformat(timespec="milliseconds")
            flow.upload_refused.append((at, name, apply_view(citizen, "step_index")))
        citizen.stats.error(f"upload: HTTP {answer.status} ({where}): {data.get('message')}")
        return None
    citizen.stats.add("upload", (time.perf_counter() - started) * 1000)
    return str(data["id"])


async def flow_journey(citizen: Citizen, submit: bool | None = None, max_steps: int = 99) -> None:
    """Sign in if needed, start (or resume) an application, answer up to ``max_steps`` question
    pages (each one saves the draft: round trip ``draft_save``), and submit it (round trip
    ``submit``) when ``submit`` is true (default: half of the time). What the page acknowledged
    is kept on ``citizen.flow``."""
    if not citizen.target.flow_codes:
        citizen.stats.error("flow: no online-form items given (Target.flow_codes)")
        return
    if citizen.flow is None:
        citizen.flow = FlowRecord(
            f"{SYNTHETIC_PREFIX}{uuid.uuid4().hex[:16]}", random.choice(citizen.target.flow_codes)
        )
    flow = citizen.flow
    if flow.checkout:  # a payment left over from the last journey comes first
        await pay_checkout(citizen, flow)
        return
    if submit is None:
        submit = random.random() < 0.5
    if not await flow_open(citizen, flow):
        return
    if flow.unconfirmed and apply_view(citizen, "stage") == "check":
        submit = True  # a submit without an answer: the citizen taps 提交 again (same key)
    n = random.randrange(1, 10_000)
    answered = dict(flow.draft or {})
    steps = 0
    while apply_view(citizen, "stage") == "step" and steps < max_steps:
        citizen.page = "question"
        if not await citizen.pause("question"):  # typing the answers of this page
            return
        fields = apply_view(citizen, "fields") or []
        answers = answers_for(fields, n)
        # the choices first, as the page sends each one (save_field on change): a choice may
        # show follow-up questions or a material on the same page (a field's ``when``)
        for _ in range(3):
            changed = [
                fld
                for fld in fields
                if fld["kind"] in ("radio", "select")
                and not fld.get("locked")
                and answers.get(fld["name"]) != str(fld.get("value") or "")
            ]
            if not changed:
                break
            for fld in changed:
                payload = {"name": fld["name"], "value": answers[fld["name"]]}
                if not await citizen.event(
                    "field_save", f"{APPLY_STATE}.save_field", payload, lambda d: APPLY_STATE in d
                ):
                    return
            fields = apply_view(citizen, "fields") or []
            answers = {**answers, **answers_for(fields, n)}
        for fld in fields:  # a material to upload: the upload route, as the page's script posts
            if fld.get("kind") == "file" and not fld.get("value"):
                if (stored := await flow_upload(citizen, flow, fld["name"])) is None:
                    return
                answered[fld["name"]] = stored
        before = apply_view(citizen, "step_index")

        def moved(delta: Delta) -> bool:
            answer = delta.get(APPLY_STATE, {})
            return any(delta_key(k) in answer for k in ("step_index", "stage", "errors"))

        payload = {"form_data": answers}
        if not await citizen.event("draft_save", f"{APPLY_STATE}.continue_step", payload, moved):
            return
        if errors := apply_view(citizen, "errors"):
            citizen.stats.error(f"draft_save: step {before} refused: {errors[0].get('message')}")
            return
        answered.update({k: v for k, v in answers.items() if "::" not in k})
        stage = apply_view(citizen, "stage")
        flow.draft = dict(answered)
        flow.draft_step = (
            apply_view(citizen, "step_count")
            if stage == "check"
            else apply_view(citizen, "step_index")
        )
        steps += 1
    if apply_view(citizen, "stage") == "check":
        citizen.page = "check"
    if not submit or apply_view(citizen, "stage") != "check":
        return
    if not await citizen.pause("check"):  # reading the answers back, ticking the declaration
        return
    flow.key = flow.key or uuid.uuid4().hex
    key, sent = flow.key, dict(flow.draft or answered)

    def submitted(delta: Delta) -> bool:
        answer = delta.get(APPLY_STATE, {})
        return (
            answer.get(delta_key("stage")) == "done"
            or bool(answer.get(delta_key("errors")))
            or any(r.startswith("/checkout/") for r in citizen.redirects)
        )

    citizen.redirects.clear()
    payload = {"form_data": {"declaration": "on", "consent": "on"}, "key": key}
    if not await citizen.event("submit", f"{APPLY_STATE}.submit", payload, submitted):
        flow.unconfirmed[key] = sent  # made or not, the draft (if still there) resubmits it
        return
    if citizen.redirects and citizen.redirects[-1].startswith("/checkout/"):
        # delivery and payment before the submission (issue 15): the draft stays until paid
        flow.checkout, flow.checkout_key, flow.checkout_sent = citizen.redirects[-1], key, sent
        await pay_checkout(citizen, flow)
        return
    if apply_view(citizen, "stage") != "done":
        citizen.stats.error(f"submit: refused: {apply_view(citizen, 'errors')}")
        return
    flow.submitted[key] = (str(apply_view(citizen, "application_number")), sent)
    flow.unconfirmed.pop(key, None)
    flow.draft, flow.draft_step, flow.key = None, 0, ""
    citizen.page = "done"
