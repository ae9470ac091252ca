"""The application wizard at ``/apply/[code]``: open a form, answer it page by page with
autosave, use e-licences instead of uploads (免提交), check and submit once.

The step machine, the eligibility gate and the checks are ``app.flow.wizard``; the form (hand
written or derived from the catalogue) comes from ``app.flow.lookup``. Each function takes the
request context, the :class:`Tab` (what the citizen's tab keeps between events: where it is in
the form and what it shows) and the event's input; it authorizes the citizen
(:func:`app.journeys.session.citizen`: signed out means the intro, another citizen's draft is
never read), saves the answers to the citizen's draft and returns an :class:`ApplyView`, or
``None`` when the event changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from app.context import RequestContext
from app.domain.identity import Identity
from app.flow import backoffice, checkout, store
from app.flow.schema import FormDefinition
from app.flow.store import applications, drafts
from app.flow.validate import DETAIL, cleaned
from app.flow.wizard import Progress
from app.journeys.apply_event import ApplyView, Event, Tab, licences
from app.journeys.apply_views import ERROR_SUMMARY_ID, HEADING_ID, Audit, ErrorView, Focus, Rendered
from app.journeys.blocking import Blocking
from app.journeys.session import citizen
from app.text import SOURCE_LOCALE, pick
from app.text import st as t

__all__ = ["ApplyView", "Tab"]


# -- opening the form ----------------------------------------------------------------------------
def _load_form(e: Event, code: str, start: bool) -> tuple[FormDefinition, Identity] | None:
    if e.tab.stage == "done" and e.tab.application_number and e.tab.done_for == code and start:
        # the tab reconnected on the URL it came back to after login: keep showing the
        # confirmation (and its number) instead of opening a new draft of the same item
        return None
    e.page = Rendered(errors=(), fields=(), answers=())
    e.set(resumed=False, saved_note="", refused="", application_number="", form_key="")
    e.set(page=0, back_to_check=False, shown_errors={})
    e.values = {}
    form = e.resolve(code[:80])
    if form is None:
        e.set(stage="missing")
        return None
    e.set(form_key=form.key)
    ident = e.signed_in_or_intro()
    if ident is None or not e.gate(form, ident):
        return None
    return form, ident


def _open_first(e: Event, form: FormDefinition, ident: Identity) -> Focus:
    draft = drafts.get_draft(ident.sub, e.get("item_code"))
    stored = dict(draft.values) if draft else {}
    e.keep(e.wizard(form).open(ident, stored, draft.step if draft else 0))
    e.sync_files(form, ident.sub)
    e.save(form, ident, synced=True)
    e.render(form)
    return e.focus_page()


def _load_draft(e: Event, form: FormDefinition, ident: Identity, start: bool) -> Focus | None:
    draft = drafts.get_draft(ident.sub, e.get("item_code"))
    if draft is None:
        if start:
            return _open_first(e, form, ident)
        e.set(stage="intro")
        return None
    e.keep(e.wizard(form).open(ident, dict(draft.values), draft.step))
    e.sync_files(form, ident.sub)
    e.saved(draft)
    e.set(resumed=True)
    e.render(form)
    return None


async def load(
    ctx: RequestContext, tab: Tab, code: str, *, start: bool, run: Blocking
) -> ApplyView | None:
    """The page opened (or its tab reconnected) on ``/apply/<code>``; ``start``: back from the
    login with ``?start=1``, straight into the form."""
    e = Event(ctx, tab)
    code = code.strip()
    opened = await run(_load_form, e, code, start)
    if opened is None:
        return e.view() if e.changes or e.page else None
    form, ident = opened
    e.licences = await licences(form, ident)
    focus = await run(_load_draft, e, form, ident, start)
    return e.view(focus=focus)


def _start(e: Event) -> tuple[FormDefinition, Identity] | str | None:
    form = e.form()
    if form is None:
        return None
    ident = citizen(e.ctx)
    if ident is None:  # back here after login, straight into the form
        return f"/apply/{e.get('item_code')}?start=1"
    return (form, ident) if e.gate(form, ident) else None


async def start(ctx: RequestContext, tab: Tab, *, run: Blocking) -> ApplyView | None:
    """开始办理: sign in if needed (only now), then the first question page."""
    e = Event(ctx, tab)
    opened = await run(_start, e)
    if opened is None:
        return e.view() if e.changes else None
    if isinstance(opened, str):
        return e.view(login=opened)
    form, ident = opened
    e.licences = await licences(form, ident)
    focus = await run(_open_first, e, form, ident)
    return e.view(focus=focus)


# -- answering -----------------------------------------------------------------------------------
def _autosaved(e: Event, form: FormDefinition, ident: Identity, p: Progress, name: str) -> None:
    e.keep(p)
    e.save(form, ident)
    e.set(saved_note=t("已自动保存"))
    if form.field(name.removesuffix(DETAIL)).kind in {"select", "radio", "address", "checkbox"}:
        e.render(form, e.tab.shown_errors)  # answers may show or hide follow-up questions


def save_field(ctx: RequestContext, tab: Tab, name: str, value: str) -> ApplyView | None:
    """A field lost focus (or a choice changed): keep its value in the draft."""
    e = Event(ctx, tab)
    found = e.on_page()
    if found is None:
        return e.view() if e.changes else None
    form, ident = found
    p = e.progress
    if not e.wizard(form).set_answer(p, str(name), str(value), ident):
        return None
    _autosaved(e, form, ident, p, str(name))
    return e.view()


def set_choice(
    ctx: RequestContext, tab: Tab, name: str, option: str, checked: bool
) -> ApplyView | None:
    """A checkbox of a multiple choice was ticked or cleared."""
    e = Event(ctx, tab)
    found = e.on_page()
    if found is None:
        return e.view() if e.changes else None
    form, ident = found
    p = e.progress
    if not e.wizard(form).set_choice(p, str(name), str(option), bool(checked), ident):
        return None
    _autosaved(e, form, ident, p, str(name))
    return e.view()


def _posted(form_data: object) -> Mapping[str, Any]:
    """The page's form as the browser posted it: a mapping of field names (else nothing)."""
    return cast("Mapping[str, Any]", form_data) if isinstance(form_data, Mapping) else {}


