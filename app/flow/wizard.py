"""The application wizard as a plain step machine: pages, eligibility gate, navigation and the
checks before submitting, each returning an outcome. No Reflex here: ``ApplyState`` keeps a
:class:`Progress` per tab, calls these functions with the event's data and renders the outcome.

Pages, in order:

* one ``questions`` page per form step (a step whose questions are all hidden by earlier
  answers is skipped: conditional steps);
* one page per registered step kind that applies to the form (:func:`register_step_kind`;
  payment and delivery plug in here);
* ``check``: check your answers, declaration and separate consent, submit.

Answers are a flat ``dict[str, str]`` (see ``app.flow.validate``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Literal, Protocol

from app.domain.enums import Audience
from app.domain.identity import Identity
from app.domain.rules import valid_idempotency_key
from app.flow.schema import FormDefinition, FormField
from app.flow.validate import (
    DETAIL,
    check_all,
    check_step,
    choices,
    cleaned,
    prefilled,
    visible_fields,
    with_locked,
)
from app.text import sjoin
from app.text import st as t

LICENCE_PREFIX = "elic:"
MAX_VALUE = 2000
QUESTIONS, CHECK = "questions", "check"
DECLARATION_TARGET, CONSENT_TARGET, KEY_TARGET = "f-declaration", "f-consent", "apply-heading"


# -- step kinds other modules register ----------------------------------------------------------
class StepKind(Protocol):
    """A page kind between the questions and the check page (payment, delivery, …).

    ``name`` is the page's kind (what ``Page.kind`` and the page's stage say); ``applies``
    decides whether a form has this page; ``problems`` lists what still blocks submitting
    (``{target id: message}``, empty when the page is done) from the answers. The kind keeps
    its own answers under ``<name>.<key>`` (:meth:`Wizard.set_step_value`): they are saved
    with the draft and submitted with the application.
    """

    name: str
    #: the page's heading, already translated for the server's language
    title: str

    def applies(self, form: FormDefinition) -> bool: ...

    def problems(self, form: FormDefinition, values: Mapping[str, str]) -> dict[str, str]: ...


STEP_KINDS: dict[str, StepKind] = {}


def register_step_kind(kind: StepKind) -> None:
    """Add a page kind to every wizard whose form it applies to (once per process)."""
    if kind.name in (QUESTIONS, CHECK):
        raise ValueError(f"{kind.name!r} is a built-in page kind")
    existing = STEP_KINDS.get(kind.name)
    if existing is not None and existing is not kind:
        raise ValueError(f"a step kind named {kind.name!r} is already registered")
    STEP_KINDS[kind.name] = kind


def unregister_step_kind(name: str) -> None:
    STEP_KINDS.pop(name, None)


# -- the eligibility gate ----------------------------------------------------------------------
def level_name(level: int) -> str:
    """The real-name level as citizens know it (0: the provider sent none we know)."""
    names = {1: t("一级实名"), 2: t("二级实名"), 3: t("三级实名（实人认证）")}
    return names.get(level) or t("未提供实名等级")


def missing_claims_message(lacks: list[str], min_level: int, level: int) -> str:
    """Why a login cannot start this application (``Identity.missing``) and what to do."""
    labels = {
        "name": t("姓名"),
        "id_number": t("身份证号码"),
        "uscc": t("统一社会信用代码"),
        "org_name": t("企业名称"),
    }
    items = [labels[k] for k in lacks if k in labels]
    if items:
        return t(
            "统一身份认证没有提供办理本事项所需的信息：{items}。请到统一身份认证补全实名信息后重新登录；已填写的内容保存在草稿中，不会丢失。",
            items=sjoin("、", items),
        )
    if level == 0:
        return t(
            "统一身份认证没有提供您的实名等级，办理本事项需要{level}或更高。请到统一身份认证完成实名认证后重新登录；已填写的内容保存在草稿中，不会丢失。",
            level=level_name(min_level),
        )
    return t(
        "办理本事项需要{level}或更高的实名等级，您的账号是{yours}。请在统一身份认证提升实名等级后再办理。",
        level=level_name(min_level),
        yours=level_name(level),
    )


def gate(form: FormDefinition, ident: Identity) -> str | None:
    """Why this account may not apply with this form, or ``None`` when it may: the wrong
    kind of account, or claims the provider did not vouch for (ID number, USCC, level)."""
    if form.audience != ident.audience:
        if form.audience == Audience.LEGAL_PERSON:
            return t("本事项由企业办理，请退出后使用法人账号登录。")
        return t("本事项由个人办理，请退出后使用个人账号登录。")
    if lacks := ident.missing(form.audience, form.min_level):
        return missing_claims_message(lacks, form.min_level, ident.level)
    return None


# -- progress and outcomes ---------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Page:
    kind: str  # "questions", a registered step kind's name, or "check"
    step: int = -1  # questions pages: the index of the form step


@dataclasses.dataclass
class Progress:
    """Where one citizen is in one form (kept by the state, saved with the draft)."""

    values: dict[str, str] = dataclasses.field(default_factory=dict[str, str])
    page: int = 0
    #: a change link on the check page was followed: continue goes back there
    back_to_check: bool = False


Action = Literal["page", "intro", "errors", "ignored", "submit"]


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What a wizard call decided. ``page``: the page to show now; ``errors``: field name (or
    target id) -> message, in page order; ``values``: on ``submit``, the answers to store."""

    action: Action
    page: int = 0
    errors: dict[str, str] = dataclasses.field(default_factory=dict[str, str])
    values: dict[str, str] = dataclasses.field(default_factory=dict[str, str])

    @property
    def ok(self) -> bool:
        return self.action not in ("errors", "ignored")


