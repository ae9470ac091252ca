"""``python -m sandboxes [--backoffice-db PATH] -- COMMAND [ARG...]``: the command with the
flow's sandboxes beside it (sandboxes/launcher.py)."""

from __future__ import annotations

import sys

from sandboxes.launcher import main

if __name__ == "__main__":
    sys.exit(main())
