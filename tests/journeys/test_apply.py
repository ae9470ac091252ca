"""The application wizard's journey (app.journeys.apply) without Reflex: a real SQLite
database, the e-licence sandbox on loopback, a request context per citizen. What
tests/flow/test_handlers.py checked through ApplyState's handlers, and what the state only
passes on: autosave, drafts across devices, 免提交, the audited reveal, the idempotent submit,
the eligibility gate, the hand-over to the checkout."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlmodel import Session, select

from app.context import RequestContext
from app.domain.identity import Identity
from app.flow import checkout, files
from app.flow.store import applications, drafts
from app.flow.tables import Application
from app.journeys import apply
from app.journeys.apply_event import ApplyView, Tab
from app.journeys.apply_views import ERROR_SUMMARY_ID, HEADING_ID, AnswerView, FieldView
from app.journeys.next_step import Audit
from app.text import is_local, pick
from sandboxes.elicence import make_app as elicence_app
from tests.factories import CODE, item
from tests.journeys.conftest import ALICE, BOB, put_item
from tests.sandbox_server import serve

Context = Callable[[Identity | None], RequestContext]
ID_CARD = {"name": "居民身份证", "necessity": "必要", "form": ["原件"], "e_licence": True}
SIGNED = {"declaration": "yes", "consent": "yes"}


def zh(text: str) -> str:
    return pick(text, "zh_Hans")


class Page:
    """One tab on ``/apply/<code>``: each event's view copied as ApplyState copies it."""

    def __init__(self, ctx: RequestContext, code: str = CODE) -> None:
        self.ctx, self.code, self.tab = ctx, code, Tab()
        self.fields: tuple[FieldView, ...] = ()
        self.answers: tuple[AnswerView, ...] = ()
        self.errors: tuple[Any, ...] = ()
        self.step_title = ""
        self.last: ApplyView | None = None

    def take(self, view: ApplyView | None) -> ApplyView | None:
        self.last = view
        if view is None:
            return None
        self.tab = view.tab
        page = view.page
        if page is not None:
            self.fields = self.fields if page.fields is None else page.fields
            self.answers = self.answers if page.answers is None else page.answers
            self.errors = self.errors if page.errors is None else page.errors
            self.step_title = self.step_title if page.step_title is None else page.step_title
        return view

    def run(self, journey: Any, *args: Any, **kwargs: Any) -> ApplyView | None:
        """An async journey, its blocking parts in a thread as the state runs them."""
        return self.take(asyncio.run(journey(self.ctx, self.tab, *args, **kwargs)))

    def load(self, start: bool = False) -> ApplyView | None:
        return self.run(apply.load, self.code, start=start, run=asyncio.to_thread)

    def start(self) -> ApplyView | None:
        return self.run(apply.start, run=asyncio.to_thread)

    def submit(self, data: dict[str, str], key: str) -> ApplyView | None:
        return self.run(apply.submit, data, key, self.code, run=asyncio.to_thread)

    def do(self, journey: Any, *args: Any) -> ApplyView | None:
        return self.take(journey(self.ctx, self.tab, *args))

    @property
    def stage(self) -> str:
        return self.tab.stage

    def field(self, name: str) -> FieldView:
        return next(f for f in self.fields if f.name == name)


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "PNG")
    return out.getvalue()


def _upload(sub: str, code: str, name: str) -> str:
    """What the upload route does: store the file and put its id into the draft."""
    stored = files.save(sub, "id.png", _png())
    draft = drafts.get_draft(sub, code)
    assert draft is not None
    values = {**draft.values, name: stored.id}
    drafts.save_draft(sub, code, draft.form_key, draft.item_name, values, draft.step)
    return stored.id


@pytest.fixture
def id_card(journey_db: Session) -> str:
    """A derived item with one page of applicant details and one material (an ID card an
    e-licence can replace); no fee, no delivery: submitted from its check page."""
    materials = [ID_CARD]
    put_item(journey_db, item(fee_required=False, fees=[], materials=materials))
    return CODE


