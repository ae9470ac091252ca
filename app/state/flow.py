"""State of the application wizard at ``/apply/[code]`` (question pages, one topic each).

Only an adapter: the step machine, the eligibility gate and the checks are ``app.flow.wizard``;
the form (hand-written or derived from the catalogue) comes from ``app.flow.forms``. This
state keeps the tab's :class:`~app.flow.wizard.Progress`, calls the wizard with each event's
data and turns the outcome into what the page shows: the current step's fields (with values,
hints and errors), the error summary, and on the check page the answers (ID numbers and
phones masked unless revealed). Answers are saved to the citizen's draft at every step and
whenever a field loses focus.
"""

from __future__ import annotations

import dataclasses
import json

import reflex as rx

from app.adapters.elicence import ELicenceError
from app.adapters.elicence import client_from_env as elicence_client
from app.adapters.identity import Identity
from app.catalogue.i18n import content_for, content_text
from app.catalogue.provinces import province as province_by_code
from app.flow import backoffice, files, store
from app.flow.areas import divisions
from app.flow.lookup import form_for_code as resolve_form
from app.flow.schema import FormDefinition, FormField
from app.flow.store import applications, drafts
from app.flow.validate import DETAIL, choices, cleaned, display, visible_fields
from app.flow.wizard import (
    CHECK,
    KEY_TARGET,
    LICENCE_PREFIX,
    QUESTIONS,
    STEP_KINDS,
    Outcome,
    Progress,
    Wizard,
    gate,
    licence_for,
)
from app.offloop import in_thread, off_loop
from app.settings import theme_for_host
from app.state.checkout import hold_checkout
from app.state.flow_auth import FlowAuthState
from app.state.routing import APPLY, route_arg
from app.text import SOURCE_LOCALE, has_han, pick, source_text, stext
from app.text import st as t
from app.text.format import local_time_limit

ERROR_SUMMARY_ID = "error-summary"
HEADING_ID = KEY_TARGET


@dataclasses.dataclass
class OptionView:
    value: str = ""
    label: str = ""
    checked: bool = False
    input_id: str = ""


@dataclasses.dataclass
class FieldView:
    name: str = ""
    kind: str = ""
    label: str = ""
    hint: str = ""
    value: str = ""
    detail: str = ""
    error: str = ""
    required: bool = True
    locked: bool = False
    input_id: str = ""
    described_by: str = ""
    autocomplete: str = ""
    max_length: int = 100
    options: list[OptionView] = dataclasses.field(default_factory=list)
    #: file fields: an e-licence of the citizen that can replace the upload
    licence_id: str = ""
    licence_text: str = ""
    using_licence: bool = False
    #: file fields: "zh-Hans" when the file's shown name is Chinese (a licence, a 户口本.jpg)
    value_lang: str = ""


@dataclasses.dataclass
class ErrorView:
    message: str = ""
    target: str = ""


@dataclasses.dataclass
class AnswerView:
    key: str = ""
    label: str = ""
    value: str = ""
    step: int = 0
    change_label: str = ""


SUBMITTED = object()  # ApplyState._submit: the application is in


def _item_name(basic_code: str) -> str:
    from sqlmodel import select

    from app.catalogue.tables import CatalogueItem

    with rx.session() as s:
        stmt = select(CatalogueItem.name).where(CatalogueItem.basic_code == basic_code)
        return s.exec(stmt.limit(1)).first() or basic_code


def _promise_text(days: int, unit: str) -> str:
    return local_time_limit(days, unit)  # the one formatter (components/format.py)


