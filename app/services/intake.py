"""Intake at the desk: one application (an item, several items, or a bundle) from card read to decision.

An application holds one case per item; every change loads the cases as stored, records the change on
each affected case and stores them together in one write transaction (the store numbers the events), so
neither a crash nor a second operation on the same case can leave half an application behind.
Each method runs on the executor it declares; the window, the scripted runner and the tests call the
same methods.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from app.domain.accounts import Clerk
from app.domain.calendar import WorkingDayCalendar
from app.domain.case import (
    Case,
    CaseState,
    Channel,
    DeliveryMethod,
    EvidenceGrade,
    MaterialStatus,
    defect_text,
)
from app.domain.catalog import Catalog, FormField, Material, ServiceItem, merge_fields, merge_materials
from app.domain.documents import DocumentKind
from app.domain.errors import DomainError, ValidationError
from app.domain.forms import documents_of, prefill, validate_form
from app.domain.identity import Agent, Identity, mask_id_number, mask_name
from app.i18n import _, printed
from app.services.clock import Clock
from app.services.workers import Workers, runs_on
from app.store.database import Store

log = logging.getLogger(__name__)


@dataclass
class Application:
    """What the clerk is working on: the cases of one item, of several items or of one bundle, sharing form
    and materials."""

    title: str
    kind: str                      # "item", "items" or "bundle"
    code: str
    items: list[ServiceItem]
    cases: list[Case]
    fields: list[FormField]
    materials: list[Material]
    bundle_id: str | None = None

    @property
    def primary(self) -> Case:
        return self.cases[0]

    @property
    def state(self) -> CaseState:
        return self.primary.state

    def allows(self, event_type: str) -> bool:
        """Whether the domain lets this happen to every case of the application now."""
        return all(c.allows(event_type) for c in self.cases)

    def material(self, code: str) -> Material:
        for m in self.materials:
            if m.code == code:
                return m
        raise DomainError(_("本次申请不需要材料 {code}").format(code=code))

    def _record(self, code: str):
        for c in self.cases:
            if code in c.materials:
                return c.materials[code]
        return None

    def status_of(self, code: str) -> MaterialStatus:
        rec = self._record(code)
        return rec.status if rec else MaterialStatus.MISSING

    def note_of(self, code: str) -> str:
        rec = self._record(code)
        return rec.note if rec else ""

    def attachments_of(self, code: str) -> list[str]:
        rec = self._record(code)
        return list(rec.attachments) if rec else []

    def grade_of(self, code: str) -> EvidenceGrade | None:
        rec = self._record(code)
        return rec.grade if rec else None

    def required(self, code: str) -> bool:
        m = self.material(code)
        return any(c.required(m) for c in self.cases if code in c.materials)

    @property
    def outstanding_deferred(self) -> list[str]:
        return list(dict.fromkeys(code for c in self.cases for code in c.outstanding_deferred))

    def supplying(self, code: str) -> bool:
        """The material is a deferred one being handed in after acceptance (补交)."""
        return code in self.outstanding_deferred and self.allows_supply

    @property
    def allows_supply(self) -> bool:
        """Deferred materials are still to be handed in, and the case may take them now."""
        return any(c.allows("material_supplied") and c.outstanding_deferred for c in self.cases)

    @property
    def case_numbers(self) -> str:
        return _("、").join(c.case_number for c in self.cases)


@dataclass(frozen=True)
class Outcome:
    """What a clerk's action led to: the application as stored, what to tell the clerk, what to print."""

    app: Application
    message: str
    documents: tuple[DocumentKind, ...] = ()
    problems: dict[str, str] = field(default_factory=dict)     # form fields still wrong (nothing decided)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class CardCheck:
    """A read card and what the clerk must be told about it."""

    identity: Identity
    warnings: list[str]
    matches_applicant: bool | None     # None when no applicant is on the form yet
    photo_available: bool = False


@dataclass(frozen=True)
class HomeVisit:
    """上门办: the clerk works at a citizen's home; the cases opened meanwhile carry the channel."""

    address: str
    started_at: datetime
    clerk: str


