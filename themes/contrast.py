"""Contrast guard: every token pair that renders text or a focus indicator meets WCAG 2.1 AA.

The pairs are listed explicitly in :data:`PAIRS` (foreground token, background token, what
renders there, the minimum ratio). Normal text needs 4.5:1; large text (≥ 18.66 px bold or
≥ 24 px) and user-interface components (button shapes, icons, focus rings) need 3:1.

The focus indicator is a double ring (``outline`` in ``--yw-focus`` with a ``box-shadow`` halo
in ``--yw-focus-text``, see components/base.css): it is visible on a background when either
ring reaches 3:1 against it, and the two rings must reach 3:1 against each other.

A failing pair is reported with its ratio, the file (and token chain) that set the offending
colour, and the nearest passing colour: the same hue and saturation with the lightness moved
as little as possible (HSL), computed, not guessed.
"""

from __future__ import annotations

import colorsys
import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["text", "large-text", "ui", "focus"]
MINIMUM: dict[Kind, float] = {"text": 4.5, "large-text": 3.0, "ui": 3.0, "focus": 3.0}
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


@dataclass(frozen=True)
class Pair:
    """A foreground token drawn on a background token, and where the library does it."""

    fg: str
    bg: str
    kind: Kind
    where: str

    @property
    def minimum(self) -> float:
        return MINIMUM[self.kind]


# Token names without the ``--yw-`` prefix. Keep in step with components/*/style.css.
PAIRS: tuple[Pair, ...] = (
    Pair("text", "surface", "text", "body text on cards and inputs"),
    Pair("text", "page-bg", "text", "page titles on the page background"),
    Pair("text", "card-bg", "text", "card text"),
    Pair("text", "tile-bg", "text", "service tile labels"),
    Pair("text", "danger-surface", "text", "text in error panels"),
    Pair("text-muted", "surface", "text", "hints and placeholders"),
    Pair("text-muted", "card-bg", "text", "hints in cards"),
    Pair("text-muted", "page-bg", "text", "hints on the page background"),
    Pair("action-text", "action", "text", "button labels, selected audience"),
    Pair("action-text", "action-hover", "text", "button labels on hover"),
    Pair("action", "surface", "ui", "button shape on a card"),
    Pair("link", "surface", "text", "links"),
    Pair("link", "card-bg", "text", "links in cards"),
    Pair("link", "footer-bg", "text", "the hotline link in the footer"),
    Pair("header-text", "header-bg", "text", "app name and tagline in the header"),
    Pair("tabbar-text", "tabbar-bg", "text", "tab labels"),
    Pair("tabbar-current", "tabbar-bg", "text", "current tab label and indicator"),
    Pair("tile-icon", "tile-icon-bg", "ui", "service tile icons"),
    Pair("footer-text", "footer-bg", "text", "footer text and ICP link"),
    Pair("danger", "surface", "text", "error messages"),
    Pair("danger", "danger-surface", "text", "error messages in error panels"),
    Pair("success", "surface", "text", "success messages"),
    Pair("warning", "surface", "text", "warnings"),
    Pair("focus-text", "focus", "text", "skip link text; the two focus rings"),
    *(
        Pair("focus", bg, "focus", f"focus ring on {bg}")
        for bg in ("page-bg", "surface", "card-bg", "header-bg", "tabbar-bg", "footer-bg", "action")
    ),
)


def parse_hex(value: str) -> tuple[float, float, float]:
    """``#rgb`` / ``#rrggbb`` to sRGB channels in 0..1; ValueError for anything else."""
    if not _HEX.match(value):
        raise ValueError(f"{value!r} is not a colour like #1760c4")
    digits = value[1:]
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return tuple(int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def to_hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(max(0.0, min(1.0, c)) * 255):02x}" for c in rgb)


