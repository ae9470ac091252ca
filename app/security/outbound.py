"""The rule for every URL the server itself calls (identity provider, e-licences, back office,
cashier, logistics): https, or plain http on a loopback host only (the sandboxes of
``sandboxes`` and a developer's own services). Defined once here; each adapter
turns the :class:`InsecureURL` into its own error type."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

#: host names that are loopback without being an address (``127.0.0.0/8`` and ``::1`` are
#: recognised as addresses)
LOOPBACK_NAMES = frozenset({"localhost"})


class InsecureURL(ValueError):
    """A URL the server would call is not https (and not plain http on loopback); the message
    names the setting (or the discovery field) it came from."""


def is_loopback(host: str) -> bool:
    """``127.0.0.1`` (any of ``127.0.0.0/8``), ``::1`` or ``localhost``."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def require_safe_url(url: str, what: str, *, allow_http_loopback: bool = True) -> str:
    """``url`` unchanged when it is https with a host, or http on a loopback host (unless
    ``allow_http_loopback`` is false); else :class:`InsecureURL` naming ``what`` (the
    setting, e.g. ``YIWANG_BACKOFFICE_URL``)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError as exc:  # e.g. an unbalanced [ in the host
        raise InsecureURL(f"{what}={url!r} is not a URL: {exc}") from exc
    if not host:
        raise InsecureURL(f"{what}={url!r} has no host; it must be an https URL")
    if parts.scheme == "https":
        return url
    if parts.scheme == "http" and allow_http_loopback and is_loopback(host):
        return url
    where = (
        " (plain http only on loopback: 127.0.0.1, ::1, localhost)" if allow_http_loopback else ""
    )
    raise InsecureURL(f"{what}={url!r} must use https{where}")
