"""``python -m app.search``: see ``app.search.cli``."""

import sys

from app.search.cli import main

if __name__ == "__main__":  # it may load catalogues: worker processes import this again
    sys.exit(main())
