"""``python -m app.catalogue``: see ``app.catalogue.cli``."""

import sys

from app.catalogue.cli import main

if __name__ == "__main__":  # worker processes that validate a large file import this again
    sys.exit(main())
