"""Areas, halls and implementing bodies of the shipped provinces (seed data)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from app.domain.codes import make_uscc


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


HOURS = "周一至周五 9:00-12:00, 13:30-17:00（法定节假日除外）"
WEEKEND_HOURS = "周一至周五 9:00-17:00，周六 9:00-12:00（法定节假日除外）"


def _a(code6: str, name: str, short: str, city: str, hall: str, address: str) -> Area:
    return Area(code6 + "000000", name, short, city, hall, address)


SHANDONG = ProvinceData(
    code="shandong",
    name="山东省",
    app="爱山东",
    portal="山东政务服务网",
    province=_a(
        "370000", "山东省", "山东省", "济南市", "山东省政务服务中心", "济南市历下区龙鼎大道1号"
    ),
    cities=(
        _a(
            "370100",
            "济南市",
            "济南市",
            "济南市",
            "济南市民中心政务服务大厅",
            "济南市历下区龙鼎大道1号",
        ),
        _a(
            "370200",
            "青岛市",
            "青岛市",
            "青岛市",
            "青岛市民中心政务服务大厅",
            "青岛市崂山区海尔路190号",
        ),
    ),
    counties=(
        (
            _a(
                "370102",
                "济南市历下区",
                "历下区",
                "济南市",
                "历下区政务服务中心",
                "济南市历下区历山路101号",
            ),
            _a(
                "370103",
                "济南市市中区",
                "市中区",
                "济南市",
                "市中区政务服务中心",
                "济南市市中区二环南路2688号",
            ),
            _a(
                "370112",
                "济南市历城区",
                "历城区",
                "济南市",
                "历城区政务服务中心",
                "济南市历城区华信路3号",
            ),
        ),
        (
            _a(
                "370202",
                "青岛市市南区",
                "市南区",
                "青岛市",
                "市南区政务服务中心",
                "青岛市市南区宁夏路286号",
            ),
            _a(
                "370203",
                "青岛市市北区",
                "市北区",
                "青岛市",
                "市北区政务服务中心",
                "青岛市市北区辽宁路263号",
            ),
            _a(
                "370211",
                "青岛市黄岛区",
                "黄岛区",
                "青岛市",
                "黄岛区政务服务中心",
                "青岛市黄岛区长江中路216号",
            ),
        ),
    ),
)

SICHUAN = ProvinceData(
    code="sichuan",
    name="四川省",
    app="天府通办",
    portal="四川政务服务网",
    province=_a(
        "510000",
        "四川省",
        "四川省",
        "成都市",
        "四川省政务服务中心",
        "成都市武侯区天府大道北段1480号",
    ),
    cities=(
        _a(
            "510100",
            "成都市",
            "成都市",
            "成都市",
            "成都市政务服务中心",
            "成都市高新区锦城大道366号",
        ),
        _a(
            "511600",
            "广安市",
            "广安市",
            "广安市",
            "广安市政务服务中心",
            "广安市广安区金安大道二段88号",
        ),
    ),
    counties=(
        (
            _a(
                "510104",
                "成都市锦江区",
                "锦江区",
                "成都市",
                "锦江区政务服务中心",
                "成都市锦江区东大街芷泉段68号",
            ),
            _a(
                "510105",
                "成都市青羊区",
                "青羊区",
                "成都市",
                "青羊区政务服务中心",
                "成都市青羊区光华北三路98号",
            ),
            _a(
                "510107",
                "成都市武侯区",
                "武侯区",
                "成都市",
                "武侯区政务服务中心",
                "成都市武侯区航空路1号",
            ),
        ),
        (
            _a(
                "511602",
                "广安市广安区",
                "广安区",
                "广安市",
                "广安区政务服务中心",
                "广安市广安区建设路1号",
            ),
            _a(
                "511603",
                "广安市前锋区",
                "前锋区",
                "广安市",
                "前锋区政务服务中心",
                "广安市前锋区前锋大道9号",
            ),
            _a(
                "511621",
                "广安市岳池县",
                "岳池县",
                "广安市",
                "岳池县政务服务中心",
                "广安市岳池县九龙街道滨河路12号",
            ),
        ),
    ),
)

SHIPPED: dict[str, ProvinceData] = {p.code: p for p in (SHANDONG, SICHUAN)}

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
    level_of = {province.province.code: prov_t}
    level_of.update({c.code: city_t for c in province.cities})
    template = level_of.get(area.code, county_t)
    name = template.format(p=province.name, c=area.city, a=area.name, s=area.short)
    digest = int(hashlib.sha256(name.encode()).hexdigest(), 16)
    org8 = f"{digest % 10**8:08d}"
    return Body(name, make_uscc("1", category, area.code[:6], org8), window)
