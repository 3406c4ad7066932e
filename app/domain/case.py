"""The case (办件): its states, the events that change it, and the projection built from them.

Commands on `Case` check the rules, then record an event and apply it; `Case.replay` rebuilds the
same case from its events alone, which is what makes the stored case row a projection.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from app.domain.calendar import WorkingDayCalendar
from app.domain.catalog import Material, ServiceItem
from app.domain.errors import DomainError, IllegalTransition, ValidationError
from app.domain.forms import documents_of, validate_form
from app.domain.identity import Agent, Identity


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

    @property
    def label(self) -> str:
        return _STATE_LABELS[self]


_STATE_LABELS = {
    CaseState.DRAFT: "草稿", CaseState.ACCEPTED: "已受理", CaseState.ACCEPTED_DEFERRED: "容缺受理",
    CaseState.CORRECTION_NOTIFIED: "已一次性告知", CaseState.REFUSAL_REQUESTED: "不予受理待审批",
    CaseState.REFUSED: "不予受理", CaseState.SUBMITTED: "已报送", CaseState.PROCESSING: "办理中",
    CaseState.COMPLETED_APPROVED: "办结（准予）", CaseState.COMPLETED_DENIED: "办结（不予）",
    CaseState.HANDED_OUT: "已出件", CaseState.WITHDRAWN: "已撤回",
}


class MaterialStatus(StrEnum):
    MISSING = "missing"
    RECEIVED = "received"    # paper seen and taken
    CAPTURED = "captured"    # scanned on the document camera
    DEFERRED = "deferred"    # 容缺: to be supplied later under a signed commitment

    @property
    def label(self) -> str:
        return {"missing": "未收", "received": "已收", "captured": "已拍摄", "deferred": "容缺"}[self.value]


class EvidenceGrade(StrEnum):
    """How far a material can be relied on (国办函〔2016〕108号)."""

    A = "A"    # issued by the agency itself
    B = "B"    # checked by the clerk against the original; the scan carries the 核验原件 mark
    C = "C"    # supplied by the applicant, original still to be checked
    D = "D"    # made by the applicant, backed by a signed commitment

    @property
    def label(self) -> str:
        return {"A": "A 本部门核发", "B": "B 已核验原件", "C": "C 申请人提供", "D": "D 申请人承诺"}[self.value]


PRESENT = (MaterialStatus.RECEIVED, MaterialStatus.CAPTURED)
_EDITABLE = frozenset({CaseState.DRAFT, CaseState.CORRECTION_NOTIFIED})
_OPEN = frozenset(CaseState) - {CaseState.REFUSED, CaseState.COMPLETED_APPROVED, CaseState.COMPLETED_DENIED,
                                CaseState.HANDED_OUT, CaseState.WITHDRAWN}

# event type -> (states it may happen in, state it leads to or None when the state is kept)
TRANSITIONS: dict[str, tuple[frozenset[CaseState], CaseState | None]] = {
    "applicant_set": (_EDITABLE, None),
    "agent_set": (_EDITABLE, None),
    "fields_filled": (_EDITABLE, None),
    "material_marked": (_EDITABLE | {CaseState.ACCEPTED_DEFERRED}, None),
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
    "handed_out": (frozenset({CaseState.COMPLETED_APPROVED, CaseState.COMPLETED_DENIED}), CaseState.HANDED_OUT),
    "withdrawn": (_OPEN, CaseState.WITHDRAWN),
    "document_printed": (frozenset(CaseState), None),
    "receipt_printed": (frozenset(CaseState), None),       # written by earlier versions
}

_ACTION_LABELS = {
    "applicant_set": "修改申请人", "agent_set": "修改代办人", "fields_filled": "填写表单",
    "material_marked": "登记材料", "accepted": "受理", "accepted_with_deferred": "容缺受理",
    "correction_notice_issued": "一次性补正告知", "correction_resumed": "补正后继续办理",
    "refusal_requested": "申请不予受理", "refusal_approved": "批准不予受理", "refusal_rejected": "驳回不予受理申请",
    "submitted": "报送", "processing_started": "开始办理", "completed": "办结",
    "completed_at_window": "当场办结", "handed_out": "出件", "withdrawn": "撤回", "document_printed": "打印单据",
    "receipt_printed": "打印回执",
}


@dataclass(frozen=True)
class CaseEvent:
    """One change to a case; the audit trail, the sync payload and the source of the projection."""

    id: str
    case_id: str
    seq: int
    type: str
    payload: dict[str, Any]
    clerk: str
    occurred_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "case_id": self.case_id, "seq": self.seq, "type": self.type,
                "payload": self.payload, "clerk": self.clerk, "occurred_at": self.occurred_at.isoformat()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> CaseEvent:
        return cls(d["id"], d["case_id"], d["seq"], d["type"], d["payload"], d["clerk"],
                   datetime.fromisoformat(d["occurred_at"]))


@dataclass
class MaterialRecord:
    status: MaterialStatus = MaterialStatus.MISSING
    attachments: list[str] = field(default_factory=list)   # SHA-256 of stored pages
    source: str = ""                                        # e.g. "id_card" when taken from the card read
    note: str = ""
    grade: EvidenceGrade | None = None


@dataclass
class Case:
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
    state: CaseState = CaseState.DRAFT
    applicant: Identity | None = None
    agent: Agent | None = None
    fields: dict[str, str] = field(default_factory=dict)
    materials: dict[str, MaterialRecord] = field(default_factory=dict)
    accepted_at: datetime | None = None
    promised_date: date | None = None
    promised_provisional: bool = False
    deferred_deadline: date | None = None
    correction: list[dict[str, str]] = field(default_factory=list)
    refusal: dict[str, str] | None = None
    decision: dict[str, Any] | None = None
    official_number: str | None = None                      # the district's number, once it received the case
    handout: dict[str, Any] | None = None
    version: int = 0                                        # seq of the last applied event
    pending: list[CaseEvent] = field(default_factory=list, repr=False)   # recorded, not yet stored

    # --- creation and replay -------------------------------------------------------------------

    @classmethod
    def open(cls, *, case_id: str, case_number: str, item: ServiceItem, catalog_version: str, clerk: str,
             at: datetime, bundle_id: str | None = None, bundle_code: str | None = None,
             ticket: str | None = None) -> Case:
        """A new draft case for one item; its first event is `case_opened`."""
        case = cls(id=case_id, case_number=case_number, item_code=item.code, item_name=item.name,
                   catalog_version=catalog_version, instant=item.instant, clerk=clerk, created_at=at)
        case._record("case_opened", {
            "case_number": case_number, "item_code": item.code, "item_name": item.name,
            "catalog_version": catalog_version, "instant": item.instant, "bundle_id": bundle_id,
            "bundle_code": bundle_code, "ticket": ticket,
            "materials": [m.code for m in item.materials],
        }, clerk, at)
        return case

    @classmethod
    def replay(cls, events: list[CaseEvent]) -> Case:
        """Rebuild a case from its events (ordered by seq)."""
        if not events or events[0].type != "case_opened":
            raise DomainError("办件事件不完整：缺少开立事件")
        first = events[0]
        p = first.payload
        case = cls(id=first.case_id, case_number=p["case_number"], item_code=p["item_code"],
                   item_name=p["item_name"], catalog_version=p["catalog_version"], instant=p["instant"],
                   clerk=first.clerk, created_at=first.occurred_at)
        for e in events:
            if e.seq != case.version + 1:
                raise DomainError(f"办件 {case.case_number} 的事件序号不连续（{case.version} 之后是 {e.seq}）")
            case._apply(e)
        return case

    # --- recording ----------------------------------------------------------------------------

    def _record(self, type_: str, payload: dict[str, Any], clerk: str, at: datetime) -> CaseEvent:
        if type_ != "case_opened":
            allowed, _ = TRANSITIONS[type_]
            if self.state not in allowed:
                raise IllegalTransition(
                    f"办件 {self.case_number} 当前状态为“{self.state.label}”，不能{_ACTION_LABELS[type_]}")
        event = CaseEvent(str(uuid.uuid4()), self.id, self.version + 1, type_, payload, clerk, at)
        self._apply(event)
        self.pending.append(event)
        return event

    def take_pending(self) -> list[CaseEvent]:
        """The events recorded since the last save, handing them to the store."""
        out, self.pending = self.pending, []
        return out

    def _apply(self, e: CaseEvent) -> None:
        p = e.payload
        t = e.type
        if t == "case_opened":
            self.bundle_id, self.bundle_code, self.ticket = p["bundle_id"], p["bundle_code"], p["ticket"]
            self.materials = {code: MaterialRecord() for code in p["materials"]}
        elif t == "applicant_set":
            self.applicant = Identity.from_dict(p["applicant"])
        elif t == "agent_set":
            self.agent = Agent.from_dict(p["agent"]) if p["agent"] else None
        elif t == "fields_filled":
            self.fields.update(p["values"])
        elif t == "material_marked":
            rec = self.materials.setdefault(p["code"], MaterialRecord())
            rec.status = MaterialStatus(p["status"])
            rec.attachments = list(p.get("attachments", rec.attachments))
            rec.source, rec.note = p.get("source", ""), p.get("note", "")
            if p.get("grade"):
                rec.grade = EvidenceGrade(p["grade"])
            elif rec.status is MaterialStatus.MISSING:
                rec.grade = None
        elif t in ("accepted", "accepted_with_deferred"):
            self.accepted_at = e.occurred_at
            self.promised_date = date.fromisoformat(p["promised_date"])
            self.promised_provisional = p["promised_provisional"]
            if p.get("deferred_deadline"):
                self.deferred_deadline = date.fromisoformat(p["deferred_deadline"])
        elif t == "correction_notice_issued":
            self.correction = list(p["missing"])
        elif t == "refusal_requested":
            self.refusal = {"reason": p["reason"], "legal_basis": p["legal_basis"], "guidance": p["guidance"],
                            "requested_by": e.clerk}
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
        elif t == "handed_out":
            self.handout = dict(p)
        _, target = TRANSITIONS.get(t, (None, None))
        if t == "completed":
            target = CaseState.COMPLETED_APPROVED if p["approved"] else CaseState.COMPLETED_DENIED
        if target is not None:
            self.state = target
        self.version = e.seq

    # --- intake commands ----------------------------------------------------------------------

    def set_applicant(self, identity: Identity, clerk: str, at: datetime, *, from_card: bool) -> None:
        identity.validate()
        self._record("applicant_set", {"applicant": identity.to_dict(), "from_card": from_card}, clerk, at)

    def set_agent(self, agent: Agent | None, clerk: str, at: datetime) -> None:
        if agent is not None:
            agent.identity.validate()
            if not agent.relation.strip():
                raise ValidationError("请填写代办人与申请人的关系", "relation")
        self._record("agent_set", {"agent": agent.to_dict() if agent else None}, clerk, at)

    def fill_fields(self, values: dict[str, str], clerk: str, at: datetime) -> None:
        changed = {k: v for k, v in values.items() if self.fields.get(k) != v}
        if changed:
            self._record("fields_filled", {"values": changed}, clerk, at)

    def mark_material(self, material: Material, status: MaterialStatus, clerk: str, at: datetime, *,
                      attachments: list[str] | None = None, source: str = "", note: str = "",
                      grade: EvidenceGrade | None = None) -> None:
        """Record a material's status, its pages (SHA-256, in order) and, when given, its evidence grade."""
        if status is MaterialStatus.DEFERRED and (not material.deferrable or self.instant):
            raise DomainError(f"材料“{material.name}”不可容缺" + ("（即办件）" if self.instant else ""))
        if self.state is CaseState.ACCEPTED_DEFERRED and status not in PRESENT:
            raise IllegalTransition("容缺受理后只能补交材料")
        current = self.materials.get(material.code, MaterialRecord())
        kept = current.attachments if attachments is None else attachments
        payload = {"code": material.code, "status": status.value, "attachments": kept, "source": source,
                   "note": note}
        if grade is not None:
            payload["grade"] = grade.value
        self._record("material_marked", payload, clerk, at)

    def _check_complete(self, item: ServiceItem, materials_allowed: tuple[MaterialStatus, ...]) -> None:
        if self.applicant is None:
            raise ValidationError("请先读取身份证或录入申请人", "applicant")
        errors = validate_form(item.fields, self.fields,
                               documents_of(self.applicant, self.agent.identity if self.agent else None))
        if errors:
            raise ValidationError("；".join(errors.values()), next(iter(errors)))
        missing = [m.name for m in item.materials
                   if m.required and self.materials.get(m.code, MaterialRecord()).status not in materials_allowed]
        if missing:
            raise ValidationError("以下材料尚未收取：" + "、".join(missing), "materials")

    def accept(self, item: ServiceItem, calendar: WorkingDayCalendar, clerk: str, at: datetime) -> None:
        """受理: every required material present, the form valid."""
        self._check_complete(item, PRESENT)
        due = calendar.add_working_days(at.date(), item.guide.promised_limit_days)
        self._record("accepted", {
            "promised_date": due.day.isoformat(), "promised_provisional": due.provisional,
            "received": [c for c, r in self.materials.items() if r.status in PRESENT]}, clerk, at)

    def accept_with_deferred(self, item: ServiceItem, calendar: WorkingDayCalendar, defer_days: int,
                             clerk: str, at: datetime) -> None:
        """容缺受理: the deferred materials are due within `defer_days`, never after the promised date."""
        deferred = [c for c, r in self.materials.items() if r.status is MaterialStatus.DEFERRED]
        if not deferred:
            raise DomainError("没有标记为容缺的材料，请使用“受理”")
        if item.instant:
            raise DomainError("即办件不能容缺受理")
        self._check_complete(item, (*PRESENT, MaterialStatus.DEFERRED))
        due = calendar.add_working_days(at.date(), item.guide.promised_limit_days)
        deadline = calendar.add_working_days(at.date(), min(defer_days, item.guide.promised_limit_days))
        self._record("accepted_with_deferred", {
            "promised_date": due.day.isoformat(), "promised_provisional": due.provisional,
            "deferred_deadline": deadline.day.isoformat(), "deferred": deferred,
            "received": [c for c, r in self.materials.items() if r.status in PRESENT]}, clerk, at)

    def issue_correction_notice(self, missing: list[dict[str, str]], clerk: str, at: datetime) -> None:
        """一次性补正告知: every missing or defective material with what it must be, told once."""
        if not missing:
            raise ValidationError("一次性告知书至少应列出一项需补正的材料", "materials")
        self._record("correction_notice_issued", {"missing": missing}, clerk, at)

    def resume_after_correction(self, clerk: str, at: datetime) -> None:
        self._record("correction_resumed", {}, clerk, at)

    def request_refusal(self, reason: str, legal_basis: str, guidance: str, clerk: str, at: datetime) -> None:
        """否定报备: the clerk asks to refuse; a supervisor must approve before the citizen is told."""
        if not reason.strip():
            raise ValidationError("请填写不予受理的理由", "reason")
        if not guidance.strip():
            raise ValidationError("请填写给申请人的办理指引", "guidance")
        self._record("refusal_requested", {"reason": reason.strip(), "legal_basis": legal_basis.strip(),
                                           "guidance": guidance.strip()}, clerk, at)

    def approve_refusal(self, supervisor: str, at: datetime) -> None:
        self._record("refusal_approved", {"supervisor": supervisor}, supervisor, at)

    def reject_refusal(self, supervisor: str, note: str, at: datetime) -> None:
        self._record("refusal_rejected", {"supervisor": supervisor, "note": note}, supervisor, at)

    # --- after acceptance ---------------------------------------------------------------------

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

    def complete_at_window(self, clerk: str, at: datetime, note: str = "") -> None:
        """即办件: decided on the spot."""
        if not self.instant:
            raise IllegalTransition(f"“{self.item_name}”是承诺件，不能当场办结")
        self._record("completed_at_window", {"approved": True, "note": note}, clerk, at)

    def hand_out(self, to_agent: bool, receiver_name: str, receiver_id_number: str, clerk: str,
                 at: datetime, items: list[str] | None = None) -> None:
        """出件: the result handed to the applicant or an agent, with what was handed over."""
        if not receiver_name.strip():
            raise ValidationError("请填写领取人姓名", "receiver_name")
        if to_agent and not receiver_id_number.strip():
            raise ValidationError("代领须登记代领人证件号码", "receiver_id_number")
        self._record("handed_out", {"to_agent": to_agent, "receiver_name": receiver_name.strip(),
                                    "receiver_id_number": receiver_id_number.strip(),
                                    "items": [i.strip() for i in (items or []) if i.strip()]}, clerk, at)

    def withdraw(self, reason: str, clerk: str, at: datetime) -> None:
        if not reason.strip():
            raise ValidationError("请填写撤回原因", "reason")
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
            "bundle_code": self.bundle_code, "ticket": self.ticket, "state": self.state.value,
            "applicant": self.applicant.to_dict() if self.applicant else None,
            "agent": self.agent.to_dict() if self.agent else None, "fields": dict(self.fields),
            "materials": {c: {"status": r.status.value, "attachments": list(r.attachments), "source": r.source,
                              "note": r.note, "grade": r.grade.value if r.grade else None}
                          for c, r in self.materials.items()},
            "accepted_at": iso(self.accepted_at), "promised_date": iso(self.promised_date),
            "promised_provisional": self.promised_provisional, "deferred_deadline": iso(self.deferred_deadline),
            "correction": list(self.correction), "refusal": self.refusal, "decision": self.decision,
            "official_number": self.official_number,
            "handout": self.handout, "version": self.version,
        }
