"""``python -m scripts.i18n check`` finds user-visible text that bypasses gettext."""

from __future__ import annotations

from pathlib import Path

from scripts import i18n as i18n_script

ROOT = Path(__file__).resolve().parents[2]

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


# --- form files through gettext ----------------------------------------------------------

FORM = """key: "001018000000"
title: 本省特色换证
audience: 个人
declaration: 本人承诺信息真实。
sensitive_consent: 我同意处理本人的信息。
next_steps: [我们会通知您结果。]
steps:
  - id: a
    title: 申请人信息
    fields:
      - {name: name, kind: text, label: 姓名}
      - name: pick
        kind: radio
        label: 本省特有的问题
        hint: 本省特有的提示
        options: [{value: x, label: 本省特有的选项}]
"""


def test_every_text_of_every_form_is_in_the_catalogue() -> None:
    """Labels, hints, options, step titles … of the built-in forms are extracted (babel.cfg)."""
    from babel.messages.pofile import read_po

    from app.flow.forms.messages import texts_of

    with (ROOT / "locales" / "messages.pot").open("rb") as fh:
        ids = {m.id for m in read_po(fh)}
    texts = {t for path in (ROOT / "app" / "flow" / "forms").glob("*.yaml") for t in texts_of(path)}
    assert {"申报人姓名", "您为什么要换领身份证？", "有效期满或即将期满", "换领原因"} <= texts
    assert texts <= ids, sorted(texts - ids)[:5]


def test_a_province_folders_untranslated_form_texts_fail_the_check(tmp_path: Path) -> None:
    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / "001018000000.yaml").write_text(FORM, encoding="utf-8")
    problems = i18n_script.check_province(tmp_path)
    # 姓名 and 申请人信息 are the framework's; the province's own texts are missing everywhere
    own = {"本省特色换证", "本人承诺信息真实。", "我同意处理本人的信息。", "我们会通知您结果。",
           "本省特有的问题", "本省特有的提示", "本省特有的选项"}  # fmt: skip
    assert len(problems) == len(own) * 3
    assert all("translation of" in p and "locales/" in p for p in problems)
    assert not any("'姓名'" in p or "'申请人信息'" in p for p in problems)
    (tmp_path / "locales").mkdir()
    for locale in ("en", "ug", "zh_Hant"):
        entries = "".join(f'msgid "{t}"\nmsgstr "{locale}: {t}"\n\n' for t in sorted(own))
        (tmp_path / "locales" / f"{locale}.po").write_text(entries, encoding="utf-8")
    assert i18n_script.check_province(tmp_path) == []


def test_a_province_folders_catalogue_is_used_at_runtime(tmp_path: Path) -> None:
    from app.content_i18n import province_catalogues

    (tmp_path / "locales").mkdir()
    (tmp_path / "locales" / "en.po").write_text(
        'msgid "本省特有的问题"\nmsgstr "A question of this province"\n', encoding="utf-8"
    )
    assert province_catalogues(tmp_path) == {
        "en": {"本省特有的问题": "A question of this province"}
    }
