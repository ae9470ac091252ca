"""The reviewers' gallery shows every component example in both modes."""

from __future__ import annotations

import re

from app.pages import gallery
from app.routes import routes, tabs
from components.styles import component_folders


def test_gallery_is_routed_but_not_a_tab() -> None:
    assert "/gallery" in {r.path for r in routes()}
    assert "/gallery" not in {tab.href for tab in tabs()}


def test_every_example_is_shown_in_standard_and_elder_mode() -> None:
    rendered = str(gallery.page()).encode("ascii", "backslashreplace").decode("unicode_escape")
    total = 0
    for folder in component_folders():
        for example in gallery.load_examples(folder):
            caption = f"{folder.name} / {example['name']}"
            assert rendered.count(caption) == 2, caption
            total += 1
    # one canvas per example and mode (example_frame's own examples add nested canvases)
    nested = len(
        gallery.load_examples(next(f for f in component_folders() if f.name == "example_frame"))
    )
    assert rendered.count('"data-mode":"elder"') + rendered.count('"data-mode":"standard"') == (
        2 * total + 2 * nested
    )
    ids = re.findall(r'\bid:"([^"]+)"', rendered)
    assert len(ids) == len(set(ids)), "duplicate ids in the gallery"