def continue_step(ctx: RequestContext, tab: Tab, form_data: object) -> ApplyView | None:
    """继续: check the page's answers, then the next page (or the check page)."""
    e = Event(ctx, tab)
    found = e.on_page()
    if found is None:
        return e.view() if e.changes else None
    form, ident = found
    wizard, p = e.wizard(form), e.progress
    wizard.take_post(p, _posted(form_data), ident)
    e.keep(p)
    owned = e.sync_files(form, ident.sub)
    p.values = dict(e.values)
    outcome = wizard.continue_(p, owned)
    e.keep(p)
    if not outcome.ok:
        e.set(saved_note="")
    e.save(form, ident, synced=True)
    e.render(form, outcome.errors)
    return e.view(focus=e.focus_page())


def back(ctx: RequestContext, tab: Tab) -> ApplyView | None:
    """返回上一步: the previous page, or the intro from the first one."""
    e = Event(ctx, tab)
    form = e.form()
    ident = e.signed_in_or_intro()
    if form is None or ident is None or tab.stage not in ("step", "extra", "check"):
        return e.view() if e.changes else None
    p = e.progress
    if e.wizard(form).back(p).action == "intro":
        e.set(stage="intro")
        return e.view(focus=Focus(HEADING_ID, tab.item_name))
    e.keep(p)
    e.save(form, ident)
    e.render(form)
    return e.view(focus=e.focus_page())


def change(ctx: RequestContext, tab: Tab, step: Any) -> ApplyView | None:
    """A change link on the check page: that question page, then back to the check page."""
    e = Event(ctx, tab)
    form = e.form()
    ident = e.signed_in_or_intro()
    if form is None or ident is None or tab.stage != "check":
        return e.view() if e.changes else None
    try:
        index = int(step)
    except (TypeError, ValueError):
        return None
    p = e.progress
    if e.wizard(form).change(p, index).action != "page":
        return None
    e.keep(p)
    e.render(form)
    return e.view(focus=e.focus_page())


