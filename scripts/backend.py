"""Reflex's production backend (granian workers) that replaces a worker that dies.

    python -m scripts.backend --backend-host 127.0.0.1 --backend-port 8000

Same as ``reflex run --env prod --backend-only ...`` with one difference. Reflex 0.10 starts
granian without ``respawn_failed_workers``, and granian then stops the whole server when one
worker dies (measured here: ``kill -9`` of one of three workers took every citizen offline
until the app was restarted by hand). With it, granian starts a new worker in the dead one's
place and the citizens on the others are not touched; the dead worker's tabs reconnect to
the others with their state from Redis (``make faults``: kill-worker).
"""

from __future__ import annotations

import sys
from typing import Any

from granian.server import common


def _respawning(init: Any) -> Any:
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("respawn_failed_workers", True)
        kwargs.setdefault("respawn_interval", 1.0)
        init(self, *args, **kwargs)

    return __init__


common.AbstractServer.__init__ = _respawning(common.AbstractServer.__init__)


def main() -> int:
    from reflex.reflex import cli

    sys.argv = ["reflex", "run", "--env", "prod", "--backend-only", *sys.argv[1:]]
    return cli()


if __name__ == "__main__":
    sys.exit(main())
