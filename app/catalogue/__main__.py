"""``python -m app.catalogue``: see ``app.catalogue.cli``."""

import sys

from app.catalogue.cli import main

sys.exit(main())
