"""The service catalogue: items (事项) with their guides, materials and form fields, and bundles (一件事).

Parsed from plain dicts (the store reads the files); every malformed field is reported with the
file and the path to it, so an installer can fix a catalogue without reading code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from app.domain.errors import CatalogError
from app.i18n import _


class MaterialForm(StrEnum):
    ORIGINAL = "original"
    COPY = "copy"
    ELECTRONIC = "electronic"

    @property
    def label(self) -> str:
        return {"original": _("原件"), "copy": _("复印件"), "electronic": _("电子件")}[self.value]


class FieldType(StrEnum):
    TEXT = "text"
    TEXTAREA = "textarea"
    DATE = "date"
    PHONE = "phone"
    ID_NUMBER = "id_number"
    NUMBER = "number"
    CHOICE = "choice"


class Scope(StrEnum):
    INDIVIDUAL = "individual"
    ORGANISATION = "organisation"


@dataclass(frozen=True)
class Material:
    code: str
    name: str
    form: MaterialForm
    count: int = 1
    required: bool = True
    deferrable: bool = False       # 可容缺
    from_id_card: bool = False     # can be produced from the ID card read itself
    requirements: str = ""
    when_agent: bool = False       # required when an agent applies (代办人身份证, 委托书)
    e_certificate: bool = False    # the district holds it electronically (电子证照): no paper needed


@dataclass(frozen=True)
class FormField:
    key: str
    label: str
    type: FieldType = FieldType.TEXT
    required: bool = False
    pattern: str | None = None
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    prefill: str | None = None     # e.g. "applicant.id_number"
    hint: str = ""


@dataclass(frozen=True)
class Guide:
    """The six elements of an item's 办事指南, plus what the window needs to know."""

    scope: Scope
    accepting_agency: str
    deciding_agency: str
    legal_basis: str
    conditions: str
    legal_limit_days: int
    promised_limit_days: int
    fee: str
    visits: int
    consultation_phone: str = ""   # empty: the centre's phone
    complaint_phone: str = ""
    place: str = ""                # where and when (办理地点和时间)


@dataclass(frozen=True)
class ServiceItem:
    code: str
    name: str
    agency: str
    guide: Guide
    materials: tuple[Material, ...]
    fields: tuple[FormField, ...]
    keywords: tuple[str, ...] = ()

    @property
    def instant(self) -> bool:
        """即办件: decided on the spot (promised limit of 0 working days)."""
        return self.guide.promised_limit_days == 0


@dataclass(frozen=True)
class Bundle:
    code: str
    name: str
    item_codes: tuple[str, ...]
    description: str = ""


@dataclass(frozen=True)
class Catalog:
    version: str
    agencies: Mapping[str, str]
    items: Mapping[str, ServiceItem]
    bundles: Mapping[str, Bundle]
    calendar_overrides: Mapping[date, bool] = field(default_factory=dict)

    def item(self, code: str) -> ServiceItem:
        try:
            return self.items[code]
        except KeyError:
            raise CatalogError(_("目录中没有编码为 {code} 的事项").format(code=code)) from None

    def bundle(self, code: str) -> Bundle:
        try:
            return self.bundles[code]
        except KeyError:
            raise CatalogError(_("目录中没有编码为 {code} 的一件事").format(code=code)) from None

    def bundle_items(self, code: str) -> list[ServiceItem]:
        return [self.item(c) for c in self.bundle(code).item_codes]


def time_limit_text(item: ServiceItem) -> str:
    g = item.guide
    if item.instant:
        return _("即办件（当场办结）")
    return _("承诺件：承诺 {promised_limit_days} 个工作日办结（法定 {legal_limit_days} 个工作日）").format(
            promised_limit_days=g.promised_limit_days, legal_limit_days=g.legal_limit_days)


