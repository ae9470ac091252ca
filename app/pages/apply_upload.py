"""The file field of the wizard: a native file input (camera or files on phones) that posts
the file to ``/flow/files`` (server checks, private storage) and reports the result."""

from __future__ import annotations

import json

import reflex as rx
from reflex.vars.base import Var
from reflex.vars.object import ObjectVar
from reflex_base.event import EventChain

from app.flow import files
from app.pages.vars import server_var as S
from app.pages.vars import var_of
from app.state.flow import ApplyState, FieldView
from components.elicence_picker import elicence_picker
from components.file_upload import ACCEPT, file_upload
from components.i18n import t
from components.js import js as js_expr


def upload_handler(fields: dict[str, Var]) -> Var:
    """A change handler for a file input: post the file with ``fields`` to ``/flow/files``;
    show the answer in ``#<input id>-status``; put the stored id into ``#<input id>-value``
    if there is such an element."""
    busy, failed = t("正在上传，请稍候…"), t("上传失败，请检查网络后重试。")
    # A proxy in front (nginx's client_max_body_size) refuses a huge file before the app can
    # answer with its own message: say the same thing rather than blame the network.
    too_large = t(
        "文件超过 {mb} MB，请压缩或拍摄清晰度低一些的照片后再上传。",
        mb=files.max_bytes() // (1024 * 1024),
    )
    # looked up in the device's language
    texts = f"{{busy: {busy!s}, failed: {failed!s}, tooLarge: {too_large!s}}}"
    appends = " ".join(f"body.append({json.dumps(k)}, {v!s});" for k, v in fields.items())
    js = (
        "(async (e) => { const input = e.target; const file = input.files && input.files[0];"
        f" const texts = {texts};"
        " const status = document.getElementById(input.id + '-status');"
        " const target = document.getElementById(input.id + '-value');"
        " if (!file) return; status.textContent = texts.busy;"
        f" const body = new FormData(); {appends} body.append('file', file);"
        " try { const r = await fetch('/flow/files', {method: 'POST', body,"
        " credentials: 'same-origin', headers: {'X-Yiwang-Upload': '1'}});"
        " const answer = await r.json().catch(() =>"
        " ({message: r.status === 413 ? texts.tooLarge : texts.failed}));"
        " const ok = r.ok && !!answer.id; status.textContent = answer.message;"
        " status.dataset.state = ok ? 'ok' : 'error';"
        " if (target) target.value = ok ? answer.id : '';"
        " if (!ok) input.value = ''; }"
        " catch (err) { status.textContent = texts.failed; status.dataset.state = 'error';"
        " input.value = ''; } })"
    )
    return js_expr(
        js, EventChain, uses=(Var.create(list(fields.values())), busy, failed, too_large)
    )


def file_field(f: ObjectVar[FieldView]) -> rx.Component:
    return file_upload(
        f.input_id,
        S(f.label),
        hint=S(f.hint),
        error=S(f.error),
        described_by=f.described_by,
        status=rx.cond(
            f.value != "",
            rx.fragment(
                t("已上传："),
                # a file or licence name is shown as it is, marked when it is Chinese
                rx.cond(
                    f.value_lang != "",
                    rx.el.span(S(f.value), lang="zh-Hans"),
                    rx.el.span(S(f.value)),
                ),
            ),
            "",
        ),
        offer=rx.cond(
            f.licence_id != "",
            elicence_picker(
                S(f.licence_text),
                using=f.using_licence,
                on_use=ApplyState.use_licence(f.name),
            ),
        ),
        accept=ACCEPT,
        on_change=upload_handler({"item": var_of(ApplyState.item_code), "field": f.name}),
    )
