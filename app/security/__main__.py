"""``python -m app.security check | new-key | rotate``.

- ``check``: what production (``YIWANG_ENV=production``) still needs; exit 1 when anything;
- ``new-key``: print a fresh Fernet key for ``YIWANG_DATA_KEYS``;
- ``rotate``: re-encrypt every stored personal value with the first key of
  ``YIWANG_DATA_KEYS`` (after putting a new key first; then the old one can go).
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    command = args[0] if args else "check"
    if command == "new-key":
        from cryptography.fernet import Fernet

        print(Fernet.generate_key().decode())
        return 0
    if command == "rotate":
        from app.db import get_engine
        from app.security.crypto import rotate_all

        print(f"re-encrypted {rotate_all(get_engine())} values with the first key")
        return 0
    if command == "check":
        from app.security.production import problems

        found = problems()
        for problem in found:
            print(f"production: {problem}")
        if not found:
            print("production settings: complete")
        return 1 if found else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
