"""Turn a service template into catalogue items placed in a province's areas."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from app.catalogue.build.places import DEPARTMENTS, Area, Body, ProvinceData, body
from app.catalogue.build.services import SERVICES
from app.catalogue.build.template import Template, limit
from app.domain.enums import ItemType

DEPT_INDEX = {key: i for i, key in enumerate(DEPARTMENTS)}
TYPE_INDEX = {t.value: i for i, t in enumerate(ItemType)}
EFFECTIVE = "2024-01-01"


def basic_code(index: int, template: Template) -> str:
    """A stable 12-digit basic code: service number, department, item type."""
    dept, kind = DEPT_INDEX[template.dept] + 1, TYPE_INDEX[template.item_type] + 1
    return f"{index + 1:03d}{dept:02d}{kind:01d}000000"


def places(template: Template, index: int, province: ProvinceData) -> list[Area]:
    """Where a service is offered: the province, both cities, or one county per city."""
    if template.level == "省级":
        return [province.province]
    if template.level == "市级":
        return list(province.cities)
    return [counties[index % len(counties)] for counties in province.counties]


@cache
def _body(dept: str, province: ProvinceData, area: Area) -> Body:
    return body(dept, province, area)


def level_of(area: Area) -> str:
    """省级, 市级 or 县级 by the area code's trailing zeros."""
    if area.code[2:] == "0" * 10:
        return "省级"
    return "市级" if area.code[4:] == "0" * 8 else "县级"


def make_item(
    template: Template,
    index: int,
    province: ProvinceData,
    area: Area,
    *,
    sub: str = "00",
    popularity: int | None = None,
) -> dict[str, Any]:
    """One item as the JSON a catalogue file holds."""
    who = _body(template.dept, province, area)
    basic = basic_code(index, template)
    kind = TYPE_INDEX[template.item_type] + 1
    hall = {
        "name": f"{area.hall}{who.window}窗口",
        "address": area.address,
        "hours": "周一至周五 9:00-12:00，13:30-17:00（法定节假日除外）",
    }
    online = template.depth in ("三级", "四级")
    item: dict[str, Any] = {
        "implementation_code": f"{basic}-{area.code}-000-{who.uscc}-{kind}-{sub}",
        "basic_code": basic,
        "name": template.name,
        "item_type": template.item_type,
        "audience": template.audience,
        "area_code": area.code,
        "level": level_of(area),
        "department": who.name,
        "department_code": who.uscc,
        "department_nature": "法定机关" if who.uscc[1] == "1" else "授权组织",
        "legal_basis": list(template.basis),
        "acceptance_conditions": template.conditions,
        "themes": list(template.themes),
        "keywords": list(template.keywords),
        "steps": [{"name": n, "description": d} for n, d in template.steps],
        "promised_limit": limit(template.promised),
        "fee_required": bool(template.fees),
        "fees": [{"name": n, "amount": a, "basis": b} for n, a, b in template.fees],
        "halls": [hall],
        "consultation": [
            {"kind": "电话", "value": "12345政务服务便民热线"},
            {"kind": "移动端", "value": f"{province.app} APP“在线咨询”"},
            {"kind": "窗口", "value": f"{area.hall}综合咨询窗口"},
        ],
        "complaint": [
            {"kind": "电话", "value": "12345政务服务便民热线"},
            {"kind": "网站", "value": f"{province.portal}“好差评”"},
        ],
        "visits": template.visits,
        "online": online,
        "online_depth": template.depth,
        "online_payment": template.payment,
        "express_delivery": template.delivery,
        "appointment": template.appointment,
        "cross_province": template.cross_province,
        "popularity": template.popularity if popularity is None else popularity,
        "effective_date": EFFECTIVE,
        "materials": [dict(material) for material in template.materials],
    }
    if template.statutory is not None:
        item["statutory_limit"] = limit(template.statutory)
    return item


def seed_items(province: ProvinceData) -> Iterator[dict[str, Any]]:
    """The seed catalogue of a province, in a stable order."""
    for index, template in enumerate(SERVICES):
        for rank, area in enumerate(places(template, index, province)):
            # bigger places see more use: the first city is the capital
            yield make_item(
                template, index, province, area, popularity=template.popularity - 7 * rank
            )
