"""``python -m app.search``: see ``app.search.cli``."""

import sys

from app.search.cli import main

sys.exit(main())
