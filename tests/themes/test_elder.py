"""Elder-mode token overrides (the theme layer's ``elder_tokens``): the numbers of
docs/domain.md, scoped CSS, and province overrides that go through the same checks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from themes import THEMES_DIR, ThemeError, load_theme

ROOT_PX = 16  # the browser's default root font size; rem values follow the system scale


def _px(value: str) -> float:
    assert value.endswith("rem"), value
    return float(value.removesuffix("rem")) * ROOT_PX


@pytest.mark.parametrize("province", ["shandong", "sichuan", "chongqing", "guangdong"])
def test_elder_tokens_meet_the_elder_mode_numbers(province: str) -> None:
    theme = load_theme(THEMES_DIR / province)
    tokens = {**theme.tokens, **theme.elder_tokens}
    assert _px(tokens["--yw-scale-font-sm"]) >= 18  # the smallest text
    assert _px(tokens["--yw-scale-font-md"]) > 18  # body text
    assert _px(tokens["--yw-scale-font-lg"]) > _px(tokens["--yw-scale-font-md"])
    assert float(tokens["--yw-scale-line-height"]) >= 1.3
    assert float(tokens["--yw-scale-line-height-tight"]) >= 1.3
    assert _px(tokens["--yw-scale-target-min"]) >= 48
    assert _px(tokens["--yw-scale-target-primary"]) >= 60


def test_elder_css_is_scoped_to_the_elder_mode() -> None:
    css = load_theme(THEMES_DIR / "shandong").css()
    standard, elder = css.split('[data-mode="elder"]{')
    assert "--yw-scale-font-md:1rem" in standard
    assert "--yw-scale-font-md:1.25rem" in elder


def test_a_bad_province_elder_override_is_refused_with_the_field(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    shutil.copytree(THEMES_DIR / "shandong", folder)
    with (folder / "theme.toml").open("a", encoding="utf-8") as fh:
        fh.write('\n[tokens.elder.scale]\nfont-huge = "2rem"\n')
    with pytest.raises(ThemeError) as caught:
        load_theme(folder)
    assert "tokens.elder.scale.font-huge" in str(caught.value)
