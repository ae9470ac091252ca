"""components/js.py: the one way to a raw JavaScript Var, and that it is the only one."""

from __future__ import annotations

from pathlib import Path

from reflex.vars.base import VarData

from components.i18n import runtime_var
from components.js import js

ROOT = Path(__file__).resolve().parents[2]


def test_the_expression_renders_as_written_with_what_it_uses() -> None:
    from app.state.flow import ApplyState as _Probe  # any state var: its state comes along

    counted = js(f"({_Probe.step_index} + 1)", int, uses=(_Probe.step_index,))
    assert str(counted) == "(" + str(_Probe.step_index) + " + 1)"
    data = counted._get_all_var_data()
    assert data is not None and data.state == _Probe.get_full_name()  # the state comes along
    hooked = js("ywMode", str, data=runtime_var("useYwMode", hooks=("const ywMode = 1;",)))
    hooked_data = hooked._get_all_var_data()
    assert isinstance(hooked_data, VarData) and "const ywMode = 1;" in hooked_data.hooks
    assert js("window.location.pathname", str)._var_type is str


def test_no_other_module_builds_a_raw_var() -> None:
    private = ("_js_expr", "_get_all_var_data")
    found = sorted(
        f"{path.relative_to(ROOT)}: {name}"
        for folder in ("app", "components")
        for path in (ROOT / folder).rglob("*.py")
        if path != ROOT / "components" / "js.py"
        for name in private
        if name in path.read_text(encoding="utf-8")
    )
    assert found == []
