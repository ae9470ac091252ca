"""Translation workflow on Babel: extract, update, compile, check.

    python -m scripts.i18n extract   # write locales/messages.pot from the code
    python -m scripts.i18n update    # merge the .pot into every shipped locale
    python -m scripts.i18n compile   # .po -> .mo (make run does this)
    python -m scripts.i18n check     # fail on a stale .pot, empty/fuzzy/missing entries,
                                     # user-visible text outside gettext in components/ and
                                     # app/pages/, or an untranslated form text of a province
                                     # folder outside themes/ (its own locales/<locale>.po)

Form files (app/flow/forms/*.yaml, themes/<p>/forms/*.yaml) are extracted by babel.cfg's
``form`` method (app/flow/forms/messages.py): labels, hints, options, step titles, ...

The source language is zh_Hans: its catalogue maps every message to itself.
"""

from __future__ import annotations

import ast
import re
import sys
import tempfile
from pathlib import Path

from babel.messages.catalog import Message
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
    "-k",
    "sjoin:1",
    "-k",
    "composed:1",
    "-k",
    "t_around:1",
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


def _msgid(message: Message) -> str | tuple[str, ...]:
    """The id as read_po makes it: a str, or a (singular, plural) tuple. Babel types ids as
    possibly a list as well (unhashable), which a catalogue read from a file never holds."""
    return tuple(message.id) if isinstance(message.id, list) else message.id


def _ids(path: Path) -> set[str | tuple[str, ...]]:
    with path.open("rb") as fh:
        return {_msgid(m) for m in read_po(fh) if m.id}


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
                if not message.id:
                    continue
                # the source language translates to itself: never empty, never fuzzy
                if isinstance(message.id, tuple):
                    message.string = (message.id[0],) * catalog.num_plurals
                else:
                    message.string = message.id
                message.flags.discard("fuzzy")
            with po.open("wb") as fh:
                write_po(fh, catalog, omit_header=False, sort_output=True)


def compile_all() -> None:
    for locale in shipped_locales():
        pybabel("compile", "-d", str(LOCALES), "-l", locale, "--statistics")


# Where text reaches the page: children of elements, and these attributes.
TEXT_ATTRIBUTES = {"aria_label", "aria_description", "placeholder", "title", "alt", "label"}
# Letters a reader would read: Latin, CJK, Arabic script (Uyghur).
_WORDS = re.compile(r"[A-Za-z\u3400-\u9fff\uf900-\ufaff\u0600-\u06ff]")
TEXT_SOURCES = ("components", "app/pages")


def _is_element_call(node: ast.Call) -> bool:
    """``rx.el.<tag>(...)``, ``rx.el.<tag>.<sub>(...)`` or ``<Component>.create(...)``."""
    parts: list[str] = []
    func = node.func
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if isinstance(func, ast.Name):
        parts.append(func.id)
    parts.reverse()
    return parts[:2] == ["rx", "el"] or (len(parts) == 2 and parts[1] == "create")


def _literal_text(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value if _WORDS.search(node.value) else None
    if isinstance(node, ast.JoinedStr):
        text = "".join(
            v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
        )
        return text if _WORDS.search(text) else None
    return None


def untranslated_text(source: str, filename: str) -> list[str]:
    """Literal text passed as an element's child or text attribute, outside ``t()``."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call) or not _is_element_call(node):
            continue
        candidates = [("child", arg) for arg in node.args]
        candidates += [(kw.arg, kw.value) for kw in node.keywords if kw.arg in TEXT_ATTRIBUTES]
        for where, value in candidates:
            if (text := _literal_text(value)) is not None:
                found.append(
                    f"{filename}:{value.lineno}: user-visible text {text!r} as {where} "
                    "is not translated; wrap it in t()"
                )
    return found


def check_sources() -> list[str]:
    problems = []
    for folder in TEXT_SOURCES:
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = str(path.relative_to(ROOT))
            problems += untranslated_text(path.read_text(encoding="utf-8"), rel)
    return problems


def province_folders() -> list[Path]:
    """Province folders outside ``themes/`` this instance serves (their forms are not in the
    framework's catalogues): ``YIWANG_PROVINCE_DIR`` and the folders of ``YIWANG_HOSTS``."""
    import os

    folders = []
    if spec := os.environ.get("YIWANG_PROVINCE_DIR", "").strip():
        folders.append(Path(spec))
    for entry in os.environ.get("YIWANG_HOSTS", "").split(","):
        if "=" in entry and (folder := entry.split("=", 1)[1].strip()):
            folders.append(Path(folder))
    themes = (ROOT / "themes").resolve()
    return [f for f in dict.fromkeys(f.resolve() for f in folders) if themes not in f.parents]


def check_province(folder: Path) -> list[str]:
    """Every text of the folder's forms must be translated in every shipped locale, by the
    framework's catalogue or by the folder's own ``locales/<locale>.po``."""
    from app.flow.forms.messages import texts_of

    problems = []
    texts = {t: path for path in sorted((folder / "forms").glob("*.yaml")) for t in texts_of(path)}
    for locale in shipped_locales():
        if locale == SOURCE_LOCALE:
            continue
        with (LOCALES / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
            known = {_msgid(m) for m in read_po(fh, locale=locale) if m.id and m.string}
        own: dict[str, str] = {}
        po = folder / "locales" / f"{locale}.po"
        if po.is_file():
            with po.open("rb") as fh:
                # singular entries only: a form text is a str (a plural's id is a tuple)
                own = {
                    m.id: m.string
                    for m in read_po(fh, locale=locale)
                    if isinstance(m.id, str) and isinstance(m.string, str)
                    if m.id and not m.fuzzy
                }
        for text, path in texts.items():
            if text not in known and not own.get(text):
                problems.append(f"{path}: no {locale} translation of {text!r} (add it to {po})")
    return problems


def check() -> int:
    problems: list[str] = check_sources()
    for folder in province_folders():
        problems += check_province(folder)
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "messages.pot"
        extract(fresh)
        new, old = _ids(fresh), _ids(POT)
        for msg in sorted(map(str, new - old)):
            problems.append(
                f"{POT}: stale, missing message {msg!r} (run: python -m scripts.i18n extract update)"
            )
        for msg in sorted(map(str, old - new)):
            problems.append(
                f"{POT}: stale, unused message {msg!r} (run: python -m scripts.i18n extract update)"
            )
    for locale in shipped_locales():
        po = LOCALES / locale / "LC_MESSAGES" / "messages.po"
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=locale)
        have = {_msgid(m) for m in catalog if m.id}
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
