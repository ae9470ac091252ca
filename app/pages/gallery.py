"""/gallery: every example of every component, in the active theme, standard and elder mode.

For reviewers (not in the tab bar). The examples are each component's ``examples.yaml``, the
same ones the unit tests render; each is shown twice, the second time inside
``data-mode="elder"`` so the elder token overrides apply. Element ids in example props are
made unique per example and mode, so the page stays valid HTML.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import reflex as rx
import yaml

from app.pages.layout import layout
from components.example_frame import Mode, example_frame
from components.i18n import t
from components.styles import component_folders

MODES: tuple[Mode, ...] = ("standard", "elder")
# Props that become element ids (or radio group names) and must differ between copies.
ID_PROPS: dict[str, tuple[str, ...]] = {
    "address_input": ("input_id", "name"),
    "app_header": ("id_suffix",),
    "audience_switch": ("name",),
    "checkboxes": ("input_id", "name"),
    "date_input": ("input_id", "name"),
    "error_summary": ("element_id",),
    "file_upload": ("input_id",),
    "id_number_input": ("input_id", "name"),
    "phone_input": ("input_id", "name"),
    "radios": ("input_id", "name"),
    "select_input": ("input_id", "name"),
    "text_input": ("input_id", "name"),
    "home_hero": ("heading_id",),
    "licence_card": ("card_id",),
    "hot_searches": ("heading_id",),
    "question_page": ("element_id", "heading_id"),
    "read_aloud": ("target_id",),
    "search_box": ("field_id",),
    "search_entry": ("field_id",),
    "section_card": ("heading_id",),
    "service_grid": ("heading_id",),
}


def load_examples(folder: Path) -> list[dict]:
    """The examples of a component: ``examples.yaml`` is a list of examples, or (as
    govuk-frontend's component YAML) a mapping with ``params`` and ``examples``."""
    data = yaml.safe_load((folder / "examples.yaml").read_text(encoding="utf-8"))
    if isinstance(data, dict):
        data = data.get("examples")
    if not isinstance(data, list):
        raise ValueError(f"{folder / 'examples.yaml'}: expected a list of examples")
    return data


def unique_props(component: str, example: str, props: dict, mode: Mode) -> dict:
    """The example's props with its id props renamed for this copy, and every nested string
    derived from an old id (``example-box-opt-0``, ``aria-activedescendant``) renamed alike."""
    renames: dict[str, str] = {}
    props = dict(props)
    for key in ID_PROPS.get(component, ()):
        new = f"g-{component}-{example}-{key}-{mode}".replace("_", "-")
        if isinstance(props.get(key), str):
            renames[props[key]] = new
        props[key] = new

    def rename(value: object) -> object:
        if isinstance(value, str) and " " in value.strip():  # a list of ids (aria-describedby)
            return " ".join(str(rename(part)) for part in value.split(" "))
        if isinstance(value, str):
            for old, new in renames.items():
                if value == old or value.startswith(f"{old}-"):
                    return new + value[len(old) :]
            return value
        if isinstance(value, list):
            return [rename(v) for v in value]
        if isinstance(value, dict):
            return {k: rename(v) for k, v in value.items()}
        return value

    return {k: v if k in ID_PROPS.get(component, ()) else rename(v) for k, v in props.items()}


def _component_section(folder: Path) -> rx.Component:
    module = importlib.import_module(f"components.{folder.name}")
    heading_id = f"gallery-{folder.name}".replace("_", "-")
    frames = [
        example_frame(
            f"{folder.name} / {example['name']}",
            module.from_props(unique_props(folder.name, example["name"], example["props"], mode)),
            mode=mode,
            example=f"{folder.name}/{example['name']}",
        )
        for example in load_examples(folder)
        for mode in MODES
    ]
    return rx.el.section(
        rx.el.h2(folder.name, id=heading_id, class_name="yw-section-title"),
        *frames,
        aria_labelledby=heading_id,
        class_name="yw-stack",
    )


def page() -> rx.Component:
    return layout(
        rx.el.h1(t("组件示例"), class_name="yw-page-title"),
        rx.el.p(
            t("每个组件的全部示例，按当前主题显示，标准模式和长辈模式各一次。"),
            class_name="yw-muted",
        ),
        *[_component_section(folder) for folder in component_folders()],
        current=None,
    )
