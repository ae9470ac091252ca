"""Province themes: one folder per province, loaded and validated at build time.

``load_theme()`` picks the folder from ``YIWANG_PROVINCE_DIR`` (any path) or
``YIWANG_PROVINCE`` (a folder under ``themes/``), validates ``theme.toml`` and resolves the
design tokens. Any problem raises :class:`ThemeError`, which names the file and the field.
"""

from themes.loader import (
    DEFAULT_PROVINCE,
    THEMES_DIR,
    Theme,
    available_provinces,
    load_theme,
    province_dir_from_env,
)
from themes.problems import ThemeError, ThemeProblem

__all__ = [
    "DEFAULT_PROVINCE",
    "THEMES_DIR",
    "Theme",
    "ThemeError",
    "ThemeProblem",
    "available_provinces",
    "load_theme",
    "province_dir_from_env",
]
