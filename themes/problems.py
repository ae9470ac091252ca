"""What is wrong with a province folder: each problem with its file and field, all of them
raised at once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ThemeProblem:
    """One thing wrong with a theme: the file, the field (dotted path) and why."""

    file: Path
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else str(self.file)
        return f"{where}: {self.message}"


class ThemeError(Exception):
    """A theme could not be loaded; ``problems`` lists every reason found."""

    def __init__(self, problems: list[ThemeProblem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"theme is invalid ({len(problems)} problem(s)):\n{lines}")


def file_problem(
    folder: Path, theme_path: Path, field_name: str, relative: str, kind: str
) -> tuple[Path | None, list[ThemeProblem]]:
    """A file the theme names (``relative`` to its folder): its path, or why it cannot be used."""
    path = (folder / relative).resolve()
    if not path.is_relative_to(folder):
        return None, [ThemeProblem(theme_path, field_name, "must stay inside the folder")]
    if not path.is_file():
        return None, [ThemeProblem(theme_path, field_name, f"{kind} not found: {path}")]
    return path, []
