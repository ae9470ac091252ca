"""One way to write a raw JavaScript expression as a Reflex Var: :func:`js`.

Reflex has no public constructor for a Var from JavaScript source; ``Var(_js_expr=...)`` and
``Var._get_all_var_data()`` are its internals. Every such expression of the app and the
component library goes through here (tests/components/test_js.py keeps it so, and shows the
installed Reflex still renders it as written), so a Reflex upgrade that changes them is
adapted in this one place.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from reflex.vars.base import Var, VarData


def js(
    code: str,
    type_: Any = Any,
    *,
    uses: Iterable[Var] = (),
    data: VarData | None = None,
) -> Var:
    """The JavaScript expression ``code`` as a Var of ``type_`` (``EventChain`` for a handler).

    ``uses``: the Vars whose rendered text ``code`` contains (their imports and hooks come
    with it); ``data``: imports and hooks of its own (``components.i18n.runtime_var``).
    """
    merged = VarData.merge(data, *(var._get_all_var_data() for var in uses))
    return Var(_js_expr=code, _var_type=type_, _var_data=merged)
