"""A state's field read on its class, typed as the Var it is there.

The states declare their fields with plain annotations (``item_name: str = ""``), so a type
checker sees ``ApplyState.item_name`` as a ``str``; on the class, Reflex makes it a Var.
``var_of(ApplyState.item_name)`` is that same Var (nothing is wrapped or copied), typed as
Reflex types an ``rx.Field`` read on its class: ``StringVar``, ``NumberVar``, ``BooleanVar``,
``ArrayVar[list[T]]``, ``ObjectVar[dict[K, V]]``, ``ObjectVar[D]`` for a dataclass.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar, overload

from reflex.vars.base import Var
from reflex.vars.number import BooleanVar, NumberVar
from reflex.vars.object import ObjectVar
from reflex.vars.sequence import ArrayVar, StringVar

from components.field_parts import as_var
from components.i18n import server_text

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T")
D = TypeVar("D", bound="DataclassInstance")
K = TypeVar("K")
V = TypeVar("V")


@overload
def var_of(field: bool) -> BooleanVar: ...
@overload
def var_of(field: int | float) -> NumberVar: ...
@overload
def var_of(field: str) -> StringVar: ...
@overload
def var_of(field: list[T]) -> ArrayVar[list[T]]: ...
@overload
def var_of(field: dict[K, V]) -> ObjectVar[dict[K, V]]: ...
@overload
def var_of(field: D) -> ObjectVar[D]: ...
def var_of(field: Any) -> Var:
    if not isinstance(field, Var):
        raise TypeError(f"var_of: {field!r} is not a state field read on its class")
    return field


def server_var(text: Var | str) -> Var:
    """``components.i18n.server_text`` as a Var (it gives a Var for a Var, a str for a str)."""
    return as_var(server_text(text))
