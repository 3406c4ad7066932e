"""The case (办件): its states, the events that change it, and the projection built from them.

Commands on `Case` check the rules, then record an event and apply it; `Case.replay` rebuilds the
same case from its events alone, which is what makes the stored case row a projection.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar

from app.domain.calendar import WorkingDayCalendar
from app.domain.catalog import Material, ServiceItem
from app.domain.errors import DomainError, IllegalTransition, ValidationError
from app.domain.events import CaseEvent, EventSourced
from app.domain.forms import documents_of, validate_form
from app.domain.identity import Agent, Identity
from app.domain.rating import Rating, RecordedRating
from app.i18n import N_, _

__all__ = ["AFTER_DEFERRAL_STATES", "PRESENT", "TRANSITIONS", "Case", "CaseEvent", "CaseState", "Channel", "DeliveryMethod",
           "EvidenceGrade", "MaterialRecord", "MaterialStatus", "result_item"]


class CaseState(StrEnum):
    DRAFT = "draft"
    ACCEPTED = "accepted"
    ACCEPTED_DEFERRED = "accepted_deferred"
    CORRECTION_NOTIFIED = "correction_notified"
    REFUSAL_REQUESTED = "refusal_requested"
    REFUSED = "refused"
    SUBMITTED = "submitted"
    PROCESSING = "processing"
    COMPLETED_APPROVED = "completed_approved"
    COMPLETED_DENIED = "completed_denied"
    HANDED_OUT = "handed_out"
    WITHDRAWN = "withdrawn"
    TERMINATED = "terminated"

    @property
    def label(self) -> str:
        return _(_STATE_LABELS[self])


_STATE_LABELS = {
    CaseState.DRAFT: N_("草稿"), CaseState.ACCEPTED: N_("已受理"), CaseState.ACCEPTED_DEFERRED: N_("容缺受理"),
    CaseState.CORRECTION_NOTIFIED: N_("已一次性告知"), CaseState.REFUSAL_REQUESTED: N_("不予受理待审批"),
    CaseState.REFUSED: N_("不予受理"), CaseState.SUBMITTED: N_("已报送"), CaseState.PROCESSING: N_("办理中"),
    CaseState.COMPLETED_APPROVED: N_("办结（准予）"), CaseState.COMPLETED_DENIED: N_("办结（不予）"),
    CaseState.HANDED_OUT: N_("已出件"), CaseState.WITHDRAWN: N_("已撤回"), CaseState.TERMINATED: N_("终止办理"),
}


class MaterialStatus(StrEnum):
    MISSING = "missing"
    RECEIVED = "received"    # paper seen and taken
    CAPTURED = "captured"    # scanned on the document camera
    DEFERRED = "deferred"    # 容缺: to be supplied later under a signed commitment
    E_CERTIFICATE = "e_certificate"   # satisfied by the district's electronic certificate (电子证照)
    DEFECTIVE = "defective"  # shown but not fit to take (expired, another name…): handed back, to be corrected

    @property
    def label(self) -> str:
        return {"missing": _("未收"), "received": _("已收"), "captured": _("已拍摄"), "deferred": _("容缺"),
                "e_certificate": _("电子证照"), "defective": _("不合格")}[self.value]


# Why a material shown at the window is handed back instead of taken (the note of a DEFECTIVE material).
DEFECTS: dict[str, str] = {
    "expired": N_("已过期"), "wrong_name": N_("姓名与申请人不符"), "illegible": N_("字迹或印章不清"),
    "unsigned": N_("缺少签名"), "copy_only": N_("只有复印件，无原件可核验"),
}


def defect_text(reason: str) -> str:
    """The clerk's words for a defect reason (a free-text reason is kept as typed)."""
    return _(DEFECTS[reason]) if reason in DEFECTS else reason


class EvidenceGrade(StrEnum):
    """How far a material can be relied on (国办函〔2016〕108号)."""

    A = "A"    # issued by the agency itself
    B = "B"    # checked by the clerk against the original; the scan carries the 核验原件 mark
    C = "C"    # supplied by the applicant, original still to be checked
    D = "D"    # made by the applicant, backed by a signed commitment

    @property
    def label(self) -> str:
        return {"A": _("A 本部门核发"), "B": _("B 已核验原件"), "C": _("C 申请人提供"), "D": _("D 申请人承诺")}[self.value]


class Channel(StrEnum):
    """Where the case was taken in."""

    WINDOW = "window"
    HOME_VISIT = "home_visit"      # 上门办: a clerk's laptop at the citizen's home

    @property
    def label(self) -> str:
        return {"window": _("窗口受理"), "home_visit": _("上门办")}[self.value]


