"""Every component: a folder with README and examples; every example renders; styles use tokens."""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path

import pytest
import yaml

from components.styles import COMPONENTS_DIR, component_folders, library_css

FOLDERS = component_folders()


def examples(folder: Path) -> list[dict]:
    data = yaml.safe_load((folder / "examples.yaml").read_text(encoding="utf-8"))
    if isinstance(data, dict):  # govuk-frontend's layout: params and examples
        data = data.get("examples")
    assert isinstance(data, list) and data, f"{folder.name}/examples.yaml has no examples"
    return data


FORM_COMPONENTS = (
    "text_input", "date_input", "id_number_input", "phone_input", "select_input", "radios",
    "checkboxes", "address_input", "file_upload", "elicence_picker", "summary_list",
    "error_summary",
)  # fmt: skip


@pytest.mark.parametrize("name", FORM_COMPONENTS)
def test_form_components_describe_every_prop(name: str) -> None:
    """Each form component's examples.yaml has a ``params`` entry for every parameter of its
    function (name, type, required, description), and nothing else; examples use only those."""
    import inspect

    folder = COMPONENTS_DIR / name
    data = yaml.safe_load((folder / "examples.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict) and "params" in data, f"{name}/examples.yaml lacks params"
    function = getattr(importlib.import_module(f"components.{name}"), name)
    signature = inspect.signature(function)
    described = {p["name"]: p for p in data["params"]}
    assert set(described) == set(signature.parameters), name
    for param in signature.parameters.values():
        entry = described[param.name]
        assert entry["description"].strip() and entry["type"], f"{name}.{param.name}"
        required = param.default is inspect.Parameter.empty
        assert entry["required"] is required, f"{name}.{param.name}: required is {required}"
        assert param.annotation is not inspect.Parameter.empty, f"{name}.{param.name} untyped"
    for example in data["examples"]:
        assert set(example["props"]) <= set(signature.parameters), f"{name}/{example['name']}"


def test_examples_say_what_they_render() -> None:
    """Every example but the icons' names the text or attribute it must render."""
    for folder in FOLDERS:
        for example in examples(folder):
            if folder.name != "icon":
                assert example.get("expect"), f"{folder.name}/{example['name']} has no expect"


def test_library_has_the_shell_components() -> None:
    names = {f.name for f in FOLDERS}
    assert names >= {
        "app_header", "audience_switch", "icon", "native_form", "progress_entry",
        "search_entry", "service_grid", "site_footer", "skip_link", "tab_bar",
    }  # fmt: skip


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda f: f.name)
def test_component_folder_is_documented(folder: Path) -> None:
    readme = folder / "README.md"
    assert readme.is_file(), f"{folder.name} lacks README.md"
    assert readme.read_text(encoding="utf-8").startswith(f"# {folder.name}")
    names = [e["name"] for e in examples(folder)]
    assert len(names) == len(set(names)), f"{folder.name}: duplicate example names"


_YWT = re.compile(r'ywT\(ywLoc, ("(?:[^"\\]|\\.)*")(?:, (\{[^{}]*\}))?\)')


def source_text(rendered: str) -> str:
    """``rendered`` with every constant ``t()`` lookup replaced by its zh_Hans text, as the
    browser shows it in the default locale."""

    def fill(match: re.Match[str]) -> str:
        message = json.loads(match.group(1))
        params = json.loads(match.group(2)) if match.group(2) else {}
        # a placeholder without a value stays (t_around shows its part as a span of its own)
        return re.sub(r"\{(\w+)\}", lambda m: str(params.get(m[1], m[0])), message)

    return _YWT.sub(fill, rendered)


@pytest.mark.parametrize(
    ("folder", "example"),
    [(f, e) for f in FOLDERS for e in examples(f)],
    ids=lambda v: v.name if isinstance(v, Path) else v["name"],
)
def test_every_example_renders(folder: Path, example: dict) -> None:
    module = importlib.import_module(f"components.{folder.name}")
    rendered = source_text(str(module.from_props(example["props"])))
    assert rendered.startswith("jsx(")
    text = rendered.encode("ascii", "backslashreplace").decode("unicode_escape")
    for expected in example.get("expect", []):
        assert expected in text, f"{folder.name}/{example['name']}: {expected!r} not rendered"


HEX = re.compile(r"#[0-9a-fA-F]{3,8}\b")
PX = re.compile(r"(?<![\w-])\d+(\.\d+)?px")


@pytest.mark.parametrize(
    "css",
    [
        COMPONENTS_DIR / "base.css",
        *[f / "style.css" for f in FOLDERS if (f / "style.css").exists()],
    ],
    ids=lambda p: str(p.relative_to(COMPONENTS_DIR)),
)
def test_styles_use_tokens_not_literals(css: Path) -> None:
    text = re.sub(r"/\*.*?\*/", "", css.read_text(encoding="utf-8"), flags=re.S)
    assert not HEX.findall(text), f"{css}: colour literals {HEX.findall(text)}; use var(--yw-…)"
    assert not PX.search(text), f"{css}: px literal {PX.search(text).group(0)}; use a token"
    for prop in ("margin-left", "margin-right", "padding-left", "padding-right", "left:", "right:"):
        assert prop not in text, f"{css}: physical property {prop}; use logical properties"


def test_library_css_includes_every_component_style() -> None:
    css = library_css()
    for folder in FOLDERS:
        if (folder / "style.css").exists():
            assert f"/* {folder.name} */" in css


def test_tab_bar_marks_only_the_current_tab() -> None:
    from components.tab_bar import TabItem, tab_bar

    items = [TabItem("home", "首页", "/", "home"), TabItem("me", "我的", "/me", "user")]
    links = str(tab_bar(items, "me")).split("jsx(ReactRouterLink")[1:]
    assert ['"aria-current":"page"' in link for link in links] == [False, True]
    with pytest.raises(ValueError, match="current tab 'nope'"):
        tab_bar(items, "nope")


def test_unknown_icon_is_refused() -> None:
    from components.icon import icon

    with pytest.raises(ValueError, match="unknown icon 'rocket'"):
        icon("rocket")  # type: ignore[arg-type]


def test_minified_css_keeps_every_rule() -> None:
    from components.styles import minify_css

    css = '/* c */ .a > .b ,\n .c { color : red ; font-family: "Noto Sans", x; }\n@media (max-width: 22rem) { .d { margin: 0 auto; } }'
    assert minify_css(css) == (
        '.a>.b,.c{color:red;font-family:"Noto Sans",x}@media (max-width: 22rem){.d{margin:0 auto}}'
    )
    full = library_css()
    assert minify_css(full).count("{") == re.sub(r"/\*.*?\*/", "", full, flags=re.S).count("{")


@pytest.mark.parametrize(
    "css",
    [
        COMPONENTS_DIR / "base.css",
        *[f / "style.css" for f in FOLDERS if (f / "style.css").exists()],
    ],
    ids=lambda p: str(p.relative_to(COMPONENTS_DIR)),
)
def test_rules_are_closed_and_not_nested(css: Path) -> None:
    """An unclosed rule would nest every later rule of the inlined stylesheet inside it."""
    text = re.sub(r"/\*.*?\*/", "", css.read_text(encoding="utf-8"), flags=re.S)
    stack: list[str] = []
    start = 0
    for i, ch in enumerate(text):
        if ch == "{":
            selector = text[start:i].strip().rsplit(";", 1)[-1].rsplit("}", 1)[-1].strip()
            assert not stack or stack[-1].startswith("@"), (
                f"{css}: rule {selector!r} opened inside {stack[-1]!r}"
            )
            stack.append(selector)
            start = i + 1
        elif ch == "}":
            assert stack, f"{css}: a '}}' closes nothing (offset {i})"
            stack.pop()
            start = i + 1
    assert not stack, f"{css}: unclosed rule {stack[-1]!r}"
