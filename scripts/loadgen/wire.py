"""The wire protocol the simulated citizens speak: Reflex's names of our states and of their
vars in the deltas (derived from the state classes, so a renamed or moved state or var changes
them here too), the router data of a page, and what marks an answer."""

from __future__ import annotations

import ipaddress
import re
import socket
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def key(var: Any) -> str:
    """A state var's key in the deltas (``ApplyState.stage`` -> ``stage_rx_state_``)."""
    return str(var).rpartition(".")[2]


def _wire_names() -> dict[str, str]:
    """Reflex's wire names of the states this client talks to, from the state classes
    themselves (``get_full_name``): a renamed or moved state changes them here too."""
    from reflex.state import OnLoadInternalState, State

    from app.security.session_cookie import SESSION_COOKIE
    from app.state.checkout import CheckoutState
    from app.state.flow import ApplyState
    from app.state.flow_auth import FlowAuthState
    from app.state.guide import GuideState
    from app.state.notice import NoticeState
    from app.state.search import SearchState

    return {
        "root": State.get_full_name(),
        "on_load": f"{OnLoadInternalState.get_full_name()}.on_load_internal",
        "search": SearchState.get_full_name(),
        "guide": GuideState.get_full_name(),
        "flow_auth": FlowAuthState.get_full_name(),
        "apply": ApplyState.get_full_name(),
        "checkout": CheckoutState.get_full_name(),
        "notice": NoticeState.get_full_name(),
        # a var's key in a delta: its name and Reflex's field suffix (``is_hydrated_rx_state_``)
        "is_hydrated": key(State.is_hydrated),
        "notice_var": key(NoticeState.service_notice),
        "session_cookie": SESSION_COOKIE,
        # the flow's states (module app.state.flow*) share this prefix in their names
        "flow_mark": ApplyState.get_name().split("____")[0],
    }


_NAMES = _wire_names()
ROOT_STATE = _NAMES["root"]
HYDRATE = f"{ROOT_STATE}.hydrate_and_load"
ON_LOAD = _NAMES["on_load"]
SEARCH_STATE = _NAMES["search"]
GUIDE_STATE = _NAMES["guide"]
SEARCH_TYPE = f"{SEARCH_STATE}.type"
IS_HYDRATED = _NAMES["is_hydrated"]
#: the suffix Reflex gives every var in a delta
FIELD_SUFFIX = IS_HYDRATED.removeprefix("is_hydrated")
# state.js connects io("<origin>/_event", {path: "/_event"}): the URL's path is the socket.io
# namespace, and the engine.io path is the same.
NAMESPACE = "/_event"
# The application flow's states show up in the hydrate delta under names containing this.
FLOW_STATE_MARK = _NAMES["flow_mark"]
FROZEN = "socket open (frozen page, no banner)"
FLOW_AUTH_STATE = _NAMES["flow_auth"]
APPLY_STATE = _NAMES["apply"]
CHECKOUT_STATE = _NAMES["checkout"]
# Set by the server on the page (outside the state manager) when it could not process an event.
NOTICE_STATE = _NAMES["notice"]
NOTICE_VAR = _NAMES["notice_var"]
NOTICE = "answered with the service notice (banner shown)"
SLOW = "socket open, the page showed the 'still working' notice"
CUT = "cut off by a disconnect (connection banner shown)"
# Browser storage kept in state vars (state.js sends it with every hydrate): none any more.
# The session cookie is HttpOnly, set by GET /flow/session (app/security/session_cookie.py);
# the citizen sends it in the Cookie header of its socket, as a browser does.
COOKIES: tuple[str, ...] = ()
SESSION_COOKIE = _NAMES["session_cookie"]
#: a full page load the server asks for (rx.call_script, app/state/flow_auth.py ``_go``)
PAGE_LOAD = re.compile(r'window\.location\.replace\("([^"]+)"\)')


Delta = dict[str, dict[str, Any]]
Predicate = Callable[[Delta], bool]


class LoadError(Exception):
    """A bad argument to the load generator (the message names it)."""


def ensure_loopback(url: str) -> None:
    """Refuse anything but loopback: this tool must never load someone else's server."""
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except socket.gaierror as exc:
        raise LoadError(f"--url {url}: cannot resolve {host!r}") from exc
    if not addresses or not all(ipaddress.ip_address(a).is_loopback for a in addresses):
        raise LoadError(f"--url {url}: {host} is not a loopback address (loopback only)")


def route(path: str) -> dict[str, Any]:
    """router_data as state.js builds it for a page URL (query string and route params)."""
    parts = urllib.parse.urlsplit(path)
    data: dict[str, Any] = {"pathname": parts.path, "asPath": path}
    query = dict(urllib.parse.parse_qsl(parts.query))
    for dynamic in (
        "/item/",
        "/apply/",
        "/checkout/",
    ):  # the [code] param, as react-router passes it
        if parts.path.startswith(dynamic):
            query["code"] = urllib.parse.unquote(parts.path.removeprefix(dynamic))
    if query:
        data["query"] = query
    return data


def hydrated(delta: Delta) -> bool:
    return delta.get(ROOT_STATE, {}).get(IS_HYDRATED) is True


def has(state: str, var: str) -> Predicate:
    return lambda delta: var in delta.get(state, {})


def delta_key(name: str) -> str:
    """The key of the var ``name`` in a state's delta."""
    return name + FIELD_SUFFIX
