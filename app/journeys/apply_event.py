"""One event of the application wizard: the tab it starts from, the view it ends with, and
the working copy in between (:class:`Event`) with what every journey function of
:mod:`app.journeys.apply` shares: who is signed in, the form of the tab, the draft, the page.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from app.adapters.elicence import ELicenceError
from app.adapters.elicence import client_from_env as elicence_client
from app.catalogue.i18n import content_for, content_text
from app.catalogue.queries import item_name as catalogue_item_name
from app.context import RequestContext
from app.domain.identity import Identity
from app.flow import files
from app.flow.lookup import form_for_code
from app.flow.schema import FormDefinition
from app.flow.store import drafts
from app.flow.tables import Draft
from app.flow.wizard import LICENCE_PREFIX, Progress, Wizard, gate, licence_for
from app.journeys.apply_views import (
    ERROR_SUMMARY_ID,
    HEADING_ID,
    Answers,
    Audit,
    Focus,
    Rendered,
    render,
)
from app.journeys.session import citizen
from app.text import SOURCE_LOCALE, pick, source_text, stext
from app.text import st as t
from app.text.format import local_time_limit


@dataclasses.dataclass(frozen=True)
class Tab:
    """What one tab keeps between events: the form it is on, the wizard's progress and the
    page's small facts (item names are local texts, every locale)."""

    stage: str = "loading"  # loading missing intro level step extra check done
    item_code: str = ""
    item_name: str = ""
    department: str = ""
    form_key: str = ""
    area: str = ""
    promised_days: int = 0
    values: Mapping[str, str] = dataclasses.field(default_factory=dict[str, str])
    page: int = 0
    back_to_check: bool = False
    file_names: Mapping[str, str] = dataclasses.field(default_factory=dict[str, str])
    licences: Mapping[str, Mapping[str, str]] = dataclasses.field(
        default_factory=dict[str, Mapping[str, str]]
    )
    #: the errors of the fields shown now (an autosave that re-renders keeps them)
    shown_errors: Mapping[str, str] = dataclasses.field(default_factory=dict[str, str])
    revealed: bool = False
    draft_token: str = ""
    resumed: bool = False
    saved_note: str = ""
    application_number: str = ""
    refused: str = ""
    done_for: str = ""  # the route code of the application just submitted


@dataclasses.dataclass(frozen=True)
class Facts:
    """What the intro and the confirmation say about the item (set by :func:`load`)."""

    promise: str
    members: tuple[str, ...]
    audience: str
    declaration: str
    consent_text: str
    next_steps: tuple[str, ...]
    step_count: int


@dataclasses.dataclass(frozen=True)
class ApplyView:
    """The tab after the event, what the page shows (``page``/``facts`` ``None``: unchanged)
    and what it does next: focus an element, go to a page, sign in, audit."""

    tab: Tab
    page: Rendered | None = None
    facts: Facts | None = None
    focus: Focus | None = None
    redirect: str | None = None
    login: str | None = None
    audits: tuple[Audit, ...] = ()


