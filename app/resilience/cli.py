"""Two false alarms of ``reflex run`` silenced at their source (scripts/reflex_run.py installs
this before Reflex starts), so that ``make run`` prints nothing a newcomer must ask about:

- "Detected database schema changes. Run reflex db makemigrations": Reflex compares
  SQLModel.metadata with the database without Alembic's ``include_object`` hook of
  ``alembic/env.py``, so the search index's raw-SQL FTS5 tables look like tables to drop. The
  same check runs here with that hook: a real difference is still reported, in Reflex's words.
- "Your version (20.x) of Node.js is out of date": said whenever a Node.js older than 22.22 is
  on PATH, although the build then runs on bun (``bun --bun``) and never uses that Node.js.
  Without bun the warning stays: then Node.js is what builds.
"""

from __future__ import annotations

import logging
from typing import Any

from app.resilience.seam import check_reflex_version

logger = logging.getLogger("reflex")


def schema_changes(engine: Any = None) -> list[object]:
    """What ``reflex db makemigrations`` would write, compared as ``alembic/env.py`` does
    (``engine``: rxconfig's database by default)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from reflex.model import ModelRegistry, get_engine

    import app.catalogue.tables
    import app.flow.tables
    import app.search.tables  # noqa: F401  (every table in the metadata)
    from app.search.tables import alembic_include_object

    with (engine or get_engine()).connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": alembic_include_object, "compare_type": False}
        )
        return list(compare_metadata(context, ModelRegistry.get_metadata()))


def check_schema_up_to_date() -> None:
    if schema_changes():
        logger.error(
            "Detected database schema changes. Run reflex db makemigrations to generate "
            "migration scripts."
        )


def _node_outdated_quietly() -> bool:
    """Reflex's answer (is Node.js too old, so run bun with --bun), without the warning when
    bun is there to build."""
    from packaging import version
    from reflex.utils import js_runtimes, path_ops
    from reflex_base import constants

    current = js_runtimes.get_node_version()
    outdated = current is not None and current < version.parse(constants.Node.MIN_VERSION)
    if outdated and path_ops.get_bun_path() is None:
        logger.warning(
            f"Your version ({current}) of Node.js is out of date. Upgrade to "
            f"{constants.Node.MIN_VERSION} or higher."
        )
    return outdated


def install() -> None:
    check_reflex_version()
    from reflex.utils import js_runtimes, prerequisites

    prerequisites.check_schema_up_to_date = check_schema_up_to_date
    js_runtimes.is_outdated_nodejs_installed = _node_outdated_quietly