class DeliveryMethod(StrEnum):
    """How the citizen receives the result (领取方式)."""

    WINDOW = "window"
    POST = "post"                  # 邮寄
    LOCKER = "locker"              # E邮柜: a locker in the hall, opened with a pick-up code

    @property
    def label(self) -> str:
        return {"window": _("窗口领取"), "post": _("邮寄送达"), "locker": _("E邮柜自取")}[self.value]


PRESENT = (MaterialStatus.RECEIVED, MaterialStatus.CAPTURED, MaterialStatus.E_CERTIFICATE)
_EDITABLE = frozenset({CaseState.DRAFT})
AFTER_DEFERRAL_STATES = frozenset({CaseState.ACCEPTED_DEFERRED, CaseState.SUBMITTED, CaseState.PROCESSING})
_OPEN = frozenset(CaseState) - {CaseState.REFUSED, CaseState.COMPLETED_APPROVED, CaseState.COMPLETED_DENIED,
                                CaseState.HANDED_OUT, CaseState.WITHDRAWN, CaseState.TERMINATED}
_DECIDED = frozenset({CaseState.COMPLETED_APPROVED, CaseState.COMPLETED_DENIED})
# A citizen rates a visit that ended in something: acceptance, a notice, a refusal, a result handed out.
_RATEABLE = frozenset(CaseState) - {CaseState.DRAFT, CaseState.REFUSAL_REQUESTED, CaseState.WITHDRAWN}

# event type -> (states it may happen in, state it leads to or None when the state is kept)
TRANSITIONS: dict[str, tuple[frozenset[CaseState], CaseState | None]] = {
    "applicant_set": (_EDITABLE, None),
    "agent_set": (_EDITABLE, None),
    "fields_filled": (_EDITABLE, None),
    "delivery_set": (_EDITABLE, None),
    "material_marked": (_EDITABLE, None),
    "material_supplied": (AFTER_DEFERRAL_STATES, None),
    "accepted": (frozenset({CaseState.DRAFT}), CaseState.ACCEPTED),
    "accepted_with_deferred": (frozenset({CaseState.DRAFT}), CaseState.ACCEPTED_DEFERRED),
    "correction_notice_issued": (frozenset({CaseState.DRAFT}), CaseState.CORRECTION_NOTIFIED),
    "correction_resumed": (frozenset({CaseState.CORRECTION_NOTIFIED}), CaseState.DRAFT),
    "refusal_requested": (_EDITABLE, CaseState.REFUSAL_REQUESTED),
    "refusal_approved": (frozenset({CaseState.REFUSAL_REQUESTED}), CaseState.REFUSED),
    "refusal_rejected": (frozenset({CaseState.REFUSAL_REQUESTED}), CaseState.DRAFT),
    "submitted": (frozenset({CaseState.ACCEPTED, CaseState.ACCEPTED_DEFERRED}), CaseState.SUBMITTED),
    "processing_started": (frozenset({CaseState.SUBMITTED}), CaseState.PROCESSING),
    "completed": (frozenset({CaseState.SUBMITTED, CaseState.PROCESSING}), None),
    "completed_at_window": (frozenset({CaseState.ACCEPTED}), CaseState.COMPLETED_APPROVED),
    "terminated": (AFTER_DEFERRAL_STATES, CaseState.TERMINATED),
    "handed_out": (_DECIDED, CaseState.HANDED_OUT),
    "withdrawn": (_OPEN, CaseState.WITHDRAWN),
    "document_printed": (frozenset(CaseState), None),
    "rated": (_RATEABLE, None),
    "receipt_printed": (frozenset(CaseState), None),       # written by earlier versions
}

_ACTION_LABELS = {
    "applicant_set": N_("修改申请人"), "agent_set": N_("修改代办人"), "fields_filled": N_("填写表单"), "delivery_set": N_("登记领取方式"),
    "material_marked": N_("登记材料"), "material_supplied": N_("补交材料"), "accepted": N_("受理"),
    "accepted_with_deferred": N_("容缺受理"), "correction_notice_issued": N_("一次性补正告知"),
    "correction_resumed": N_("补正后继续办理"), "refusal_requested": N_("申请不予受理"), "refusal_approved": N_("批准不予受理"),
    "refusal_rejected": N_("驳回不予受理申请"), "submitted": N_("报送"), "processing_started": N_("开始办理"), "completed": N_("办结"),
    "completed_at_window": N_("当场办结"), "terminated": N_("终止办理"), "handed_out": N_("出件"), "withdrawn": N_("撤回"),
    "document_printed": N_("打印单据"), "receipt_printed": N_("打印回执"), "rated": N_("评价"),
}


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def result_item(item_name: str) -> str:
    """What is handed over for an item by default: 'X办理结果 1份' (an item called '…办理' is not doubled)."""
    return f"{item_name}{'结果' if item_name.endswith('办理') else '办理结果'} 1份"  # i18n: data (printed on the handout slip)


