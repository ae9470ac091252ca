"""State of the application wizard at ``/apply/[code]`` (question pages, one topic each).

The form definition and the answers stay on the server; the page gets only what it shows:
the current step's fields (with values, hints and errors), the error summary, and on the
check page the answers (ID numbers and phones masked unless revealed). Answers are saved to
the citizen's draft at every step and whenever a field loses focus.
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
from app.catalogue.queries import get_item
from app.domain.service_item import ServiceItem
from app.flow import backoffice, files, store
from app.flow.areas import divisions
from app.flow.forms import get_form
from app.flow.schema import FormDefinition, FormField
from app.flow.validate import (
    DETAIL,
    check_all,
    check_step,
    choices,
    cleaned,
    display,
    prefilled,
    visible_fields,
    with_locked,
)
from app.readcache import ReadCache
from app.settings import theme_for_host
from app.state.flow_auth import FlowAuthState, level_name
from app.state.offloop import in_thread, off_loop
from components.format import local_time_limit
from components.i18n import SOURCE_LOCALE, pick, stext
from components.i18n import st as t

ERROR_SUMMARY_ID = "error-summary"
HEADING_ID = "apply-heading"
LICENCE_PREFIX = "elic:"
KEY_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


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


#: the catalogue facts of the items citizens open forms of (every load of /apply/<code>)
ITEMS: ReadCache[ServiceItem | None] = ReadCache()


def _province(state: rx.State) -> str:
    """The province of the request's host (one build may serve several)."""
    return theme_for_host(state.router.headers.host).code


def _item_name(basic_code: str) -> str:
    from sqlmodel import select

    from app.catalogue.tables import CatalogueItem

    with rx.session() as s:
        stmt = select(CatalogueItem.name).where(CatalogueItem.basic_code == basic_code)
        return s.exec(stmt.limit(1)).first() or basic_code


def _promise_text(days: int, unit: str) -> str:
    return local_time_limit(days, unit)  # the one formatter (components/format.py)