class IntakeService:
    def __init__(self, store: Store, catalog: Catalog, calendar: WorkingDayCalendar, clock: Clock,
                 workers: Workers, workstation_prefix: str, defer_days: int):
        self.store = store
        self.catalog = catalog
        self.calendar = calendar
        self.clock = clock
        self.workers = workers
        self.prefix = workstation_prefix
        self.defer_days = defer_days
        self.home_visit: HomeVisit | None = None
        # when the ticket a citizen came with was taken and called (the queue knows; set by the composition root)
        self.ticket_times: Callable[[str | None], tuple[datetime, datetime | None] | None] | None = None

    # --- 上门办 ---------------------------------------------------------------------------------

    def begin_home_visit(self, address: str, clerk: Clerk) -> HomeVisit:
        """Start a home visit: every case opened until it ends is a 上门办 case at this address."""
        if not address.strip():
            raise ValidationError(_("请填写上门服务的地址"), "address")
        self.home_visit = HomeVisit(address.strip(), self.clock(), clerk.username)
        log.info("home visit started by %s", clerk.username)
        return self.home_visit

    def end_home_visit(self) -> None:
        self.home_visit = None

    # --- starting -------------------------------------------------------------------------------

    def items_for(self, kind: str, code: str | Sequence[str]) -> tuple[list[ServiceItem], str]:
        """The items of an application and its title."""
        if kind == "bundle":
            return self.catalog.bundle_items(code), self.catalog.bundle(code).name
        codes = [code] if isinstance(code, str) else list(code)
        if not codes:
            raise DomainError(_("请选择要办理的事项"))
        items = [self.catalog.item(c) for c in dict.fromkeys(codes)]
        return items, _("、").join(it.name for it in items)

    @runs_on("db")
    def start(self, kind: str, code: str | Sequence[str], clerk: Clerk, ticket: str | None = None, *,
              applicant: Identity | None = None, from_card: bool = True, cannot_do_id: str | None = None) -> Application:
        """Open one draft case per item, with the applicant when one was read (numbers are never reused)."""
        items, title = self.items_for(kind, code)
        grouped = kind == "bundle" or len(items) > 1
        bundle_id = str(uuid.uuid4()) if grouped else None
        cases = self.new_cases(items, clerk, ticket=ticket, bundle_id=bundle_id,
                               bundle_code=code if kind == "bundle" else None, cannot_do_id=cannot_do_id)
        if applicant is not None:
            now = self.clock()
            for case in cases:
                self._set_applicant(case, applicant, clerk, now, from_card)
        self.store.cases.save(*cases)
        log.info("application %s started: %s", title, ", ".join(c.case_number for c in cases))
        return self.application_of(cases, kind=kind if len(items) > 1 or kind == "bundle" else "item")

    def new_cases(self, items: list[ServiceItem], clerk: Clerk, *, ticket: str | None = None,
                  bundle_id: str | None = None, bundle_code: str | None = None,
                  cannot_do_id: str | None = None) -> list[Case]:
        """Draft cases (not yet stored) numbered for this workstation, on the current channel."""
        now = self.clock()
        visit = self.home_visit
        times = self.ticket_times(ticket) if self.ticket_times and ticket else None
        return [Case.open(case_id=str(uuid.uuid4()),
                          case_number=self.store.cases.allocate_number(self.prefix, now.date()), item=it,
                          catalog_version=self.catalog.version, clerk=clerk.username, at=now, bundle_id=bundle_id,
                          bundle_code=bundle_code, ticket=ticket,
                          channel=Channel.HOME_VISIT if visit else Channel.WINDOW,
                          home_visit_address=visit.address if visit else "", cannot_do_id=cannot_do_id,
                          ticket_times=times)
                for it in items]

    def application_of(self, cases: list[Case], kind: str | None = None) -> Application:
        """The application these stored cases make up (their items, merged form and checklist)."""
        items = []
        for c in cases:
            try:
                items.append(self.catalog.item(c.item_code))
            except DomainError:
                raise DomainError(_("办件 {case_number} 的事项“{item_name}”已不在事项目录中，请在办件查询中处理").format(
                        case_number=c.case_number, item_name=c.item_name)) from None
        first = cases[0]
        if first.bundle_code:
            kind, code = "bundle", first.bundle_code
            title = self.catalog.bundle(code).name if code in self.catalog.bundles else first.item_name
        else:
            kind = kind or ("items" if len(cases) > 1 else "item")
            code = ",".join(c.item_code for c in cases)
            title = _("、").join(c.item_name for c in cases)
        return Application(title, kind, code, items, list(cases), merge_fields(items), merge_materials(items),
                           first.bundle_id)

    @runs_on("read")
    def load(self, case_id: str) -> Application:
        """The application a stored case belongs to (with the other cases of its visit)."""
        case = self.store.cases.get(case_id)
        cases = self.store.cases.bundle_cases(case.bundle_id) if case.bundle_id else [case]
        return self.application_of(cases or [case])

    def change(self, app: Application, change: Callable[[Case, datetime], None], *,
               only: Callable[[Case], bool] = lambda case: True) -> None:
        """Apply `change(case, now)` to the application's cases as stored (those `only` accepts) and store
        them together; on any failure nothing is stored and the application keeps what it showed."""
        now = self.clock()

        def command(cases: list[Case]) -> None:
            for case in cases:
                if only(case):
                    change(case, now)

        cases, _unused = self.store.cases.change([c.id for c in app.cases], command, known=app.cases)
        app.cases = cases

    def _item(self, case: Case) -> ServiceItem:
        return self.catalog.item(case.item_code)

    # --- applicant ------------------------------------------------------------------------------

    def check_card(self, app: Application | None, identity: Identity) -> CardCheck:
        """Warnings for a card just read, and whether it is the applicant already on an editable form."""
        current = app.primary.applicant if app is not None and app.allows("applicant_set") else None
        matches = None if current is None else current.id_number == identity.id_number
        return CardCheck(identity, identity.warnings(self.clock().date()), matches)

    def _set_applicant(self, case: Case, identity: Identity, clerk: Clerk, now: datetime, from_card: bool) -> None:
        case.set_applicant(identity, clerk.username, now, from_card=from_card)
        if from_card and identity.card_type.is_identity_document:
            for m in self._item(case).materials:
                if m.from_id_card and case.materials[m.code].status is MaterialStatus.MISSING:
                    case.mark_material(m, MaterialStatus.RECEIVED, clerk.username, now, source="id_card")

    @runs_on("db")
    def set_applicant(self, app: Application, identity: Identity, clerk: Clerk, *, from_card: bool) -> None:
        self.change(app, lambda case, now: self._set_applicant(case, identity, clerk, now, from_card))
        log.info("applicant %s (%s) set on %s", mask_name(identity.name), mask_id_number(identity.id_number),
                 app.primary.case_number)

    @runs_on("db")
    def set_agent(self, app: Application, agent: Agent | None, clerk: Clerk) -> None:
        """代办人: the agent's own card counts as the agent's ID material when it was read from the card;
        the power of attorney (委托书) is a material of its own, received only when it is handed over."""
        def change(case: Case, now) -> None:
            case.set_agent(agent, clerk.username, now)
            if agent is not None and agent.identity.card_type.is_identity_document:
                for m in self._item(case).materials:
                    if m.code == "agent_id" and case.materials[m.code].status is MaterialStatus.MISSING:
                        case.mark_material(m, MaterialStatus.RECEIVED, clerk.username, now, source="id_card")

        self.change(app, change)

    # --- form and materials ---------------------------------------------------------------------

    def form_values(self, app: Application) -> dict[str, str]:
        merged: dict[str, str] = {}
        for case in app.cases:
            merged.update(case.fields)
        return prefill(app.fields, app.primary.applicant, app.primary.agent, merged)

    @runs_on("db")
    def save_form(self, app: Application, values: dict[str, str], clerk: Clerk) -> dict[str, str]:
        """Store what was typed (even if incomplete) and return the problems still to fix."""
        def change(case: Case, now) -> None:
            keys = {f.key for f in self._item(case).fields}
            case.fill_fields({k: v.strip() for k, v in values.items() if k in keys}, clerk.username, now)

        if app.allows("fields_filled"):
            self.change(app, change)
        case = app.primary
        return validate_form(app.fields, {**self.form_values(app), **values},
                             documents_of(case.applicant, case.agent.identity if case.agent else None))

    def _needs(self, code: str) -> Callable[[Case], bool]:
        return lambda case: code in case.materials

    @runs_on("db")
    def mark_material(self, app: Application, code: str, status: MaterialStatus, clerk: Clerk,
                      attachments: list[str] | None = None, grade: EvidenceGrade | None = None) -> None:
        """A material received, captured, deferred or unmarked; after acceptance, a deferred material
        received or captured is 补交."""
        m = app.material(code)
        if app.supplying(code) and status in (MaterialStatus.RECEIVED, MaterialStatus.CAPTURED):
            self.change(app, lambda case, now: case.supply(m, status, clerk.username, now, attachments=attachments,
                                                           grade=grade),
                        only=lambda case: code in case.outstanding_deferred)
            log.info("deferred material %s supplied on %s", code, app.case_numbers)
            return
        if status is MaterialStatus.DEFERRED and not self.deferrable(app, code):
            raise DomainError(_("材料“{name}”不可容缺").format(name=m.name))
        self.change(app, lambda case, now: case.mark_material(self._material_of(case, code), status, clerk.username,
                                                              now, attachments=attachments, grade=grade),
                    only=self._needs(code))

    @runs_on("db")
    def reject_material(self, app: Application, code: str, reason: str, clerk: Clerk) -> None:
        """不合格: the paper shown is not fit to take (expired, another name, illegible, unsigned, a copy without
        its original); it goes back to the citizen and a correction notice lists it with the reason."""
        app.material(code)
        self.change(app, lambda case, now: case.mark_material(self._material_of(case, code), MaterialStatus.DEFECTIVE,
                                                              clerk.username, now, note=reason),
                    only=self._needs(code))
        log.info("material %s not fit on %s", code, app.case_numbers)

    def _material_of(self, case: Case, code: str) -> Material:
        return next(m for m in self._item(case).materials if m.code == code)

    @runs_on("db")
    def record_e_certificate(self, app: Application, code: str, number: str, agency: str, clerk: Clerk) -> None:
        """电子证照: the material is satisfied by the district's electronic certificate (grade A)."""
        app.material(code)
        if app.supplying(code):
            self.change(app, lambda case, now: case.supply(self._material_of(case, code), MaterialStatus.E_CERTIFICATE,
                                                           clerk.username, now, certificate=(number, agency)),
                        only=lambda case: code in case.outstanding_deferred)
            return
        self.change(app, lambda case, now: case.mark_e_certificate(self._material_of(case, code), number, agency,
                                                                   clerk.username, now),
                    only=self._needs(code))

    def deferrable(self, app: Application, code: str) -> bool:
        """A material may be deferred when every item needing it allows that and none is an instant item."""
        needing = [it for it in app.items if any(m.code == code for m in it.materials)]
        return app.material(code).deferrable and not any(it.instant for it in needing)

    @runs_on("db")
    def attach_pages(self, app: Application, code: str, pages: list[bytes], clerk: Clerk) -> list[str]:
        """Store scanned pages (JPEG) after the material's pages and mark it captured (补交 after acceptance);
        returns the page hashes. A newly captured material is graded C (original not yet checked)."""
        app.material(code)
        kept = [] if app.supplying(code) else app.attachments_of(code)
        hashes = kept + [self.store.attachments.put(p) for p in pages]
        grade = (None if app.supplying(code) else app.grade_of(code)) or EvidenceGrade.C
        self.mark_material(app, code, MaterialStatus.CAPTURED, clerk, attachments=hashes, grade=grade)
        return hashes

    @runs_on("db")
    def set_delivery(self, app: Application, method: DeliveryMethod, clerk: Clerk, *, address: str = "",
                     locker: str = "") -> None:
        """领取方式: at this window, by post (with the address), or from an E邮柜 locker."""
        if method is DeliveryMethod.POST and not address.strip():
            address = (app.primary.applicant.address if app.primary.applicant else "") or ""
        self.change(app, lambda case, now: case.set_delivery(method, clerk.username, now, address=address,
                                                             locker=locker))

    # --- decisions ------------------------------------------------------------------------------

    def _with_form(self, app: Application, values: dict[str, str] | None, clerk: Clerk) -> dict[str, str]:
        return self.save_form(app, values, clerk) if values is not None else {}

    @runs_on("db")
    def accept(self, app: Application, clerk: Clerk, values: dict[str, str] | None = None) -> Outcome:
        """受理: every required material present, the form valid; all cases or none. Prints the receipt."""
        problems = self._with_form(app, values, clerk)
        if problems:
            return Outcome(app, _("申请表尚有问题：") + _("；").join(problems.values()), problems=problems)
        self.change(app, lambda case, now: case.accept(self._item(case), self.calendar, clerk.username, now))
        log.info("accepted %s", app.case_numbers)
        return Outcome(app, _("已受理：{case_numbers}，正在打印回执…").format(
                case_numbers=app.case_numbers), (DocumentKind.ACCEPTANCE_RECEIPT,))

    @runs_on("db")
    def accept_with_deferred(self, app: Application, clerk: Clerk, values: dict[str, str] | None = None) -> Outcome:
        """容缺受理 for the cases with deferred materials (the others of a bundle are accepted as usual);
        prints the receipt, the commitment letter and the two-copy notice."""
        if not any(c.materials_with(MaterialStatus.DEFERRED) for c in app.cases):
            raise DomainError(_("没有标记为容缺的材料，请使用“受理”"))
        problems = self._with_form(app, values, clerk)
        if problems:
            return Outcome(app, _("申请表尚有问题：") + _("；").join(problems.values()), problems=problems)

        def change(case: Case, now) -> None:
            item = self._item(case)
            if case.materials_with(MaterialStatus.DEFERRED):
                case.accept_with_deferred(item, self.calendar, self.defer_days, clerk.username, now)
            else:
                case.accept(item, self.calendar, clerk.username, now)

        self.change(app, change)
        log.info("accepted with deferred materials %s", app.case_numbers)
        return Outcome(app, _("已容缺受理：{case_numbers}，正在打印回执、承诺书和通知书…").format(case_numbers=app.case_numbers),
                       (DocumentKind.ACCEPTANCE_RECEIPT, DocumentKind.DEFERRED_COMMITMENT, DocumentKind.DEFERRED_NOTICE))

    @printed
    def correction_candidates(self, app: Application) -> list[dict[str, str]]:
        """What a correction notice lists unless the clerk says otherwise: the required materials missing and
        every material found not fit (with what was wrong)."""
        out = []
        for m in app.materials:
            status = app.status_of(m.code)
            if status is MaterialStatus.DEFECTIVE:
                note = app.note_of(m.code)
                out.append({"code": m.code, "name": m.name, "requirement":  # i18n: data (printed)
                            f"不符合要求（{defect_text(note)}），请提供符合要求的{m.form.label}{m.count}份"})
            elif app.required(m.code) and status is MaterialStatus.MISSING:
                out.append({"code": m.code, "name": m.name, "requirement": f"未提供（{m.form.label}{m.count}份）"})  # i18n: data (printed)
        return out

    @runs_on("db")
    def issue_correction_notice(self, app: Application, clerk: Clerk, missing: list[dict[str, str]] | None = None,
                                values: dict[str, str] | None = None) -> Outcome:
        """一次性补正告知 of everything missing or defective (the required materials missing by default)."""
        self._with_form(app, values, clerk)
        missing = self.correction_candidates(app) if missing is None else missing
        self.change(app, lambda case, now: case.issue_correction_notice(missing, clerk.username, now))
        return Outcome(app, _("已一次性告知需补正的{n_missing}项材料，正在打印告知书…").format(n_missing=len(missing)),
                       (DocumentKind.CORRECTION_NOTICE,))

    @runs_on("db")
    def request_refusal(self, app: Application, reason: str, legal_basis: str, guidance: str,
                        clerk: Clerk, values: dict[str, str] | None = None) -> Outcome:
        self._with_form(app, values, clerk)
        self.change(app, lambda case, now: case.request_refusal(reason, legal_basis, guidance, clerk.username, now))
        return Outcome(app, _("不予受理申请已提交，请另一位值班负责人审批。"))

    @runs_on("db")
    def decide_refusal(self, app: Application, supervisor: Clerk, approve: bool, note: str = "") -> Outcome:
        """The supervisor's decision on a requested refusal (their own login, checked by AccountService);
        the one who asked can never approve."""
        if not supervisor.can_approve_refusal:
            raise DomainError(_("只有值班负责人可以审批不予受理"))

        def change(case: Case, now) -> None:
            if approve:
                case.approve_refusal(supervisor.username, now)
            else:
                case.reject_refusal(supervisor.username, note, now)

        self.change(app, change)
        if approve:
            return Outcome(app, _("{display_name}已批准不予受理，正在打印告知书…").format(
                    display_name=supervisor.display_name), (DocumentKind.REFUSAL_NOTICE,))
        return Outcome(app, _("{display_name}已驳回不予受理申请，请继续办理。").format(display_name=supervisor.display_name))

    def deferred_deadline(self, app: Application) -> date | None:
        days = [c.deferred_deadline for c in app.cases if c.deferred_deadline]
        return min(days) if days else None


_CASE_NUMBER_IN_TEXT = re.compile(r"[A-Z0-9]{2,12}-\d{8}-\d{4,}")


def case_number_in(text: str) -> str | None:
    """The case number in what was typed or scanned (a QR code may carry a link around it)."""
    m = _CASE_NUMBER_IN_TEXT.search(text.strip().upper())
    return m.group(0) if m else None
