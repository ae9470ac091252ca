"""``reflex run`` for the embedded mode, with the citizens' states kept across restarts.

    python -m scripts.reflex_run --env prod --single-port --frontend-port 3000

Same as ``reflex run ARGS`` except that the states directory (``.states``) is not emptied when
the app starts: Reflex 0.10 empties it on every start, so a restart lost every open tab's state
(see ``app/resilience/disk.py``, which also drops states written by an incompatible build).
``scripts/run.sh`` starts the app through this script.
"""

from __future__ import annotations

import sys

from app.resilience import cli as quiet_cli
from app.resilience.disk import keep_states_across_restarts


def main() -> int:
    keep_states_across_restarts()
    quiet_cli.install()  # no false schema and Node.js warnings (app/resilience/cli.py)
    from reflex.reflex import cli

    sys.argv = ["reflex", "run", *sys.argv[1:]]
    return cli()


if __name__ == "__main__":
    sys.exit(main())
