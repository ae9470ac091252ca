"""Sandbox OpenID Connect provider: the national identity platform's protocol, on loopback.

A small Starlette app with discovery, JWKS, an authorization endpoint that shows the test
accounts (``accounts.py``) to pick from, a token endpoint (authorization code + PKCE S256,
single-use codes valid 60 s; client authentication none, client_secret_basic or
client_secret_post) issuing ID tokens (RS256 by default; PS256, ES256 or EdDSA when asked),
userinfo, and an RP-initiated logout endpoint (``/logout``). With ``claims_in_id_token=False``
the ID token carries only ``sub`` and the claims come from userinfo alone, as providers on
the spec's defaults do. It exists so that the real
OIDC client is exercised end to end in tests and in the demo; it must never face the internet:
``__main__`` binds to 127.0.0.1 only.

Run: ``python -m sandboxes.idp --port 8765``.
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlparse

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, OKPKey, RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from app.adapters.identity import mask_id_number
from app.adapters.identity.tokens import REGISTRY as JWS
from sandboxes.idp.accounts import ACCOUNTS, account

CODE_TTL_S = 60
TOKEN_TTL_S = 600


def _signing_key(alg: str):
    if alg in {"RS256", "PS256"}:
        return RSAKey.generate_key(2048, parameters={"use": "sig"})
    if alg == "ES256":
        return ECKey.generate_key("P-256", parameters={"use": "sig"})
    if alg == "EdDSA":
        return OKPKey.generate_key("Ed25519", parameters={"use": "sig"})
    raise ValueError(f"sandbox IdP: unsupported alg {alg!r}")


@dataclass
class _Grant:
    client_id: str
    redirect_uri: str
    sub: str
    nonce: str
    challenge: str
    expires: float


@dataclass
class SandboxIdP:
    issuer: str
    client_id: str = "yiwang"
    client_secret: str = ""  # empty: a public client (PKCE protects the code)
    #: the registered redirect URIs, matched exactly (as real providers must: RFC 9700 §4.1.3)
    redirect_uris: tuple[str, ...] = ()
    alg: str = "RS256"
    key: Any = None  # default: a new key for ``alg``
    auth_methods: tuple[str, ...] = ("none", "client_secret_basic", "client_secret_post")
    claims_in_id_token: bool = True
    end_session: bool = True
    _codes: dict[str, _Grant] = field(default_factory=dict)
    _tokens: dict[str, tuple[str, float]] = field(default_factory=dict)
    #: the subjects logged out through /logout, in order (for tests)
    logouts: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        # the issuer is used exactly as given (a trailing slash is part of it); endpoints
        # hang below it without doubling the slash
        self._base = self.issuer.rstrip("/")
        if self.key is None:
            self.key = _signing_key(self.alg)
        self.kid = self.key.thumbprint()

    # -- checks -------------------------------------------------------------------------------
    def redirect_allowed(self, uri: str) -> bool:
        """Only a registered URI, character for character (none registered: none allowed)."""
        return isinstance(uri, str) and uri in self.redirect_uris

    def _authorize_problem(self, params: dict[str, str]) -> str | None:
        if params.get("client_id") != self.client_id:
            return f"unknown client_id {params.get('client_id')!r}"
        if not self.redirect_allowed(params.get("redirect_uri", "")):
            return f"redirect_uri {params.get('redirect_uri')!r} is not registered"
        if params.get("response_type") != "code":
            return "response_type must be code"
        if "openid" not in params.get("scope", "").split():
            return "scope must include openid"
        if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
            return "PKCE with code_challenge_method S256 is required"
        if not params.get("nonce"):
            return "nonce is required"
        return None

    # -- endpoints ----------------------------------------------------------------------------
    async def discovery(self, request: Request) -> Response:
        base = self._base
        logout = {"end_session_endpoint": f"{base}/logout"} if self.end_session else {}
        return JSONResponse(
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{base}/authorize",
                "token_endpoint": f"{base}/token",
                "userinfo_endpoint": f"{base}/userinfo",
                "jwks_uri": f"{base}/jwks",
                **logout,
                "response_types_supported": ["code"],
                "grant_types_supported": ["authorization_code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": [self.alg],
                "code_challenge_methods_supported": ["S256"],
                "scopes_supported": ["openid", "profile", "phone", "idcard"],
                "token_endpoint_auth_methods_supported": list(self.auth_methods),
                "claims_supported": [
                    "sub",
                    "name",
                    "id_number",
                    "phone_number",
                    "real_name_level",
                    "account_type",
                    "org_name",
                    "uscc",
                ],
            }
        )

    async def jwks(self, request: Request) -> Response:
        public = self.key.as_dict(private=False)
        return JSONResponse({"keys": [{**public, "kid": self.kid, "alg": self.alg}]})

    async def authorize(self, request: Request) -> Response:
        params = dict(request.query_params if request.method == "GET" else await request.form())
        params = {k: str(v) for k, v in params.items()}
        if problem := self._authorize_problem(params):
            return HTMLResponse(_page("登录请求无效", f"<p>{html.escape(problem)}</p>"), 400)
        if request.method == "GET":
            return HTMLResponse(_login_page(params))
        back = params["redirect_uri"]
        if params.get("action") == "cancel" or account(params.get("account", "")) is None:
            query = {"error": "access_denied", "state": params.get("state", "")}
            return RedirectResponse(f"{back}?{urlencode(query)}", 303)
        code = secrets.token_urlsafe(32)
        self._codes[code] = _Grant(
            client_id=params["client_id"],
            redirect_uri=back,
            sub=params["account"],
            nonce=params["nonce"],
            challenge=params["code_challenge"],
            expires=time.time() + CODE_TTL_S,
        )
        query = {"code": code, "state": params.get("state", "")}
        return RedirectResponse(f"{back}?{urlencode(query)}", 303)

    async def token(self, request: Request) -> Response:
        form = {k: str(v) for k, v in (await request.form()).items()}
        if form.get("grant_type") != "authorization_code":
            return _oauth_error("unsupported_grant_type", "only authorization_code")
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        method = "client_secret_post" if secret else "none"
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("basic "):
            decoded = base64.b64decode(auth[6:]).decode()
            client_id, _, secret = decoded.partition(":")
            method = "client_secret_basic"
        if method not in self.auth_methods:
            return _oauth_error("invalid_client", f"{method} is not offered", 401)
        if client_id != self.client_id or (
            self.client_secret and not secrets.compare_digest(secret, self.client_secret)
        ):
            return _oauth_error("invalid_client", "unknown client or wrong secret", 401)
        grant = self._codes.pop(form.get("code", ""), None)  # single use, even when it fails
        if grant is None or grant.expires < time.time():
            return _oauth_error("invalid_grant", "unknown, used or expired code")
        if grant.client_id != client_id or grant.redirect_uri != form.get("redirect_uri"):
            return _oauth_error("invalid_grant", "code was issued to another client or redirect")
        verifier = form.get("code_verifier", "")
        digest = hashlib.sha256(verifier.encode()).digest()
        if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant.challenge:
            return _oauth_error("invalid_grant", "PKCE code_verifier does not match")
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": client_id,
            "iat": now,
            "exp": now + TOKEN_TTL_S,
            "auth_time": now,
            "nonce": grant.nonce,
            "sub": grant.sub,
        }
        if self.claims_in_id_token:
            claims |= account(grant.sub).claims()  # type: ignore[union-attr]
        id_token = jwt.encode({"alg": self.alg, "kid": self.kid}, claims, self.key, registry=JWS)
        access = secrets.token_urlsafe(32)
        self._tokens[access] = (grant.sub, time.time() + TOKEN_TTL_S)
        return JSONResponse(
            {
                "access_token": access,
                "token_type": "Bearer",
                "expires_in": TOKEN_TTL_S,
                "id_token": id_token,
                "scope": "openid profile phone idcard",
            },
            headers={"Cache-Control": "no-store"},
        )

    async def userinfo(self, request: Request) -> Response:
        auth = request.headers.get("authorization", "")
        entry = self._tokens.get(auth.removeprefix("Bearer ").strip())
        if entry is None or entry[1] < time.time():
            return _oauth_error("invalid_token", "unknown or expired access token", 401)
        return JSONResponse(account(entry[0]).claims())  # type: ignore[union-attr]

    async def logout(self, request: Request) -> Response:
        """RP-initiated logout: check the hint is one of our ID tokens, go back if allowed."""
        params = {k: str(v) for k, v in request.query_params.items()}
        hint, back = params.get("id_token_hint", ""), params.get("post_logout_redirect_uri", "")
        sub = ""
        if hint:
            try:
                token = jwt.decode(hint, self.key, registry=JWS)
            except (ValueError, JoseError):
                return HTMLResponse(_page("退出请求无效", "<p>id_token_hint is not ours</p>"), 400)
            sub = str(token.claims.get("sub", ""))
        if sub:
            self.logouts.append(sub)
        if back:
            parsed = urlparse(back)
            loopback = parsed.hostname in {"127.0.0.1", "localhost", "::1"}
            if not loopback or parsed.scheme not in {"http", "https"} or parsed.fragment:
                return HTMLResponse(_page("退出请求无效", "<p>unregistered redirect</p>"), 400)
            query = {"state": params["state"]} if params.get("state") else {}
            sep = "&" if "?" in back else "?"
            return RedirectResponse(back + (sep + urlencode(query) if query else ""), 303)
        return HTMLResponse(_page("您已退出统一身份认证", "<p>可以关闭此页面。</p>"))

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/.well-known/openid-configuration", self.discovery),
                Route("/jwks", self.jwks),
                Route("/authorize", self.authorize, methods=["GET", "POST"]),
                Route("/token", self.token, methods=["POST"]),
                Route("/userinfo", self.userinfo),
                Route("/logout", self.logout),
                Route("/health", lambda r: JSONResponse({"ok": True})),
            ]
        )


def _oauth_error(error: str, description: str, status: int = 400) -> Response:
    return JSONResponse({"error": error, "error_description": description}, status)


_STYLE = """
body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;margin:0;background:#f3f5f8;color:#1b1f24;line-height:1.5}
main{max-width:32rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem} .note{color:#4a5560}
fieldset{border:0;padding:0;margin:0 0 1rem}
label{display:flex;gap:.75rem;align-items:center;background:#fff;border:1px solid #b9c2cc;border-radius:.5rem;padding:.75rem;margin-block:.5rem;min-height:2.75rem}
input[type=radio]{width:1.5rem;height:1.5rem}
button{font:inherit;min-height:2.75rem;padding:.5rem 1.25rem;border-radius:.5rem;border:0;margin-inline-end:.5rem}
.primary{background:#0b5cad;color:#fff} .secondary{background:#fff;color:#0b5cad;border:1px solid #0b5cad}
:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}
"""


def _page(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)} - 统一身份认证（沙箱）</title><style>{_STYLE}</style></head>"
        f"<body><main><h1>{html.escape(title)}</h1>{body}</main></body></html>"
    )


def _login_page(params: dict[str, str]) -> str:
    hidden = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
        for k, v in params.items()
        if k not in {"account", "action"}
    )
    options = "".join(
        f'<label><input type="radio" name="account" value="{a.sub}"{" checked" if i == 0 else ""}>'
        f"<span>{html.escape(a.name)}（{mask_id_number(a.id_number)}）"
        f"{'，' + html.escape(a.org_name) if a.org_name else ''}"
        f'<br><span class="note">{html.escape(a.note)}</span></span></label>'
        for i, a in enumerate(ACCOUNTS)
    )
    body = (
        '<p class="note">这是测试用的沙箱身份认证，不连接任何真实系统。请选择一个测试账号。</p>'
        f'<form method="post" action="authorize">{hidden}'
        f"<fieldset><legend>测试账号</legend>{options}</fieldset>"
        '<button class="primary" type="submit" name="action" value="login">同意授权并登录</button>'
        '<button class="secondary" type="submit" name="action" value="cancel">取消</button>'
        "</form>"
    )
    return _page("统一身份认证登录", body)
