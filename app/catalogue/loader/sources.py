"""What a load is given (:class:`Source`, a :class:`Follower` kept in step) and what it
reports (:class:`LoadReport`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import sqlalchemy as sa

from app.catalogue.provinces import Province
from app.catalogue.readers import Problem


class Follower(Protocol):
    """What keeps itself in step with the catalogue inside a load's transaction: told of the
    rows each batch wrote, of the items removed (before their rows go), and of the end."""

    # What the follower makes of each valid row, made where the item is validated (in worker
    # processes for a large file, so a module-level function: it is sent by name), or None.
    # The rows it is then told of hold what it added, and only the themes of their ``data``.
    prepare: Callable[[dict[str, Any]], dict[str, Any]] | None
    # The tables the follower writes: a large load into an empty catalogue builds their
    # secondary indexes after the last batch, as it does the catalogue's, and on PostgreSQL
    # analyses them after the load.
    tables: tuple[str, ...]

    def written(self, conn: sa.Connection, rows: list[dict[str, Any]], replaced: list[str]) -> None:
        """``rows`` were inserted or updated; ``replaced``: the codes among them that existed."""
        ...

    def removed(self, conn: sa.Connection, codes: list[str]) -> None: ...

    def finished(self, conn: sa.Connection) -> None:
        """Every source is written (still inside the transaction)."""
        ...


@dataclass(frozen=True)
class Source:
    """Catalogue files to load. With a province (its folder's files), every record must be an
    area of that province, and ``replace`` drops the province's items the files no longer hold;
    ``digest`` is then recorded as what was loaded (see ``app.ingest.sync``)."""

    paths: tuple[Path, ...]
    province: Province | None = None
    replace: bool = False
    digest: str = ""


@dataclass
class LoadReport:
    """What a load did: problems (then nothing was written) or counts."""

    problems: list[Problem] = field(default_factory=list)
    records: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        rate = self.records / self.seconds if self.seconds else 0.0
        return (
            f"{self.records} records: {self.inserted} inserted, {self.updated} updated, "
            f"{self.unchanged} unchanged"
            + (f", {self.removed} removed" if self.removed else "")
            + f" in {self.seconds:.2f} s ({rate:,.1f} records/s)"
        )
