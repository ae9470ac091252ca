"""The contrast guard: WCAG ratios, real failing colours, the nearest passing colour."""

from __future__ import annotations

import pytest

from themes.contrast import PAIRS, check_pairs, nearest_passing, ratio
from themes.loader import THEMES_DIR, load_theme


def test_ratio_matches_known_wcag_values() -> None:
    assert ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the classic AA grey
    assert ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # ... and just below


def test_nearest_passing_colour_passes_and_stays_close() -> None:
    fixed = nearest_passing("#777777", "#ffffff", 4.5)
    assert fixed is not None
    assert ratio(fixed, "#ffffff") >= 4.5
    assert fixed in ("#767676", "#757575")
    # a light brand blue under white text darkens, hue kept
    fixed = nearest_passing("#6fa8dc", "#ffffff", 4.5)
    assert ratio(fixed, "#ffffff") >= 4.5
    assert int(fixed[5:7], 16) > int(fixed[1:3], 16)  # still blue
    # against a mid grey nothing with this saturation reaches 21:1
    assert nearest_passing("#808080", "#808080", 21) is None


def test_pairs_cover_text_links_header_tabs_and_focus() -> None:
    names = {(p.fg, p.bg) for p in PAIRS}
    for pair in [
        ("text", "surface"), ("text-muted", "surface"), ("action-text", "action"),
        ("header-text", "header-bg"), ("tabbar-current", "tabbar-bg"), ("link", "card-bg"),
        ("focus", "page-bg"), ("footer-text", "footer-bg"),
    ]:  # fmt: skip
        assert pair in names


def test_failing_values_are_found_with_ratio_and_fix() -> None:
    values = {name: "#ffffff" for p in PAIRS for name in (p.fg, p.bg)}
    values.update({"text": "#111827", "text-muted": "#9ca3af", "focus": "#ffbf47"})
    values["focus-text"] = "#111827"
    failures, not_colours = check_pairs(values, "standard")
    muted = [f for f in failures if f.pair.fg == "text-muted" and f.pair.bg == "surface"]
    assert muted, "grey #9ca3af on white (2.54:1) must fail"
    assert muted[0].ratio == pytest.approx(2.54, abs=0.01)
    assert ratio(muted[0].suggestion, "#ffffff") >= 4.5
    assert not not_colours


def test_focus_ring_passes_on_either_ring() -> None:
    values = {name: "#ffffff" for p in PAIRS for name in (p.fg, p.bg)}
    values.update({"focus": "#ffbf47", "focus-text": "#111827"})
    failures, _ = check_pairs(values, "standard")
    assert not [f for f in failures if f.pair.kind == "focus"]
    values["focus-text"] = "#eeeeee"  # both rings light on white: invisible
    failures, _ = check_pairs(values, "standard")
    assert [f for f in failures if f.pair.kind == "focus" and f.pair.bg == "surface"]


@pytest.mark.parametrize("code", ["shandong", "sichuan", "chongqing", "guangdong"])
def test_built_in_provinces_pass_in_both_modes(code: str) -> None:
    theme = load_theme(THEMES_DIR / code)
    for values in (theme.values, theme.elder_values):
        short = {k.removeprefix("--yw-"): v for k, v in values.items()}
        failures, not_colours = check_pairs(short, "any")
        assert not failures and not not_colours