def guide_elements(item: ServiceItem, centre_phone: str = "", centre_place: str = "") -> list[tuple[str, str]]:
    """The guide's six elements and what a citizen asks next, in the order the window shows them:
    适用范围、受理机构、决定机构、办结时限、收费依据及标准, the legal basis, conditions, visits and phones
    (the 申请材料目录, the sixth element, is listed material by material beside them)."""
    g = item.guide
    rows = [(_("适用范围"), _("个人") if g.scope is Scope.INDIVIDUAL else _("法人及其他组织")),
            (_("受理机构"), g.accepting_agency), (_("决定机构"), g.deciding_agency), (_("办结时限"), time_limit_text(item)),
            (_("收费依据及标准"), g.fee), (_("设定依据"), g.legal_basis)]
    if g.conditions:
        rows.append((_("受理条件"), g.conditions))
    rows.append((_("到现场次数"), _("最多 {visits} 次").format(visits=g.visits) if g.visits else _("零跑腿（全程网办）")))
    if g.place or centre_place:
        rows.append((_("办理地点"), g.place or centre_place))
    rows.append((_("咨询电话"), g.consultation_phone or centre_phone or "—"))
    if g.complaint_phone:
        rows.append((_("投诉电话"), g.complaint_phone))
    return rows


def material_note(m: Material) -> str:
    """What the checklist says of a material beside its name: optional, 可容缺, 电子证照, requirements."""
    notes = []
    if m.when_agent:
        notes.append(_("代办时提供"))
    elif not m.required:
        notes.append(_("选交"))
    if m.deferrable:
        notes.append(_("可容缺"))
    if m.e_certificate:
        notes.append(_("可用电子证照"))
    if m.requirements:
        notes.append(m.requirements)
    return _("；").join(notes)


def merge_fields(items: Iterable[ServiceItem]) -> list[FormField]:
    """One form for several items: each field once (by key), required if any item requires it."""
    merged: dict[str, FormField] = {}
    for item in items:
        for f in item.fields:
            if f.key in merged:
                if f.required and not merged[f.key].required:
                    merged[f.key] = FormField(**{**merged[f.key].__dict__, "required": True})
            else:
                merged[f.key] = f
    return list(merged.values())


def merge_materials(items: Iterable[ServiceItem]) -> list[Material]:
    """One checklist for several items: each material once (by code); the strictest demands win."""
    merged: dict[str, Material] = {}
    for item in items:
        for m in item.materials:
            prev = merged.get(m.code)
            if prev is None:
                merged[m.code] = m
                continue
            form = MaterialForm.ORIGINAL if MaterialForm.ORIGINAL in (prev.form, m.form) else prev.form
            merged[m.code] = Material(
                code=m.code, name=prev.name, form=form, count=max(prev.count, m.count),
                required=prev.required or m.required, deferrable=prev.deferrable and m.deferrable,
                from_id_card=prev.from_id_card and m.from_id_card,
                requirements=prev.requirements or m.requirements,
                when_agent=prev.when_agent and m.when_agent, e_certificate=prev.e_certificate and m.e_certificate,
            )
    return list(merged.values())


# --- parsing -------------------------------------------------------------------------------------


