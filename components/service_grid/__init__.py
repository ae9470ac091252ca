"""High-frequency services (高频服务): a titled grid of service tiles."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import reflex as rx
from reflex_components_core.react_router.dom import ReactRouterLink

from components.audience_switch import AUDIENCE_KEYS
from components.i18n import shown_lang
from components.icon import IconName, icon


@dataclass(frozen=True)
class ServiceTile:
    name: str | rx.Var
    href: str
    icon: IconName
    audience: str = ""


GridVariant = Literal["tiles", "chips"]


def _data(tile: ServiceTile, is_extra: bool) -> dict[str, Any]:
    """The tile's ``data-audience`` (if it has one) and ``data-extra`` (if it is extra)."""
    data: dict[str, Any] = {}
    if tile.audience:
        data["data-audience"] = AUDIENCE_KEYS[tile.audience]
    if is_extra:
        data["data-extra"] = "true"
    return data


def service_grid(
    title: str | rx.Var,
    tiles: Sequence[ServiceTile],
    heading_id: str,
    variant: GridVariant = "tiles",
    elder_top: int | None = None,
    more: rx.Component | None = None,
) -> rx.Component:
    """A ``<section>`` named by its heading, holding a list of tile links.

    ``tiles`` is the four-column grid of high-frequency services; ``chips`` the compact
    wrapping list used for life-event themes.

    Tiles with an ``audience`` carry ``data-audience`` so an enclosing audience switch can
    show one audience's tiles at a time.

    With ``elder_top``, the elder mode shows only the first ``elder_top`` tiles of each
    audience (the others carry ``data-extra``), two to a row and larger; ``more`` (a link to
    everything) follows the list.
    """
    seen: dict[str, int] = {}
    extra: list[bool] = []
    for tile in tiles:
        seen[tile.audience] = seen.get(tile.audience, 0) + 1
        extra.append(elder_top is not None and seen[tile.audience] > elder_top)
    return rx.el.section(
        rx.el.h2(title, id=heading_id, class_name="yw-section-title"),
        rx.el.ul(
            *[
                rx.el.li(
                    ReactRouterLink.create(
                        rx.el.span(icon(tile.icon), class_name="yw-grid__icon"),
                        rx.el.span(
                            tile.name, lang=shown_lang(tile.name), class_name="yw-grid__name"
                        ),
                        href=tile.href,
                        class_name="yw-grid__link",
                    ),
                    class_name="yw-grid__item",
                    **_data(tile, is_extra),
                )
                for tile, is_extra in zip(tiles, extra, strict=True)
            ],
            class_name=f"yw-grid yw-grid--{variant}",
        ),
        more if more is not None else rx.fragment(),
        aria_labelledby=heading_id,
        class_name="yw-card",
    )


def from_props(props: dict) -> rx.Component:
    tiles = [ServiceTile(**tile) for tile in props["tiles"]]
    return service_grid(
        props["title"],
        tiles,
        props["heading_id"],
        props.get("variant", "tiles"),
        elder_top=props.get("elder_top"),
    )
