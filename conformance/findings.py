"""The findings of the catalogue checks: one :class:`Finding` per failed check, the
:class:`ItemResult` of a record, the :class:`Context` the checks read, and the :class:`Checker`
that counts each check and records what fails (conformance/elements.py runs them)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from conformance.inputs import OnlineForm

ELEMENT = "element"
CONSISTENCY = "consistency"

# GB/T 39554.2 element names of the fields (for the report and the fixes)
ELEMENT_NAMES: dict[str, str] = {
    "name": "事项名称",
    "basic_code": "基本编码",
    "implementation_code": "实施编码",
    "item_type": "事项类型",
    "audience": "服务对象",
    "area_code": "实施地区",
    "level": "行使层级",
    "department": "实施主体",
    "department_code": "实施主体编码",
    "department_nature": "实施主体性质",
    "legal_basis": "设定依据",
    "acceptance_conditions": "受理条件",
    "themes": "主题分类",
    "steps": "办理流程",
    "statutory_limit": "法定办结时限",
    "promised_limit": "承诺办结时限",
    "fee_required": "是否收费",
    "fees": "收费项目及依据",
    "halls": "办理地点和时间",
    "consultation": "咨询方式",
    "complaint": "监督投诉方式",
    "visits": "到办事现场次数",
    "online": "是否网办",
    "online_depth": "网上办理深度",
    "online_payment": "是否支持网上支付",
    "express_delivery": "是否支持物流快递",
    "appointment": "是否支持预约办理",
    "materials": "申请材料",
    "materials.name": "材料名称",
    "materials.necessity": "材料必要性",
    "materials.condition": "提交情形",
    "materials.form": "材料形式",
    "materials.copies": "份数",
    "materials.source": "来源渠道",
    "materials.e_licence": "是否可用电子证照",
}


@dataclass(frozen=True)
class Finding:
    """One failed check of one record: where, what is wrong, what to change."""

    kind: str  # ELEMENT or CONSISTENCY
    file: str
    where: str  # "record 3", "line 4"
    item: str  # implementation code, else name, else where
    field: str  # dotted path, e.g. materials.2.condition
    element: str  # the GB/T 39554.2 element name
    problem: str
    fix: str


@dataclass
class ItemResult:
    file: str
    where: str
    code: str
    name: str
    department: str
    element_checks: int = 0
    consistency_checks: int = 0
    findings: list[Finding] = field(default_factory=list)

    def failed(self, kind: str) -> int:
        return len({f.field for f in self.findings if f.kind == kind})

    @property
    def element_score(self) -> float:
        if not self.element_checks:
            return 1.0
        return (self.element_checks - self.failed(ELEMENT)) / self.element_checks

    @property
    def conformant(self) -> bool:
        return not any(f.kind == ELEMENT for f in self.findings)


@dataclass(frozen=True)
class Context:
    """What the checks need to know about the province and the item's application."""

    file: str  # the file as shown in the report (relative to the province folder or repo)
    division: str | None
    areas: dict[str, str] | None
    form: OnlineForm | None
    forms_hint: str  # where an online application for an item goes, e.g. "forms/<code>.yaml"


def element_name(path: str) -> str:
    generic = re.sub(r"\.\d+", "", path)
    return ELEMENT_NAMES.get(generic) or ELEMENT_NAMES.get(generic.split(".")[0], generic)


class Checker:
    def __init__(self, data: dict[str, Any], ctx: Context, result: ItemResult) -> None:
        self.data = data
        self.ctx = ctx
        self.result = result

    def _add(self, kind: str, path: str, problem: str, fix: str) -> None:
        self.result.findings.append(
            Finding(
                kind,
                self.ctx.file,
                self.result.where,
                self.result.code or self.result.name or self.result.where,
                path,
                element_name(path),
                problem,
                f"In {self.ctx.file}, {self.result.where}: {fix}",
            )
        )

    def element(self, path: str, ok: Callable[[], str | None]) -> None:
        """Count an element check; ``ok`` returns None, or (problem, fix) joined by ' || '."""
        self.result.element_checks += 1
        self._run(ELEMENT, path, ok)

    def rule(self, path: str, ok: Callable[[], str | None]) -> None:
        self.result.consistency_checks += 1
        self._run(CONSISTENCY, path, ok)

    def _run(self, kind: str, path: str, ok: Callable[[], str | None]) -> None:
        try:
            outcome = ok()
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            outcome = f"{exc} || correct `{path}`"
        if outcome:
            problem, _, fix = outcome.partition(" || ")
            self._add(kind, path, problem, fix or f"correct `{path}`")