class _Reader:
    """Reads typed values from a dict, reporting errors as '<file>: <path>: <problem>'."""

    def __init__(self, source: str, data: Any, path: str = ""):
        self.source, self.data, self.path = source, data, path
        if not isinstance(data, dict):
            self.fail(_("应为一个对象 (JSON object)"))

    def fail(self, problem: str, key: str | None = None):
        where = ".".join(p for p in (self.path, key) if p) or _("(顶层)")
        raise CatalogError(_("目录文件 {source} 的字段 {where} 有误：{problem}").format(
                source=self.source, where=where, problem=problem))

    def _get(self, key: str, kinds: tuple[type, ...], default: Any, required: bool):
        if key not in self.data:
            if required:
                self.fail(_("缺少此字段"), key)
            return default
        value = self.data[key]
        if isinstance(value, bool) and bool not in kinds:
            self.fail(_("类型应为 {kinds}").format(kinds='/'.join(k.__name__ for k in kinds)), key)
        if not isinstance(value, kinds):
            self.fail(_("类型应为 {kinds}").format(kinds='/'.join(k.__name__ for k in kinds)), key)
        return value

    def str(self, key: str, default: str | None = None) -> str:
        value = self._get(key, (str,), default, default is None)
        if default is None and not value.strip():
            self.fail(_("不能为空"), key)
        return value

    def int(self, key: str, default: int | None = None, minimum: int = 0) -> int:
        value = self._get(key, (int,), default, default is None)
        if value < minimum:
            self.fail(_("不能小于 {minimum}").format(minimum=minimum), key)
        return value

    def bool(self, key: str, default: bool) -> bool:
        return self._get(key, (bool,), default, False)

    def enum(self, key: str, enum: type[StrEnum], default: StrEnum | None = None):
        value = self._get(key, (str,), default.value if default else None, default is None)
        try:
            return enum(value)
        except ValueError:
            self.fail(_("应为 {enum} 之一，而不是“{value}”").format(enum=' / '.join(e.value for e in enum), value=value), key)

    def list(self, key: str, required: bool = True) -> list:
        return self._get(key, (list,), [], required)

    def child(self, key: str, index: int | None = None) -> _Reader:
        value = self.data[key] if index is None else self.data[key][index]
        sub = f"{key}[{index}]" if index is not None else key
        return _Reader(self.source, value, ".".join(p for p in (self.path, sub) if p))


def _parse_material(r: _Reader) -> Material:
    return Material(
        code=r.str("code"), name=r.str("name"), form=r.enum("form", MaterialForm),
        count=r.int("count", 1, minimum=1), required=r.bool("required", True),
        deferrable=r.bool("deferrable", False), from_id_card=r.bool("from_id_card", False),
        requirements=r.str("requirements", ""), when_agent=r.bool("when_agent", False),
        e_certificate=r.bool("e_certificate", False),
    )


def _parse_field(r: _Reader) -> FormField:
    pattern = r.str("pattern", "") or None
    if pattern:
        try:
            re.compile(pattern)
        except re.error as e:
            r.fail(_("正则表达式无效（{e}）").format(e=e), "pattern")
    ftype = r.enum("type", FieldType, FieldType.TEXT)
    choices = tuple(r.list("choices", required=False))
    if ftype is FieldType.CHOICE and not choices:
        r.fail(_("选择型字段必须提供 choices"), "choices")
    prefill = r.str("prefill", "") or None
    if prefill and not prefill.startswith(("applicant.", "agent.")):
        r.fail(_("预填来源应以 applicant. 或 agent. 开头"), "prefill")
    max_length = r.data.get("max_length")
    if max_length is not None:
        max_length = r.int("max_length", minimum=1)
    return FormField(
        key=r.str("key"), label=r.str("label"), type=ftype, required=r.bool("required", False),
        pattern=pattern, max_length=max_length, choices=choices, prefill=prefill, hint=r.str("hint", ""),
    )


