"""Sandbox e-licence service (电子证照库) for the test accounts, on loopback only.

Run: ``python -m sandboxes.elicence --port 8766``.
"""

from __future__ import annotations

import secrets

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.adapters.elicence import Licence

LICENCES: tuple[Licence, ...] = (
    Licence(
        "lic-birth-0001",
        "出生医学证明",
        "出生医学证明（张小满）",
        "Q370123456",
        "济南市卫生健康委员会",
        "2026-10-08",
        "370202195208170042",
    ),
    Licence(
        "lic-birth-0002",
        "出生医学证明",
        "出生医学证明（张一诺）",
        "Q370654321",
        "济南市卫生健康委员会",
        "2026-09-12",
        "37010219850312002X",
    ),
    Licence(
        "lic-idcard-0001",
        "居民身份证",
        "居民身份证（张三）",
        "3701**********002X",
        "济南市公安局历下区分局",
        "2019-03-12",
        "37010219850312002X",
    ),
    Licence(
        "lic-estate-0001",
        "不动产权证书",
        "不动产权证书（济南市历城区工业北路 88 号）",
        "鲁(2024)济南市不动产权第0123456号",
        "济南市自然资源和规划局",
        "2024-05-20",
        "91370102MA3C4R7X2T",
    ),
    Licence(
        "lic-licence-0001",
        "营业执照",
        "营业执照（济南泉城示例科技有限公司）",
        "91370102MA3C4R7X2T",
        "济南市市场监督管理局",
        "2023-03-15",
        "91370102MA3C4R7X2T",
    ),
)


def make_app(token: str = "") -> Starlette:
    async def licences(request: Request) -> Response:
        if token and not secrets.compare_digest(
            request.headers.get("authorization", ""), f"Bearer {token}"
        ):
            return JSONResponse({"error": "unauthorized"}, 401)
        holder = request.query_params.get("holder", "").strip().upper()
        if not holder:
            return JSONResponse({"error": "holder is required"}, 400)
        rows = [lic.to_dict() for lic in LICENCES if lic.holder == holder]
        return JSONResponse({"licences": rows})

    return Starlette(
        routes=[
            Route("/licences", licences),
            Route("/health", lambda r: JSONResponse({"ok": True})),
        ]
    )