def licence_for(
    fld: FormField, licences: Mapping[str, Mapping[str, str]]
) -> Mapping[str, str] | None:
    """The citizen's e-licence that can replace this file field's upload, if any."""
    if fld.kind != "file" or not fld.licence:
        return None
    return next((lic for lic in licences.values() if lic.get("kind") == fld.licence), None)


class Wizard:
    """The step machine of one form for one province, given by its GB/T 2260 prefix (its
    divisions check address answers)."""

    def __init__(self, form: FormDefinition, prefix: str) -> None:
        self.form, self.prefix = form, prefix
        extra = [Page(k.name) for k in STEP_KINDS.values() if k.applies(form)]
        self.pages: list[Page] = [
            *(Page(QUESTIONS, i) for i in range(len(form.steps))),
            *extra,
            Page(CHECK),
        ]

    # -- pages ---------------------------------------------------------------------------------
    @property
    def check_page(self) -> int:
        return len(self.pages) - 1

    def page(self, index: int) -> Page:
        return self.pages[max(0, min(index, self.check_page))]

    def shows(self, index: int, values: Mapping[str, str]) -> bool:
        """Whether page ``index`` is shown with these answers (a questions page needs at least
        one visible question)."""
        page = self.page(index)
        if page.kind != QUESTIONS:
            return True
        return bool(visible_fields(self.form, self.form.steps[page.step], dict(values)))

    def next_page(self, index: int, values: Mapping[str, str]) -> int:
        index += 1
        while index < self.check_page and not self.shows(index, values):
            index += 1
        return min(index, self.check_page)

    def previous_page(self, index: int, values: Mapping[str, str]) -> int | None:
        index -= 1
        while index >= 0 and not self.shows(index, values):
            index -= 1
        return index if index >= 0 else None

    def page_of_step(self, step: int) -> int | None:
        return next(
            (i for i, p in enumerate(self.pages) if p.kind == QUESTIONS and p.step == step), None
        )

    def fields_on(self, index: int) -> list[FormField]:
        page = self.page(index)
        return list(self.form.steps[page.step].fields) if page.kind == QUESTIONS else []

    # -- opening -------------------------------------------------------------------------------
    def open(
        self, ident: Identity, stored: Mapping[str, str] | None = None, stored_page: int = 0
    ) -> Progress:
        """A first visit (prefilled from identity) or a resumed draft (its answers win, except
        locked ones, which always come from the identity)."""
        values = {**prefilled(self.form, ident), **dict(stored or {})}
        page = stored_page if 0 <= stored_page <= self.check_page else 0
        if not self.shows(page, values):
            page = self.next_page(page, values)
        return Progress(with_locked(self.form, values, ident), page)

    # -- answers -------------------------------------------------------------------------------
    def set_answer(self, p: Progress, name: str, value: str, ident: Identity) -> bool:
        """One answer typed or chosen on the current page; anything else (a field of another
        page, a locked field, a detail of a non-address) is ignored: ``False``."""
        base = name.removesuffix(DETAIL)
        fld = next((f for f in self.fields_on(p.page) if f.name == base), None)
        if fld is None or fld.locked or fld.kind == "file":
            return False
        if name.endswith(DETAIL) and fld.kind != "address":
            return False
        p.values[name] = str(value)[:MAX_VALUE]
        p.values = with_locked(self.form, p.values, ident)
        return True

    def set_choice(
        self, p: Progress, name: str, option: str, checked: bool, ident: Identity
    ) -> bool:
        """A checkbox of the current page ticked or cleared (option order kept)."""
        fld = next((f for f in self.fields_on(p.page) if f.name == name), None)
        if fld is None or fld.kind != "checkbox":
            return False
        current = choices(p.values.get(name, ""))
        if checked and option not in current:
            current.append(option)
        if not checked:
            current = [c for c in current if c != option]
        order = [o.value for o in fld.options]
        joined = ",".join(sorted((c for c in current if c in order), key=order.index))
        return self.set_answer(p, name, joined, ident)

    def take_post(self, p: Progress, form_data: Mapping[str, object], ident: Identity) -> None:
        """The answers of the current page's form post (checkboxes as ``name::value``)."""
        for fld in self.fields_on(p.page):
            if fld.locked or fld.kind == "file":
                continue
            if fld.kind == "checkbox":
                picked = [o.value for o in fld.options if form_data.get(f"{fld.name}::{o.value}")]
                p.values[fld.name] = ",".join(picked)
            elif fld.name in form_data:
                p.values[fld.name] = str(form_data[fld.name])[:MAX_VALUE]
            if fld.kind == "address" and fld.name + DETAIL in form_data:
                p.values[fld.name + DETAIL] = str(form_data[fld.name + DETAIL])[:MAX_VALUE]
        p.values = with_locked(self.form, p.values, ident)

    def use_licence(
        self, p: Progress, name: str, licences: Mapping[str, Mapping[str, str]]
    ) -> bool:
        """Attach the citizen's own e-licence to a file field of the current page (免提交)."""
        fld = next((f for f in self.fields_on(p.page) if f.name == name), None)
        offer = licence_for(fld, licences) if fld is not None else None
        if offer is None:
            return False
        p.values[name] = LICENCE_PREFIX + offer["id"]
        return True

    def set_step_value(self, p: Progress, key: str, value: str) -> bool:
        """An answer of a registered step kind's page (``<kind>.<key>``), on that page only."""
        page = self.page(p.page)
        if page.kind not in STEP_KINDS or not key.startswith(f"{page.kind}."):
            return False
        p.values[key] = str(value)[:MAX_VALUE]
        return True

    def _step_values(self, values: Mapping[str, str]) -> dict[str, str]:
        kinds = {p.kind for p in self.pages if p.kind in STEP_KINDS}
        return {k: v for k, v in values.items() if k.split(".", 1)[0] in kinds and "." in k}

    # -- navigation ----------------------------------------------------------------------------
    def page_problems(self, p: Progress, owned_files: set[str] | None = None) -> dict[str, str]:
        page = self.page(p.page)
        if page.kind == QUESTIONS:
            step = self.form.steps[page.step]
            return check_step(self.form, step, p.values, self.prefix, owned_files)
        if page.kind in STEP_KINDS:
            return STEP_KINDS[page.kind].problems(self.form, p.values)
        return {}

    def continue_(self, p: Progress, owned_files: set[str] | None = None) -> Outcome:
        """继续: check the current page; on to the next shown page (or back to the check page
        after a change), else stay with the errors."""
        if self.page(p.page).kind == CHECK:
            return Outcome("ignored", p.page)
        if errors := self.page_problems(p, owned_files):
            return Outcome("errors", p.page, errors)
        if p.back_to_check:
            p.back_to_check = False
            p.page = self.check_page
        else:
            p.page = self.next_page(p.page, p.values)
        return Outcome("page", p.page)

    def back(self, p: Progress) -> Outcome:
        """返回上一步: the previous shown page, or the intro from the first one."""
        p.back_to_check = False
        previous = self.previous_page(p.page, p.values)
        if previous is None:
            return Outcome("intro", p.page)
        p.page = previous
        return Outcome("page", p.page)

    def change(self, p: Progress, step: int) -> Outcome:
        """A change link on the check page: that step's page, then back to the check page."""
        page = self.page_of_step(step)
        if self.page(p.page).kind != CHECK or page is None or not self.shows(page, p.values):
            return Outcome("ignored", p.page)
        p.page, p.back_to_check = page, True
        return Outcome("page", p.page)

    # -- submitting ----------------------------------------------------------------------------
    def submit(
        self,
        p: Progress,
        ident: Identity,
        form_data: Mapping[str, object],
        key: object,
        owned_files: set[str] | None = None,
    ) -> Outcome:
        """The checks before an application goes in, in order: the idempotency key; every
        answer of every shown page (the first page with a problem is shown with its errors,
        and continue comes back here); the declaration and the separate consent. ``submit``
        carries the answers to store (those of hidden questions dropped)."""
        if self.page(p.page).kind != CHECK:
            return Outcome("ignored", p.page)
        if not valid_idempotency_key(key):
            return Outcome("errors", p.page, {KEY_TARGET: t("提交请求无效，请刷新页面后重试。")})
        p.values = with_locked(self.form, p.values, ident)
        problems = check_all(self.form, p.values, self.prefix, owned_files)
        if problems:
            step = next(iter(problems.values()))[0]
            page = self.page_of_step(step)
            assert page is not None
            p.page, p.back_to_check = page, True
            return Outcome("errors", page, {n: m for n, (i, m) in problems.items() if i == step})
        for index, page in enumerate(self.pages):
            if page.kind in STEP_KINDS and (
                errors := STEP_KINDS[page.kind].problems(self.form, p.values)
            ):
                p.page, p.back_to_check = index, True
                return Outcome("errors", index, errors)
        missing: dict[str, str] = {}
        if not form_data.get("declaration"):
            missing[DECLARATION_TARGET] = t("请阅读并勾选承诺声明")
        if not form_data.get("consent"):
            missing[CONSENT_TARGET] = t("请勾选同意处理敏感个人信息")
        if missing:
            return Outcome("errors", p.page, missing)
        values = {**cleaned(self.form, p.values), **self._step_values(p.values)}
        return Outcome("submit", p.page, values=values)