def _parse_item(r: _Reader, agencies: Mapping[str, str]) -> ServiceItem:
    agency = r.str("agency")
    if agency not in agencies:
        r.fail(_("未知的部门“{agency}”（应为 {agencies} 之一）").format(agency=agency, agencies=', '.join(agencies)), "agency")
    g = r.child("guide")
    legal = g.int("legal_limit_days")
    promised = g.int("promised_limit_days")
    if promised > legal:
        g.fail(_("承诺时限不能长于法定时限"), "promised_limit_days")
    guide = Guide(
        scope=g.enum("scope", Scope), accepting_agency=g.str("accepting_agency"),
        deciding_agency=g.str("deciding_agency"), legal_basis=g.str("legal_basis"),
        conditions=g.str("conditions", ""), legal_limit_days=legal, promised_limit_days=promised,
        fee=g.str("fee"), visits=g.int("visits", minimum=0), consultation_phone=g.str("consultation_phone", ""),
        complaint_phone=g.str("complaint_phone", ""), place=g.str("place", ""),
    )
    materials = tuple(_parse_material(r.child("materials", i)) for i in range(len(r.list("materials"))))
    fields = tuple(_parse_field(r.child("fields", i)) for i in range(len(r.list("fields"))))
    for kind, seq in (("materials", [m.code for m in materials]), ("fields", [f.key for f in fields])):
        dupes = {c for c in seq if seq.count(c) > 1}
        if dupes:
            r.fail(_("编码重复：{dupes}").format(dupes=', '.join(sorted(dupes))), kind)
    return ServiceItem(
        code=r.str("code"), name=r.str("name"), agency=agency, guide=guide,
        materials=materials, fields=fields, keywords=tuple(r.list("keywords", required=False)),
    )


_VERSION = re.compile(r"^[0-9]{1,6}(\.[0-9]{1,6}){0,4}$")


def version_key(version: str) -> tuple[int, ...]:
    """A catalogue version (numbers separated by dots, e.g. 2026.12.1) as something that orders correctly."""
    if not isinstance(version, str) or not _VERSION.match(version):
        raise CatalogError(_("事项目录版本号“{version}”格式无效：应为以点分隔的数字，如 2026.12.1").format(version=str(version)[:40]))
    return tuple(int(p) for p in version.split("."))


def parse_catalog(documents: Mapping[str, Any]) -> Catalog:
    """Build a catalogue from parsed documents keyed by file name.

    `catalog.json` holds version, agencies and calendar overrides; `bundles.json` the bundles;
    every other document holds `items`.
    """
    if "catalog.json" not in documents:
        raise CatalogError(_("目录缺少文件 catalog.json"))
    head = _Reader("catalog.json", documents["catalog.json"])
    version = head.str("version")
    version_key(version)
    agencies_r = head.child("agencies")
    agencies = {k: agencies_r.str(k) for k in agencies_r.data}
    overrides: dict[date, bool] = {}
    cal = head.child("calendar_overrides") if "calendar_overrides" in head.data else None
    for key in (cal.data if cal else {}):
        try:
            day = date.fromisoformat(key)
        except ValueError:
            cal.fail(_("日期格式应为 YYYY-MM-DD"), key)
        kind = cal.str(key)
        if kind not in ("workday", "holiday"):
            cal.fail(_("应为 workday 或 holiday"), key)
        overrides[day] = kind == "workday"

    items: dict[str, ServiceItem] = {}
    for source in sorted(documents):
        if source in ("catalog.json", "bundles.json"):
            continue
        doc = _Reader(source, documents[source])
        for i in range(len(doc.list("items"))):
            r = doc.child("items", i)
            item = _parse_item(r, agencies)
            if item.code in items:
                r.fail(_("事项编码 {code} 重复").format(code=item.code), "code")
            items[item.code] = item

    bundles: dict[str, Bundle] = {}
    if "bundles.json" in documents:
        doc = _Reader("bundles.json", documents["bundles.json"])
        for i in range(len(doc.list("bundles"))):
            r = doc.child("bundles", i)
            codes = tuple(r.list("items"))
            if len(codes) < 2:
                r.fail(_("一件事至少包含两个事项"), "items")
            for code in codes:
                if code not in items:
                    r.fail(_("引用了不存在的事项 {code}").format(code=code), "items")
            bundle = Bundle(code=r.str("code"), name=r.str("name"), item_codes=codes,
                            description=r.str("description", ""))
            bundles[bundle.code] = bundle
    if not items:
        raise CatalogError(_("目录中没有任何事项"))
    return Catalog(version=version, agencies=agencies, items=items, bundles=bundles,
                   calendar_overrides=overrides)