def use_licence(ctx: RequestContext, tab: Tab, name: str) -> ApplyView | None:
    """Attach the citizen's e-licence instead of uploading (免提交)."""
    e = Event(ctx, tab)
    found = e.on_page()
    if found is None:
        return e.view() if e.changes else None
    form, ident = found
    name, p = str(name), e.progress
    if not e.wizard(form).use_licence(p, name, e.licences):
        return None
    # file answers live in the draft (the upload route writes there too): write it first
    draft = drafts.get_draft(ident.sub, tab.item_code)
    stored = {**(draft.values if draft else e.values), name: p.values[name]}
    item_name = pick(tab.item_name, SOURCE_LOCALE)
    drafts.save_draft(ident.sub, tab.item_code, form.key, item_name, stored, p.page)
    e.keep(p)
    e.save(form, ident)
    e.render(form, {k: m for k, m in tab.shown_errors.items() if k != name})
    e.set(saved_note=t("已自动保存"))
    return e.view()


def reveal_answers(ctx: RequestContext, tab: Tab) -> ApplyView | None:
    """Show (or mask again) the ID numbers and phones among the answers; showing is audited."""
    e = Event(ctx, tab)
    form = e.form()
    ident = e.signed_in_or_intro()
    if form is None or ident is None:
        return e.view() if e.changes else None
    e.set(revealed=not tab.revealed)
    if not tab.revealed:
        e.audits.append(Audit("reveal", "success", ident.sub, "answers"))
    if tab.stage in ("check", "step"):
        e.render(form)
    return e.view()


# -- submitting ----------------------------------------------------------------------------------
def _snapshot(e: Event, form: FormDefinition, values: dict[str, str]) -> dict[str, Any]:
    """What ``applications.submit`` would get now (kept by the checkout until paid)."""
    return {
        "item_code": e.get("item_code"),
        "form_key": form.key,
        # stored as the catalogue names them (shown per locale when read back)
        "item_name": pick(e.get("item_name"), SOURCE_LOCALE),
        "department": pick(e.get("department"), SOURCE_LOCALE),
        "area_code": e.get("area"),
        "values": cleaned(form, values),
        "promised_days": e.get("promised_days"),
    }


def _submit(e: Event, form_data: object, key: str, code: str) -> ApplyView | str | None:
    """The checks and the database write of :func:`submit`: the view to show, or the owner
    when the application went in (the back office still to be told)."""
    form = e.form()
    ident = e.signed_in_or_intro()
    if form is None or ident is None or e.tab.stage != "check":
        return e.view() if e.changes else None  # not on the check page (or a second tap)
    p = e.progress
    owned = e.sync_files(form, ident.sub)
    p.values = dict(e.values)
    data = _posted(form_data)
    outcome = e.wizard(form).submit(p, ident, data, key, owned)
    e.keep(p)
    if outcome.action != "submit":
        e.render(form, outcome.errors)
        return e.view(focus=e.focus_page())
    # an item with express delivery or online fees goes to /checkout first
    snapshot = _snapshot(e, form, outcome.values)
    if (held := checkout.hold_if_needed(ident.sub, key, snapshot)) is not None:
        return e.view(redirect=held)
    try:
        application, _ = applications.submit(
            ident.sub,
            str(key),
            item_code=snapshot["item_code"],
            form_key=form.key,
            item_name=snapshot["item_name"],
            department=snapshot["department"],
            area_code=snapshot["area_code"],
            values=outcome.values,
            promised_days=snapshot["promised_days"],
        )
    except store.Refused:
        e.page = Rendered(errors=(ErrorView(t("提交请求无效，请刷新页面后重试。"), HEADING_ID),))
        return e.view(focus=Focus(ERROR_SUMMARY_ID, t("错误：{title}", title=t("提交前请核对"))))
    e.page = Rendered(errors=())
    e.set(stage="done", application_number=application.number, draft_token="", done_for=code)
    return ident.sub


async def submit(
    ctx: RequestContext,
    tab: Tab,
    form_data: object,
    key: str,
    code: str,
    *,
    run: Blocking,
) -> ApplyView | None:
    """Submit once: the client's idempotency key makes retries and double taps harmless."""
    e = Event(ctx, tab)
    shown = await run(_submit, e, form_data, str(key), code.strip())
    if not isinstance(shown, str):
        return shown
    # hand it to the back office; if that fails it stays queued and the next sync resends it
    await backoffice.sync(shown, pull_changes=False)
    return e.view(focus=Focus(HEADING_ID, t("申请已提交")))
