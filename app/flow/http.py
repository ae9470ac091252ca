"""HTTP routes of the flow, mounted into Reflex's backend (``api_transformer``):

* ``POST /flow/files``: upload one material for a file field of the caller's draft;
* ``GET /flow/files/{id}``: the file, to its owner only (404 for anyone else).

Both need a live session (the ``yw_sid`` cookie, HttpOnly, SameSite=Lax). Uploads also need
the ``X-Yiwang-Upload`` header (a cross-site form cannot send it) and, when the browser sends
an Origin, the same origin as the request. Uploads are checked in the bounded pool of
``app.flow.files.process`` and counted against the citizen's limits.

And the session cookie's two routes (``app.security.session_cookie``):

* ``GET /flow/session?ticket=…&next=/path``: exchange the single-use login ticket for the
  session secret, set it as the HttpOnly cookie, go on to ``next`` (same-origin paths only);
* ``GET /flow/signed-out?next=/path``: clear the cookie (the handler ended the session).
"""

from __future__ import annotations

from contextvars import ContextVar
from urllib.parse import quote, urlparse

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from app import audit
from app.context import RequestContext, context_for
from app.domain.rules import Status
from app.flow import files, store
from app.flow.lookup import form_for_code
from app.flow.payment_http import NOTIFY_PATH
from app.flow.payment_http import notify as payment_notify
from app.flow.store import applications, drafts, sessions
from app.offloop import off_loop
from app.security import public_url
from app.security.redirects import safe_return_path
from app.security.session_cookie import MAX_AGE_S, SESSION_COOKIE, cookie_attributes
from app.text import LOCALE_COOKIE, SOURCE_LOCALE, pick
from app.text import st as t

UPLOAD_HEADER = "x-yiwang-upload"


def refusal_message(code: str) -> str:
    mb = files.max_bytes() // (1024 * 1024)
    return {
        "empty": t("文件是空的，请重新选择。"),
        "too_large": t("文件超过 {mb} MB，请压缩或拍摄清晰度低一些的照片后再上传。", mb=mb),
        "type": t("只能上传 JPEG、PNG 图片或 PDF、OFD 文件。"),
        "mismatch": t("文件的扩展名和内容不符，请上传原始文件。"),
        "broken": t("图片已损坏，无法读取，请重新拍摄或选择。"),
        "infected": t("文件未通过安全检查，不能上传。"),
        "scan_failed": t("暂时无法检查文件，请稍后再试。"),
        "pixels": t("图片的像素太多，请缩小图片或拍摄清晰度低一些的照片后再上传。"),
        "active": t("文件含有脚本、附件或不属于该格式的内容，不能上传。请上传普通的文件。"),
        "busy": t("上传的人较多，请稍等片刻再试。"),
        "per_minute": t("上传过于频繁，请一分钟后再试。"),
        "per_draft": t("这份申请已上传的文件太多，请删除不需要的材料后再上传。"),
        "per_day": t("今天上传的文件已达上限，请明天再试。"),
    }.get(code, t("上传失败，请重试。"))


#: the locale the request's browser reads (its ``yw_locale`` cookie), set per request
_LOCALE: ContextVar[str] = ContextVar("yw_request_locale", default=SOURCE_LOCALE)


def _context(request: Request) -> RequestContext:
    """This request's context, built once: the province of its host, its locale (also set
    for :func:`_said`), its session secret (the HttpOnly cookie), its client and request id."""
    ctx = context_for(
        request.headers.get("host", ""),
        request.cookies.get(LOCALE_COOKIE),
        request.cookies.get(SESSION_COOKIE, ""),
        client=request.client.host if request.client else "",
        request_id=request.headers.get("x-request-id", ""),
    )
    _LOCALE.set(ctx.locale)
    return ctx


def _said(message: str) -> str:
    """A server message (a local text) in the request's locale."""
    return pick(message, _LOCALE.get())


def _error(message: str, status: int) -> Response:
    return JSONResponse({"message": _said(message)}, status, headers={"Cache-Control": "no-store"})


def _audit_foreign(ctx: RequestContext, sub: str, what: str) -> None:
    """An attempt to reach another citizen's record, for the audit log."""
    audit.record(
        "cross_citizen_access",
        "denied",
        sub=sub,
        client=ctx.client,
        request_id=ctx.request_id,
        detail=what,
    )


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if not origin:
        return True
    return urlparse(origin).netloc == request.headers.get("host", "")