class Event:
    """One event's work on a copy of the tab (the functions below build it and freeze it)."""

    def __init__(self, ctx: RequestContext, tab: Tab) -> None:
        self.ctx, self.province = ctx, ctx.province
        self.tab = tab
        self.values: dict[str, str] = dict(tab.values)
        self.file_names: dict[str, str] = dict(tab.file_names)
        self.licences: dict[str, dict[str, str]] = {k: dict(v) for k, v in tab.licences.items()}
        self.changes: dict[str, Any] = {}
        self.page: Rendered | None = None
        self.facts: Facts | None = None
        self.audits: list[Audit] = []
        self.ident: Identity | None = None

    # -- the tab ---------------------------------------------------------------------------
    def get(self, name: str) -> Any:
        return self.changes.get(name, getattr(self.tab, name))

    def set(self, **changes: Any) -> None:
        self.changes.update(changes)

    def view(self, **then: Any) -> ApplyView:
        tab = dataclasses.replace(
            self.tab,
            **self.changes,
            values=dict(self.values),
            file_names=dict(self.file_names),
            licences=self.licences,
        )
        return ApplyView(tab, self.page, self.facts, audits=tuple(self.audits), **then)

    @property
    def progress(self) -> Progress:
        return Progress(dict(self.values), self.get("page"), self.get("back_to_check"))

    def keep(self, p: Progress) -> None:
        self.values = dict(p.values)
        self.set(page=p.page, back_to_check=p.back_to_check)

    # -- who and what ------------------------------------------------------------------------
    def signed_in_or_intro(self) -> Identity | None:
        self.ident = citizen(self.ctx)
        if self.ident is None:
            self.set(stage="intro", shown_errors={})
            self.page = dataclasses.replace(self.page or Rendered(), fields=(), errors=())
        return self.ident

    def form(self) -> FormDefinition | None:
        key, code = self.get("form_key"), self.get("item_code")
        if not key or not code:
            return None
        found = form_for_code(code, self.province.folder)
        return found[0] if found is not None and found[0].key == key else None

    def wizard(self, form: FormDefinition) -> Wizard:
        return Wizard(form, self.province.prefix)

    def content(self, text: str) -> str:
        """A catalogue text (item or department name) in every locale of the province."""
        return content_text(text, content_for(self.province.folder))

    def resolve(self, code: str) -> FormDefinition | None:
        """The form and the catalogue facts of a route code (implementation code or bundle)."""
        found = form_for_code(code, self.province.folder)
        if found is None:
            return None
        form, item = found
        if item is None:
            days = form.promised_working_days or 0
            self.set(
                item_code=form.key,
                item_name=stext(form.title),
                department=self.content(form.department),
                area=self.province.prefix + "0" * 10,
                promised_days=days,
            )
            promise = local_time_limit(days, "工作日")
            members = tuple(self.content(catalogue_item_name(k) or k) for k in form.members)
        else:
            limit = item.promised_limit
            self.set(
                item_code=item.implementation_code,
                item_name=self.content(item.name),
                department=self.content(item.department),
                area=item.area_code,
                promised_days=limit.value,
            )
            promise, members = local_time_limit(limit.value, str(limit.unit)), ()
        self.facts = Facts(
            promise,
            members,
            form.audience,
            stext(form.declaration),
            stext(form.sensitive_consent),
            tuple(stext(x) for x in form.next_steps),
            len(form.steps),
        )
        return form

    def gate(self, form: FormDefinition, ident: Identity) -> bool:
        """May this account apply? Says why not (and audits it) when not."""
        refusal = gate(form, ident)
        if refusal is None:
            return True
        self.set(stage="level", refused=refusal)  # refused, the draft untouched
        if lacks := ident.missing(form.audience, form.min_level):
            self.audits.append(Audit("login_refused", "denied", ident.sub, ",".join(lacks)))
        return False

    # -- the draft -------------------------------------------------------------------------
    def sync_files(self, form: FormDefinition, sub: str) -> set[str]:
        """File answers are written by the upload route into the draft: take them from there;
        return the ids that really are this citizen's files (or e-licences)."""
        draft = drafts.get_draft(sub, self.get("item_code"))
        stored = draft.values if draft else {}
        file_fields = [f.name for f in form.fields() if f.kind == "file"]
        for name in file_fields:
            if stored.get(name):
                self.values[name] = str(stored[name])
        ids = [self.values[n] for n in file_fields if self.values.get(n)]
        self.file_names = files.names(sub, ids)
        for name in file_fields:  # e-licences: only the citizen's own, of the right kind
            value = self.values.get(name, "")
            offer = licence_for(form.field(name), self.licences)
            if value.startswith(LICENCE_PREFIX) and offer and value == LICENCE_PREFIX + offer["id"]:
                self.file_names[value] = source_text("电子证照：{title}", title=offer["title"])
        return set(self.file_names)

    def save(self, form: FormDefinition, ident: Identity, synced: bool = False) -> None:
        """Save the draft at the current page (file answers first taken from the stored draft
        unless just done: ``synced``)."""
        if not synced:
            self.sync_files(form, ident.sub)
        draft = drafts.save_draft(
            ident.sub,
            self.get("item_code"),
            form.key,
            pick(self.get("item_name"), SOURCE_LOCALE),
            self.values,
            self.get("page"),
            # an upload that lands while this event runs is kept (the route writes there)
            keep_files=[f.name for f in form.fields() if f.kind == "file"],
        )
        self.saved(draft)

    def saved(self, draft: Draft) -> None:
        self.set(draft_token=f"{draft.id}-{int(draft.created_at.timestamp())}")

    # -- the page ------------------------------------------------------------------------------
    def render(self, form: FormDefinition, errors: Mapping[str, str] | None = None) -> None:
        errors = dict(errors or {})
        page = self.wizard(form).page(self.get("page"))
        answers = Answers(
            self.province.prefix, self.values, self.file_names, self.licences, self.get("revealed")
        )
        self.page = render(form, page.kind, page.step, answers, errors)
        self.set(stage=self.page.stage or self.get("stage"))
        if self.page.fields is not None:
            self.set(shown_errors={f.name: f.error for f in self.page.fields if f.error})

    def focus_page(self) -> Focus:
        """The error summary if the page shows errors, else the heading; the title says which."""
        page = self.page
        assert page is not None
        title = t("提交前请核对") if page.stage == "check" else (page.step_title or "")
        if page.errors:
            return Focus(ERROR_SUMMARY_ID, t("错误：{title}", title=title))
        return Focus(HEADING_ID, title)

    def on_page(self) -> tuple[FormDefinition, Identity] | None:
        """The form and the signed-in citizen of an event on a shown page (step or extra)."""
        form = self.form()
        if form is None:
            return None
        ident = self.signed_in_or_intro()
        if ident is None or self.get("stage") not in ("step", "extra"):
            return None
        return form, ident


async def licences(form: FormDefinition, ident: Identity) -> dict[str, dict[str, str]]:
    """The citizen's e-licences of the kinds this form accepts (none if the service is off)."""
    wanted = {f.licence for f in form.fields() if f.licence}
    client = elicence_client()
    if not wanted or client is None:
        return {}
    holder = ident.uscc if ident.kind == "business" and ident.uscc else ident.id_number
    try:
        found = await client.licences(holder)
    except ELicenceError:
        return {}  # the citizen can still upload; the page does not offer the licence
    return {lic.id: lic.to_dict() for lic in found if lic.kind in wanted}