class ApplyState(FlowAuthState):
    stage: str = "loading"  # loading missing intro level step check done
    item_code: str = ""
    item_name: str = ""
    department: str = ""
    promise: str = ""
    audience: str = ""
    members: list[str] = []
    min_level_text: str = ""
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
    _promised_days: int = 0
    _back_to_check: bool = False
    _sub: str = ""
    _done_for: str = ""  # the route code of the application just submitted
    _file_names: dict[str, str] = {}
    _licences: dict[str, dict[str, str]] = {}

    # -- helpers ---------------------------------------------------------------------------------
    def _content_text(self, text: str) -> str:
        """A catalogue text (item or department name) in every locale of this host's province."""
        return content_text(text, content_for(theme_for_host(self.router.headers.host).folder))

    def _form(self) -> FormDefinition | None:
        return get_form(self._form_key) if self._form_key else None

    def _resolve(self, code: str) -> FormDefinition | None:
        """Find the form and the catalogue facts for a route code (implementation code or bundle)."""
        form = get_form(code) if code.startswith("yjs-") else None
        if form is not None:
            province = province_by_code(_province(self))
            self.item_code, self.item_name = form.key, stext(form.title)
            self.department = self._content_text(form.department)
            self._area = province.prefix + "0" * 10
            self._promised_days = form.promised_working_days or 0
            self.promise = _promise_text(self._promised_days, "工作日")
            self.members = [self._content_text(_item_name(k)) for k in form.members]
            return form
        item = ITEMS.get_or_compute(code.upper(), lambda: get_item(code)) if code else None
        if item is None or (form := get_form(item.basic_code)) is None:
            return None
        self.item_code, self.item_name = item.implementation_code, self._content_text(item.name)
        self.department, self._area = self._content_text(item.department), item.area_code
        limit = item.promised_limit
        self._promised_days = limit.value
        self.promise = _promise_text(limit.value, str(limit.unit))
        self.members = []
        return form

    def _gate(self, form: FormDefinition, ident: Identity) -> bool:
        """May this account apply? Sets ``stage``/``refused`` and returns False if not."""
        if ident.level < form.min_level:
            self.stage = "level"
            self.refused = t(
                "办理本事项需要{level}或更高的实名等级，您的账号是{yours}。请在统一身份认证提升实名等级后再办理。",
                level=level_name(form.min_level),
                yours=self.level_name,
            )
            return False
        if form.audience == "法人" and ident.kind != "business":
            self.stage = "level"
            self.refused = t("本事项由企业办理，请退出后使用法人账号登录。")
            return False
        if form.audience == "个人" and ident.kind == "business":
            self.stage = "level"
            self.refused = t("本事项由个人办理，请退出后使用个人账号登录。")
            return False
        return True

    def _draft_saved(self, draft) -> None:
        self.draft_token = f"{draft.id}-{int(draft.created_at.timestamp())}"

    def _save(self, ident: Identity, step: int, synced: bool = False) -> None:
        """Save the draft at ``step``; file answers are taken from the stored draft first
        unless the handler has just done that (``synced``)."""
        form = self._form()
        assert form is not None
        if not synced:
            self._sync_files(form)
        draft = store.save_draft(
            ident.sub,
            self.item_code,
            form.key,
            pick(self.item_name, SOURCE_LOCALE),
            self._values,
            step,
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
                for code, name in divisions(_province(self))
            ]
        shown = value
        licence_id = licence_text = ""
        if fld.kind == "file":
            shown = self._file_names.get(value, "")
            offer = self._licence_for(fld)
            if offer is not None:
                licence_id = offer["id"]
                licence_text = t(
                    "{title}，编号 {number}，{issuer} {issued} 签发",
                    title=offer["title"],
                    number=offer["number"],
                    issuer=offer["issuer"],
                    issued=offer["issued"],
                )
        if fld.locked:
            shown = display(fld, self._values, _province(self), reveal=self.revealed)
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
        )

    def _render_step(self, form: FormDefinition, errors: dict[str, str] | None = None) -> None:
        errors = errors or {}
        step = form.steps[self.step_index]
        self.stage = "step"
        self.step_count = len(form.steps)
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
        self.stage = "check"
        self.step_count = len(form.steps)
        values = self._values
        rows = []
        for index, step in enumerate(form.steps):
            for fld in visible_fields(form, step, values):
                rows.append(
                    AnswerView(
                        key=fld.name,
                        label=stext(fld.label),
                        value=display(fld, values, _province(self), self.revealed, self._file_names)
                        or t("未填写"),
                        step=index,
                        change_label=t("修改{label}", label=stext(fld.label)),
                    )
                )
        self.answers = rows

    def _focus(self, element_id: str, title: str):
        app_name = theme_for_host(self.router.headers.host).settings.identity.app_name
        script = (
            "setTimeout(() => {"
            f"document.title = (window.__ywPick || String)({json.dumps(title)}) + "
            f"{json.dumps(' - ' + app_name)};"
            "window.scrollTo(0, 0);"
            f"document.getElementById({json.dumps(element_id)})?.focus();"
            "}, 60)"
        )
        return rx.call_script(script)

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
        return the ids that really are this citizen's files."""
        draft = store.get_draft(self._sub, self.item_code)
        stored = draft.values if draft else {}
        file_fields = [f.name for f in form.fields() if f.kind == "file"]
        for name in file_fields:
            if stored.get(name):
                self._values[name] = str(stored[name])
        ids = [self._values[n] for n in file_fields if self._values.get(n)]
        self._file_names = files.names(self._sub, ids)
        for name in file_fields:  # e-licences: only the citizen's own, of the right kind
            value = self._values.get(name, "")
            offer = self._licence_for(form.field(name))
            if value.startswith(LICENCE_PREFIX) and offer and value == LICENCE_PREFIX + offer["id"]:
                self._file_names[value] = t("电子证照：{title}", title=offer["title"])
        return set(self._file_names)

    def _licence_for(self, fld: FormField) -> dict[str, str] | None:
        if not fld.licence:
            return None
        return next((lic for lic in self._licences.values() if lic["kind"] == fld.licence), None)

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
        code = str(self.router.page.params.get("code", "")).strip()
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
        self._values, self._form_key = {}, ""
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
        draft = store.get_draft(ident.sub, self.item_code)
        if draft is None:
            if self.router.url.query_parameters.get("start") == "1":
                return self._open_first(form, ident)
            self.stage = "intro"
            return None
        self._values = with_locked(form, dict(draft.values), ident)
        self._sync_files(form)
        self._draft_saved(draft)
        self.resumed = True
        if draft.step >= len(form.steps):
            self._render_check(form)
            return None
        self.step_index = max(0, draft.step)
        self._render_step(form)
        return None

    def _open_first(self, form: FormDefinition, ident: Identity):
        draft = store.get_draft(ident.sub, self.item_code)
        self._values = with_locked(
            form, {**prefilled(form, ident), **(draft.values if draft else {})}, ident
        )
        self.step_index = draft.step if draft and draft.step < len(form.steps) else 0
        self._sync_files(form)
        self._save(ident, self.step_index, synced=True)
        self._render_step(form)
        return self._focus(HEADING_ID, self.step_title)

    @rx.event
    async def start(self):
        """开始办理: log in if needed (only now), then open the first question page."""
        form = self._form()
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
        self._save_field(name, value)

    def _save_field(self, name: str, value: str) -> None:
        form = self._form()
        ident = self._signed_in_or_intro()
        if form is None or ident is None or self.stage != "step":
            return
        base = name.removesuffix(DETAIL)
        step_names = {f.name for f in form.steps[self.step_index].fields}
        if base not in step_names:
            return  # not a question on this page: ignore rather than trust it
        fld = form.field(base)
        if fld.locked or (name.endswith(DETAIL) and fld.kind != "address"):
            return
        self._values[name] = str(value)[:2000]
        self._values = with_locked(form, self._values, ident)
        self._save(ident, self.step_index)
        self.saved_note = t("已自动保存")
        if fld.kind in {"select", "radio", "address"}:
            # answers may show or hide follow-up questions on this page
            errors = {f.name: f.error for f in self.fields if f.error}
            self._render_step(form, errors)

    @rx.event
    @in_thread
    def set_choice(self, name: str, option: str, checked: bool):
        form = self._form()
        if form is None or self.stage != "step":
            return
        current = choices(self._values.get(name, ""))
        if checked and option not in current:
            current.append(option)
        if not checked:
            current = [c for c in current if c != option]
        try:
            fld = form.field(name)
        except KeyError:
            return
        order = [o.value for o in fld.options]
        joined = ",".join(sorted((c for c in current if c in order), key=order.index))
        self._save_field(name, joined)

    @rx.event
    @in_thread
    def continue_step(self, form_data: dict):
        form = self._form()
        ident = self._signed_in_or_intro()
        if form is None or ident is None or self.stage != "step":
            return None
        step = form.steps[self.step_index]
        for fld in step.fields:
            if fld.locked or fld.kind == "file":
                continue
            if fld.kind == "checkbox":
                picked = [o.value for o in fld.options if form_data.get(f"{fld.name}::{o.value}")]
                self._values[fld.name] = ",".join(picked)
            elif fld.name in form_data:
                self._values[fld.name] = str(form_data[fld.name])[:2000]
            if fld.kind == "address" and fld.name + DETAIL in form_data:
                self._values[fld.name + DETAIL] = str(form_data[fld.name + DETAIL])[:2000]
        self._values = with_locked(form, self._values, ident)
        owned = self._sync_files(form)
        errors = check_step(form, step, self._values, _province(self), owned)
        if errors:
            self._save(ident, self.step_index, synced=True)
            self._render_step(form, errors)
            return self._focus(ERROR_SUMMARY_ID, t("错误：{title}", title=self.step_title))
        self.saved_note = ""
        if self._back_to_check or self.step_index + 1 >= len(form.steps):
            self._back_to_check = False
            self._save(ident, len(form.steps), synced=True)
            self._render_check(form)
            return self._focus(HEADING_ID, t("提交前请核对"))
        self.step_index += 1
        self._save(ident, self.step_index, synced=True)
        self._render_step(form)
        return self._focus(HEADING_ID, self.step_title)

    @rx.event
    @in_thread
    def back(self):
        form = self._form()
        ident = self._signed_in_or_intro()
        if form is None or ident is None:
            return None
        if self.stage == "check":
            self.step_index = len(form.steps) - 1
        elif self.stage == "step" and self.step_index > 0:
            self.step_index -= 1
        else:
            self.stage = "intro"
            return self._focus(HEADING_ID, self.item_name)
        self._back_to_check = False
        self._save(ident, self.step_index)
        self._render_step(form)
        return self._focus(HEADING_ID, self.step_title)

    @rx.event
    @in_thread
    def change(self, step: int):
        """A change link on the check page: that question page, then back to the check page."""
        form = self._form()
        ident = self._signed_in_or_intro()
        if form is None or ident is None or self.stage != "check":
            return None
        if not 0 <= int(step) < len(form.steps):
            return None
        self.step_index, self._back_to_check = int(step), True
        self._render_step(form)
        return self._focus(HEADING_ID, self.step_title)

    @rx.event
    @in_thread
    def use_licence(self, name: str):
        """Attach the citizen's e-licence instead of uploading (免提交)."""
        form = self._form()
        ident = self._signed_in_or_intro()
        if form is None or ident is None or self.stage != "step":
            return
        fld = next((f for f in form.steps[self.step_index].fields if f.name == name), None)
        offer = self._licence_for(fld) if fld is not None and fld.kind == "file" else None
        if offer is None:
            return
        # file answers live in the draft (the upload route writes there too): write it first
        draft = store.get_draft(ident.sub, self.item_code)
        stored = {**(draft.values if draft else self._values), name: LICENCE_PREFIX + offer["id"]}
        store.save_draft(
            ident.sub,
            self.item_code,
            form.key,
            pick(self.item_name, SOURCE_LOCALE),
            stored,
            self.step_index,
        )
        self._values[name] = LICENCE_PREFIX + offer["id"]
        self._save(ident, self.step_index)
        self._sync_files(form)
        errors = {f.name: f.error for f in self.fields if f.error and f.name != name}
        self._render_step(form, errors)
        self.saved_note = t("已自动保存")

    @rx.event
    @in_thread
    def reveal_answers(self):
        form = self._form()
        ident = self._signed_in_or_intro()
        if form is None or ident is None:
            return
        self.revealed = not self.revealed
        self._show(ident)
        if self.stage == "check":
            self._render_check(form)
        elif self.stage == "step":
            self._render_step(form)

    @rx.event
    async def submit(self, form_data: dict, key: str):
        """Submit once: the client's idempotency key makes retries and double taps harmless."""
        outcome = await off_loop(self._submit, form_data, key)
        if outcome is not SUBMITTED:
            return outcome
        # hand it to the back office; if that fails it stays queued and the next sync resends it
        await backoffice.sync(self._sub, pull_changes=False)
        return self._focus(HEADING_ID, t("申请已提交"))

    def _submit(self, form_data: dict, key: str):
        """The checks and the database write of ``submit``: ``SUBMITTED`` once the application
        is in, otherwise what the page does instead (nothing, or errors to show)."""
        form = self._form()
        ident = self._signed_in_or_intro()
        if form is None or ident is None:
            return None
        if self.stage == "done":
            return None  # the first tap already went through
        if self.stage != "check":
            return None
        key = str(key)
        if not 16 <= len(key) <= 64 or set(key) - KEY_CHARS:
            self.errors = [ErrorView(t("提交请求无效，请刷新页面后重试。"), HEADING_ID)]
            return self._focus(ERROR_SUMMARY_ID, t("错误：{title}", title=t("提交前请核对")))
        self._values = with_locked(form, self._values, ident)
        problems = check_all(form, self._values, _province(self), self._sync_files(form))
        if problems:
            index = next(iter(problems.values()))[0]
            self.step_index, self._back_to_check = index, True
            errors = {n: m for n, (i, m) in problems.items() if i == index}
            self._render_step(form, errors)
            return self._focus(ERROR_SUMMARY_ID, t("错误：{title}", title=self.step_title))
        missing = []
        if not form_data.get("declaration"):
            missing.append(ErrorView(t("请阅读并勾选承诺声明"), "f-declaration"))
        if not form_data.get("consent"):
            missing.append(ErrorView(t("请勾选同意处理敏感个人信息"), "f-consent"))
        if missing:
            self.errors = missing
            return self._focus(ERROR_SUMMARY_ID, t("错误：{title}", title=t("提交前请核对")))
        try:
            application, _ = store.submit(
                ident.sub,
                key,
                item_code=self.item_code,
                form_key=form.key,
                item_name=pick(self.item_name, SOURCE_LOCALE),
                department=self.department,
                area_code=self._area,
                values=cleaned(form, self._values),
                promised_days=self._promised_days,
            )
        except store.Refused:
            self.errors = [ErrorView(t("提交请求无效，请刷新页面后重试。"), HEADING_ID)]
            return self._focus(ERROR_SUMMARY_ID, t("错误：{title}", title=t("提交前请核对")))
        self.errors = []
        self.application_number = application.number
        self.stage = "done"
        self.draft_token = ""
        self._done_for = str(self.router.page.params.get("code", "")).strip()
        return SUBMITTED
