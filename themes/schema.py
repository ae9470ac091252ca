"""The schema of a province's ``theme.toml``: every field documented, exported as JSON Schema.

``python -m themes schema`` writes ``themes/theme.schema.json`` (for editors: Taplo / Even Better
TOML pick it up from the ``#:schema`` comment at the top of a theme.toml); a unit test fails
when the committed file is stale.

Paths (mark, favicon) are relative to the province folder and must stay inside it; the loader
checks that they exist. The folder's content lives in files of fixed names beside theme.toml
(``catalogue/``, ``synonyms.toml``, ``forms/``, ``translations.toml``): see docs/province-files.md.
"""

from __future__ import annotations

import json
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.domain.enums import Audience

HomeSection = Literal["hero", "search", "hot_searches", "services", "life_events", "progress"]
DEFAULT_SECTIONS: tuple[HomeSection, ...] = (
    "hero",
    "search",
    "hot_searches",
    "services",
    "life_events",
    "progress",
)

_HOTLINE = re.compile(r"^[0-9]{3,8}$")
_SITE_CODE = re.compile(r"^[0-9A-Za-z]{10}$")
_LOCALE = re.compile(r"^[a-z]{2,3}(?:_[A-Za-z]{2,4})?$")
_POLICE = re.compile(r"^\S{1,4}公网安备\s?[0-9]{14}号$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


def _relative_path(value: str, suffixes: tuple[str, ...]) -> str:
    if value.startswith("/") or "\\" in value:
        raise ValueError("must be a path relative to the theme folder, with / separators")
    if not value.lower().endswith(suffixes):
        raise ValueError(f"must end with {' or '.join(suffixes)}")
    return value


class Identity(_Strict):
    """Who the instance is: the province, the app's names and its mark."""

    province: str = Field(min_length=2, description="省份名称 shown to citizens, e.g. 山东省")
    division: str = Field(
        pattern=r"^[1-8][0-9]$",
        description="GB/T 2260 two-digit code of the province, e.g. 37 for 山东省: every area "
        "code of the catalogue starts with it",
    )
    abbreviation: str = Field(
        min_length=1, max_length=2, description="The province's one-character abbreviation, e.g. 鲁"
    )
    app_name: str = Field(
        min_length=1,
        max_length=12,
        description="App name shown in the header and titles, e.g. 爱山东",
    )
    short_name: str = Field(
        default="",
        max_length=6,
        description="Short name for the home-screen icon and tight spaces (default: app_name)",
    )
    tagline: str = Field(
        default="", max_length=20, description="Short line under the name, e.g. 山东省政务服务"
    )
    mark: str = Field(
        description="The brand mark: an SVG file (no scripts), relative to the theme folder"
    )
    favicon: str = Field(
        default="",
        description="Browser-tab icon: an SVG or PNG relative to the folder (default: the mark)",
    )

    @field_validator("mark")
    @classmethod
    def _svg_only(cls, value: str) -> str:
        return _relative_path(value, (".svg",))

    @field_validator("favicon")
    @classmethod
    def _icon(cls, value: str) -> str:
        return _relative_path(value, (".svg", ".png")) if value else value


class Contact(_Strict):
    """What the footer must show: the hotline, the units that run the site, its registrations."""

    hotline: str = Field(default="12345", description="Government service hotline (3-8 digits)")
    host_unit: str = Field(min_length=2, description="主办单位: the unit that hosts the platform")
    operator_unit: str = Field(
        default="", description="承办单位: the unit that runs it (optional; shown when set)"
    )
    icp: str = Field(min_length=4, description="ICP 备案号, e.g. 鲁ICP备00000000号-1")
    police_record: str = Field(
        default="",
        description="公安备案号, e.g. 鲁公网安备 37010202000000号 (optional; shown when set)",
    )
    site_code: str = Field(description="网站标识码 (10 letters or digits)")

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

    @field_validator("police_record")
    @classmethod
    def _police(cls, value: str) -> str:
        if value and not _POLICE.match(value):
            raise ValueError("must look like 鲁公网安备 37010202000000号 (14 digits)")
        return value


class HomeService(_Strict):
    """One tile of the high-frequency services grid (高频服务)."""

    name: str = Field(min_length=1, max_length=12, description="Tile label, at most 12 characters")
    icon: str = Field(min_length=1, description="Icon name from the component library")
    audience: Audience = Field(description="个人 (citizens) or 法人 (businesses)")
    query: str = Field(min_length=1, description="What the tile searches the catalogue for")


class LifeEvent(_Strict):
    """One life-event theme (一件事一次办) shown on the home page."""

    name: str = Field(min_length=1, max_length=8, description="Theme label, at most 8 characters")
    icon: str = Field(min_length=1, description="Icon name from the component library")
    audience: Audience = Field(default=Audience.PERSON, description="个人 or 法人")


class Hero(_Strict):
    """The welcome text at the top of the home page (shown when the section is listed)."""

    title: str = Field(
        default="", max_length=24, description="Large line, e.g. 无证明城市 一网通办"
    )
    text: str = Field(default="", max_length=80, description="One sentence under the title")


class Home(_Strict):
    """The home page: which sections, in which order, and what they hold."""

    sections: list[HomeSection] = Field(
        default_factory=lambda: list(DEFAULT_SECTIONS),
        min_length=1,
        description=(
            "Sections of the home page in order; any of: hero (needs hero.title), search, "
            "hot_searches (needs hot_searches), services (高频服务 with the 个人/法人 switch), "
            "life_events (主题服务), progress (办件查询)"
        ),
    )
    hero: Hero = Field(default_factory=Hero, description="Welcome text")
    hot_searches: list[str] = Field(
        default_factory=list,
        max_length=10,
        description="热门搜索: phrases offered under the search box (each 1-12 characters)",
    )
    services: list[HomeService] = Field(min_length=1, description="高频服务 tiles")
    life_events: list[LifeEvent] = Field(min_length=1, description="主题服务 (life events)")

    @field_validator("sections")
    @classmethod
    def _unique(cls, value: list[HomeSection]) -> list[HomeSection]:
        dupes = sorted({s for s in value if value.count(s) > 1})
        if dupes:
            raise ValueError(f"each section at most once; repeated: {', '.join(dupes)}")
        return value

    @field_validator("hot_searches")
    @classmethod
    def _phrases(cls, value: list[str]) -> list[str]:
        for phrase in value:
            if not 1 <= len(phrase.strip()) <= 12:
                raise ValueError(f"phrase {phrase!r} must be 1 to 12 characters")
        return [p.strip() for p in value]

    @model_validator(mode="after")
    def _sections_have_content(self) -> Home:
        if "hero" in self.sections and not self.hero.title:
            raise ValueError("sections lists hero but hero.title is empty")
        if "hot_searches" in self.sections and not self.hot_searches:
            raise ValueError("sections lists hot_searches but hot_searches is empty")
        return self


class Features(_Strict):
    """What this instance offers; a province switches features on or off here."""

    evaluation: bool = Field(default=True, description="好差评: citizens rate finished services")
    cross_province: bool = Field(default=True, description="跨省通办: show cross-province services")
    elder_mode: bool = Field(default=True, description="长辈版: offer the elder-friendly mode")
    languages: list[str] = Field(
        default_factory=lambda: ["zh_Hans"],
        min_length=1,
        description="Languages offered (Babel codes with a catalogue under locales/), e.g. zh_Hans",
    )
    default_language: str = Field(
        default="zh_Hans", description="Language of a first visit; one of languages"
    )

    @field_validator("languages")
    @classmethod
    def _codes(cls, value: list[str]) -> list[str]:
        bad = [code for code in value if not _LOCALE.match(code)]
        if bad:
            raise ValueError(f"not language codes like zh_Hans or ug: {', '.join(bad)}")
        if len(set(value)) != len(value):
            raise ValueError("each language at most once")
        return value

    @model_validator(mode="after")
    def _default_offered(self) -> Features:
        if self.default_language not in self.languages:
            raise ValueError(
                f"default_language {self.default_language!r} is not in languages {self.languages}"
            )
        return self


TokenTable = dict[str, str]


class ElderOverrides(_Strict):
    """Token overrides applied in elder mode (长辈版), by tier, on top of the standard ones."""

    palette: TokenTable = Field(default_factory=dict, description="Palette colours in elder mode")
    scale: TokenTable = Field(default_factory=dict, description="Sizes in elder mode")
    role: TokenTable = Field(default_factory=dict, description="Semantic roles in elder mode")
    component: TokenTable = Field(default_factory=dict, description="Component tokens")


class TokenOverrides(_Strict):
    """Overrides of themes/base/tokens.toml, by tier; a province lists only what it changes.

    Values are CSS values or references ``{tier.key}``; palette values are colours ``#rrggbb``.
    """

    palette: TokenTable = Field(default_factory=dict, description="Base colours, e.g. brand-700")
    scale: TokenTable = Field(
        default_factory=dict, description="Type scale, spacing, radius (rem), e.g. radius-md"
    )
    role: TokenTable = Field(
        default_factory=dict, description="Semantic roles: text, surface, action, focus, brand …"
    )
    component: TokenTable = Field(
        default_factory=dict, description="Component tokens: header-bg, tabbar-current …"
    )
    elder: ElderOverrides = Field(
        default_factory=ElderOverrides, description="Overrides in elder mode (长辈版)"
    )


class ThemeFile(_Strict):
    """A province's theme.toml."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        frozen=True,
        title="Yiwang province theme (theme.toml)",
    )

    identity: Identity = Field(description="Province, app name, mark")
    contact: Contact = Field(description="Footer contacts and registrations")
    home: Home = Field(description="Home page layout and content")
    features: Features = Field(default_factory=Features, description="Features and languages")
    tokens: TokenOverrides = Field(
        default_factory=TokenOverrides, description="Design-token overrides"
    )


def json_schema() -> str:
    """The JSON Schema of theme.toml, as committed in ``themes/theme.schema.json``."""
    schema = ThemeFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
