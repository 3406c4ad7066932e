"""办不成事: a request the window could not do, registered with what the citizen wanted and why it failed,
escalated to the duty leader (值班领导: a supervisor at the centre, or the district back office), and closed
with the outcome — 协调办理 (a normal case is opened and linked), 帮办代办 (a named person takes it on), or
无法办理 (the explanation, and where to go instead, printed for the citizen)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

from app.domain.errors import DomainError, ValidationError
from app.domain.events import CaseEvent, EventSourced
from app.domain.identity import Identity
from app.i18n import N_, _


class CannotDoState(StrEnum):
    REGISTERED = "registered"
    ESCALATED = "escalated"
    RESOLVED = "resolved"

    @property
    def label(self) -> str:
        return {"registered": _("已登记"), "escalated": _("已报值班领导"), "resolved": _("已办结")}[self.value]


class CannotDoReason(StrEnum):
    """Why the window could not do it."""

    NO_ITEM = "no_item"            # no item in the catalogue matches what the citizen needs
    RULE_BLOCKS = "rule_blocks"    # a rule of the item stands in the way
    COMPLEX = "complex"            # 疑难杂症: several departments, an unclear case

    @property
    def label(self) -> str:
        return {"no_item": _("无对应事项"), "rule_blocks": _("政策规定限制"), "complex": _("疑难杂症")}[self.value]


class EscalationTarget(StrEnum):
    SUPERVISOR = "supervisor"      # the centre's duty leader, at this desk
    DISTRICT = "district"          # the district back office, through sync

    @property
    def label(self) -> str:
        return {"supervisor": _("中心值班领导"), "district": _("区级后台")}[self.value]


class CannotDoOutcome(StrEnum):
    COORDINATED = "coordinated"    # 协调办理: a normal case is opened and linked
    ASSISTED = "assisted"          # 帮办代办: assigned to a named person
    IMPOSSIBLE = "impossible"      # 无法办理: explained, with where to go instead

    @property
    def label(self) -> str:
        return {"coordinated": _("协调办理"), "assisted": _("帮办代办"), "impossible": _("无法办理")}[self.value]


_REGISTERED = frozenset({CannotDoState.REGISTERED})
_ESCALATED = frozenset({CannotDoState.ESCALATED})

TRANSITIONS: dict[str, tuple[frozenset[CannotDoState], CannotDoState | None]] = {
    "cannot_do_escalated": (_REGISTERED, CannotDoState.ESCALATED),
    "cannot_do_resolved": (_ESCALATED, CannotDoState.RESOLVED),
    "cannot_do_linked": (frozenset({CannotDoState.RESOLVED}), None),
    "document_printed": (frozenset(CannotDoState), None),
}
_ACTION_LABELS = {"cannot_do_escalated": N_("上报值班领导"), "cannot_do_resolved": N_("办结"), "cannot_do_linked": N_("关联办件"),
                  "document_printed": N_("打印单据")}


def format_registration_number(prefix: str, day, sequence: int) -> str:
    return f"BC{prefix}-{day:%Y%m%d}-{sequence:03d}"


@dataclass
class CannotDoRequest(EventSourced):
    id: str
    registration_number: str
    clerk: str
    created_at: datetime
    what: str = ""                                 # what the citizen wanted
    why: str = ""                                  # why the window could not do it
    reason: CannotDoReason = CannotDoReason.NO_ITEM
    applicant: Identity | None = None
    phone: str = ""
    item_code: str = ""                            # the item it was about, when there is one
    channel: str = "window"
    state: CannotDoState = CannotDoState.REGISTERED
    escalated_to: EscalationTarget | None = None
    escalated_at: datetime | None = None
    outcome: CannotDoOutcome | None = None
    note: str = ""
    assignee: str = ""
    guidance: str = ""
    resolved_by: str = ""
    resolved_at: datetime | None = None
    linked_case_id: str | None = None
    linked_case_number: str = ""
    version: int = 0
    pending: list[CaseEvent] = field(default_factory=list, repr=False)

    TRANSITIONS: ClassVar = TRANSITIONS
    ACTION_LABELS: ClassVar = _ACTION_LABELS
    OPENING: ClassVar = "cannot_do_registered"
    KIND: ClassVar = "cannot_do"

    @property
    def number(self) -> str:
        return _("办不成事登记 {registration_number}").format(registration_number=self.registration_number)

    # --- creation and replay -------------------------------------------------------------------

    @classmethod
    def register(cls, *, request_id: str, registration_number: str, what: str, why: str,
                 reason: CannotDoReason, clerk: str, at: datetime, applicant: Identity | None = None,
                 phone: str = "", item_code: str = "", channel: str = "window") -> CannotDoRequest:
        """Register what the citizen wanted and why the window could not do it."""
        if not what.strip():
            raise ValidationError(_("请填写群众要办的事"), "what")
        if not why.strip():
            raise ValidationError(_("请填写办不成的原因"), "why")
        if applicant is not None:
            applicant.validate()
        request = cls(id=request_id, registration_number=registration_number, clerk=clerk, created_at=at)
        request._record("cannot_do_registered", {
            "registration_number": registration_number, "what": what.strip(), "why": why.strip(),
            "reason": reason.value, "applicant": applicant.to_dict() if applicant else None,
            "phone": phone.strip(), "item_code": item_code, "channel": channel}, clerk, at)
        return request

    @classmethod
    def replay(cls, events: list[CaseEvent]) -> CannotDoRequest:
        if not events or events[0].type != cls.OPENING:
            raise DomainError(_("办不成事登记的事件不完整：缺少登记事件"))
        first = events[0]
        request = cls(id=first.case_id, registration_number=first.payload["registration_number"],
                      clerk=first.clerk, created_at=first.occurred_at)
        request._apply_all(events)
        return request

    def _apply(self, e: CaseEvent) -> None:
        p, t = e.payload, e.type
        if t == "cannot_do_registered":
            self.what, self.why, self.reason = p["what"], p["why"], CannotDoReason(p["reason"])
            self.applicant = Identity.from_dict(p["applicant"]) if p.get("applicant") else None
            self.phone, self.item_code, self.channel = p.get("phone", ""), p.get("item_code", ""), p.get("channel", "")
        elif t == "cannot_do_escalated":
            self.escalated_to, self.escalated_at = EscalationTarget(p["to"]), e.occurred_at
        elif t == "cannot_do_resolved":
            self.outcome = CannotDoOutcome(p["outcome"])
            self.note, self.assignee, self.guidance = p.get("note", ""), p.get("assignee", ""), p.get("guidance", "")
            self.resolved_by, self.resolved_at = e.clerk, e.occurred_at
            self.linked_case_id, self.linked_case_number = p.get("case_id"), p.get("case_number", "")
        elif t == "cannot_do_linked":
            self.linked_case_id, self.linked_case_number = p["case_id"], p["case_number"]
        _unused, target = TRANSITIONS.get(t, (None, None))
        if target is not None:
            self.state = target
        self.version = e.seq

    def row_fields(self) -> dict[str, Any]:
        return {"case_number": self.registration_number, "item_code": self.item_code, "item_name": self.what[:80],
                "bundle_id": None, "bundle_code": None, "state": self.state.value,
                "applicant_name": self.applicant.name if self.applicant else "",
                "applicant_id_number": self.applicant.id_number if self.applicant else "",
                "catalog_version": "", "clerk": self.clerk, "promised_date": None, "accepted_at": None,
                "deferred_deadline": None, "deferred_open": 0, "channel": self.channel}

    # --- commands -----------------------------------------------------------------------------

    def escalate(self, to: EscalationTarget, clerk: str, at: datetime) -> None:
        """Put it before the duty leader: a supervisor at the centre, or the district's back office."""
        self._record("cannot_do_escalated", {"to": to.value}, clerk, at)

    def resolve(self, outcome: CannotDoOutcome, by: str, at: datetime, *, note: str = "", assignee: str = "",
                guidance: str = "", case_id: str | None = None, case_number: str = "", result_id: str = "") -> None:
        """The duty leader's outcome; 协调办理 at the desk opens the linked case in the same step."""
        if outcome is CannotDoOutcome.ASSISTED and not assignee.strip():
            raise ValidationError(_("帮办代办须写明负责帮办的人员"), "assignee")
        if outcome is CannotDoOutcome.IMPOSSIBLE:
            if not note.strip():
                raise ValidationError(_("无法办理须向群众说明原因"), "note")
            if not guidance.strip():
                raise ValidationError(_("无法办理须告诉群众可以到哪里办理"), "guidance")
        self._record("cannot_do_resolved", {"outcome": outcome.value, "note": note.strip(),
                                            "assignee": assignee.strip(), "guidance": guidance.strip(),
                                            "case_id": case_id, "case_number": case_number,
                                            "result_id": result_id}, by, at)

    def link_case(self, case_id: str, case_number: str, clerk: str, at: datetime) -> None:
        """The case opened as the district's 协调办理 asked."""
        if self.outcome is not CannotDoOutcome.COORDINATED:
            raise DomainError(_("只有“协调办理”的登记才能关联办件"))
        if self.linked_case_id:
            raise DomainError(_("已关联办件 {linked_case_number}").format(linked_case_number=self.linked_case_number))
        self._record("cannot_do_linked", {"case_id": case_id, "case_number": case_number}, clerk, at)

    def note_printed(self, document: str, printer: str, clerk: str, at: datetime, *, reprint: bool = False) -> None:
        self._record("document_printed", {"document": document, "printer": printer, "reprint": reprint}, clerk, at)

    # --- views --------------------------------------------------------------------------------

    @property
    def open(self) -> bool:
        return self.state is not CannotDoState.RESOLVED or (
            self.outcome is CannotDoOutcome.COORDINATED and not self.linked_case_id)

    def age_days(self, now: datetime) -> int:
        return max(0, (now.date() - self.created_at.date()).days)

    def snapshot(self) -> dict[str, Any]:
        return {"id": self.id, "registration_number": self.registration_number, "state": self.state.value,
                "what": self.what, "why": self.why, "reason": self.reason.value,
                "escalated_to": self.escalated_to.value if self.escalated_to else None,
                "outcome": self.outcome.value if self.outcome else None, "note": self.note,
                "assignee": self.assignee, "guidance": self.guidance, "resolved_by": self.resolved_by,
                "linked_case_number": self.linked_case_number, "version": self.version}
