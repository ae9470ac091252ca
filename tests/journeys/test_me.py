"""我的 and the application progress page without Reflex, against a real database: only the
signed-in citizen's own drafts and applications; another's are not found and audited; 补正 and
好差评 check their input and say where the error is."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlmodel import Session

from app.domain.identity import Identity
from app.flow.store import applications, drafts, evaluations, sessions
from app.journeys import application, me
from app.text import pick
from tests.factories import COMPLETED, submitted_application
from tests.journeys.conftest import context, lines

ALICE = Identity("alice", "张三", "37010219850312002X", "13800135678", 3)
BOB = Identity("bob", "李秀英", "370202195208170042", "13905321234", 2)


def zh(text: str) -> str:
    return pick(text, "zh_Hans")


def _as(identity: Identity, db: Session):
    return context(secret=sessions.open_session(identity, db))


def _application(db: Session, owner: str = "bob", final: bool = True) -> str:
    return submitted_application(db, owner, statuses=COMPLETED if final else ()).number


def test_signed_out_nothing_is_listed_or_deleted(flow_db: Session) -> None:
    bobs = drafts.save_draft("bob", "X", "001018000000", "n", {}, 1, flow_db)
    assert asyncio.run(me.overview(context())) == me.Overview()
    assert me.delete_draft(context(secret="forged"), bobs.id) == me.Overview()
    flow_db.expire_all()
    assert drafts.get_draft("bob", "X", flow_db) is not None


def test_the_overview_lists_the_citizens_own_drafts_applications_and_messages(
    flow_db: Session,
) -> None:
    drafts.save_draft("alice", "Z", "001018000000", "居民身份证换领", {"a": "1"}, 1, flow_db)
    drafts.save_draft("bob", "Y", "001018000000", "别人的草稿", {}, 1, flow_db)
    number = _application(flow_db, "alice")
    _application(flow_db, "bob")
    view = asyncio.run(me.overview(_as(ALICE, flow_db)))
    assert view.account is not None and view.account.identity.sub == "alice"
    assert [zh(d.name) for d in view.drafts] == ["居民身份证换领"]
    assert view.drafts[0].href == "/apply/Z" and "居民身份证换领" in zh(view.drafts[0].delete_label)
    assert [(a.number, zh(a.status)) for a in view.applications] == [(number, "已办结")]
    assert view.applications[0].href == f"/me/applications/{number}"
    assert view.messages and all(m.href == f"/me/applications/{number}" for m in view.messages)
    assert all("办件编号" in zh(m.text) for m in view.messages)


def test_deleting_another_citizens_draft_is_refused_and_audited(
    flow_db: Session, audit_log: Path
) -> None:
    bobs = drafts.save_draft("bob", "X", "001018000000", "n", {"a": "1"}, 1, flow_db)
    view = me.delete_draft(_as(ALICE, flow_db), bobs.id)
    assert zh(view.notice) == "没有找到这份草稿，它可能已被删除。"
    assert pick(view.notice, "en") == "Draft not found. It may have been deleted."
    flow_db.expire_all()
    assert drafts.get_draft("bob", "X", flow_db) is not None
    (line,) = lines(audit_log)
    assert (line["event"], line["detail"], line["client"]) == (
        "cross_citizen_access",
        "draft",
        "10.1.2.3",
    )
    assert zh(me.delete_draft(_as(ALICE, flow_db), "not a number").notice).startswith("没有找到")


def test_the_citizen_deletes_their_own_draft(flow_db: Session) -> None:
    own = drafts.save_draft("alice", "X", "001018000000", "n", {"a": "1"}, 1, flow_db)
    view = me.delete_draft(_as(ALICE, flow_db), own.id)
    assert zh(view.notice) == "草稿已删除。" and view.drafts == ()


def test_another_citizens_application_is_not_shown_or_evaluated(
    flow_db: Session, audit_log: Path
) -> None:
    number = _application(flow_db)
    alice = _as(ALICE, flow_db)
    page = asyncio.run(application.status(alice, number))
    assert page.account is not None and not page.found and page.timeline == ()
    assert not application.evaluate(alice, number, "5", "").found
    bobs = applications.get_application("bob", number, flow_db)
    assert evaluations.get_evaluation(bobs.id, flow_db) is None
    assert [e["detail"] for e in lines(audit_log)] == ["application"]
    own = asyncio.run(application.status(_as(BOB, flow_db), number))
    assert own.found and zh(own.status) == "已办结" and own.can_evaluate
    assert [zh(e.status) for e in own.timeline][-1] == "已办结" and own.deadline_text == ""
    assert len(lines(audit_log)) == 1  # the owner's own access is no security event


def test_an_open_application_shows_its_promised_deadline(flow_db: Session) -> None:
    number = _application(flow_db, final=False)
    page = application.page(_as(BOB, flow_db), number)
    assert page.found and "承诺" in zh(page.deadline_text) and not page.can_evaluate


def test_the_evaluation_checks_its_input_and_is_given_once(flow_db: Session) -> None:
    number = _application(flow_db)
    bob = _as(BOB, flow_db)
    missing = application.evaluate(bob, number, "", "")
    assert zh(missing.evaluation_error) == "请选择您的评价"
    assert missing.focus == application.EVALUATION_ERROR_ID
    unhappy = application.evaluate(bob, number, "1", "  ")
    assert "不满意的原因" in zh(unhappy.evaluation_error)
    done = application.evaluate(bob, number, "2", "排队太久")
    assert done.evaluation_error == "" and done.focus == "" and not done.can_evaluate
    assert zh(done.evaluation_text) == "您的评价：不满意"
    again = application.evaluate(bob, number, "5", "")
    assert zh(again.evaluation_error) == "这件申请现在不能评价。"


def test_a_correction_needs_a_material_and_a_returned_application(flow_db: Session) -> None:
    number = _application(flow_db, final=False)
    bob = _as(BOB, flow_db)
    page = asyncio.run(application.correct(bob, number, ""))
    assert zh(page.correction_error) == "请先上传补正材料。" and not page.correction_done
    assert page.focus == application.CORRECTION_ERROR_ID and page.found
    signed_out = asyncio.run(application.correct(context(), number, "f" * 32))
    assert signed_out == application.Status()
