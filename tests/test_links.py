"""Every file the repository points to is in the repository: a reader who clones it finds each
document a README, a doc, a test, a comment or the compliance kit names."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEXT = {".md", ".py", ".toml", ".sh", ".yaml", ".yml", ".html", ".cfg", ".ini", ".txt"}
# [text](target) in Markdown, the target up to a space, ")" or "#"
MD_LINK = re.compile(r"\[[^\]]*\]\(([^)\s#]+)(?:#[^)\s]*)?\)")
# a path to a document in prose or code: at least one folder, ending in .md
DOC_PATH = re.compile(r"(?<![\w./-])((?:\.\./)*[\w-]+(?:/[\w.-]+)*/[\w.-]+\.md)\b")


def tracked() -> list[Path]:
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return [ROOT / name for name in out.stdout.splitlines() if Path(name).suffix in TEXT]


def exists(source: Path, target: str) -> bool:
    """``target`` is a file or folder inside the repository (relative to ``source`` or to the
    root). Outside it does not count, even where this machine has it (a ../shared/ beside)."""
    for candidate in ((source.parent / target).resolve(), (ROOT / target).resolve()):
        if candidate.is_relative_to(ROOT) and candidate.exists():
            return True
    return False


# Documents the docs point to that an open issue is still writing; each fails once it exists.
PENDING: set[str] = set()


def broken() -> list[str]:
    found = []
    for path in tracked():
        if not path.is_file() or path == Path(__file__).resolve():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        targets = set(DOC_PATH.findall(text))
        if path.suffix == ".md":
            targets |= {t for t in MD_LINK.findall(text) if "://" not in t and ":" not in t}
        rel = path.relative_to(ROOT)
        found += [f"{rel}: {t}" for t in sorted(targets) if not exists(path, t)]
    return found


def test_every_linked_file_exists() -> None:
    missing = broken()
    assert sorted(set(missing) - PENDING) == []
    assert sorted(PENDING - set(missing)) == [], "these exist now: take them off PENDING"


def test_the_check_sees_a_missing_document(tmp_path: Path) -> None:
    """The patterns match the forms the repository uses (so the test above can fail)."""
    text = "see [the guide](docs/nowhere.md) and `../outside/docs/gone.md`; docs/real.md"
    assert {t for t in MD_LINK.findall(text)} == {"docs/nowhere.md"}
    assert set(DOC_PATH.findall(text)) == {
        "docs/nowhere.md",
        "../outside/docs/gone.md",
        "docs/real.md",
    }
    assert not exists(ROOT / "README.md", "../outside/docs/gone.md")
    outside = tmp_path / "docs" / "beside.md"  # a file this machine has, outside the repo
    outside.parent.mkdir()
    outside.write_text("x")
    assert not exists(ROOT / "README.md", str(outside))
    assert exists(ROOT / "README.md", "docs/architecture.md")
