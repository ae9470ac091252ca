"""Unified identity in a real browser, against two providers on loopback:

* the independent, certified ``oidc-provider`` (npm, e2e/oidc_provider/) on its spec defaults,
  with the app configured only through ``YIWANG_OIDC_*`` and a claim-mapping file in the
  province folder (docs/examples/identity/standard-acr.toml): a 三级 citizen logs in with
  name, masked ID number, phone and 三级实名 and applies; a login without an ID number is
  refused with the draft kept; logout ends the provider's session; a provider outage says
  "unavailable" with a retry instead of a browser error page;
* the sandbox provider of the default build: logout goes through its end_session_endpoint.

Every step's audit line is checked in the file the app was configured to write.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from app.flow.store import applications, drafts
from e2e.axe import assert_no_violations
from e2e.browser import device_context_args
from e2e.conftest import open_page
from e2e.interop import STANDARD_MAPPING, RunningProvider, oidc_provider
from e2e.server import ROOT, app_db_url, free_port, production_app
from e2e.test_flow_derived import through_checkout
from themes import THEMES_DIR

ID_CARD = "001018000000-370102000000-000-11370102010133958H-8-00"
SECRET = "interop-e2e-secret-5b1e0c7d9a2f"


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (60, 80), (200, 210, 230)).save(out, "PNG")
    return out.getvalue()


def audit_lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


class InteropApp:
    def __init__(self, url: str, op: RunningProvider, audit: Path, db: Engine) -> None:
        self.url, self.op, self.audit, self.db = url, op, audit, db


@pytest.fixture(scope="module")
def interop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InteropApp]:
    """The app built for a province folder whose only change is identity.toml, talking to
    oidc-provider (configured only through YIWANG_OIDC_*)."""
    port = free_port()
    # the embedded app answers on 127.0.0.1, the scaled one (nginx) on localhost
    origins = [f"http://127.0.0.1:{port}", f"http://localhost:{port}"]
    client = {
        "client_id": "yiwang",
        "client_secret": SECRET,
        "redirect_uris": [f"{o}/auth/callback" for o in origins],
        # back through the route that clears the HttpOnly session cookie, then /me
        "post_logout_redirect_uris": [f"{o}/flow/signed-out?next=%2Fme" for o in origins],
        "grant_types": ["authorization_code"],
        "response_types": ["code"],
    }
    province = tmp_path_factory.mktemp("province") / "shandong"
    shutil.copytree(THEMES_DIR / "shandong", province)
    shutil.copyfile(STANDARD_MAPPING, province / "identity.toml")
    audit = ROOT / "reports" / f"audit-interop-{port}.jsonl"
    audit.unlink(missing_ok=True)
    with oidc_provider([client]) as op:
        env = {
            "YIWANG_OIDC_ISSUER": op.issuer,
            "YIWANG_OIDC_CLIENT_ID": "yiwang",
            "YIWANG_OIDC_CLIENT_SECRET": SECRET,
            "YIWANG_PROVINCE_DIR": str(province),
            "YIWANG_AUDIT_LOG": str(audit),
            "REFLEX_WEB_WORKDIR": ".web-interop",
            "REFLEX_STATES_WORKDIR": ".states-interop",
        }
        with production_app(env, port=port) as url:
            engine = create_engine(app_db_url())
            yield InteropApp(url, op, audit, engine)
            engine.dispose()


@pytest.fixture
def page(browser: Browser, playwright: Playwright) -> Iterator[Page]:
    context = browser.new_context(**device_context_args(playwright, "Pixel 7"))
    yield context.new_page()
    context.close()


def heading(page: Page, name: str) -> None:
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible(timeout=30_000)


def continue_(page: Page) -> None:
    page.get_by_role("button", name="继续", exact=True).click()


def op_sign_in(page: Page, name: str) -> None:
    """On oidc-provider's login page (the deployer's page of that provider)."""
    heading(page, "标准身份认证登录")
    page.get_by_role("radio", name=name).check()
    page.get_by_role("button", name="登录", exact=True).click()


def clear_drafts(db: Engine, owner: str) -> None:
    from sqlalchemy import delete
    from sqlmodel import col

    from app.flow.tables import Draft

    with Session(db) as s:
        s.execute(delete(Draft).where(col(Draft.owner) == owner))
        s.commit()


def test_a_level_3_citizen_logs_in_applies_and_logs_out_at_the_provider(
    interop: InteropApp, page: Page
) -> None:
    clear_drafts(interop.db, "op-0001")
    open_page(page, interop.url, f"/apply/{ID_CARD}")
    page.get_by_role("button", name="开始办理").click()
    op_sign_in(page, "陈立华")

    heading(page, "申请人信息")
    expect(page.get_by_text("3701**********0025")).to_be_visible()
    expect(page.get_by_text("370103194912310025")).to_have_count(0)
    expect(page.get_by_role("textbox", name="联系电话")).to_have_value("13911112222")
    continue_(page)
    # the extended form: one question per 提交情形, the item's own steps, then every material
    heading(page, "您的情况")
    for condition in ("不在窗口现场采集照片的", "委托他人代为办理的"):
        group = page.get_by_role("group", name=re.compile(condition))
        group.get_by_role("radio", name="否", exact=True).check()
    continue_(page)
    heading(page, "换领原因")
    page.get_by_role("radio", name="有效期满或即将期满").check()
    page.get_by_label("现有身份证的有效期截止日期").fill("2026-03-01")
    continue_(page)
    heading(page, "受理派出所")
    page.get_by_role("combobox", name="所在区县").first.select_option(label="济南市历下区")
    page.get_by_role("textbox", name="街道、小区和门牌号").first.fill("历山路 101 号")
    continue_(page)
    heading(page, "申请材料")
    for material, file in (("申请人居民身份证", "id.png"), ("居民户口簿", "hukou.png")):
        page.get_by_label(material).set_input_files(
            {"name": file, "mimeType": "image/png", "buffer": png_bytes()}
        )
        expect(page.get_by_text(f"已上传：{file}")).to_be_visible(timeout=30_000)
    continue_(page)
    heading(page, "提交前请核对")
    page.get_by_role("checkbox", name=re.compile("本人承诺")).check()
    page.get_by_role("checkbox", name=re.compile("我同意公安机关")).check()
    page.get_by_role("button", name="提交申请").click()
    through_checkout(page)
    with Session(interop.db) as s:
        assert applications.list_applications("op-0001", session=s)

    open_page(page, interop.url, "/me")
    account = page.get_by_role("region", name="账号")
    expect(account.get_by_text("三级实名（实人认证）")).to_be_visible()
    expect(account.get_by_text("陈立华")).to_be_visible()
    expect(account.get_by_text("3701**********0025")).to_be_visible()
    expect(account.get_by_text("139****2222")).to_be_visible()
    assert_no_violations(page)

    # logout ends the provider's session: its confirmation page, then back to 我的
    page.get_by_role("button", name="退出登录").click()
    page.get_by_role("button", name="Yes, sign me out").click(timeout=30_000)
    page.wait_for_url(re.compile(re.escape(interop.url) + "/me"), timeout=30_000)
    page.locator('[data-hydrated="true"]').wait_for()
    expect(page.get_by_text("您已退出登录，统一身份认证的登录也已结束。")).to_be_visible()
    assert_no_violations(page)
    # the next 开始办理 asks who is there instead of logging the same person in
    open_page(page, interop.url, f"/apply/{ID_CARD}")
    page.get_by_role("button", name="开始办理").click()
    heading(page, "标准身份认证登录")

    events = [(e["event"], e.get("detail", "")) for e in audit_lines(interop.audit)]
    assert ("login", "") in events and ("logout", "provider") in events
    text = interop.audit.read_text(encoding="utf-8")
    assert "370103194912310025" not in text and "13911112222" not in text and "op-0001" not in text


def test_a_login_without_an_id_number_is_refused_and_the_draft_kept(
    interop: InteropApp, page: Page
) -> None:
    with Session(interop.db) as s:
        drafts.save_draft("op-0003", ID_CARD, "001018000000", "居民身份证换领", {"x": "1"}, 1, s)
    open_page(page, interop.url, f"/apply/{ID_CARD}")
    page.get_by_role("button", name="开始办理").click()
    op_sign_in(page, "黄志强")
    heading(page, "暂时不能在线办理")
    expect(page.get_by_text(re.compile("没有提供办理本事项所需的信息：身份证号码"))).to_be_visible()
    expect(page.get_by_text(re.compile("已填写的内容保存在草稿中"))).to_be_visible()
    assert_no_violations(page)
    with Session(interop.db) as s:
        draft = drafts.get_draft("op-0003", ID_CARD, s)
        assert draft is not None and draft.values == {"x": "1"} and draft.step == 1
    refused = [e for e in audit_lines(interop.audit) if e["event"] == "login_refused"]
    assert refused and refused[-1]["detail"] == "id_number" and refused[-1]["outcome"] == "denied"


def test_a_provider_outage_says_unavailable_with_a_retry(interop: InteropApp, page: Page) -> None:
    open_page(page, interop.url, f"/apply/{ID_CARD}")
    interop.op.stop()
    try:
        page.get_by_role("button", name="开始办理").click()
        alert = page.get_by_role("alert").filter(has_text="统一身份认证暂时不可用")
        expect(alert).to_be_visible(timeout=30_000)
        assert page.url.startswith(interop.url)  # never a browser error page
        assert_no_violations(page)
        failed = [e for e in audit_lines(interop.audit) if e["event"] == "login_failed"]
        assert failed and failed[-1]["reason"] == "provider_unavailable"
    finally:
        interop.op.start()
    alert.get_by_role("button", name="重试").click()
    heading(page, "标准身份认证登录")


def test_logout_at_the_sandbox_provider(base_url: str, page: Page) -> None:
    open_page(page, base_url, f"/apply/{ID_CARD}")
    page.get_by_role("button", name="开始办理").click()
    expect(page.get_by_role("heading", name="统一身份认证登录")).to_be_visible(timeout=30_000)
    page.get_by_role("radio", name=re.compile("张三")).check()
    page.get_by_role("button", name="同意授权并登录").click()
    heading(page, "申请人信息")
    open_page(page, base_url, "/me")
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_text("您已退出登录，统一身份认证的登录也已结束。")).to_be_visible(
        timeout=30_000
    )
    expect(page.get_by_role("button", name="退出登录")).to_have_count(0)