@pytest.fixture
def licences(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with serve(elicence_app()) as url:
        monkeypatch.setenv("YIWANG_ELICENCE_URL", url)
        yield url


def _at_check(ctx: RequestContext, sub: str) -> Page:
    page = Page(ctx)
    page.load()
    page.start()
    page.do(apply.continue_step, {"phone": ALICE.phone})
    _upload(sub, CODE, "material_1")
    page.do(apply.continue_step, {})
    assert page.stage == "check" and not page.errors
    return page


# -- opening -------------------------------------------------------------------------------------
def test_signed_out_the_intro_then_start_asks_to_sign_in(signed_in: Context, id_card: str) -> None:
    page = Page(signed_in(None))
    page.load()
    assert page.stage == "intro" and zh(page.tab.item_name) == "居民身份证换领"
    assert page.last is not None and page.last.facts is not None
    assert page.last.facts.step_count == 2 and page.last.facts.audience == "个人"
    view = page.start()
    assert view is not None and view.login == f"/apply/{CODE}?start=1"
    assert page.stage == "intro"
    assert Page(signed_in(None), "no-such-code").load() is not None
    missing = Page(signed_in(None), "no-such-code")
    missing.load()
    assert missing.stage == "missing"


def test_back_from_login_the_first_page_opens_with_the_identity_locked(
    signed_in: Context, id_card: str
) -> None:
    page = Page(signed_in(ALICE))
    view = page.load(start=True)
    assert page.stage == "step" and zh(page.step_title) == "申请人信息"
    assert view is not None and view.focus is not None and view.focus.element_id == HEADING_ID
    assert page.field("name").locked and page.field("name").value == "张三"
    assert page.field("id_number").value != ALICE.id_number  # masked unless revealed
    assert drafts.get_draft("alice", CODE) is not None and page.tab.draft_token


def test_a_business_item_refuses_a_personal_account_and_audits_it(
    signed_in: Context, journey_db: Session
) -> None:
    code = put_item(
        journey_db, item(audience="法人", fee_required=False, fees=[])
    ).implementation_code
    page = Page(signed_in(ALICE), code)
    view = page.load()
    assert page.stage == "level" and "法人账号" in page.tab.refused
    assert view is not None and [a.event for a in view.audits] == ["login_refused"]
    assert view.audits[0] == Audit("login_refused", "denied", "alice", view.audits[0].detail)
    assert drafts.get_draft("alice", code) is None


def test_a_bundle_names_its_members_from_the_catalogue(signed_in: Context) -> None:
    page = Page(signed_in(None), "yjs-birth")
    view = page.load()
    assert page.stage == "intro" and view is not None and view.facts is not None
    assert view.facts.members and page.tab.area.startswith("37")


# -- answering -----------------------------------------------------------------------------------
def test_autosave_on_blur_and_the_draft_on_another_device(signed_in: Context, id_card: str) -> None:
    page = Page(signed_in(ALICE))
    page.load(start=True)
    view = page.do(apply.save_field, "phone", "13900001111")
    assert view is not None and zh(page.tab.saved_note) == "已自动保存"
    assert view.page is None  # a text field: the page is not rendered again
    draft = drafts.get_draft("alice", CODE)
    assert draft is not None and draft.values["phone"] == "13900001111"
    # the same citizen on a phone: a new tab and a new session find the draft where it was
    other = Page(signed_in(ALICE))
    other.load()
    assert other.stage == "step" and other.tab.resumed
    assert other.field("phone").value == "13900001111"


def test_another_citizens_draft_is_never_loaded_or_changed(signed_in: Context) -> None:
    drafts.save_draft("bob", "yjs-birth", "yjs-birth", "出生一件事", {"baby_name": "鲍勃"}, 1)
    page = Page(signed_in(ALICE), "yjs-birth")
    page.load()
    assert page.stage == "intro" and "鲍勃" not in str(page.fields)
    # a field that is not on the current page, and a locked one, change nothing
    on_page = Tab(**{**page.tab.__dict__, "stage": "step", "values": {}})
    assert apply.save_field(page.ctx, on_page, "baby_name", "伪造") is None
    assert apply.save_field(page.ctx, on_page, "name", "冒名") is None
    assert drafts.get_draft("alice", "yjs-birth") is None
    bobs = drafts.get_draft("bob", "yjs-birth")
    assert bobs is not None and bobs.values == {"baby_name": "鲍勃"}


def test_a_page_with_a_missing_file_says_so_then_the_check_page(
    signed_in: Context, id_card: str
) -> None:
    page = Page(signed_in(ALICE))
    page.load(start=True)
    page.do(apply.continue_step, {"phone": ALICE.phone})
    assert zh(page.step_title) == "申请材料"
    view = page.do(apply.continue_step, {})
    assert [zh(e.message) for e in page.errors] == ["请上传居民身份证"]
    assert view is not None and view.focus is not None
    assert view.focus.element_id == ERROR_SUMMARY_ID
    _upload("alice", CODE, "material_1")
    page.do(apply.continue_step, {})
    assert page.stage == "check" and not page.errors
    assert [a.key for a in page.answers] == ["name", "id_number", "phone", "material_1"]
    # a change link: that page, then back to the check page
    page.do(apply.change, 0)
    assert page.stage == "step" and page.tab.back_to_check
    page.do(apply.continue_step, {"phone": ALICE.phone})
    assert page.stage == "check"
    page.do(apply.back)
    assert page.stage == "step" and zh(page.step_title) == "申请材料"


def test_another_citizens_file_does_not_count(signed_in: Context, id_card: str) -> None:
    page = Page(signed_in(ALICE))
    page.load(start=True)
    page.do(apply.continue_step, {"phone": ALICE.phone})
    bobs = files.save("bob", "bob.png", _png())
    draft = drafts.get_draft("alice", CODE)
    assert draft is not None
    values = {**draft.values, "material_1": bobs.id}
    drafts.save_draft("alice", CODE, draft.form_key, draft.item_name, values, draft.step)
    page.do(apply.continue_step, {})
    assert page.stage == "step"
    assert [zh(e.message) for e in page.errors] == ["居民身份证的文件已失效，请重新上传"]


def test_an_e_licence_replaces_the_upload(signed_in: Context, id_card: str, licences: str) -> None:
    page = Page(signed_in(ALICE))
    page.load(start=True)
    assert set(page.tab.licences) == {"lic-idcard-0001"}  # hers, of the kind the form takes
    page.do(apply.continue_step, {"phone": ALICE.phone})
    offer = page.field("material_1")
    assert offer.licence_id == "lic-idcard-0001" and "3701**********002X" in offer.licence_text
    page.do(apply.use_licence, "material_1")
    used = page.field("material_1")
    assert used.using_licence and zh(used.value) == "电子证照：居民身份证（张三）"
    draft = drafts.get_draft("alice", CODE)
    assert draft is not None and draft.values["material_1"] == "elic:lic-idcard-0001"
    page.do(apply.continue_step, {})
    assert page.stage == "check"
    # bob has no ID card licence: nothing to use
    bobs = Page(signed_in(BOB))
    bobs.load(start=True)
    assert bobs.tab.licences == {}


def test_revealing_the_answers_is_audited_and_hiding_them_is_not(
    signed_in: Context, id_card: str
) -> None:
    page = _at_check(signed_in(ALICE), "alice")
    masked = next(a.value for a in page.answers if a.key == "id_number")
    assert masked != ALICE.id_number
    view = page.do(apply.reveal_answers)
    assert view is not None and view.audits == (Audit("reveal", "success", "alice", "answers"),)
    assert page.tab.revealed
    assert next(a.value for a in page.answers if a.key == "id_number") == ALICE.id_number
    view = page.do(apply.reveal_answers)
    assert view is not None and view.audits == () and not page.tab.revealed
    assert next(a.value for a in page.answers if a.key == "id_number") == masked


# -- submitting ----------------------------------------------------------------------------------
def test_submit_is_idempotent_by_the_clients_key_and_refuses_another_citizens(
    signed_in: Context, id_card: str, journey_db: Session
) -> None:
    bobs, _ = applications.submit(
        "bob", "b" * 32, item_code="X", form_key="k", item_name="n", department="d",
        area_code="370102000000", values={}, promised_days=1,
    )  # fmt: skip
    page = _at_check(signed_in(ALICE), "alice")
    page.submit(SIGNED, "b" * 32)
    assert page.stage == "check"
    assert [zh(e.message) for e in page.errors] == ["提交请求无效，请刷新页面后重试。"]
    page.submit({"declaration": "yes"}, "a" * 32)
    assert [zh(e.message) for e in page.errors] == ["请勾选同意处理敏感个人信息"]
    view = page.submit(SIGNED, "a" * 32)
    assert page.stage == "done" and page.tab.application_number != bobs.number
    assert view is not None and view.focus is not None and view.focus.element_id == HEADING_ID
    assert page.errors == () and page.tab.draft_token == ""
    # a double tap (the same request again) submits nothing more
    assert page.submit(SIGNED, "a" * 32) is None
    submitted = journey_db.exec(select(Application).where(Application.owner == "alice")).all()
    assert [a.number for a in submitted] == [page.tab.application_number]
    stored = applications.get_application("alice", page.tab.application_number)
    assert stored is not None and stored.values["name"] == "张三"
    # stored as the catalogue names them, not as the page's local texts
    assert is_local(page.tab.item_name) or is_local(page.tab.department)
    assert not is_local(stored.item_name) and stored.department == zh(page.tab.department)
    assert drafts.get_draft("alice", CODE) is None


def test_signed_out_nothing_is_submitted(signed_in: Context, id_card: str) -> None:
    page = _at_check(signed_in(ALICE), "alice")
    stranger = Page(signed_in(None))
    stranger.tab = page.tab  # the same tab after the session ended
    stranger.submit(SIGNED, "z" * 32)
    assert stranger.stage == "intro" and not stranger.tab.application_number
    assert stranger.fields == () and stranger.errors == ()
    assert drafts.get_draft("alice", CODE) is not None


def test_a_reconnect_after_submitting_keeps_the_confirmation(
    signed_in: Context, id_card: str
) -> None:
    page = _at_check(signed_in(ALICE), "alice")
    page.submit(SIGNED, "c" * 32)
    number = page.tab.application_number
    assert page.load(start=True) is None  # back on ?start=1: the confirmation stays
    assert (page.stage, page.tab.application_number) == ("done", number)
    assert drafts.get_draft("alice", CODE) is None
    page.load()  # the page afresh: a new visit
    assert page.stage == "intro" and not page.tab.application_number


def test_an_item_with_fees_or_delivery_goes_to_the_checkout(
    signed_in: Context, journey_db: Session
) -> None:
    put_item(journey_db, item(online_payment=True, express_delivery=True, materials=[ID_CARD]))
    page = _at_check(signed_in(ALICE), "alice")
    view = page.submit(SIGNED, "e" * 32)
    assert view is not None and view.redirect == f"{checkout.ROUTE}/{CODE}"
    held = checkout.open_for("alice", CODE)
    assert held is not None and held.idempotency_key == "e" * 32
    assert held.needs_payment and held.needs_delivery
    assert held.snapshot["values"]["name"] == "张三" and not page.tab.application_number
    assert drafts.get_draft("alice", CODE) is not None  # kept until paid
