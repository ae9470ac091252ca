"""Application forms from the command line.

    python -m app.flow.forms show CODE [--json] [--province CODE_OR_FOLDER]
        the form of an item (implementation code, or basic code: its first catalogue record
        in that province) or of a 一件事 bundle (yjs-…): hand-written, extended or derived,
        with its steps, fields and how each of the item's materials is provided
    python -m app.flow.forms check [FILES] [--province CODE_OR_FOLDER]...
        without FILES: every province folder's forms (the base forms overridden by each
        folder's forms/*.yaml) and, for every item of the loaded catalogue of that province,
        whether it has a working online application (a form that collects every material
        of the item and asks nothing the checkout asks); with FILES: just those files
    python -m app.flow.forms coverage [--province CODE_OR_FOLDER]... [--list]
        per province folder, read from its catalogue files (not the database): items, items
        with online depth 三级/四级, those with a form, those whose form lists every material
        of the item with a field, and those asking again what the checkout asks

Exit status 1 when anything is wrong (each problem names its file and field), 2 on bad usage.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import NotRequired, TypedDict

from app.domain.service_item import Material, ServiceItem
from app.flow.completeness import item_problems
from app.flow.derive import can_apply_online
from app.flow.forms import (
    FORMS_DIR,
    FormFileError,
    form_for_item,
    get_bundle,
    load_forms,
    parse_form,
)
from app.flow.schema import FormDefinition, FormField


def province_folders(named: list[str]) -> list[Path]:
    """The folders asked for, or every province folder known to this checkout and environment
    (``themes/*/theme.toml``, ``YIWANG_PROVINCE_DIR``, the folders of ``YIWANG_HOSTS``)."""
    from themes.loader import THEMES_DIR

    def folder(value: str) -> Path:
        path = Path(value).expanduser()
        return path.resolve() if path.is_dir() else (THEMES_DIR / value).resolve()

    if named:
        return [folder(v) for v in named]
    found = [p.parent.resolve() for p in sorted(THEMES_DIR.glob("*/theme.toml"))]
    if extra := os.environ.get("YIWANG_PROVINCE_DIR", "").strip():
        found.append(folder(extra))
    if os.environ.get("YIWANG_HOSTS", "").strip():
        from app.settings import host_folders

        found += [f.resolve() for f in host_folders().values()]
    return list(dict.fromkeys(found))


def _items(province: str | None = None, basic_code: str | None = None) -> list[ServiceItem]:
    from sqlmodel import select

    from app.catalogue.tables import CatalogueItem
    from app.db import session_scope

    with session_scope() as s:
        stmt = select(CatalogueItem)
        if province is not None:
            stmt = stmt.where(CatalogueItem.province == province)
        if basic_code is not None:
            stmt = stmt.where(CatalogueItem.basic_code == basic_code)
        rows = s.exec(stmt.order_by(CatalogueItem.implementation_code)).all()
        return [ServiceItem.model_validate(r.data) for r in rows]


Condition = TypedDict("Condition", {"field": str, "in": list[str]})


class FieldShown(TypedDict):
    name: str
    kind: str
    label: str
    required: bool
    locked: bool
    prefill: NotRequired[str]
    when: NotRequired[Condition]
    options: NotRequired[list[str]]
    material: NotRequired[str]
    e_licence: NotRequired[str]


class StepShown(TypedDict):
    id: str
    title: str
    fields: list[FieldShown]


class ItemShown(TypedDict):
    implementation_code: str
    name: str
    audience: str
    online_depth: str


class MaterialShown(TypedDict):
    name: str
    necessity: str
    condition: NotRequired[str]
    e_licence: bool
    field: str | None


class FormShown(TypedDict):
    """What ``show`` prints (``--json``: as it is)."""

    key: str
    title: str
    origin: str
    audience: str
    min_level: int
    department: str
    steps: list[StepShown]
    declaration: str
    sensitive_consent: str
    members: list[str]
    item: NotRequired[ItemShown]
    materials: NotRequired[list[MaterialShown]]


def _field(f: FormField) -> FieldShown:
    shown = FieldShown(
        name=f.name, kind=f.kind, label=f.label, required=f.required, locked=f.locked
    )
    if f.prefill:
        shown["prefill"] = f.prefill
    if f.when:
        shown["when"] = {"field": f.when.field, "in": f.when.in_}
    if f.options:
        shown["options"] = [o.value for o in f.options]
    if f.material:
        shown["material"] = f.material
    if f.licence:
        shown["e_licence"] = f.licence
    return shown


def _material(m: Material, fields_by_material: dict[str, FormField]) -> MaterialShown:
    field = fields_by_material[m.name].name if m.name in fields_by_material else None
    if m.condition:
        return {"name": m.name, "necessity": str(m.necessity), "condition": m.condition,
                "e_licence": m.e_licence, "field": field}  # fmt: skip
    return {"name": m.name, "necessity": str(m.necessity), "e_licence": m.e_licence, "field": field}


def describe(form: FormDefinition, item: ServiceItem | None = None) -> FormShown:
    """The form as data: its steps and fields, and each material of the item and the field
    that provides it (``null`` when a hand-written form leaves it to the counter)."""
    fields_by_material = {f.material: f for f in form.fields() if f.kind == "file" and f.material}
    data = FormShown(
        key=form.key,
        title=form.title,
        origin=form.origin,
        audience=form.audience,
        min_level=form.min_level,
        department=form.department,
        steps=[
            {"id": step.id, "title": step.title, "fields": [_field(f) for f in step.fields]}
            for step in form.steps
        ],
        declaration=form.declaration,
        sensitive_consent=form.sensitive_consent,
        members=form.members,
    )
    if item is not None:
        data["item"] = {
            "implementation_code": item.implementation_code,
            "name": item.name,
            "audience": str(item.audience),
            "online_depth": str(item.online_depth),
        }
        data["materials"] = [_material(m, fields_by_material) for m in item.materials]
    return data


def _print_form(data: FormShown) -> None:
    print(f"{data['key']}  {data['title']}  ({data['origin']}, {data['audience']})")
    for step in data["steps"]:
        print(f"  step {step['id']}: {step['title']}")
        for f in step["fields"]:
            extra = f"  when {f['when']['field']} in {f['when']['in']}" if "when" in f else ""
            licence = f"  e-licence {f['e_licence']}" if "e_licence" in f else ""
            optional = "" if f["required"] else "  (optional)"
            print(f"    {f['name']:<18} {f['kind']:<10} {f['label']}{optional}{licence}{extra}")
    for m in data.get("materials", []):
        where = f"field {m['field']}" if m["field"] else "not asked online"
        print(f"  material {m['name']} ({m['necessity']}): {where}")


def show(code: str, as_json: bool, provinces: list[str]) -> int:
    folder = province_folders(provinces)[0] if provinces else None
    if folder is None:
        from app.settings import active_theme

        folder = active_theme().folder
    code = code.strip()
    if code.startswith("yjs-"):
        form, item = get_bundle(code, folder), None
    else:
        from app.catalogue.queries import get_item

        item = get_item(code)
        if item is None:
            found = _items(folder.name, code.upper()) or _items(None, code.upper())
            item = found[0] if found else None
        if item is None:
            print(f"error: no catalogue item with the code {code!r}", file=sys.stderr)
            return 1
        form = form_for_item(item, folder)
    if form is None:
        why = "no such bundle" if item is None else "it cannot be applied for online"
        print(f"error: {code}: no online application ({why})", file=sys.stderr)
        return 1
    data = describe(form, item)
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        _print_form(data)
    return 0


def check_files(paths: list[Path]) -> int:
    failed = 0
    for path in paths:
        try:
            form = parse_form(path)
            print(f"ok {path.name}: {form.title}, {len(form.steps)} steps")
        except FormFileError as exc:
            failed += 1
            for problem in exc.problems:
                print(f"error {problem}", file=sys.stderr)
    return 1 if failed else 0


def check_provinces(folders: list[Path]) -> int:
    """Every province folder: its form files, and a working application for every item of its
    loaded catalogue that can be applied for online."""
    failed = False
    for folder in folders:
        forms, problems = load_forms(folder)
        for problem in problems:
            failed = True
            print(f"error {folder.name}: {problem.file}: {problem.field}: {problem.message}",
                  file=sys.stderr)  # fmt: skip
        if problems:
            continue
        items = _items(folder.name)
        online = written = derived = 0
        for item in items:
            try:
                form = form_for_item(item, folder)
            except (ValueError, FormFileError) as exc:  # an extension that does not fit
                failed = True
                print(f"error {folder.name}: {item.implementation_code}: {exc}", file=sys.stderr)
                continue
            if can_apply_online(item):
                online += 1
                for problem in item_problems(form, item):
                    failed = True
                    print(f"error {folder.name}: {item.implementation_code} {item.name}: "
                          f"{problem}", file=sys.stderr)  # fmt: skip
            if form is not None:
                if form.origin == "derived":
                    derived += 1
                else:
                    written += 1
                if form.audience != str(item.audience):
                    failed = True
                    print(f"error {folder.name}: {item.basic_code}.yaml: audience: "
                          f"{form.audience} but the item is for {item.audience}", file=sys.stderr)  # fmt: skip
        overrides = sorted(p.name for p in (folder / "forms").glob("*.yaml"))
        print(
            f"ok {folder.name}: {len(forms)} hand-written forms"
            f"{' (own: ' + ', '.join(overrides) + ')' if overrides else ''}; "
            f"{len(items)} catalogue items, {online} online (三级/四级), "
            f"{written + derived} with an application ({written} hand-written or extended, "
            f"{derived} derived)"
        )
    return 1 if failed else 0


def print_coverage(folders: list[Path], listing: bool) -> int:
    """The figures of every folder, and (``listing``) what each incomplete item lacks."""
    from app.flow.completeness import coverage

    head = ("province", "items", "online", "with form", "complete", "asks checkout")
    print("  ".join(f"{h:>13}" for h in head))
    incomplete = False
    for folder in folders:
        c = coverage(folder)
        row = (c.province, c.items, c.online, c.with_form, c.complete, c.asking_checkout)
        print("  ".join(f"{v:>13}" for v in row))
        incomplete |= bool(c.incomplete)
        if listing:
            for code, name, problems in c.incomplete:
                for problem in problems:
                    print(f"    {code} {name}: {problem}")
    return 1 if incomplete else 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.flow.forms", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    sub = parser.add_subparsers(dest="command", required=True)
    p_show = sub.add_parser("show", help="print the form of an item or bundle")
    p_show.add_argument("code")
    p_show.add_argument("--json", action="store_true")
    p_show.add_argument("--province", action="append", default=[])
    p_check = sub.add_parser("check", help="validate form files and every province's forms")
    p_check.add_argument("files", nargs="*", type=Path)
    p_check.add_argument("--province", action="append", default=[])
    p_cover = sub.add_parser("coverage", help="per province: online items whose form is complete")
    p_cover.add_argument("--province", action="append", default=[])
    p_cover.add_argument("--list", action="store_true", help="name what each item lacks")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) and 2
    if args.command == "show":
        return show(args.code, args.json, args.province)
    if args.command == "coverage":
        return print_coverage(province_folders(args.province), args.list)
    if args.files:
        return check_files(args.files)
    base = check_files(sorted(FORMS_DIR.glob("*.yaml")))
    return max(base, check_provinces(province_folders(args.province)))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
