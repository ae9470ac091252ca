"""Elder-mode token overrides: the numbers of docs/domain.md, and clear errors for bad tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from themes import ThemeError
from themes.elder import ELDER_SELECTOR, elder_css, elder_tokens

ROOT_PX = 16  # the browser's default root font size; rem values follow the system scale


def _px(value: str) -> float:
    assert value.endswith("rem"), value
    return float(value.removesuffix("rem")) * ROOT_PX


def test_elder_tokens_meet_the_elder_mode_numbers() -> None:
    tokens = elder_tokens()
    assert _px(tokens["--yw-scale-font-sm"]) >= 18  # the smallest text
    assert _px(tokens["--yw-scale-font-md"]) > 18  # body text
    assert _px(tokens["--yw-scale-font-lg"]) > _px(tokens["--yw-scale-font-md"])
    assert float(tokens["--yw-scale-line-height"]) >= 1.3
    assert float(tokens["--yw-scale-line-height-tight"]) >= 1.3
    assert _px(tokens["--yw-scale-target-min"]) >= 48
    assert _px(tokens["--yw-scale-target-primary"]) >= 60
    assert tokens["--yw-text-muted"] == "var(--yw-palette-gray-700)"


def test_elder_css_is_scoped_to_the_elder_mode() -> None:
    css = elder_css()
    assert css.startswith(ELDER_SELECTOR + "{")
    assert "--yw-scale-font-md:1.25rem" in css


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('[elder.scale]\nfont-huge = "2rem"', "elder.scale.font-huge: no such token"),
        ('[elder.palette]\ngray-900 = "#000000"', "elder.palette: must be a table"),
        ('[elder.role]\ntext = "{palette.nope}"', "refers to unknown token {palette.nope}"),
        ('[elder.scale]\nfont-md = "1rem;color:red"', "is not a safe CSS value"),
    ],
)
def test_bad_elder_tables_are_refused_with_the_field(
    tmp_path: Path, table: str, message: str
) -> None:
    path = tmp_path / "tokens.toml"
    path.write_text(
        '[palette]\ngray-900 = "#111827"\n[scale]\nfont-md = "1rem"\n[role]\ntext = "x"\n' + table,
        encoding="utf-8",
    )
    with pytest.raises(ThemeError) as caught:
        elder_tokens(path)
    assert message in str(caught.value)
