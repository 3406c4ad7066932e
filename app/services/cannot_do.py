"""办不成事 at the window: register what could not be done, escalate it to the duty leader, close it with
the outcome (a linked case for 协调办理, a named helper for 帮办代办, a printed explanation for 无法办理)."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from app.domain.accounts import Clerk
from app.domain.cannot_do import (
    CannotDoOutcome,
    CannotDoReason,
    CannotDoRequest,
    CannotDoState,
    EscalationTarget,
)
from app.domain.case import Case
from app.domain.documents import DocumentKind
from app.domain.errors import DomainError
from app.domain.identity import Identity
from app.i18n import _
from app.services.clock import Clock
from app.services.intake import IntakeService
from app.services.workers import Workers, runs_on
from app.store.database import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Registration:
    """A registration as stored, what to tell the clerk, and what to print."""

    request: CannotDoRequest
    message: str
    documents: tuple[DocumentKind, ...] = ()
    case: Case | None = None            # the case 协调办理 opened


class CannotDoService:
    def __init__(self, store: Store, intake: IntakeService, clock: Clock, workers: Workers, prefix: str):
        self.store, self.intake, self.clock, self.workers, self.prefix = store, intake, clock, workers, prefix

    @runs_on("db")
    def register(self, what: str, why: str, reason: CannotDoReason, clerk: Clerk, *, applicant: Identity | None = None,
                 phone: str = "", item_code: str = "", escalate_to: EscalationTarget | None = None) -> Registration:
        """Register a request the window could not do (and put it before the duty leader at once if asked)."""
        now = self.clock()
        visit = self.intake.home_visit
        request = CannotDoRequest.register(
            request_id=str(uuid.uuid4()),
            registration_number=self.store.cases.allocate_registration_number(self.prefix, now.date()),
            what=what, why=why, reason=reason, clerk=clerk.username, at=now, applicant=applicant, phone=phone,
            item_code=item_code, channel="home_visit" if visit else "window")
        if escalate_to is not None:
            request.escalate(escalate_to, clerk.username, now)
        self.store.cases.save(request)
        log.info("cannot-do request %s registered (%s)", request.registration_number, reason.value)
        to = _("，已报{label}").format(label=escalate_to.label) if escalate_to else ""
        return Registration(request, _("已登记办不成事 {registration_number}{to}。").format(
                registration_number=request.registration_number, to=to))

    @runs_on("db")
    def escalate(self, request_id: str, to: EscalationTarget, clerk: Clerk) -> Registration:
        now = self.clock()
        (request,), _unused = self.store.cases.change([request_id], lambda rs: rs[0].escalate(to, clerk.username, now))
        note = _("，将随同步上报，区级后台的处理结果会自动回传") if to is EscalationTarget.DISTRICT else _("，请值班领导处理")
        return Registration(request, _("{registration_number} 已报{label}{note}。").format(
                registration_number=request.registration_number, label=to.label, note=note))

    @runs_on("db")
    def resolve(self, request_id: str, outcome: CannotDoOutcome, leader: Clerk, *, note: str = "",
                assignee: str = "", guidance: str = "", item_code: str = "") -> Registration:
        """The duty leader closes the request; 协调办理 opens the linked case (for `item_code`) in the same
        transaction, with the citizen as its applicant."""
        if not leader.can_approve_refusal:
            raise DomainError(_("{display_name}（{label}）不是值班领导，不能处理办不成事").format(
                    display_name=leader.display_name, label=leader.role.label))
        request = self.store.cases.get_registration(request_id)
        if request.escalated_to is EscalationTarget.DISTRICT:
            raise DomainError(_("该登记已报区级后台，处理结果将随同步回传"))
        now = self.clock()
        new: list[Case] = []
        if outcome is CannotDoOutcome.COORDINATED:
            new = self._linked_case(request, item_code or request.item_code, leader)

        def command(records) -> None:
            case = new[0] if new else None
            records[0].resolve(outcome, leader.username, now, note=note, assignee=assignee, guidance=guidance,
                               case_id=case.id if case else None, case_number=case.case_number if case else "")

        (request,), _unused = self.store.cases.change([request_id], command, new=new)
        log.info("cannot-do request %s resolved: %s", request.registration_number, outcome.value)
        documents = (DocumentKind.CANNOT_DO_NOTICE,) if outcome is CannotDoOutcome.IMPOSSIBLE else ()
        message = _("{registration_number} 已办结：{label}").format(
                registration_number=request.registration_number, label=outcome.label)
        if new:
            message += _("，已开办件 {case_number}，请在受理页继续办理").format(case_number=new[0].case_number)
        return Registration(request, message + _("。"), documents, new[0] if new else None)

    @runs_on("db")
    def open_coordinated_case(self, request_id: str, item_code: str, clerk: Clerk) -> Registration:
        """Open the case the district's 协调办理 asked for, linked to the registration."""
        request = self.store.cases.get_registration(request_id)
        new = self._linked_case(request, item_code or request.item_code, clerk)
        now = self.clock()
        (request,), _unused = self.store.cases.change(
            [request_id], lambda rs: rs[0].link_case(new[0].id, new[0].case_number, clerk.username, now), new=new)
        return Registration(request, _("已按协调意见开办件 {case_number}。").format(case_number=new[0].case_number), (), new[0])

    def _linked_case(self, request: CannotDoRequest, item_code: str, clerk: Clerk) -> list[Case]:
        if not item_code:
            raise DomainError(_("协调办理须选择要开办件的事项"))
        items, _unused = self.intake.items_for("item", item_code)
        cases = self.intake.new_cases(items, clerk, cannot_do_id=request.id)
        if request.applicant is not None:
            now = self.clock()
            for case in cases:
                case.set_applicant(request.applicant, clerk.username, now, from_card=False)
        return cases

    @runs_on("read")
    def requests(self, clerk: Clerk, open_only: bool = True) -> list[CannotDoRequest]:
        """办不成事 registrations, oldest first; `age_days` tells how long each has waited (audited)."""
        self.store.audit.record(clerk.username, "list_cannot_do", "open" if open_only else "all", self.clock())
        return self.store.cases.registrations(open_only)

    @runs_on("read")
    def get(self, request_id: str) -> CannotDoRequest:
        return self.store.cases.get_registration(request_id)

    def waiting_for_leader(self, request: CannotDoRequest) -> bool:
        return request.state is CannotDoState.ESCALATED and request.escalated_to is EscalationTarget.SUPERVISOR
