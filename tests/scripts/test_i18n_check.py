"""``python scripts/i18n.py check`` finds user-visible text that bypasses gettext."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
assert _spec and _spec.loader
i18n_script = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(i18n_script)

SNIPPET = """
import reflex as rx
from components.i18n import t

def bad():
    return rx.el.div(
        rx.el.span("办事指南"),
        rx.el.button(t("搜索"), aria_label="Close"),
        rx.el.input(placeholder=f"请输入{name}"),
        Link.create("More", href="/x"),
        rx.el.span(t("好")), rx.el.span("12345"), rx.el.span(" · "),
        rx.el.div(class_name="yw-card", id="main"),
    )
"""


def test_literal_children_and_text_attributes_are_reported_with_their_line() -> None:
    found = i18n_script.untranslated_text(SNIPPET, "x.py")
    assert len(found) == 4, found
    assert found[0].startswith("x.py:7: user-visible text '办事指南' as child")
    assert any("'Close' as aria_label" in f for f in found)
    assert any("'请输入' as placeholder" in f for f in found)
    assert any("'More' as child" in f for f in found)


def test_the_code_base_has_no_untranslated_text() -> None:
    assert i18n_script.check_sources() == []
