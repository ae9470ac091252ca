"""The public URL of every host this build serves: from configuration, never from a request.

A login callback, a redirect after login and the origins that CORS and the websocket accept
are built from these URLs only. A request's ``Origin`` or ``Host`` header at most *chooses*
among the configured URLs (a host that is not configured gets the default one), so a client
that forges its origin cannot make the identity provider send a citizen's code elsewhere.

- ``YIWANG_PUBLIC_URL``: the default host's public URL, e.g. ``https://yiwang.sd.gov.cn``
  (scheme and host, optionally a port; no path). Required when ``YIWANG_ENV=production``;
  otherwise it defaults to ``http://localhost:$PORT`` (``PORT`` default 3000).
- ``YIWANG_HOSTS`` (several provinces in one build): each listed host gets the default's
  scheme and port with its own host name, e.g. ``https://sd.example.cn``;
- ``YIWANG_PUBLIC_URLS``: per-host exceptions, ``host=URL`` comma-separated
  (``sd.localhost=https://sd.example.cn:8443``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import urlsplit

CALLBACK_PATH = "/auth/callback"


class PublicURLError(ValueError):
    """A public URL setting is malformed; the message names the variable and the value."""


def is_production(env: Mapping[str, str] | None = None) -> bool:
    env = os.environ if env is None else env
    return env.get("YIWANG_ENV", "").strip().lower() == "production"


def _checked(url: str, where: str) -> str:
    parts = urlsplit(url.strip())
    if (
        parts.scheme not in {"http", "https"}
        or not parts.hostname
        or parts.path not in {"", "/"}
        or parts.query
        or parts.fragment
        or parts.username
        or parts.password
    ):
        raise PublicURLError(
            f"{where}={url!r}: expected scheme://host[:port] with no path, "
            "e.g. https://yiwang.example.cn"
        )
    try:
        port = parts.port
    except ValueError:
        raise PublicURLError(f"{where}={url!r}: the port is not a number") from None
    host = parts.hostname.lower()
    return f"{parts.scheme}://{host}" + (f":{port}" if port else "")


def default_public_url(env: Mapping[str, str] | None = None) -> str:
    """The default host's public URL (``YIWANG_PUBLIC_URL``, else the development default)."""
    env = os.environ if env is None else env
    configured = env.get("YIWANG_PUBLIC_URL", "").strip()
    if configured:
        return _checked(configured, "YIWANG_PUBLIC_URL")
    if is_production(env):
        raise PublicURLError("YIWANG_PUBLIC_URL is required when YIWANG_ENV=production")
    return f"http://localhost:{env.get('PORT', '').strip() or '3000'}"


def _host_names(env: Mapping[str, str]) -> list[str]:
    names = []
    for entry in env.get("YIWANG_HOSTS", "").split(","):
        host = entry.partition("=")[0].strip().lower()
        if host:
            names.append(host)
    return names


def _overrides(env: Mapping[str, str]) -> dict[str, str]:
    table: dict[str, str] = {}
    for entry in (e.strip() for e in env.get("YIWANG_PUBLIC_URLS", "").split(",")):
        if not entry:
            continue
        host, sep, url = (p.strip() for p in entry.partition("="))
        if not sep or not host:
            raise PublicURLError(f"YIWANG_PUBLIC_URLS entry {entry!r} is not host=URL")
        table[host.lower()] = _checked(url, f"YIWANG_PUBLIC_URLS[{host}]")
    return table


def host_public_urls(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """``{host name: public URL}`` for every configured host; ``""`` is the default host."""
    env = os.environ if env is None else env
    default = default_public_url(env)
    parts = urlsplit(default)
    port = f":{parts.port}" if parts.port else ""
    urls = {"": default}
    for name in _host_names(env):
        urls[name] = f"{parts.scheme}://{name}{port}"
    urls.update(_overrides(env))
    return urls


def public_url_for_host(host: str, env: Mapping[str, str] | None = None) -> str:
    """The configured public URL for a request's host name (port ignored), else the default."""
    urls = host_public_urls(env)
    name = (host or "").split(":", 1)[0].strip().lower()
    return urls.get(name) or urls[""]


def callback_url_for_host(host: str, env: Mapping[str, str] | None = None) -> str:
    return public_url_for_host(host, env) + CALLBACK_PATH


def callback_urls(env: Mapping[str, str] | None = None) -> list[str]:
    """Every login callback this deployment uses: register exactly these at the provider."""
    return sorted({url + CALLBACK_PATH for url in host_public_urls(env).values()})


def allowed_origins(env: Mapping[str, str] | None = None) -> list[str]:
    """Origins that may call the backend with credentials: every public URL, plus
    ``YIWANG_CORS_ORIGINS`` (comma-separated, e.g. a host container's origin)."""
    env = os.environ if env is None else env
    origins = set(host_public_urls(env).values())
    if not is_production(env):  # development: the other loopback name of the same port
        for url in list(origins):
            parts = urlsplit(url)
            twin = {"localhost": "127.0.0.1", "127.0.0.1": "localhost"}.get(parts.hostname or "")
            if twin:
                origins.add(url.replace(f"//{parts.hostname}", f"//{twin}", 1))
    for extra in env.get("YIWANG_CORS_ORIGINS", "").split(","):
        if extra.strip():
            origins.add(_checked(extra, "YIWANG_CORS_ORIGINS"))
    return sorted(origins)


def is_https(env: Mapping[str, str] | None = None) -> bool:
    return default_public_url(env).startswith("https://")
