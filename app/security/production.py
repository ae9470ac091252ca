"""What a production deployment (``YIWANG_ENV=production``) must configure, checked at start.

``python -m app.security check`` prints the same list; the app refuses to start with it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from app.security import logs
from app.security.public_url import PublicURLError, host_public_urls, is_production

#: files and folders the app creates are readable by their owner only
UMASK = 0o077


def problems(env: Mapping[str, str] | None = None) -> list[str]:
    """Every missing or unsafe production setting, each naming its variable."""
    env = os.environ if env is None else env
    found: list[str] = []
    if not env.get("YIWANG_PUBLIC_URL", "").strip():
        found.append(
            "YIWANG_PUBLIC_URL is not set: the public URL (https://…) of the default host; "
            "login callbacks and allowed origins are built from it"
        )
    else:
        try:
            for host, url in host_public_urls(env).items():
                if not url.startswith("https://"):
                    found.append(
                        f"the public URL of {host or 'the default host'} is {url}: "
                        "production needs https (the session cookie is Secure then)"
                    )
        except PublicURLError as exc:
            found.append(str(exc))
    if not env.get("YIWANG_DATA_KEYS", "").strip():
        found.append(
            "YIWANG_DATA_KEYS is not set: the Fernet key(s) that encrypt ID numbers and "
            "phones at rest (python -m app.security new-key)"
        )
    if not env.get("YIWANG_VIRUS_SCAN_CMD", "").strip():
        found.append(
            "YIWANG_VIRUS_SCAN_CMD is not set: uploads must be scanned, "
            "e.g. 'clamdscan --no-summary --fdpass -'"
        )
    return found


def owner_only(*paths: Path) -> None:
    """Tighten files and folders that exist already (created before the umask was set)."""
    for path in paths:
        try:
            if path.is_dir():
                path.chmod(0o700)
                for child in path.rglob("*"):
                    child.chmod(0o700 if child.is_dir() else 0o600)
            elif path.exists():
                path.chmod(0o600)
        except OSError:
            continue


def prepare(env: Mapping[str, str] | None = None) -> list[str]:
    """At import of the app: tokens redacted from logs; the production problems (empty
    outside production)."""
    logs.install()
    return problems(env) if is_production(env) else []


def at_backend_start(*paths: Path) -> None:
    """When the backend starts serving (not while a static build is exported, which nginx's
    workers must read): owner-only umask for what it creates, and ``paths`` tightened."""
    os.umask(UMASK)
    owner_only(*paths)
