"""Pydantic model of a service item and its materials (GB/T 39554.2 elements).

Field validators raise ``ValueError`` whose text names the value and the reason; pydantic
adds the field path, and the loader report shows both.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from app.domain.codes import (
    area_level,
    parse_implementation_code,
    validate_area_code,
    validate_basic_code,
    validate_uscc,
)
from app.domain.enums import (
    Audience,
    BodyNature,
    ChannelKind,
    ItemType,
    Level,
    MaterialForm,
    MaterialSource,
    Necessity,
    OnlineDepth,
    TimeUnit,
)

Text = Annotated[str, Field(min_length=1, max_length=2000)]
ShortText = Annotated[str, Field(min_length=1, max_length=200)]
AreaCode = Annotated[str, AfterValidator(validate_area_code)]
Uscc = Annotated[str, AfterValidator(validate_uscc)]
BasicCode = Annotated[str, AfterValidator(validate_basic_code)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class TimeLimit(_Model):
    """A time limit: ``value`` days of ``unit``; 即办 has value 0."""

    value: int = Field(ge=0, le=3650)
    unit: TimeUnit

    @model_validator(mode="after")
    def _immediate_is_zero(self) -> Self:
        if self.unit is TimeUnit.IMMEDIATE and self.value != 0:
            raise ValueError(f"value must be 0 when unit is 即办, got {self.value}")
        if self.unit is not TimeUnit.IMMEDIATE and self.value == 0:
            raise ValueError(f"value must be at least 1 {self.unit}; use unit 即办 for 0")
        return self

    def in_days(self) -> int:
        """Rough ordering key: working days count as 7/5 calendar days."""
        return self.value * 7 // 5 if self.unit is TimeUnit.WORKING_DAYS else self.value


class Fee(_Model):
    """A fee item in yuan with its legal basis (收费依据)."""

    name: ShortText
    amount: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    basis: Text


class Step(_Model):
    """A step of the handling process (办理流程)."""

    name: ShortText
    description: Text
    time_limit: TimeLimit | None = None


class Hall(_Model):
    """A handling location (办理地点) and its hours (办理时间)."""

    name: ShortText
    address: ShortText
    hours: ShortText
    phone: str | None = Field(default=None, max_length=40)


class Channel(_Model):
    """A consultation or complaint channel."""

    kind: ChannelKind
    value: ShortText


class Material(_Model):
    """申请材料."""

    name: ShortText
    necessity: Necessity = Necessity.REQUIRED
    condition: str | None = Field(default=None, max_length=500, validate_default=True)
    form: list[MaterialForm] = Field(min_length=1)
    copies: int = Field(default=1, ge=0, le=100)
    paper_size: str | None = Field(default=None, max_length=20)
    source: MaterialSource = MaterialSource.APPLICANT
    blank_form_url: str | None = Field(default=None, max_length=500)
    sample_url: str | None = Field(default=None, max_length=500)
    notes: str | None = Field(default=None, max_length=1000)
    e_licence: bool = False

    @field_validator("condition")
    @classmethod
    def _conditional_needs_condition(cls, v: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("necessity") is Necessity.CONDITIONAL and not v:
            raise ValueError("a 非必要 (conditional) material must state its condition")
        return v


class ServiceItem(_Model):
    """A service item of the implementation list (实施清单)."""

    implementation_code: str = Field(max_length=80)
    basic_code: BasicCode
    name: ShortText
    item_type: ItemType
    audience: Audience
    area_code: AreaCode
    level: Level
    department: ShortText
    department_code: Uscc
    department_nature: BodyNature = BodyNature.STATUTORY
    legal_basis: list[Text] = Field(min_length=1)
    acceptance_conditions: Text
    themes: list[Annotated[str, Field(min_length=1, max_length=20)]] = Field(default_factory=list)
    keywords: list[Annotated[str, Field(min_length=1, max_length=40)]] = Field(default_factory=list)
    steps: list[Step] = Field(min_length=1)
    statutory_limit: TimeLimit | None = None
    promised_limit: TimeLimit
    fee_required: bool = False
    fees: list[Fee] = Field(default_factory=list, validate_default=True)
    halls: list[Hall] = Field(default_factory=list[Hall])
    consultation: list[Channel] = Field(min_length=1)
    complaint: list[Channel] = Field(min_length=1)
    visits: int = Field(ge=0, le=10)
    online: bool
    online_depth: OnlineDepth
    online_payment: bool = False
    express_delivery: bool = False
    appointment: bool = False
    cross_province: bool = False
    popularity: int = Field(default=0, ge=0)
    effective_date: date | None = None
    materials: list[Material] = Field(default_factory=list[Material])

    @field_validator("implementation_code")
    @classmethod
    def _code_structure(cls, v: str) -> str:
        return str(parse_implementation_code(v))

    @field_validator("basic_code", "area_code", "department_code")
    @classmethod
    def _matches_code(cls, v: str, info: ValidationInfo) -> str:
        code = info.data.get("implementation_code")
        if code is None:
            return v
        # the code was parsed and normalised by _code_structure: split it cheaply
        basic, area, _, uscc, _, _ = code.split("-")
        label, part = {
            "basic_code": ("basic-code", basic),
            "area_code": ("area", area),
            "department_code": ("USCC", uscc),
        }[str(info.field_name)]
        if part != v:
            raise ValueError(f"{v!r} does not match the {label} part {part!r} of {code!r}")
        return v

    @field_validator("level")
    @classmethod
    def _level_matches_area(cls, v: Level, info: ValidationInfo) -> Level:
        area = info.data.get("area_code")
        if area is not None and v is not Level.NATIONAL and v != area_level(area):
            raise ValueError(f"{v} does not match area_code {area!r}, which is {area_level(area)}")
        return v

    @field_validator("promised_limit")
    @classmethod
    def _promise_within_statute(cls, v: TimeLimit, info: ValidationInfo) -> TimeLimit:
        st = info.data.get("statutory_limit")
        if st is not None and st.unit == v.unit and v.value > st.value:
            raise ValueError(
                f"{v.value} {v.unit} is longer than the statutory limit {st.value} {st.unit}"
            )
        return v

    @field_validator("fees")
    @classmethod
    def _fees_match_flag(cls, v: list[Fee], info: ValidationInfo) -> list[Fee]:
        required = info.data.get("fee_required")
        if required is True and not v:
            raise ValueError("fee_required is true but no fees are listed")
        if required is False and v:
            raise ValueError(f"{len(v)} fee(s) listed but fee_required is false")
        return v

    @field_validator("online")
    @classmethod
    def _online_if_no_visits(cls, v: bool, info: ValidationInfo) -> bool:
        if info.data.get("visits") == 0 and not v:
            raise ValueError("false, but visits is 0 (fully online)")
        return v

    @field_validator("online_depth")
    @classmethod
    def _depth_matches_online(cls, v: OnlineDepth, info: ValidationInfo) -> OnlineDepth:
        if info.data.get("online") and v in (OnlineDepth.INFO, OnlineDepth.DOWNLOAD):
            raise ValueError(f"{v} is below 三级 but online is true")
        return v
