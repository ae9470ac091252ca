"""Areas, halls and implementing bodies for the seed builder, read from data files.

``places/<code>.toml`` describes the demonstration places of one built-in province (its areas
with GB/T 2260 codes, their halls, the app's names); ``scripts/build_seed.py`` turns each into
``themes/<code>/catalogue/items.json``. The app never reads these files: a province's catalogue
is what its folder holds.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from app.domain.codes import make_uscc

PLACES_DIR = Path(__file__).resolve().parent / "places"


@dataclass(frozen=True, slots=True)
class Area:
    """An administrative area with its service hall."""

    code: str  # 12 digits
    name: str  # full display prefix, e.g. 济南市历下区
    short: str  # own name, e.g. 历下区
    city: str  # city name for county areas, own name otherwise
    hall: str
    address: str


@dataclass(frozen=True, slots=True)
class ProvinceData:
    """Everything the seed builder needs to know about one province."""

    code: str
    name: str
    app: str  # the provincial mobile app
    portal: str
    province: Area
    cities: tuple[Area, ...]
    counties: tuple[tuple[Area, ...], ...]  # per city
    #: a municipality (直辖市): its districts stand where cities are, and take county names
    municipality: bool = False
    #: province-level names of departments where the default template does not fit
    departments: dict[str, str] = field(default_factory=dict)

    def __hash__(self) -> int:
        return hash(self.code)


def _area(data: dict) -> Area:
    return Area(**{k: str(data[k]) for k in ("code", "name", "short", "city", "hall", "address")})


def load_places(path: Path) -> ProvinceData:
    """One places file; a missing key raises ``KeyError`` naming it."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    cities = data.get("cities", [])
    return ProvinceData(
        code=path.stem,
        name=data["name"],
        app=data["app"],
        portal=data["portal"],
        province=_area(data["province"]),
        cities=tuple(_area(c) for c in cities),
        counties=tuple(tuple(_area(a) for a in c.get("counties", [])) for c in cities),
        municipality=bool(data.get("municipality", False)),
        departments=dict(data.get("departments", {})),
    )


def all_places() -> dict[str, ProvinceData]:
    """Every places file, by province code (the file name)."""
    return {p.stem: load_places(p) for p in sorted(PLACES_DIR.glob("*.toml"))}


# department key -> (province name, city name, county name, USCC category, window)
# {p} province, {c} city, {a} area display name (city+county for counties), {s} county short name
DEPARTMENTS: dict[str, tuple[str, str, str, str, str]] = {
    "gongan": ("{p}公安厅", "{c}公安局", "{c}公安局{s}分局", "1", "户政"),
    "jiaoguan": (
        "{p}公安厅交通警察总队",
        "{c}公安局交通警察支队车辆管理所",
        "{c}公安局交通警察支队{s}大队",
        "1",
        "车驾管",
    ),
    "crj": ("{p}公安厅出入境管理局", "{c}公安局出入境管理支队", "{c}公安局{s}分局", "1", "出入境"),
    "renshe": (
        "{p}人力资源和社会保障厅",
        "{a}人力资源和社会保障局",
        "{a}人力资源和社会保障局",
        "1",
        "人社",
    ),
    "yibao": ("{p}医疗保障局", "{a}医疗保障局", "{a}医疗保障局", "1", "医保"),
    "gjj": (
        "{p}住房公积金管理中心",
        "{c}住房公积金管理中心",
        "{c}住房公积金管理中心{s}管理部",
        "2",
        "公积金",
    ),
    "minzheng": ("{p}民政厅", "{a}民政局", "{a}民政局", "1", "民政"),
    "jiaoyu": ("{p}教育厅", "{a}教育局", "{a}教育和体育局", "1", "教育"),
    "weijian": ("{p}卫生健康委员会", "{a}卫生健康委员会", "{a}卫生健康局", "1", "卫健"),
    "canlian": ("{p}残疾人联合会", "{a}残疾人联合会", "{a}残疾人联合会", "3", "残联"),
    "shichang": ("{p}市场监督管理局", "{a}市场监督管理局", "{a}市场监督管理局", "1", "市场监管"),
    "shuiwu": (
        "国家税务总局{p}税务局",
        "国家税务总局{c}税务局",
        "国家税务总局{a}税务局",
        "1",
        "税务",
    ),
    "huanjing": ("{p}生态环境厅", "{c}生态环境局", "{c}生态环境局{s}分局", "1", "生态环境"),
    "jiaotong": ("{p}交通运输厅", "{a}交通运输局", "{a}交通运输局", "1", "交通运输"),
    "zhujian": ("{p}住房和城乡建设厅", "{a}住房和城乡建设局", "{a}住房和城乡建设局", "1", "住建"),
    "budongchan": (
        "{p}自然资源厅",
        "{c}不动产登记中心",
        "{a}不动产登记中心",
        "2",
        "不动产登记",
    ),
}


@dataclass(frozen=True, slots=True)
class Body:
    """An implementing body with its unified social credit code."""

    name: str
    uscc: str
    window: str


def body(dept: str, province: ProvinceData, area: Area) -> Body:
    """The implementing body of ``dept`` in ``area``, with a valid, stable USCC."""
    prov_t, city_t, county_t, category, window = DEPARTMENTS[dept]
    prov_t = province.departments.get(dept, prov_t)
    level_of = {province.province.code: prov_t}
    level_of.update(
        {c.code: county_t if province.municipality else city_t for c in province.cities}
    )
    template = level_of.get(area.code, county_t)
    name = template.format(p=province.name, c=area.city, a=area.name, s=area.short)
    digest = int(hashlib.sha256(name.encode()).hexdigest(), 16)
    org8 = f"{digest % 10**8:08d}"
    return Body(name, make_uscc("1", category, area.code[:6], org8), window)