class ApplyState(FlowAuthState):
    stage: str = "loading"  # loading missing intro level step extra check done
    #: on an ``extra`` stage: the registered step kind of the page (payment, delivery, …)
    page_kind: str = ""
    item_code: str = ""
    item_name: str = ""
    department: str = ""
    promise: str = ""
    audience: str = ""
    members: list[str] = []
    step_index: int = 0
    step_count: int = 0
    step_title: str = ""
    step_intro: str = ""
    fields: list[FieldView] = []
    errors: list[ErrorView] = []
    answers: list[AnswerView] = []
    declaration: str = ""
    consent_text: str = ""
    next_steps: list[str] = []
    draft_token: str = ""
    resumed: bool = False
    saved_note: str = ""
    application_number: str = ""
    refused: str = ""

    _form_key: str = ""
    _area: str = ""
    _values: dict[str, str] = {}
    _page: int = 0
    _promised_days: int = 0
    _back_to_check: bool = False
    _sub: str = ""
    _done_for: str = ""  # the route code of the application just submitted
    _file_names: dict[str, str] = {}
    _licences: dict[str, dict[str, str]] = {}

    # -- helpers ---------------------------------------------------------------------------------
    def _theme(self):
        return theme_for_host(self.router.headers.host)

    def _content_text(self, text: str) -> str:
        """A catalogue text (item or department name) in every locale of this host's province."""
        return content_text(text, content_for(self._theme().folder))

    def _province(self) -> str:
        return self._theme().code

    def _form(self) -> FormDefinition | None:
        if not self._form_key or not self.item_code:
            return None
        found = resolve_form(self.item_code, self._theme().folder)
        return found[0] if found is not None and found[0].key == self._form_key else None

    def _wizard(self, form: FormDefinition) -> Wizard:
        return Wizard(form, self._province())

    def _progress(self) -> Progress:
        return Progress(dict(self._values), self._page, self._back_to_check)

    def _keep(self, p: Progress) -> None:
        self._values, self._page, self._back_to_check = dict(p.values), p.page, p.back_to_check

    def _resolve(self, code: str) -> FormDefinition | None:
        """Find the form and the catalogue facts for a route code (implementation code or bundle)."""
        theme = self._theme()
        found = resolve_form(code, theme.folder)
        if found is None:
            return None
        form, item = found
        if item is None:
            self.item_code, self.item_name = form.key, stext(form.title)
            self.department = self._content_text(form.department)
            self._area = province_by_code(theme.code).prefix + "0" * 10
            self._promised_days = form.promised_working_days or 0
            self.promise = _promise_text(self._promised_days, "工作日")
            self.members = [self._content_text(_item_name(k)) for k in form.members]
            return form
        self.item_code, self.item_name = item.implementation_code, self._content_text(item.name)
        self.department, self._area = self._content_text(item.department), item.area_code
        limit = item.promised_limit
        self._promised_days = limit.value
        self.promise = _promise_text(limit.value, str(limit.unit))
        self.members = []
        return form

    def _gate(self, form: FormDefinition, ident: Identity) -> bool:
        """May this account apply? Sets ``stage``/``refused`` and returns False if not."""
        refusal = gate(form, ident)
        if refusal is not None:  # refused, the draft untouched
            self.stage, self.refused = "level", refusal
            if lacks := ident.missing(form.audience, form.min_level):
                self._audit("login_refused", "denied", ident.sub, detail=",".join(lacks))
            return False
        return True

    def _draft_saved(self, draft) -> None:
        self.draft_token = f"{draft.id}-{int(draft.created_at.timestamp())}"

    def _save(self, ident: Identity, synced: bool = False) -> None:
        """Save the draft at the current page; file answers are taken from the stored draft
        first unless the handler has just done that (``synced``)."""
        form = self._form()
        assert form is not None
        if not synced:
            self._sync_files(form)
        draft = drafts.save_draft(
            ident.sub,
            self.item_code,
            form.key,
            pick(self.item_name, SOURCE_LOCALE),
            self._values,
            self._page,
            # an upload that lands while this handler runs is kept (the route writes there)
            keep_files=[f.name for f in form.fields() if f.kind == "file"],
        )
        self._draft_saved(draft)

    def _field_view(
        self, form: FormDefinition, fld: FormField, errors: dict[str, str]
    ) -> FieldView:
        value = self._values.get(fld.name, "")
        input_id = f"f-{fld.name}"
        hint_id, error_id = f"{input_id}-hint", f"{input_id}-error"
        described = " ".join(
            i for i, on in ((hint_id, bool(fld.hint)), (error_id, fld.name in errors)) if on
        )
        options: list[OptionView] = []
        if fld.kind in {"select", "radio", "checkbox"}:
            chosen = set(choices(value))
            options = [
                OptionView(o.value, stext(o.label), o.value in chosen, f"{input_id}-{o.value}")
                for o in fld.options
            ]
        elif fld.kind == "address":
            options = [
                OptionView(code, name, code == value, f"{input_id}-{code}")
                for code, name in divisions(self._province())
            ]
        shown = value
        licence_id = licence_text = ""
        if fld.kind == "file":
            shown = self._file_names.get(value, "")
            offer = licence_for(fld, self._licences)
            if offer is not None:
                licence_id = offer["id"]
                licence_text = source_text(
                    "{title}，编号 {number}，{issuer} {issued} 签发",
                    title=offer["title"],
                    number=offer["number"],
                    issuer=offer["issuer"],
                    issued=offer["issued"],
                )
        if fld.locked:
            shown = display(fld, self._values, self._province(), reveal=self.revealed)
        return FieldView(
            name=fld.name,
            kind=fld.kind,
            label=stext(fld.label),
            hint=stext(fld.hint),
            value=shown,
            detail=self._values.get(fld.name + DETAIL, ""),
            error=errors.get(fld.name, ""),
            required=fld.required,
            locked=fld.locked,
            input_id=input_id,
            described_by=described,
            autocomplete=fld.autocomplete,
            max_length=fld.max_length,
            options=options,
            licence_id=licence_id,
            licence_text=licence_text,
            using_licence=value.startswith(LICENCE_PREFIX),
            value_lang="zh-Hans" if fld.kind == "file" and has_han(shown) else "",
        )

    def _render(self, form: FormDefinition, errors: dict[str, str] | None = None) -> None:
        """Show the current page (a question page, a registered step kind, or the check)."""
        errors = errors or {}
        wizard = self._wizard(form)
        page = wizard.page(self._page)
        self.step_count = len(form.steps)
        if page.kind == CHECK:
            self._render_check(form)
            self.errors = [ErrorView(m, target) for target, m in errors.items()]
            return
        if page.kind != QUESTIONS:
            self.stage, self.page_kind = "extra", page.kind
            self.step_title, self.step_intro = stext(STEP_KINDS[page.kind].title), ""
            self.fields = []
            self.errors = [ErrorView(m, target) for target, m in errors.items()]
            return
        step = form.steps[page.step]
        self.stage, self.page_kind = "step", ""
        self.step_index = page.step
        self.step_title, self.step_intro = stext(step.title), stext(step.intro)
        shown = visible_fields(form, step, self._values)
        self.fields = [self._field_view(form, f, errors) for f in shown]
        self.errors = [
            ErrorView(errors[f.name], self._target(f)) for f in shown if f.name in errors
        ]

    @staticmethod
    def _target(fld: FormField) -> str:
        if fld.kind in {"radio", "checkbox"}:
            return f"f-{fld.name}-{fld.options[0].value}"
        return f"f-{fld.name}"

    def _render_check(self, form: FormDefinition) -> None:
        self.stage, self.page_kind = "check", ""
        values = self._values
        rows = []
        for index, step in enumerate(form.steps):
            for fld in visible_fields(form, step, values):
                value = display(fld, values, self._province(), self.revealed, self._file_names)
                rows.append(
                    AnswerView(
                        key=fld.name,
                        label=stext(fld.label),
                        value=value or t("未填写"),
                        step=index,
                        change_label=t("修改{label}", label=stext(fld.label)),
                    )
                )
        self.answers = rows

    def _focus(self, element_id: str, title: str):
        app_name = self._theme().settings.identity.app_name
        script = (
            "setTimeout(() => {"
            f"document.title = (window.__ywPick || String)({json.dumps(title)}) + "
            f"{json.dumps(' - ' + app_name)};"
            "window.scrollTo(0, 0);"
            f"document.getElementById({json.dumps(element_id)})?.focus();"
            "}, 60)"
        )
        return rx.call_script(script)

    def _focus_page(self):
        """Focus what the page now shows: the error summary if there are errors, else the
        heading; the document title says which."""
        title = t("提交前请核对") if self.stage == "check" else self.step_title
        if self.errors:
            return self._focus(ERROR_SUMMARY_ID, t("错误：{title}", title=title))
        return self._focus(HEADING_ID, title)

    def _signed_in_or_intro(self) -> Identity | None:
        ident = self._active()
        if ident is None:
            self.stage = "intro"
            self.fields, self.errors = [], []
            self._sub = ""
            return None
        self._sub = ident.sub
        return ident

    def _sync_files(self, form: FormDefinition) -> set[str]:
        """File answers are written by the upload route into the draft: take them from there;
        return the ids that really are this citizen's files (or e-licences)."""
        draft = drafts.get_draft(self._sub, self.item_code)
        stored = draft.values if draft else {}
        file_fields = [f.name for f in form.fields() if f.kind == "file"]
        for name in file_fields:
            if stored.get(name):
                self._values[name] = str(stored[name])
        ids = [self._values[n] for n in file_fields if self._values.get(n)]
        self._file_names = files.names(self._sub, ids)
        for name in file_fields:  # e-licences: only the citizen's own, of the right kind
            value = self._values.get(name, "")
            offer = licence_for(form.field(name), self._licences)
            if value.startswith(LICENCE_PREFIX) and offer and value == LICENCE_PREFIX + offer["id"]:
                self._file_names[value] = source_text("电子证照：{title}", title=offer["title"])
        return set(self._file_names)

    async def _fetch_licences(self, form: FormDefinition, ident: Identity) -> None:
        """The citizen's e-licences of the kinds this form accepts (none if the service is off)."""
        self._licences = {}
        wanted = {f.licence for f in form.fields() if f.licence}
        client = elicence_client()
        if not wanted or client is None:
            return
        holder = ident.uscc if ident.kind == "business" and ident.uscc else ident.id_number
        try:
            found = await client.licences(holder)
        except ELicenceError:
            return  # the citizen can still upload; the page does not offer the licence
        self._licences = {lic.id: lic.to_dict() for lic in found if lic.kind in wanted}

    def _on_page(self, form: FormDefinition) -> Identity | None:
        """The signed-in citizen of a handler that acts on a shown page (step or extra)."""
        ident = self._signed_in_or_intro()
        if ident is None or self.stage not in ("step", "extra"):
            return None
        return ident

    # -- events ----------------------------------------------------------------------------------
    @rx.event
    async def load(self):
        form_ident = await off_loop(self._load_form)
        if form_ident is None:
            return None
        form, ident = form_ident
        await self._fetch_licences(form, ident)
        return await off_loop(self._load_draft, form, ident)

    def _load_form(self) -> tuple[FormDefinition, Identity] | None:
        """The form of this page and the signed-in citizen allowed to fill it, or None with
        the page set to say why (database reads: called off the event loop)."""
        code = route_arg(self, APPLY).strip()
        if (
            self.stage == "done"
            and self.application_number
            and self._done_for == code
            and self.router.url.query_parameters.get("start") == "1"
        ):
            # the tab reconnected on the URL it came back to after login: keep showing the
            # confirmation (and its number) instead of opening a new draft of the same item
            return None
        self.errors, self.fields, self.answers = [], [], []
        self.resumed, self.saved_note, self.refused = False, "", ""
        self.application_number, self._back_to_check = "", False
        self._values, self._form_key, self._page = {}, "", 0
        form = self._resolve(code[:80])
        if form is None:
            self.stage = "missing"
            return None
        self._form_key = form.key
        self.declaration = stext(form.declaration)
        self.consent_text = stext(form.sensitive_consent)
        self.next_steps = [stext(x) for x in form.next_steps]
        self.audience = form.audience
        self.step_count = len(form.steps)
        ident = self._signed_in_or_intro()
        if ident is None:
            return None
        if not self._gate(form, ident):
            return None
        return form, ident

    def _load_draft(self, form: FormDefinition, ident: Identity):
        draft = drafts.get_draft(ident.sub, self.item_code)
        if draft is None:
            if self.router.url.query_parameters.get("start") == "1":
                return self._open_first(form, ident)
            self.stage = "intro"
            return None
        self._keep(self._wizard(form).open(ident, dict(draft.values), draft.step))
        self._sync_files(form)
        self._draft_saved(draft)
        self.resumed = True
        self._render(form)
        return None

    def _open_first(self, form: FormDefinition, ident: Identity):
        draft = drafts.get_draft(ident.sub, self.item_code)
        stored = dict(draft.values) if draft else {}
        self._keep(self._wizard(form).open(ident, stored, draft.step if draft else 0))
        self._sync_files(form)
        self._save(ident, synced=True)
        self._render(form)
        return self._focus_page()

    @rx.event
    async def start(self):
        """开始办理: log in if needed (only now), then open the first question page."""
        form = await off_loop(self._form)
        if form is None:
            return None
        ident = await off_loop(self._active)
        if ident is None:
            # back here after login, straight into the form
            return await self._login(f"/apply/{self.item_code}?start=1")
        if not self._gate(form, ident):
            return None
        await self._fetch_licences(form, ident)
        return await off_loop(self._open_first, form, ident)

    @rx.event
    @in_thread
    def save_field(self, name: str, value: str):
        """A field lost focus (or a choice changed): keep its value in the draft."""
        form = self._form()
        ident = self._on_page(form) if form is not None else None
        if form is None or ident is None:
            return
        p = self._progress()
        if self._wizard(form).set_answer(p, str(name), str(value), ident):
            self._saved(form, ident, p, str(name))

    def _saved(self, form: FormDefinition, ident: Identity, p: Progress, name: str) -> None:
        self._keep(p)
        self._save(ident)
        self.saved_note = t("已自动保存")
        fld = form.field(name.removesuffix(DETAIL))
        if fld.kind in {"select", "radio", "address", "checkbox"}:
            # answers may show or hide follow-up questions on this page
            errors = {f.name: f.error for f in self.fields if f.error}
            self._render(form, errors)

    @rx.event
    @in_thread
    def set_choice(self, name: str, option: str, checked: bool):
        form = self._form()
        ident = self._on_page(form) if form is not None else None
        if form is None or ident is None:
            return
        p = self._progress()
        if self._wizard(form).set_choice(p, str(name), str(option), bool(checked), ident):
            self._saved(form, ident, p, str(name))

    @rx.event
    @in_thread
    def continue_step(self, form_data: dict):
        form = self._form()
        ident = self._on_page(form) if form is not None else None
        if form is None or ident is None:
            return None
        wizard, p = self._wizard(form), self._progress()
        wizard.take_post(p, form_data if isinstance(form_data, dict) else {}, ident)
        self._keep(p)
        owned = self._sync_files(form)
        p.values = dict(self._values)
        outcome = wizard.continue_(p, owned)
        self._keep(p)
        self.saved_note = "" if outcome.ok else self.saved_note
        self._save(ident, synced=True)
        self._render(form, outcome.errors)
        return self._focus_page()

    @rx.event
    @in_thread
    def back(self):
        form = self._form()
        ident = self._signed_in_or_intro()
        if form is None or ident is None or self.stage not in ("step", "extra", "check"):
            return None
        p = self._progress()
        outcome = self._wizard(form).back(p)
        if outcome.action == "intro":
            self.stage = "intro"
            return self._focus(HEADING_ID, self.item_name)
        self._keep(p)
        self._save(ident)
        self._render(form)
        return self._focus_page()

    @rx.event
    @in_thread
    def change(self, step: int):
        """A change link on the check page: that question page, then back to the check page."""
        form = self._form()
        ident = self._signed_in_or_intro()
        if form is None or ident is None or self.stage != "check":
            return None
        try:
            step = int(step)
        except (TypeError, ValueError):
            return None
        p = self._progress()
        if self._wizard(form).change(p, step).action != "page":
            return None
        self._keep(p)
        self._render(form)
        return self._focus_page()

    @rx.event
    @in_thread
    def use_licence(self, name: str):
        """Attach the citizen's e-licence instead of uploading (免提交)."""
        form = self._form()
        ident = self._on_page(form) if form is not None else None
        if form is None or ident is None:
            return
        p = self._progress()
        if not self._wizard(form).use_licence(p, str(name), self._licences):
            return
        # file answers live in the draft (the upload route writes there too): write it first
        draft = drafts.get_draft(ident.sub, self.item_code)
        stored = {**(draft.values if draft else self._values), name: p.values[name]}
        drafts.save_draft(
            ident.sub, self.item_code, form.key, pick(self.item_name, SOURCE_LOCALE), stored, p.page
        )
        self._keep(p)
        self._save(ident)
        errors = {f.name: f.error for f in self.fields if f.error and f.name != name}
        self._render(form, errors)
        self.saved_note = t("已自动保存")

    @rx.event
    @in_thread
    def reveal_answers(self):
        form = self._form()
        ident = self._signed_in_or_intro()
        if form is None or ident is None:
            return
        self.revealed = not self.revealed
        if self.revealed:
            self._audit("reveal", "success", ident.sub, detail="answers")
        self._show(ident)
        if self.stage in ("check", "step"):
            self._render(form)

    @rx.event
    async def submit(self, form_data: dict, key: str):
        """Submit once: the client's idempotency key makes retries and double taps harmless."""
        outcome = await off_loop(self._submit, form_data, key)
        if outcome is not SUBMITTED:
            return outcome
        # hand it to the back office; if that fails it stays queued and the next sync resends it
        await backoffice.sync(self._sub, pull_changes=False)
        return self._focus(HEADING_ID, t("申请已提交"))

    def _checkout_snapshot(self, form: FormDefinition, values: dict[str, str]) -> dict:
        """What ``applications.submit`` would get now (issue 15: kept by the checkout until paid)."""
        return {
            "item_code": self.item_code,
            "form_key": form.key,
            # stored as the catalogue names them (shown per locale when read back)
            "item_name": pick(self.item_name, SOURCE_LOCALE),
            "department": pick(self.department, SOURCE_LOCALE),
            "area_code": self._area,
            "values": cleaned(form, values),
            "promised_days": self._promised_days,
        }

    def _submit(self, form_data: dict, key: str):
        """The checks (the wizard's) and the database write of ``submit``: ``SUBMITTED`` once
        the application is in, otherwise what the page does instead."""
        form = self._form()
        ident = self._signed_in_or_intro()
        if form is None or ident is None or self.stage != "check":
            return None  # not on the check page (or the first tap already went through)
        p = self._progress()
        owned = self._sync_files(form)
        p.values = dict(self._values)
        data = form_data if isinstance(form_data, dict) else {}
        outcome: Outcome = self._wizard(form).submit(p, ident, data, key, owned)
        self._keep(p)
        if outcome.action != "submit":
            self._render(form, outcome.errors)
            return self._focus_page()
        # issue 15: an item with express delivery or online fees goes to /checkout first
        if (
            held := hold_checkout(ident.sub, key, self._checkout_snapshot(form, outcome.values))
        ) is not None:
            return rx.redirect(held)
        try:
            application, _ = applications.submit(
                ident.sub,
                str(key),
                item_code=self.item_code,
                form_key=form.key,
                item_name=pick(self.item_name, SOURCE_LOCALE),
                department=pick(self.department, SOURCE_LOCALE),
                area_code=self._area,
                values=outcome.values,
                promised_days=self._promised_days,
            )
        except store.Refused:
            self.errors = [ErrorView(t("提交请求无效，请刷新页面后重试。"), HEADING_ID)]
            return self._focus(ERROR_SUMMARY_ID, t("错误：{title}", title=t("提交前请核对")))
        self.errors = []
        self.application_number = application.number
        self.stage = "done"
        self.draft_token = ""
        self._done_for = route_arg(self, APPLY).strip()
        return SUBMITTED
