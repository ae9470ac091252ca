"""The schema of a province's ``theme.toml`` (the minimal layer; the full one grows from it)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Audience = Literal["个人", "法人"]
LocaleCode = Literal["zh_Hans"]

_HOTLINE = re.compile(r"^[0-9]{3,8}$")
_SITE_CODE = re.compile(r"^[0-9A-Za-z]{10}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Identity(_Strict):
    """Who the instance is: the province and the app's name and mark."""

    province: str = Field(min_length=2, description="省份名称, e.g. 山东省")
    app_name: str = Field(min_length=1, description="App name shown in the header, e.g. 爱山东")
    tagline: str = Field(default="", description="Short line under the name, e.g. 山东政务服务")
    mark: str = Field(description="Path of the SVG mark, relative to the theme folder")
    locale: LocaleCode = Field(default="zh_Hans", description="Default language of the instance")

    @field_validator("mark")
    @classmethod
    def _svg_only(cls, value: str) -> str:
        if not value.lower().endswith(".svg"):
            raise ValueError("must be an .svg file relative to the theme folder")
        return value


class Contact(_Strict):
    """What the footer must show (the provincial platform and the unit that runs it)."""

    hotline: str = Field(default="12345", description="Government service hotline")
    host_unit: str = Field(min_length=2, description="主办单位")
    operator_unit: str = Field(default="", description="承办单位 (optional)")
    icp: str = Field(min_length=4, description="ICP 备案号")
    site_code: str = Field(description="网站标识码 (10 characters)")

    @field_validator("hotline")
    @classmethod
    def _digits(cls, value: str) -> str:
        if not _HOTLINE.match(value):
            raise ValueError("must be 3 to 8 digits, e.g. 12345")
        return value

    @field_validator("site_code")
    @classmethod
    def _site_code(cls, value: str) -> str:
        if not _SITE_CODE.match(value):
            raise ValueError("must be 10 letters or digits, e.g. 3700000046")
        return value


class HomeService(_Strict):
    """One tile of the high-frequency services grid."""

    name: str = Field(min_length=1, max_length=12)
    icon: str = Field(min_length=1, description="Icon name from the component library")
    audience: Audience
    query: str = Field(min_length=1, description="What the tile searches the catalogue for")


class LifeEvent(_Strict):
    """One life-event theme (一件事) shown on the home page."""

    name: str = Field(min_length=1, max_length=8)
    icon: str = Field(min_length=1)
    audience: Audience = "个人"


class Home(_Strict):
    services: list[HomeService] = Field(min_length=1)
    life_events: list[LifeEvent] = Field(min_length=1)


class TokenOverrides(_Strict):
    """Overrides of the base tokens, by tier; a province lists only what it changes."""

    palette: dict[str, str] = Field(default_factory=dict)
    scale: dict[str, str] = Field(default_factory=dict)
    role: dict[str, str] = Field(default_factory=dict)
    component: dict[str, str] = Field(default_factory=dict)


class ThemeFile(_Strict):
    identity: Identity
    contact: Contact
    home: Home
    tokens: TokenOverrides = Field(default_factory=TokenOverrides)
