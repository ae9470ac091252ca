"""The application form of an item, derived from its GB/T 39554.2 elements.

Every item that can be handled online (``online`` with depth 三级 or 四级) gets a form even
when nobody wrote one:

1. ``applicant``: who applies, prefilled and locked from the signed-in identity: a person's
   name and ID number, or a company's name and unified social credit code with its agent
   (经办人); a contact phone the citizen may change;
2. ``situation`` (only when the item has conditional materials): one yes/no question per
   distinct 提交情形 (material condition), deciding which conditional materials apply;
3. ``materials``: one upload per material (required unless 容缺 or conditional and not
   applicable), offering a one-tap e-licence where the item says an electronic licence can
   replace the material;
4. then the wizard's own declaration and separate consent, check your answers and submit.

Only the item record is read (never a province name). A hand-written form that sets
``extends_derived: true`` is merged into the derived one by :func:`merge` (its steps replace
derived steps of the same id, or come before the materials); any other hand-written form
replaces the derived one.
"""

from __future__ import annotations

from app.catalogue.i18n import CatalogueContent, base_content, content_text
from app.domain.enums import Audience, Necessity, OnlineDepth, TimeUnit
from app.domain.service_item import Material, ServiceItem, Step
from app.flow.schema import FormDefinition, FormField, FormStep
from app.text import composed, remember, sjoin, st
from app.text import source_text as t
from app.text.format import local_time_limit

ONLINE_DEPTHS = (OnlineDepth.APPLY, OnlineDepth.FULL)
#: the real-name level a derived form asks for (二级: verified against the population register)
DERIVED_MIN_LEVEL = 2
#: ids of the derived steps (a hand-written extension may replace one by using its id)
APPLICANT_STEP, SITUATION_STEP, MATERIALS_STEP = "applicant", "situation", "materials"
APPLICANT_PREFIX = "申请人"


def can_apply_online(item: ServiceItem) -> bool:
    """Whether the catalogue says this item can be applied for online (三级 or 四级)."""
    return item.online and item.online_depth in ONLINE_DEPTHS


def licence_kind(material: Material) -> str:
    """The e-licence kind that may replace ``material`` ('' if none): the material's name,
    without a leading 申请人 (the applicant's own 居民身份证 is the licence 居民身份证).

    Only the applicant's own licences are ever looked up, so a material of somebody else
    (父母居民身份证) never matches the applicant's licence of that kind.
    """
    if not material.e_licence:
        return ""
    return material.name.removeprefix(APPLICANT_PREFIX)


def _c(text: str, content: CatalogueContent) -> str:
    """Catalogue content as a local text (its translations in the province's table, else the
    Chinese)."""
    return content_text(text, content) if text else text


def conditions(item: ServiceItem) -> list[str]:
    """The distinct conditions (提交情形) of the item's conditional materials, in order."""
    found: list[str] = []
    for m in item.materials:
        if m.condition and m.necessity is Necessity.CONDITIONAL and m.condition not in found:
            found.append(m.condition)
    return found


def _applicant(item: ServiceItem) -> FormStep:
    if item.audience is Audience.LEGAL_PERSON:
        fields = [
            FormField(name="org_name", kind="text", label=t("单位名称"), prefill="org_name",
                      locked=True),
            FormField(name="uscc", kind="text", label=t("统一社会信用代码"), prefill="uscc",
                      locked=True),
            FormField(name="agent_name", kind="text", label=t("经办人姓名"), prefill="name",
                      locked=True),
            FormField(name="agent_id_number", kind="id_number", label=t("经办人身份证号码"),
                      prefill="id_number", locked=True),
        ]  # fmt: skip
        intro = t("以下单位和经办人信息来自统一身份认证的法人账号。")
    else:
        fields = [
            FormField(name="name", kind="text", label=t("姓名"), prefill="name", locked=True),
            FormField(name="id_number", kind="id_number", label=t("公民身份号码"),
                      prefill="id_number", locked=True),
        ]  # fmt: skip
        intro = t("以下信息来自统一身份认证，如有错误请先到发证机关更正。")
    phone = FormField(
        name="phone",
        kind="phone",
        label=t("联系电话"),
        hint=t("用于接收办理进度短信"),
        prefill="phone",
        autocomplete="tel",
    )
    return FormStep(id=APPLICANT_STEP, title=t("申请人信息"), intro=intro, fields=[*fields, phone])


def _situation(item: ServiceItem, content: CatalogueContent) -> FormStep | None:
    found = conditions(item)
    if not found:
        return None
    fields: list[FormField] = []
    for index, condition in enumerate(found, start=1):
        needs = [m.name for m in item.materials if m.condition == condition]
        fields.append(
            FormField.model_validate(
                {
                    "name": f"situation_{index}",
                    "kind": "radio",
                    "label": composed(
                        "您是否属于这种情形：{condition}", condition=_c(condition, content)
                    ),
                    "hint": composed(
                        "属于这种情形时需要提交：{materials}",
                        limit=300,
                        materials=_joined(needs, content),
                    ),
                    "options": [
                        {"value": "yes", "label": t("是")},
                        {"value": "no", "label": t("否")},
                    ],
                }
            )
        )
    return FormStep(
        id=SITUATION_STEP,
        title=t("您的情况"),
        intro=t("您的回答决定需要提交哪些材料。"),
        fields=fields,
    )


def _joined(names: list[str], content: CatalogueContent) -> str:
    """Material names as one local text (、 in Chinese, the locale's list separator else)."""
    return sjoin("、", [_c(n, content) for n in names])


