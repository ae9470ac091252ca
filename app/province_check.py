"""One check for a whole province folder: theme, catalogue records, synonyms, forms,
translations and identity.toml, every problem at once with its file, record or line, field
and reason.

``python -m themes check PATH`` (and ``yiwang check PATH``) print these; the build and
``python -m app.catalogue sync`` refuse the same problems with the same messages, since they
call the same readers.
"""

from __future__ import annotations

from pathlib import Path

from app.adapters.identity.mapping import mapping_problems
from app.catalogue.loader import check_files
from app.catalogue.provinces import catalogue_files_in, of_theme
from app.content_i18n import content_translations
from app.flow.forms import problems_of as forms_problems_of
from app.search.synonyms import SYNONYMS_FILE, SynonymError, load_synonyms
from app.settings import library_problems
from themes import Theme, ThemeError, ThemeProblem, load_theme

FORMS_DIR = "forms"


def content_problems(theme: Theme) -> list[ThemeProblem]:
    """What is wrong with the folder's content files (the theme itself already loaded)."""

    folder = theme.folder
    problems = list(library_problems(theme))
    files = catalogue_files_in(folder)
    if not files:
        problems.append(
            ThemeProblem(
                folder / "catalogue",
                "",
                "no catalogue files: put the province's items in catalogue/*.json, *.jsonl or "
                "*.csv (docs/province-files.md)",
            )
        )
    found, _count = check_files(files, of_theme(theme))
    problems += [
        ThemeProblem(Path(p.file), f"{p.where}: {p.field}", f"{p.value}: {p.reason}") for p in found
    ]
    synonyms = folder / SYNONYMS_FILE
    if synonyms.exists():
        try:
            load_synonyms(synonyms)
        except SynonymError as exc:
            message = str(exc).removeprefix(f"{synonyms}: ")
            problems.append(ThemeProblem(synonyms, "", message))
    for stray in sorted(folder.glob("synonyms.*")):
        if stray.name != SYNONYMS_FILE:
            problems.append(
                ThemeProblem(stray, "", f"synonyms are read from {SYNONYMS_FILE} (TOML) only")
            )
    for stray in sorted((folder / FORMS_DIR).glob("*")):
        if stray.suffix.lower() not in (".yaml", ".yml"):
            problems.append(ThemeProblem(stray, "", "forms/ holds YAML form files only"))
    problems += forms_problems_of(folder)
    try:
        content_translations(theme)
    except ThemeError as exc:
        problems += exc.problems
    problems += mapping_problems(folder)  # identity.toml, the identity provider's claim mapping
    return problems


def check_folder(folder: Path) -> tuple[Theme | None, list[ThemeProblem]]:
    """Load and check a province folder; the theme (when it loads) and every problem."""
    try:
        theme = load_theme(folder)
    except ThemeError as exc:
        return None, exc.problems
    return theme, content_problems(theme)
