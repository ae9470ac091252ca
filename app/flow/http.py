"""HTTP routes of the flow, mounted into Reflex's backend (``api_transformer``):

* ``POST /flow/files``: upload one material for a file field of the caller's draft;
* ``GET /flow/files/{id}``: the file, to its owner only (404 for anyone else).

Both need a live session (the ``yw_sid`` cookie, SameSite=Lax). Uploads also need the
``X-Yiwang-Upload`` header (a cross-site form cannot send it) and, when the browser sends an
Origin, the same origin as the request.
"""

from __future__ import annotations

from urllib.parse import quote, urlparse

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from app import audit
from app.flow import SESSION_COOKIE, files, store
from app.flow.lookup import form_for_code
from app.flow.payment_http import NOTIFY_PATH
from app.flow.payment_http import notify as payment_notify
from app.flow.store import applications, drafts, sessions
from app.settings import theme_for_host
from components.i18n import st as t

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
    }.get(code, t("上传失败，请重试。"))


def _error(message: str, status: int) -> Response:
    return JSONResponse({"message": message}, status, headers={"Cache-Control": "no-store"})


def _audit_foreign(request: Request, sub: str, what: str) -> None:
    """An attempt to reach another citizen's record, for the audit log."""
    audit.record(
        "cross_citizen_access",
        "denied",
        sub=sub,
        client=request.client.host if request.client else "",
        request_id=request.headers.get("x-request-id", ""),
        detail=what,
    )


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if not origin:
        return True
    return urlparse(origin).netloc == request.headers.get("host", "")


async def upload(request: Request) -> Response:
    if request.headers.get(UPLOAD_HEADER) != "1" or not _same_origin(request):
        return _error(t("请求来源无效。"), 403)
    active = sessions.touch_session(request.cookies.get(SESSION_COOKIE, ""))
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
            return await _correction(active.identity.sub, number[:40], upload_file, limit, request)
        item, field = str(form.get("item", "")), str(form.get("field", ""))
        draft = drafts.get_draft(active.identity.sub, item[:80])
        folder = theme_for_host(request.headers.get("host", "")).folder
        found = form_for_code(draft.item_code, folder) if draft else None
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
        try:
            row = files.save(active.identity.sub, upload_file.filename or "file", data)
        except files.UploadRefused as exc:
            return _error(refusal_message(exc.code), 422)
        values = {**draft.values, field: row.id}
        drafts.save_draft(
            draft.owner, draft.item_code, draft.form_key, draft.item_name, values, draft.step
        )
    finally:
        await form.close()
    return JSONResponse(
        {"id": row.id, "name": row.name, "message": t("已上传：{name}", name=row.name)},
        headers={"Cache-Control": "no-store"},
    )


async def _correction(
    owner: str, number: str, upload_file, limit: int, request: Request
) -> Response:
    """A corrected material for a returned application (补正); attached by ``applications.correct``."""
    try:
        application = applications.get_application(owner, number)
    except store.NotFound as exc:
        if exc.foreign:
            _audit_foreign(request, owner, "application")
        return _error(t("没有找到这件申请。"), 404)
    if application.status != "returned":
        return _error(t("这件申请现在不需要补正材料。"), 409)
    if upload_file is None or isinstance(upload_file, str):
        return _error(refusal_message("empty"), 400)
    data = await upload_file.read(limit + 1)
    if len(data) > limit:
        return _error(refusal_message("too_large"), 413)
    try:
        row = files.save(owner, upload_file.filename or "file", data)
    except files.UploadRefused as exc:
        return _error(refusal_message(exc.code), 422)
    return JSONResponse(
        {"id": row.id, "name": row.name, "message": t("已上传：{name}", name=row.name)},
        headers={"Cache-Control": "no-store"},
    )


async def download(request: Request) -> Response:
    active = sessions.touch_session(request.cookies.get(SESSION_COOKIE, ""))
    if active is None:
        return _error(t("请先登录。"), 401)
    try:
        row = files.get(active.identity.sub, request.path_params["file_id"])
    except store.NotFound as exc:
        if exc.foreign:
            _audit_foreign(request, active.identity.sub, "file")
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


def flow_api(extra: list[Route] | None = None) -> Starlette:
    """The flow's routes (and ``extra`` ones of the app), mounted before Reflex's own."""
    return Starlette(
        routes=[
            Route("/flow/files", upload, methods=["POST"]),
            Route("/flow/files/{file_id:str}", download, methods=["GET"]),
            # issue 15: the cashier's signed payment notification (server to server)
            Route(NOTIFY_PATH, payment_notify, methods=["POST"]),
            *(extra or []),
        ]
    )