@dataclass
class MaterialRecord:
    status: MaterialStatus = MaterialStatus.MISSING
    attachments: list[str] = field(default_factory=list)   # SHA-256 of stored pages
    source: str = ""                                        # e.g. "id_card" when taken from the card read
    note: str = ""
    grade: EvidenceGrade | None = None
    certificate: dict[str, str] | None = None               # 电子证照: its number and issuing agency


@dataclass
class Case(EventSourced):
    id: str
    case_number: str
    item_code: str
    item_name: str
    catalog_version: str
    instant: bool
    clerk: str
    created_at: datetime
    bundle_id: str | None = None
    bundle_code: str | None = None
    ticket: str | None = None
    channel: Channel = Channel.WINDOW
    home_visit_address: str = ""
    cannot_do_id: str | None = None                         # the 办不成事 registration this case came from
    state: CaseState = CaseState.DRAFT
    applicant: Identity | None = None
    agent: Agent | None = None
    fields: dict[str, str] = field(default_factory=dict)
    materials: dict[str, MaterialRecord] = field(default_factory=dict)
    delivery: dict[str, str] | None = None
    accepted_at: datetime | None = None
    promised_date: date | None = None
    promised_provisional: bool = False
    deferred_deadline: date | None = None
    deferred: list[str] = field(default_factory=list)       # deferred at acceptance (kept once supplied)
    correction: list[dict[str, str]] = field(default_factory=list)
    correction_notified_at: datetime | None = None
    refusal: dict[str, str] | None = None
    decision: dict[str, Any] | None = None
    termination: dict[str, str] | None = None
    official_number: str | None = None                      # the district's number, once it received the case
    handout: dict[str, Any] | None = None
    rating: RecordedRating | None = None                    # 好差评: one per case, never changed
    ticket_taken_at: datetime | None = None                 # the queue ticket the citizen came with
    ticket_called_at: datetime | None = None
    decided_at: datetime | None = None                      # 办结, at the district or at the window
    deferred_done_at: datetime | None = None                # the last deferred material came in
    version: int = 0                                        # seq of the last applied event
    pending: list[CaseEvent] = field(default_factory=list, repr=False)   # recorded, not yet stored

    TRANSITIONS: ClassVar = TRANSITIONS
    ACTION_LABELS: ClassVar = _ACTION_LABELS
    OPENING: ClassVar = "case_opened"
    KIND: ClassVar = "case"

    @property
    def number(self) -> str:
        return _("办件 {case_number}").format(case_number=self.case_number)

    # --- creation and replay -------------------------------------------------------------------

    @classmethod
    def open(cls, *, case_id: str, case_number: str, item: ServiceItem, catalog_version: str, clerk: str,
             at: datetime, bundle_id: str | None = None, bundle_code: str | None = None,
             ticket: str | None = None, channel: Channel = Channel.WINDOW, home_visit_address: str = "",
             cannot_do_id: str | None = None, ticket_times: tuple[datetime, datetime | None] | None = None) -> Case:
        """A new draft case for one item; its first event is `case_opened`."""
        if channel is Channel.HOME_VISIT and not home_visit_address.strip():
            raise ValidationError(_("上门办须登记上门地址"), "home_visit_address")
        case = cls(id=case_id, case_number=case_number, item_code=item.code, item_name=item.name,
                   catalog_version=catalog_version, instant=item.instant, clerk=clerk, created_at=at)
        case._record("case_opened", {
            "case_number": case_number, "item_code": item.code, "item_name": item.name,
            "catalog_version": catalog_version, "instant": item.instant, "bundle_id": bundle_id,
            "bundle_code": bundle_code, "ticket": ticket, "channel": channel.value,
            "home_visit_address": home_visit_address.strip(), "cannot_do_id": cannot_do_id,
            "materials": [m.code for m in item.materials],
            **({"ticket_taken_at": ticket_times[0].isoformat(),
                "ticket_called_at": ticket_times[1].isoformat() if ticket_times[1] else None} if ticket_times else {}),
        }, clerk, at)
        return case

    @classmethod
    def replay(cls, events: list[CaseEvent]) -> Case:
        """Rebuild a case from its events (ordered by seq)."""
        if not events or events[0].type != "case_opened":
            raise DomainError(_("办件事件不完整：缺少开立事件"))
        first = events[0]
        p = first.payload
        case = cls(id=first.case_id, case_number=p["case_number"], item_code=p["item_code"],
                   item_name=p["item_name"], catalog_version=p["catalog_version"], instant=p["instant"],
                   clerk=first.clerk, created_at=first.occurred_at)
        case._apply_all(events)
        return case

    # --- applying events ------------------------------------------------------------------------

    def _apply(self, e: CaseEvent) -> None:
        p = e.payload
        t = e.type
        if t == "case_opened":
            self.bundle_id, self.bundle_code, self.ticket = p["bundle_id"], p["bundle_code"], p["ticket"]
            self.channel = Channel(p.get("channel", "window"))
            self.home_visit_address, self.cannot_do_id = p.get("home_visit_address", ""), p.get("cannot_do_id")
            self.materials = {code: MaterialRecord() for code in p["materials"]}
            self.ticket_taken_at = _moment(p.get("ticket_taken_at"))
            self.ticket_called_at = _moment(p.get("ticket_called_at"))
        elif t == "applicant_set":
            self.applicant = Identity.from_dict(p["applicant"])
        elif t == "agent_set":
            self.agent = Agent.from_dict(p["agent"]) if p["agent"] else None
        elif t == "fields_filled":
            self.fields.update(p["values"])
        elif t == "delivery_set":
            self.delivery = dict(p)
        elif t in ("material_marked", "material_supplied"):
            self._apply_material(p)
            if t == "material_supplied" and not self.outstanding_deferred:
                self.deferred_done_at = e.occurred_at
        elif t in ("accepted", "accepted_with_deferred"):
            self.accepted_at = e.occurred_at
            self.promised_date = date.fromisoformat(p["promised_date"])
            self.promised_provisional = p["promised_provisional"]
            if p.get("deferred_deadline"):
                self.deferred_deadline = date.fromisoformat(p["deferred_deadline"])
                self.deferred = list(p.get("deferred", []))
        elif t == "correction_notice_issued":
            self.correction = list(p["missing"])
            self.correction_notified_at = e.occurred_at
        elif t == "refusal_requested":
            self.refusal = {"reason": p["reason"], "legal_basis": p["legal_basis"], "guidance": p["guidance"],
                            "requested_by": e.clerk, "requested_at": e.occurred_at.isoformat()}
        elif t == "refusal_approved":
            self.refusal = {**(self.refusal or {}), "approved_by": p["supervisor"]}
        elif t == "refusal_rejected":
            self.refusal = None
        elif t in ("submitted", "processing_started"):
            self.official_number = p.get("official_number") or self.official_number
        elif t in ("completed", "completed_at_window"):
            self.official_number = p.get("official_number") or self.official_number
            self.decision = {"approved": p.get("approved", True), "note": p.get("note", ""),
                             "official_number": self.official_number}
            self.decided_at = e.occurred_at
        elif t == "terminated":
            self.termination = {"reason": p.get("reason", ""), "by": e.clerk}
        elif t == "handed_out":
            self.handout = dict(p)
        elif t == "rated":
            self.rating = RecordedRating(Rating.from_payload(p), e.occurred_at, e.clerk)
        _unused, target = TRANSITIONS.get(t, (None, None))
        if t == "completed":
            target = CaseState.COMPLETED_APPROVED if p["approved"] else CaseState.COMPLETED_DENIED
        if target is not None:
            self.state = target
        self.version = e.seq

    def _apply_material(self, p: dict[str, Any]) -> None:
        rec = self.materials.setdefault(p["code"], MaterialRecord())
        rec.status = MaterialStatus(p["status"])
        rec.attachments = list(p.get("attachments", rec.attachments))
        rec.source, rec.note = p.get("source", ""), p.get("note", "")
        rec.certificate = p.get("certificate") if rec.status is MaterialStatus.E_CERTIFICATE else None
        if p.get("grade"):
            rec.grade = EvidenceGrade(p["grade"])
        elif rec.status is MaterialStatus.MISSING:
            rec.grade = None

    def row_fields(self) -> dict[str, Any]:
        return {
            "case_number": self.case_number, "item_code": self.item_code, "item_name": self.item_name,
            "bundle_id": self.bundle_id, "bundle_code": self.bundle_code, "state": self.state.value,
            "applicant_name": self.applicant.name if self.applicant else "",
            "applicant_id_number": self.applicant.id_number if self.applicant else "",
            "catalog_version": self.catalog_version, "clerk": self.clerk, "promised_date": self.promised_date,
            "accepted_at": self.accepted_at, "deferred_deadline": self.deferred_deadline,
            "deferred_open": len(self.outstanding_deferred), "channel": self.channel.value,
        }

    # --- intake commands ----------------------------------------------------------------------

    def set_applicant(self, identity: Identity, clerk: str, at: datetime, *, from_card: bool) -> None:
        identity.validate()
        self._record("applicant_set", {"applicant": identity.to_dict(), "from_card": from_card}, clerk, at)

    def set_agent(self, agent: Agent | None, clerk: str, at: datetime) -> None:
        if agent is not None:
            agent.identity.validate()
            if not agent.relation.strip():
                raise ValidationError(_("请填写代办人与申请人的关系"), "relation")
            if self.applicant is not None and agent.identity.id_number == self.applicant.id_number:
                raise ValidationError(_("代办人不能是申请人本人"), "agent")
        self._record("agent_set", {"agent": agent.to_dict() if agent else None}, clerk, at)

    def fill_fields(self, values: dict[str, str], clerk: str, at: datetime) -> None:
        changed = {k: v for k, v in values.items() if self.fields.get(k) != v}
        if changed:
            self._record("fields_filled", {"values": changed}, clerk, at)

    def set_delivery(self, method: DeliveryMethod, clerk: str, at: datetime, *, address: str = "",
                     locker: str = "") -> None:
        """领取方式: at this window, by post to an address, or from an E邮柜 locker."""
        if method is DeliveryMethod.POST and not address.strip():
            raise ValidationError(_("邮寄送达须填写收件地址"), "address")
        payload = {"method": method.value, "address": address.strip() if method is DeliveryMethod.POST else "",
                   "locker": locker.strip() if method is DeliveryMethod.LOCKER else ""}
        if payload != (self.delivery or {"method": "window", "address": "", "locker": ""}):
            self._record("delivery_set", payload, clerk, at)

    @property
    def delivery_method(self) -> DeliveryMethod:
        return DeliveryMethod((self.delivery or {}).get("method", "window"))

    def mark_material(self, material: Material, status: MaterialStatus, clerk: str, at: datetime, *,
                      attachments: list[str] | None = None, source: str = "", note: str = "",
                      grade: EvidenceGrade | None = None) -> None:
        """Record a material's status, its pages (SHA-256, in order) and, when given, its evidence grade."""
        if status is MaterialStatus.DEFERRED and (not material.deferrable or self.instant):
            raise DomainError(_("材料“{name}”不可容缺").format(name=material.name) + (_("（即办件）") if self.instant else ""))
        if status is MaterialStatus.E_CERTIFICATE:
            raise DomainError(_("电子证照请用“电子证照”登记证照编号和发证机关"))
        if status is MaterialStatus.DEFECTIVE:
            if not note.strip():
                raise ValidationError(_("请说明材料“{name}”哪里不合格").format(name=material.name), "reason")
            attachments = []          # nothing of it is kept: it goes back to the citizen
        self._record("material_marked", self._material_payload(material, status, attachments, source, note, grade),
                     clerk, at)

    def mark_e_certificate(self, material: Material, number: str, agency: str, clerk: str, at: datetime) -> None:
        """电子证照: the district already holds this material electronically (evidence grade A)."""
        payload = self._certificate_payload(material, number, agency)
        self._record("material_marked", payload, clerk, at)

    def _certificate_payload(self, material: Material, number: str, agency: str) -> dict[str, Any]:
        if not material.e_certificate:
            raise DomainError(_("材料“{name}”不在电子证照目录中，不能以电子证照代替").format(name=material.name))
        if not number.strip():
            raise ValidationError(_("请填写电子证照编号"), "number")
        if not agency.strip():
            raise ValidationError(_("请填写电子证照的发证机关"), "agency")
        payload = self._material_payload(material, MaterialStatus.E_CERTIFICATE, [], "e_certificate", "",
                                         EvidenceGrade.A)
        payload["certificate"] = {"number": number.strip(), "agency": agency.strip()}
        return payload

    def _material_payload(self, material: Material, status: MaterialStatus, attachments: list[str] | None,
                          source: str, note: str, grade: EvidenceGrade | None) -> dict[str, Any]:
        current = self.materials.get(material.code, MaterialRecord())
        kept = current.attachments if attachments is None else attachments
        payload = {"code": material.code, "status": status.value, "attachments": kept, "source": source,
                   "note": note}
        if grade is not None:
            payload["grade"] = grade.value
        return payload

    def required(self, material: Material) -> bool:
        """Required for this case: always, or (委托书, 代办人身份证) because an agent applies."""
        return material.required or (material.when_agent and self.agent is not None)

    def _check_complete(self, item: ServiceItem, materials_allowed: tuple[MaterialStatus, ...]) -> None:
        if self.applicant is None:
            raise ValidationError(_("请先读取身份证或录入申请人"), "applicant")
        errors = validate_form(item.fields, self.fields,
                               documents_of(self.applicant, self.agent.identity if self.agent else None))
        if errors:
            raise ValidationError(_("；").join(errors.values()), next(iter(errors)))
        missing = [m.name for m in item.materials
                   if self.required(m) and self.materials.get(m.code, MaterialRecord()).status not in materials_allowed]
        if missing:
            raise ValidationError(_("以下材料尚未收取：") + _("、").join(missing), "materials")

    def accept(self, item: ServiceItem, calendar: WorkingDayCalendar, clerk: str, at: datetime) -> None:
        """受理: every required material present, the form valid."""
        if self.materials_with(MaterialStatus.DEFERRED):
            raise DomainError(_("有材料标记为容缺，请使用“容缺受理”，或先收取该材料"))
        self._check_complete(item, PRESENT)
        due = calendar.add_working_days(at.date(), item.guide.promised_limit_days)
        self._record("accepted", {
            "promised_date": due.day.isoformat(), "promised_provisional": due.provisional,
            "received": self.materials_with(*PRESENT)}, clerk, at)

    def accept_with_deferred(self, item: ServiceItem, calendar: WorkingDayCalendar, defer_days: int,
                             clerk: str, at: datetime) -> None:
        """容缺受理: the deferred materials are due within `defer_days`, never after the promised date."""
        deferred = self.materials_with(MaterialStatus.DEFERRED)
        if not deferred:
            raise DomainError(_("没有标记为容缺的材料，请使用“受理”"))
        if item.instant:
            raise DomainError(_("即办件不能容缺受理"))
        self._check_complete(item, (*PRESENT, MaterialStatus.DEFERRED))
        due = calendar.add_working_days(at.date(), item.guide.promised_limit_days)
        deadline = calendar.add_working_days(at.date(), min(defer_days, item.guide.promised_limit_days))
        self._record("accepted_with_deferred", {
            "promised_date": due.day.isoformat(), "promised_provisional": due.provisional,
            "deferred_deadline": deadline.day.isoformat(), "deferred": deferred,
            "received": self.materials_with(*PRESENT)}, clerk, at)

    def issue_correction_notice(self, missing: list[dict[str, str]], clerk: str, at: datetime) -> None:
        """一次性补正告知: every missing or defective material with what it must be, told once."""
        if not missing:
            raise ValidationError(_("一次性告知书至少应列出一项需补正的材料"), "materials")
        self._record("correction_notice_issued", {"missing": missing}, clerk, at)

    def resume_after_correction(self, clerk: str, at: datetime) -> None:
        """The citizen came back with what was missing: the case is worked on again, its materials kept."""
        self._record("correction_resumed", {"notice_of": self.correction_notified_at.isoformat()
                                            if self.correction_notified_at else None}, clerk, at)

    def notice_unanswered_for(self, calendar: WorkingDayCalendar, on: date) -> int:
        """Working days since the correction notice (0 when there is none)."""
        if self.state is not CaseState.CORRECTION_NOTIFIED or self.correction_notified_at is None:
            return 0
        return calendar.working_days_between(self.correction_notified_at.date(), on)

    def withdraw_unanswered_notice(self, calendar: WorkingDayCalendar, after_days: int, clerk: str,
                                   at: datetime) -> None:
        """撤回: nobody came back within `after_days` working days of the correction notice."""
        if self.state is not CaseState.CORRECTION_NOTIFIED:
            raise IllegalTransition(_("办件 {case_number} 不是待补正的办件，不能按逾期未补正撤回").format(case_number=self.case_number))
        waited = self.notice_unanswered_for(calendar, at.date())
        if waited < after_days:
            raise DomainError(_("一次性告知后{after_days}个工作日内未补正的才能撤回（已过{waited}个工作日）").format(
                    after_days=after_days, waited=waited))
        self._record("withdrawn", {"reason": f"一次性告知后{waited}个工作日未补正", "unanswered_notice": True},  # i18n: data
                     clerk, at)

    def request_refusal(self, reason: str, legal_basis: str, guidance: str, clerk: str, at: datetime) -> None:
        """否定报备: the clerk asks to refuse; a supervisor must approve before the citizen is told."""
        if not reason.strip():
            raise ValidationError(_("请填写不予受理的理由"), "reason")
        if not guidance.strip():
            raise ValidationError(_("请填写给申请人的办理指引"), "guidance")
        self._record("refusal_requested", {"reason": reason.strip(), "legal_basis": legal_basis.strip(),
                                           "guidance": guidance.strip()}, clerk, at)

    def _check_approver(self, supervisor: str) -> None:
        if self.refusal and supervisor == self.refusal.get("requested_by"):
            raise DomainError(_("不予受理须由提出申请以外的值班负责人审批，本人不能审批自己的申请"))

    def approve_refusal(self, supervisor: str, at: datetime) -> None:
        self._check_approver(supervisor)
        self._record("refusal_approved", {"supervisor": supervisor}, supervisor, at)

    def reject_refusal(self, supervisor: str, note: str, at: datetime) -> None:
        self._check_approver(supervisor)
        self._record("refusal_rejected", {"supervisor": supervisor, "note": note}, supervisor, at)

    # --- after acceptance ---------------------------------------------------------------------

    @property
    def outstanding_deferred(self) -> list[str]:
        """Materials deferred at acceptance and not supplied yet (待补交)."""
        return [c for c in self.deferred if self.materials.get(c, MaterialRecord()).status is MaterialStatus.DEFERRED]

    def supply(self, material: Material, status: MaterialStatus, clerk: str, at: datetime, *,
               attachments: list[str] | None = None, grade: EvidenceGrade | None = None,
               certificate: tuple[str, str] | None = None) -> None:
        """补交: a material deferred at acceptance handed in later (also after the case went to the district)."""
        if material.code not in self.outstanding_deferred:
            raise DomainError(_("材料“{name}”不是本办件待补交的容缺材料").format(name=material.name))
        if certificate is not None:
            payload = self._certificate_payload(material, *certificate)
        elif status in (MaterialStatus.RECEIVED, MaterialStatus.CAPTURED):
            payload = self._material_payload(material, status, attachments, "supplied", "", grade)
        else:
            raise DomainError(_("补交的材料须收取、拍摄或以电子证照提供"))
        self._record("material_supplied", payload, clerk, at)

    def submit(self, by: str, at: datetime, *, official_number: str | None = None, result_id: str = "") -> None:
        """已报送: the district received the case (and gave it its official number)."""
        self._record("submitted", {"official_number": official_number, "result_id": result_id}, by, at)

    def start_processing(self, by: str, at: datetime, *, result_id: str = "") -> None:
        self._record("processing_started", {"result_id": result_id}, by, at)

    def complete(self, approved: bool, by: str, at: datetime, *, note: str = "",
                 official_number: str | None = None, result_id: str = "") -> None:
        """办结: the back office's decision."""
        self._record("completed", {"approved": approved, "note": note, "official_number": official_number,
                                   "result_id": result_id}, by, at)

    def terminate(self, reason: str, by: str, at: datetime, *, result_id: str = "") -> None:
        """终止办理: the back office ended the case (a deferred material was not supplied in time)."""
        self._record("terminated", {"reason": reason, "result_id": result_id}, by, at)

    def complete_at_window(self, clerk: str, at: datetime, note: str = "") -> None:
        """即办件: decided on the spot."""
        if not self.instant:
            raise IllegalTransition(_("“{item_name}”是承诺件，不能当场办结").format(item_name=self.item_name))
        self._record("completed_at_window", {"approved": True, "note": note}, clerk, at)

    def collector_role(self, collector: Identity) -> str:
        """Who the person collecting the result is to this case: applicant, agent or other."""
        if self.applicant is not None and collector.id_number == self.applicant.id_number:
            return "applicant"
        if self.agent is not None and collector.id_number == self.agent.identity.id_number:
            return "agent"
        return "other"

    def hand_out(self, method: DeliveryMethod, clerk: str, at: datetime, *, collector: Identity | None = None,
                 approved_by: str = "", tracking_number: str = "", locker: str = "", pickup_code: str = "",
                 items: list[str] | None = None) -> None:
        """出件: at the window to the applicant or the recorded agent (anyone else with a supervisor's
        approval), by post with the tracking number, or into an E邮柜 locker with its pick-up code."""
        payload: dict[str, Any] = {"method": method.value, "items": [i.strip() for i in (items or []) if i.strip()]}
        if method is DeliveryMethod.WINDOW:
            if collector is None:
                raise ValidationError(_("请读取领取人的身份证件"), "collector")
            collector.validate()
            role = self.collector_role(collector)
            if role == "other":
                if not approved_by:
                    raise DomainError(_("领取人 {name} 不是申请人或登记的代办人，须经值班负责人批准").format(name=collector.name))
                if approved_by == clerk:
                    raise DomainError(_("代他人领取须由经办人以外的值班负责人批准"))
            payload.update(collector=collector.to_dict(), collector_role=role, to_agent=role != "applicant",
                           receiver_name=collector.name, receiver_id_number=collector.id_number,
                           approved_by=approved_by if role == "other" else "")
        elif method is DeliveryMethod.POST:
            if not tracking_number.strip():
                raise ValidationError(_("请填写邮件单号"), "tracking_number")
            address = (self.delivery or {}).get("address", "")
            payload.update(tracking_number=tracking_number.strip(), address=address, to_agent=False,
                           receiver_name=self.applicant.name if self.applicant else "",
                           receiver_id_number=self.applicant.id_number if self.applicant else "")
        else:
            if not locker.strip():
                raise ValidationError(_("请填写E邮柜柜号"), "locker")
            if not pickup_code.strip():
                raise ValidationError(_("请填写取件码"), "pickup_code")
            payload.update(locker=locker.strip(), pickup_code=pickup_code.strip(), to_agent=False,
                           receiver_name=self.applicant.name if self.applicant else "",
                           receiver_id_number=self.applicant.id_number if self.applicant else "")
        self._record("handed_out", payload, clerk, at)

    def rate(self, rating: Rating, clerk: str, at: datetime) -> None:
        """好差评: the citizen's one rating of this case (一事一评); it is never changed or replaced."""
        if self.rating is not None:
            raise DomainError(_("办件 {case_number} 已评价（{label}），一事一评，不能再次评价").format(
                    case_number=self.case_number, label=self.rating.rating.level.label))
        self._record("rated", rating.to_payload(), clerk, at)

    def withdraw(self, reason: str, clerk: str, at: datetime) -> None:
        if not reason.strip():
            raise ValidationError(_("请填写撤回原因"), "reason")
        self._record("withdrawn", {"reason": reason.strip()}, clerk, at)

    def note_printed(self, document: str, printer: str, clerk: str, at: datetime, *, reprint: bool = False) -> None:
        """The print log: what was printed, on which printer, by whom, and whether it was a 补打 copy."""
        self._record("document_printed", {"document": document, "printer": printer, "reprint": reprint}, clerk, at)

    # --- views --------------------------------------------------------------------------------

    def materials_with(self, *statuses: MaterialStatus) -> list[str]:
        return [c for c, r in self.materials.items() if r.status in statuses]

    def snapshot(self) -> dict[str, Any]:
        """A JSON-able picture of the projection (compared against a replay in tests)."""
        def iso(v):
            return v.isoformat() if v else None

        return {
            "id": self.id, "case_number": self.case_number, "item_code": self.item_code,
            "item_name": self.item_name, "catalog_version": self.catalog_version, "instant": self.instant,
            "clerk": self.clerk, "created_at": iso(self.created_at), "bundle_id": self.bundle_id,
            "bundle_code": self.bundle_code, "ticket": self.ticket, "channel": self.channel.value,
            "home_visit_address": self.home_visit_address, "cannot_do_id": self.cannot_do_id,
            "state": self.state.value,
            "applicant": self.applicant.to_dict() if self.applicant else None,
            "agent": self.agent.to_dict() if self.agent else None, "fields": dict(self.fields),
            "materials": {c: {"status": r.status.value, "attachments": list(r.attachments), "source": r.source,
                              "note": r.note, "grade": r.grade.value if r.grade else None,
                              "certificate": r.certificate}
                          for c, r in self.materials.items()},
            "delivery": self.delivery, "accepted_at": iso(self.accepted_at), "promised_date": iso(self.promised_date),
            "promised_provisional": self.promised_provisional, "deferred_deadline": iso(self.deferred_deadline),
            "deferred": list(self.deferred), "correction": list(self.correction),
            "correction_notified_at": iso(self.correction_notified_at), "refusal": self.refusal,
            "decision": self.decision, "termination": self.termination, "official_number": self.official_number,
            "handout": self.handout, "version": self.version,
            "rating": {**self.rating.rating.to_payload(), "at": iso(self.rating.at), "clerk": self.rating.clerk}
            if self.rating else None,
            "ticket_taken_at": iso(self.ticket_taken_at), "ticket_called_at": iso(self.ticket_called_at),
            "decided_at": iso(self.decided_at), "deferred_done_at": iso(self.deferred_done_at),
        }