def luminance(value: str) -> float:
    """WCAG relative luminance."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in parse_hex(value))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours (1..21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def nearest_passing(colour: str, against: str | list[str], minimum: float) -> str | None:
    """The colour with ``colour``'s hue and saturation and the closest lightness that reaches
    ``minimum`` against every colour in ``against``; None when no lightness does."""
    others = [against] if isinstance(against, str) else against
    return nearest_passing_all(colour, [(other, minimum) for other in others])


def nearest_passing_all(colour: str, constraints: list[tuple[str, float]]) -> str | None:
    """Like :func:`nearest_passing`, for several (other colour, minimum ratio) constraints."""
    h, lightness, s = colorsys.rgb_to_hls(*parse_hex(colour))
    for step in range(0, 1001):  # 0.001 steps of lightness, both directions
        for direction in (-1, 1):
            lit = lightness + direction * step / 1000
            if not 0 <= lit <= 1:
                continue
            candidate = to_hex(colorsys.hls_to_rgb(h, lit, s))
            if all(ratio(candidate, other) >= minimum for other, minimum in constraints):
                return candidate
    return None


def constraints_on(values: dict[str, str], tokens: set[str]) -> list[tuple[str, float]]:
    """Every (other colour, minimum) a colour shared by ``tokens`` must meet, over all pairs."""
    found: list[tuple[str, float]] = []
    for pair in PAIRS:
        if pair.kind == "focus":
            continue  # the halo may carry the focus ring; not a constraint on one colour
        if pair.fg in tokens and pair.bg not in tokens and pair.bg in values:
            found.append((values[pair.bg], pair.minimum))
        elif pair.bg in tokens and pair.fg not in tokens and pair.fg in values:
            found.append((values[pair.fg], pair.minimum))
    return [(c, m) for c, m in found if _HEX.match(c)]


@dataclass(frozen=True)
class Failure:
    """A pair below its minimum, with what to change."""

    pair: Pair
    mode: str
    fg: str
    bg: str
    ratio: float
    adjust: str  # the token to change (``fg`` or ``bg`` of the pair)
    suggestion: str | None

    def message(self, chain: str) -> str:
        fix = (
            f"nearest passing colour for {self.adjust}: {self.suggestion}"
            if self.suggestion
            else f"no lightness of {self.adjust} passes; change the other colour"
        )
        return (
            f"{self.pair.fg} {self.fg} on {self.pair.bg} {self.bg} ({self.pair.where}, "
            f"{self.mode} mode) has contrast {self.ratio:.2f}:1, needs "
            f"{self.pair.minimum:g}:1; {self.adjust} is set by {chain}; {fix}"
        )


def check_pairs(
    values: dict[str, str], mode: str, prefer: set[str] | None = None
) -> tuple[list[Failure], list[str]]:
    """Check every pair against resolved ``values`` (keys without ``--yw-``).

    ``prefer``: tokens a province set; when a failing pair has one, the suggestion adjusts it.
    Returns the failures and the tokens that are not colours (also a failure for the caller).
    """
    prefer = prefer or set()
    failures: list[Failure] = []
    not_colours: list[str] = []
    for pair in PAIRS:
        colours = []
        for name in (pair.fg, pair.bg):
            try:
                parse_hex(values[name])
                colours.append(values[name])
            except (KeyError, ValueError):
                if name not in not_colours:
                    not_colours.append(name)
        if len(colours) != 2:
            continue
        fg, bg = colours
        if pair.kind == "focus":
            halo = values.get("focus-text") or fg
            got = max(ratio(fg, bg), ratio(halo, bg) if _HEX.match(halo) else 0.0)
        else:
            got = ratio(fg, bg)
        if got + 1e-9 >= pair.minimum:
            continue
        adjust = pair.bg if pair.bg in prefer and pair.fg not in prefer else pair.fg
        if adjust == pair.fg:
            suggestion = nearest_passing(fg, bg, pair.minimum)
        else:
            suggestion = nearest_passing(bg, fg, pair.minimum)
        failures.append(Failure(pair, mode, fg, bg, got, adjust, suggestion))
    return failures, not_colours