async def upload(request: Request) -> Response:
    ctx = _context(request)
    if request.headers.get(UPLOAD_HEADER) != "1" or not _same_origin(request):
        return _error(t("请求来源无效。"), 403)
    active = await off_loop(sessions.touch_session, ctx.session_secret)
    if active is None:
        return _error(t("登录已过期，请重新登录后再上传。"), 401)
    limit = files.max_bytes()
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + 64 * 1024:
        return _error(refusal_message("too_large"), 413)
    form = await request.form(max_files=1, max_fields=4)
    try:
        upload_file = form.get("file")
        if number := str(form.get("application", "")):
            return await _correction(active.identity.sub, number[:40], upload_file, limit, ctx)
        item, field = str(form.get("item", "")), str(form.get("field", ""))
        # the draft (decrypted) and its form (derived on first use) off the event loop
        draft = await off_loop(drafts.get_draft, active.identity.sub, item[:80])
        folder = ctx.province.folder
        found = await off_loop(form_for_code, draft.item_code, folder) if draft else None
        definition = found[0] if found and draft and found[0].key == draft.form_key else None
        target = None
        if definition is not None:
            target = next((f for f in definition.fields() if f.name == field), None)
        if draft is None or target is None or target.kind != "file":
            return _error(t("没有找到要上传材料的申请草稿。"), 404)
        if upload_file is None or isinstance(upload_file, str):
            return _error(refusal_message("empty"), 400)
        data = await upload_file.read(limit + 1)
        if len(data) > limit:
            return _error(refusal_message("too_large"), 413)
        owner = active.identity.sub
        try:
            row = await _store(owner, upload_file.filename or "file", data, draft.item_code)
        except files.UploadRefused as exc:
            return _error(refusal_message(exc.code), _STATUS.get(exc.code, 422))
        # this answer only, into the draft as it is now (locked: a page's save or another
        # upload may land meanwhile)
        found_now, replaced = await off_loop(
            drafts.set_answer, owner, draft.item_code, field, row.id
        )
        if not found_now:  # submitted or deleted meanwhile: the file has no draft to go in
            await off_loop(files.delete_unreferenced, owner, [row.id])
            return _error(t("没有找到要上传材料的申请草稿。"), 404)
        if replaced and replaced != row.id:
            await off_loop(files.delete_unreferenced, owner, [replaced])
    finally:
        await form.close()
    return JSONResponse(
        {"id": row.id, "name": row.name, "message": _said(t("已上传：{name}", name=row.name))},
        headers={"Cache-Control": "no-store"},
    )


_STATUS = {"busy": 503, "per_minute": 429, "per_draft": 429, "per_day": 429, "too_large": 413}


async def _store(owner: str, name: str, data: bytes, item_code: str | None):
    """Limits, then check/clean/hash/scan in the bounded pool, then write (off the loop)."""
    if not files.note_attempt(owner):
        raise files.UploadRefused("per_minute")
    if problem := await off_loop(files.limit_problem, owner, item_code, len(data)):
        raise files.UploadRefused(problem)
    done = await files.process(name, data)
    return await off_loop(files.store_file, owner, name, done, item_code)


async def _correction(
    owner: str, number: str, upload_file: UploadFile | str | None, limit: int, ctx: RequestContext
) -> Response:
    """A corrected material for a returned application (补正); attached by ``applications.correct``."""
    try:
        application = await off_loop(applications.get_application, owner, number)
    except store.NotFound as exc:
        if exc.foreign:
            _audit_foreign(ctx, owner, "application")
        return _error(t("没有找到这件申请。"), 404)
    if application.status != Status.RETURNED:
        return _error(t("这件申请现在不需要补正材料。"), 409)
    if upload_file is None or isinstance(upload_file, str):
        return _error(refusal_message("empty"), 400)
    data = await upload_file.read(limit + 1)
    if len(data) > limit:
        return _error(refusal_message("too_large"), 413)
    try:
        row = await _store(owner, upload_file.filename or "file", data, None)
    except files.UploadRefused as exc:
        return _error(refusal_message(exc.code), _STATUS.get(exc.code, 422))
    return JSONResponse(
        {"id": row.id, "name": row.name, "message": _said(t("已上传：{name}", name=row.name))},
        headers={"Cache-Control": "no-store"},
    )


async def download(request: Request) -> Response:
    ctx = _context(request)
    active = await off_loop(sessions.touch_session, ctx.session_secret)
    if active is None:
        return _error(t("请先登录。"), 401)
    try:
        row = await off_loop(files.get, active.identity.sub, request.path_params["file_id"])
    except store.NotFound as exc:
        if exc.foreign:
            _audit_foreign(ctx, active.identity.sub, "file")
        return _error(t("没有找到这个文件。"), 404)
    return FileResponse(
        files.path_of(row),
        media_type=row.content_type,
        headers={
            "Content-Disposition": f"inline; filename*=UTF-8''{quote(row.name)}",
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )


_NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


async def begin_session(request: Request) -> Response:
    """The browser exchanges its login ticket for the HttpOnly session cookie."""
    target = safe_return_path(request.query_params.get("next", "/me"))
    secret = await off_loop(sessions.redeem_handoff, request.query_params.get("ticket", ""))
    response = RedirectResponse(target, 303, headers=_NO_STORE)
    if secret is not None:
        response.set_cookie(
            value=secret, max_age=MAX_AGE_S, **cookie_attributes(public_url.is_https())
        )
    return response


async def signed_out(request: Request) -> Response:
    """After 退出登录 (the handler ended the session): the cookie is cleared."""
    target = safe_return_path(request.query_params.get("next", "/me"))
    response = RedirectResponse(target, 303, headers=_NO_STORE)
    response.delete_cookie(**cookie_attributes(public_url.is_https()))
    return response


def flow_api(extra: list[Route] | None = None) -> Starlette:
    """The flow's routes (and ``extra`` ones of the app), mounted before Reflex's own."""
    return Starlette(
        routes=[
            Route("/flow/files", upload, methods=["POST"]),
            Route("/flow/files/{file_id:str}", download, methods=["GET"]),
            # the cashier's signed payment notification (server to server)
            Route(NOTIFY_PATH, payment_notify, methods=["POST"]),
            Route("/flow/session", begin_session, methods=["GET"]),
            Route("/flow/signed-out", signed_out, methods=["GET"]),
            *(extra or []),
        ]
    )
