"""Intake at the desk: one application (a single item or a bundle) from card read to printed receipt.

An application holds one case per item; every change is recorded on each affected case and saved
with its events in one transaction, so a crash never leaves half an application behind.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import date

from app.domain.accounts import Clerk
from app.domain.calendar import WorkingDayCalendar
from app.domain.case import Case, CaseState, EvidenceGrade, MaterialStatus
from app.domain.catalog import Catalog, FormField, Material, ServiceItem, merge_fields, merge_materials
from app.domain.errors import DomainError
from app.domain.forms import documents_of, prefill, validate_form
from app.domain.identity import Agent, Identity, mask_id_number, mask_name
from app.services.clock import Clock
from app.store.database import Store

log = logging.getLogger(__name__)

EDITABLE = (CaseState.DRAFT, CaseState.CORRECTION_NOTIFIED)


@dataclass
class Application:
    """What the clerk is working on: the cases of one item or of one bundle, sharing form and materials."""

    title: str
    kind: str                      # "item" or "bundle"
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

    def material(self, code: str) -> Material:
        for m in self.materials:
            if m.code == code:
                return m
        raise DomainError(f"本次申请不需要材料 {code}")

    def status_of(self, code: str) -> MaterialStatus:
        statuses = [c.materials[code].status for c in self.cases if code in c.materials]
        return statuses[0] if statuses else MaterialStatus.MISSING

    def attachments_of(self, code: str) -> list[str]:
        for c in self.cases:
            if code in c.materials:
                return list(c.materials[code].attachments)
        return []

    def grade_of(self, code: str) -> EvidenceGrade | None:
        for c in self.cases:
            if code in c.materials:
                return c.materials[code].grade
        return None


@dataclass(frozen=True)
class CardCheck:
    """A read card and what the clerk must be told about it."""

    identity: Identity
    warnings: list[str]
    matches_applicant: bool | None     # None when no applicant is on the form yet
    photo_available: bool = False


class IntakeService:
    def __init__(self, store: Store, catalog: Catalog, calendar: WorkingDayCalendar, clock: Clock,
                 workstation_prefix: str, defer_days: int):
        self.store = store
        self.catalog = catalog
        self.calendar = calendar
        self.clock = clock
        self.prefix = workstation_prefix
        self.defer_days = defer_days

    # --- starting -------------------------------------------------------------------------------

    def start(self, kind: str, code: str, clerk: Clerk, ticket: str | None = None) -> Application:
        """Open one draft case per item (numbers are allocated and never reused)."""
        if kind == "bundle":
            bundle = self.catalog.bundle(code)
            items, title, bundle_id = self.catalog.bundle_items(code), bundle.name, str(uuid.uuid4())
        else:
            items, title, bundle_id = [self.catalog.item(code)], self.catalog.item(code).name, None
        now = self.clock()
        cases = [Case.open(case_id=str(uuid.uuid4()), case_number=self.store.cases.allocate_number(self.prefix, now.date()),
                           item=it, catalog_version=self.catalog.version, clerk=clerk.username, at=now,
                           bundle_id=bundle_id, bundle_code=code if kind == "bundle" else None, ticket=ticket)
                 for it in items]
        self.store.cases.save(*cases)
        log.info("application %s started: %s", title, ", ".join(c.case_number for c in cases))
        return Application(title, kind, code, items, cases, merge_fields(items), merge_materials(items), bundle_id)

    def _change(self, app: Application, change) -> None:
        """Apply `change(case, now)` to every case and save them together; on any failure the
        application goes back to exactly what is stored, so nothing is half-recorded."""
        now = self.clock()
        try:
            for case in app.cases:
                change(case, now)
            self.store.cases.save(*app.cases)
        except Exception:
            app.cases = [self.store.cases.get(c.id) for c in app.cases]
            raise

    def _item(self, case: Case) -> ServiceItem:
        return self.catalog.item(case.item_code)

    # --- applicant ------------------------------------------------------------------------------

    def check_card(self, app: Application | None, identity: Identity) -> CardCheck:
        """Warnings for a card just read, and whether it is the applicant already on an editable form."""
        current = app.primary.applicant if app is not None and app.state in EDITABLE else None
        matches = None if current is None else current.id_number == identity.id_number
        return CardCheck(identity, identity.warnings(self.clock().date()), matches)

    def set_applicant(self, app: Application, identity: Identity, clerk: Clerk, *, from_card: bool) -> None:
        def change(case: Case, now) -> None:
            case.set_applicant(identity, clerk.username, now, from_card=from_card)
            if from_card and identity.card_type.is_identity_document:
                for m in self._item(case).materials:
                    if m.from_id_card and case.materials[m.code].status is MaterialStatus.MISSING:
                        case.mark_material(m, MaterialStatus.RECEIVED, clerk.username, now, source="id_card")

        self._change(app, change)
        log.info("applicant %s (%s) set on %s", mask_name(identity.name), mask_id_number(identity.id_number),
                 app.primary.case_number)

    def set_agent(self, app: Application, agent: Agent | None, clerk: Clerk) -> None:
        def change(case: Case, now) -> None:
            case.set_agent(agent, clerk.username, now)
            if agent is not None:
                for m in self._item(case).materials:
                    if m.code == "agent_id" and case.materials[m.code].status is MaterialStatus.MISSING:
                        case.mark_material(m, MaterialStatus.RECEIVED, clerk.username, now, source="id_card")

        self._change(app, change)

    # --- form and materials ---------------------------------------------------------------------

    def form_values(self, app: Application) -> dict[str, str]:
        merged: dict[str, str] = {}
        for case in app.cases:
            merged.update(case.fields)
        return prefill(app.fields, app.primary.applicant, app.primary.agent, merged)

    def save_form(self, app: Application, values: dict[str, str], clerk: Clerk) -> dict[str, str]:
        """Store what was typed (even if incomplete) and return the problems still to fix."""
        def change(case: Case, now) -> None:
            keys = {f.key for f in self._item(case).fields}
            case.fill_fields({k: v.strip() for k, v in values.items() if k in keys}, clerk.username, now)

        self._change(app, change)
        case = app.primary
        return validate_form(app.fields, values,
                             documents_of(case.applicant, case.agent.identity if case.agent else None))

    def mark_material(self, app: Application, code: str, status: MaterialStatus, clerk: Clerk,
                      attachments: list[str] | None = None, grade: EvidenceGrade | None = None) -> None:
        app.material(code)
        if status is MaterialStatus.DEFERRED and not self.deferrable(app, code):
            raise DomainError(f"材料“{app.material(code).name}”不可容缺")

        def change(case: Case, now) -> None:
            for m in self._item(case).materials:
                if m.code == code:
                    case.mark_material(m, status, clerk.username, now, attachments=attachments, grade=grade)

        self._change(app, change)

    def deferrable(self, app: Application, code: str) -> bool:
        """A material may be deferred when every item needing it allows that and none is an instant item."""
        needing = [it for it in app.items if any(m.code == code for m in it.materials)]
        return app.material(code).deferrable and not any(it.instant for it in needing)

    def attach_pages(self, app: Application, code: str, pages: list[bytes], clerk: Clerk) -> list[str]:
        """Store scanned pages (JPEG) after the material's pages and mark it captured; returns the page hashes.

        A newly captured material is graded C (supplied by the applicant, original not yet checked)."""
        app.material(code)
        hashes = app.attachments_of(code) + [self.store.attachments.put(p) for p in pages]
        grade = app.grade_of(code) or EvidenceGrade.C
        self.mark_material(app, code, MaterialStatus.CAPTURED, clerk, attachments=hashes, grade=grade)
        return hashes

    # --- decisions ------------------------------------------------------------------------------

    def accept(self, app: Application, clerk: Clerk) -> None:
        """受理 (or 容缺受理 for the cases with deferred materials); all cases or none."""
        def change(case: Case, now) -> None:
            item = self._item(case)
            if case.materials_with(MaterialStatus.DEFERRED):
                case.accept_with_deferred(item, self.calendar, self.defer_days, clerk.username, now)
            else:
                case.accept(item, self.calendar, clerk.username, now)

        self._change(app, change)
        log.info("accepted %s", ", ".join(c.case_number for c in app.cases))

    def issue_correction_notice(self, app: Application, missing: list[dict[str, str]], clerk: Clerk) -> None:
        self._change(app, lambda case, now: case.issue_correction_notice(missing, clerk.username, now))

    def request_refusal(self, app: Application, reason: str, legal_basis: str, guidance: str,
                        clerk: Clerk) -> None:
        self._change(app, lambda case, now: case.request_refusal(reason, legal_basis, guidance, clerk.username, now))

    def decide_refusal(self, app: Application, supervisor: Clerk, approve: bool, note: str = "") -> None:
        """The supervisor's decision on a requested refusal (their own login, checked by AccountService)."""
        if not supervisor.can_approve_refusal:
            raise DomainError("只有值班负责人可以审批不予受理")
        def change(case: Case, now) -> None:
            if approve:
                case.approve_refusal(supervisor.username, now)
            else:
                case.reject_refusal(supervisor.username, note, now)

        self._change(app, change)

    def deferred_deadline(self, app: Application) -> date | None:
        days = [c.deferred_deadline for c in app.cases if c.deferred_deadline]
        return min(days) if days else None
