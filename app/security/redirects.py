"""Where the app may send a browser after login or logout: its own paths only."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

DEFAULT = "/me"
MAX_LENGTH = 512


def safe_return_path(path: object, default: str = DEFAULT) -> str:
    """``path`` when it is a path of this origin, else ``default``.

    Browsers read ``\\`` as ``/`` and ignore tabs and newlines in URLs, and a path may be
    percent-encoded once or more before a router decodes it: every decoding of ``path`` must
    be a plain absolute path (``/x``) with no scheme, no authority (``//host``), no
    backslash and no control or space characters.
    """
    if not isinstance(path, str) or not path or len(path) > MAX_LENGTH:
        return default
    candidate = path
    for _ in range(4):
        if not _plain(candidate):
            return default
        decoded = unquote(candidate)
        if decoded == candidate:
            return path
        candidate = decoded
    return default  # still encoded after four rounds: not a path anyone typed


def _plain(path: str) -> bool:
    if not path.startswith("/") or path.startswith("//"):
        return False
    if "\\" in path or any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in path):
        return False
    parts = urlsplit(path)
    return not parts.scheme and not parts.netloc
