"""Closed vocabularies of the item catalogue (GB/T 39554.2, GB/T 39046 dictionaries).

Values are the Chinese words the data files use, so a catalogue reads like a real one.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal


class ItemType(StrEnum):
    """事项类型."""

    LICENSING = "行政许可"
    PAYMENT = "行政给付"
    CONFIRMATION = "行政确认"
    INSPECTION = "行政检查"
    REWARD = "行政奖励"
    ADJUDICATION = "行政裁决"
    OTHER_POWER = "其他行政权力"
    PUBLIC_SERVICE = "公共服务"


#: the English key of an :class:`Audience`: an account's kind (``Identity.kind``, the identity
#: providers' claim values), the search index's filter token, the search command line
AudienceKey = Literal["person", "business"]


class Audience(StrEnum):
    """服务对象: natural persons or legal persons."""

    PERSON = "个人"
    LEGAL_PERSON = "法人"

    @property
    def key(self) -> AudienceKey:
        """``person`` or ``business``."""
        return "business" if self is Audience.LEGAL_PERSON else "person"

    @classmethod
    def from_key(cls, key: str) -> Audience:
        """The audience of an English key; ``ValueError`` for anything else."""
        for audience in cls:
            if audience.key == key:
                return audience
        raise ValueError(f"{key!r} is not an audience key (person or business)")

    @classmethod
    def parse(cls, value: str) -> Audience | None:
        """The audience named by its word (个人, 法人) or its English key; ``None`` otherwise."""
        for audience in cls:
            if value in (audience.value, audience.key):
                return audience
        return None


class Level(StrEnum):
    """行使层级."""

    NATIONAL = "国家级"
    PROVINCE = "省级"
    CITY = "市级"
    COUNTY = "县级"
    TOWNSHIP = "乡级"


class BodyNature(StrEnum):
    """实施主体性质."""

    STATUTORY = "法定机关"
    AUTHORISED = "授权组织"
    ENTRUSTED = "受委托组织"


class TimeUnit(StrEnum):
    """Unit of a time limit; 即办 means handled on the spot."""

    WORKING_DAYS = "工作日"
    CALENDAR_DAYS = "自然日"
    IMMEDIATE = "即办"


class OnlineDepth(StrEnum):
    """网上办理深度: 一级 information only … 四级 fully online."""

    INFO = "一级"
    DOWNLOAD = "二级"
    APPLY = "三级"
    FULL = "四级"


class Necessity(StrEnum):
    """材料必要性: 容缺 may be supplied after acceptance."""

    REQUIRED = "必要"
    CONDITIONAL = "非必要"
    DEFERRABLE = "容缺"


class MaterialForm(StrEnum):
    """材料形式."""

    ORIGINAL = "原件"
    COPY = "复印件"
    ELECTRONIC = "电子件"


class MaterialSource(StrEnum):
    """来源渠道."""

    APPLICANT = "申请人自备"
    ISSUER = "政府部门核发"
    SHARED = "政务共享"
    INTERMEDIARY = "中介机构"


class ChannelKind(StrEnum):
    """Consultation and complaint channels."""

    PHONE = "电话"
    WEBSITE = "网站"
    COUNTER = "窗口"
    APP = "移动端"
    MAIL = "信函"
    EMAIL = "电子邮件"