def _material_hint(m: Material, content: CatalogueContent) -> str:
    parts: list[str] = []
    if m.necessity is Necessity.DEFERRABLE:
        parts.append(st("容缺受理：可以先提交申请，受理后再补交"))
    if m.notes:
        parts.append(_c(m.notes, content))
    parts.append(st("JPEG、PNG 图片或 PDF、OFD 文件"))
    return remember(sjoin("；", parts), limit=300)


def _materials(item: ServiceItem, content: CatalogueContent) -> FormStep | None:
    index_of = {c: i for i, c in enumerate(conditions(item), start=1)}
    fields: list[FormField] = []
    for number, m in enumerate(item.materials, start=1):
        data: dict[str, object] = {
            "name": f"material_{number}",
            "kind": "file",
            "label": remember(_c(m.name, content)),
            "hint": _material_hint(m, content),
            "required": m.necessity is not Necessity.DEFERRABLE,
            "material": m.name,
            "licence": licence_kind(m),
        }
        if m.necessity is Necessity.CONDITIONAL and m.condition in index_of:
            data["when"] = {"field": f"situation_{index_of[m.condition]}", "in": ["yes"]}
        fields.append(FormField.model_validate(data))
    if not fields:
        return None
    return FormStep(
        id=MATERIALS_STEP,
        title=t("申请材料"),
        intro=t("请拍照或选择文件上传；有电子证照的材料可以直接使用，免于上传。"),
        fields=fields,
    )


def _next_steps(item: ServiceItem, content: CatalogueContent) -> list[str]:
    def step(s: Step) -> str:
        return composed(
            "{name}：{description}",
            limit=300,
            name=_c(s.name, content),
            description=_c(s.description, content),
        )

    steps = [step(s) for s in item.steps[1:]] or [step(s) for s in item.steps]
    limit = item.promised_limit
    if limit.unit is TimeUnit.IMMEDIATE:
        promise = composed(
            "{department}将当场办结，结果会以站内消息通知您。",
            limit=300,
            department=_c(item.department, content),
        )
    else:
        promise = composed(
            "{department}将在承诺时限{time_limit}内办结，进度会以站内消息和短信通知您。",
            limit=300,
            department=_c(item.department, content),
            time_limit=local_time_limit(limit.value, str(limit.unit)),
        )
    return [promise, *steps]


def derived_form(item: ServiceItem, content: CatalogueContent | None = None) -> FormDefinition:
    """The form built from the item's elements (whether or not it can be applied for online),
    its texts in every locale the ``content`` table (the province folder's translations over
    the built-in ones, ``app.catalogue.i18n.content_for``) has them in."""
    content = content if content is not None else base_content()
    steps = [
        s
        for s in (_applicant(item), _situation(item, content), _materials(item, content))
        if s is not None
    ]
    business = item.audience is Audience.LEGAL_PERSON
    declaration = (
        t("本单位承诺所填写的信息和提交的材料真实、准确、完整，如有虚假，愿意承担相应的法律责任。")
        if business
        else t("本人承诺所填写的信息和提交的材料真实、准确、完整，如有虚假，愿意承担相应的法律责任。")
    )  # fmt: skip
    consent = composed(
        "我同意{department}为办理“{item}”，处理申请中的身份证件号码、联系电话和上传材料等敏感个人信息，仅用于本事项。",
        limit=1000,
        department=_c(item.department, content),
        item=_c(item.name, content),
    )
    return FormDefinition(
        key=item.basic_code,
        title=item.name[:80],
        audience=str(item.audience),  # type: ignore[arg-type]
        min_level=DERIVED_MIN_LEVEL,
        department=item.department,
        declaration=declaration,
        sensitive_consent=consent,
        next_steps=_next_steps(item, content),
        steps=steps,
        origin="derived",
    )


def merge(derived: FormDefinition, extension: FormDefinition) -> FormDefinition:
    """A hand-written ``extends_derived`` form laid over the derived one.

    Its steps replace derived steps of the same id, or come before the materials step (a
    material it asks for in a file field of its own is dropped from the derived ones, and so
    is a 提交情形 question that no derived material depends on any more); its declaration,
    consent and next steps replace the derived ones when it has them.
    """
    own = {s.id: s for s in extension.steps}
    # a material the extension asks for itself is not asked for twice
    provided = {f.material for f in extension.fields() if f.kind == "file" and f.material}
    dropped = {f.name for f in derived.fields() if f.kind == "file" and f.material in provided}
    # a 提交情形 question is asked only while a field still depends on its answer
    gone = dropped | {f.name for s in derived.steps if s.id in own for f in s.fields}
    depends = [(f, f.name in gone) for f in derived.fields() if f.when is not None]
    depends += [(f, False) for f in extension.fields() if f.when is not None]
    deciding = {f.when.field for f, lost in depends if f.when is not None and not lost}
    dropped |= {f.when.field for f, lost in depends if f.when is not None and lost} - deciding
    steps: list[FormStep] = []
    for step in derived.steps:
        if step.id in own:
            steps.append(own.pop(step.id))
            continue
        kept = [f for f in step.fields if f.name not in dropped]
        if kept:
            steps.append(step.model_copy(update={"fields": kept}) if kept != step.fields else step)
    position = next((i for i, s in enumerate(steps) if s.id == MATERIALS_STEP), len(steps))
    steps[position:position] = list(own.values())
    data = derived.model_dump(by_alias=True)
    data |= {
        "title": extension.title,
        "min_level": max(extension.min_level, derived.min_level),
        "steps": [s.model_dump(by_alias=True) for s in steps],
        "origin": "extended",
    }
    for key in ("declaration", "sensitive_consent", "next_steps", "department"):
        if getattr(extension, key):
            data[key] = getattr(extension, key)
    return FormDefinition.model_validate(data)
