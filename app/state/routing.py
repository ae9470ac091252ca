"""The dynamic routes and how a handler reads its route's argument.

Reflex 0.10 deprecates ``RouterData.page`` (its ``params`` held the route arguments and the
query together) for ``RouterData.url``: the argument is read off the URL's path against the
route's pattern (``/item/[code]`` and ``/item/370102…`` -> ``370102…``), the
query string is ``self.router.url.query_parameters``. The patterns are defined here once; the
route table (``app/routes.py``) uses them.
"""

from __future__ import annotations

from urllib.parse import unquote

import reflex as rx

ITEM = "/item/[code]"
APPLY = "/apply/[code]"
CHECKOUT = "/checkout/[code]"
APPLICATION = "/me/applications/[number]"
LICENCE = "/me/licences/[id]"


def route_arg(state: rx.State, route: str) -> str:
    """The value of the one argument of ``route`` in the URL of this event's page ("" when
    the page is not one of ``route``). A prefix before the route (``frontend_path``) is
    allowed."""
    pattern = route.strip("/").split("/")
    path = str(state.router.url.path).strip("/").split("/")
    if len(path) < len(pattern):
        return ""
    value = ""
    for want, got in zip(pattern, path[len(path) - len(pattern) :], strict=True):
        if want.startswith("[") and want.endswith("]"):
            value = unquote(got)
        elif want != got:
            return ""
    return value
