"""Translation workflow on Babel: extract, update, compile, check.

    python scripts/i18n.py extract   # write locales/messages.pot from the code
    python scripts/i18n.py update    # merge the .pot into every shipped locale
    python scripts/i18n.py compile   # .po -> .mo (make run does this)
    python scripts/i18n.py check     # fail on a stale .pot or empty/fuzzy/missing entries

The source language is zh_Hans: its catalogue maps every message to itself.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
POT = LOCALES / "messages.pot"
SOURCE_LOCALE = "zh_Hans"
KEYWORDS = [
    "-k",
    "t",
    "-k",
    "nt:1,2",
    "-k",
    "t_var",
    "-k",
    "N_",
    "-k",
    "translate:2",
    "-k",
    "ntranslate:2,3",
]


def pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def shipped_locales() -> list[str]:
    return sorted(p.parent.parent.name for p in LOCALES.glob("*/LC_MESSAGES/messages.po"))


def extract(target: Path = POT) -> None:
    pybabel(
        "extract", "-F", str(ROOT / "babel.cfg"), *KEYWORDS, "--no-location", "--sort-output",
        "--project", "yiwang", "-o", str(target), "app", "components", "themes",
    )  # fmt: skip


def _ids(path: Path) -> set[str | tuple[str, ...]]:
    with path.open("rb") as fh:
        return {m.id for m in read_po(fh) if m.id}


def update() -> None:
    for locale in {*shipped_locales(), SOURCE_LOCALE}:
        po = LOCALES / locale / "LC_MESSAGES" / "messages.po"
        if po.exists():
            pybabel(
                "update",
                "-i",
                str(POT),
                "-d",
                str(LOCALES),
                "-l",
                locale,
                "--no-fuzzy-matching",
                "--ignore-obsolete",
            )
        else:
            pybabel("init", "-i", str(POT), "-d", str(LOCALES), "-l", locale)
        if locale == SOURCE_LOCALE:
            with po.open("rb") as fh:
                catalog = read_po(fh, locale=locale)
            for message in catalog:
                if message.id and not any(
                    message.string if isinstance(message.string, tuple) else (message.string,)
                ):
                    message.string = message.id
            with po.open("wb") as fh:
                write_po(fh, catalog, omit_header=False, sort_output=True)


def compile_all() -> None:
    for locale in shipped_locales():
        pybabel("compile", "-d", str(LOCALES), "-l", locale, "--statistics")


def check() -> int:
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "messages.pot"
        extract(fresh)
        new, old = _ids(fresh), _ids(POT)
        for msg in sorted(map(str, new - old)):
            problems.append(
                f"{POT}: stale, missing message {msg!r} (run: python scripts/i18n.py extract update)"
            )
        for msg in sorted(map(str, old - new)):
            problems.append(
                f"{POT}: stale, unused message {msg!r} (run: python scripts/i18n.py extract update)"
            )
    for locale in shipped_locales():
        po = LOCALES / locale / "LC_MESSAGES" / "messages.po"
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=locale)
        have = {m.id for m in catalog if m.id}
        for msg in sorted(map(str, _ids(POT) - have)):
            problems.append(f"{po}: missing message {msg!r}")
        for message in catalog:
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.fuzzy:
                problems.append(f"{po}: fuzzy entry {message.id!r}")
            if not all(strings):
                problems.append(f"{po}: empty translation for {message.id!r}")
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"i18n check: {len(problems)} problem(s) in {len(shipped_locales())} locale(s)")
    return 1 if problems else 0


def main(argv: list[str]) -> int:
    commands = {"extract": extract, "update": update, "compile": compile_all}
    if not argv or any(a not in {*commands, "check"} for a in argv):
        print(__doc__, file=sys.stderr)
        return 2
    for command in argv:
        if command == "check":
            return check()
        commands[command]()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
