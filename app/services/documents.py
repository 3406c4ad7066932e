"""The documents of cases, built from what the cases recorded: data in, PDF bytes out.

Every document can be rendered again later from the stored case (补打), stamped with the time of
the reprint; nothing about a printed document lives anywhere but in the case's events."""

from __future__ import annotations

import logging
from datetime import date, datetime

from app.documents.cannot_do import CannotDoNotice, render_cannot_do_notice
from app.documents.correction import Correction, CorrectionNotice, render_correction_notice
from app.documents.daily_report import COLUMNS, DailyReport, ItemFigures, render_daily_report
from app.documents.deferred import (
    DeferredCase,
    DeferredMaterial,
    render_deferred_commitment,
    render_deferred_notice,
)
from app.documents.guide_notice import GuideMaterial, GuideNotice, render_guide_notice
from app.documents.handout import HandedCase, HandoutSlip, render_handout_slip
from app.documents.id_copy import CardFaces, IdCopySheet, render_id_copy
from app.documents.layout import Issue, Letterhead, Person
from app.documents.receipt import (
    AcceptanceReceipt,
    CaseLine,
    render_acceptance_receipt,
    render_acceptance_receipt_roll,
)
from app.documents.refusal import RefusalNotice, render_refusal_notice
from app.documents.score_sheet import ScoreLine, ScoreSheetDocument, render_score_sheet
from app.documents.statistics import render_statistics
from app.documents.supplement import SupplementReceipt, SuppliedMaterial, render_supplement_receipt
from app.documents.test_page import TestPage, render_test_page
from app.domain.accounts import Clerk
from app.domain.cannot_do import CannotDoRequest
from app.domain.case import PRESENT, Case, CaseState, Channel, DeliveryMethod, MaterialStatus, result_item
from app.domain.catalog import Catalog, Material, ServiceItem, guide_elements, material_note
from app.domain.documents import DocumentKind
from app.domain.errors import DomainError
from app.domain.identity import Identity
from app.domain.statistics import Refusal, Report
from app.i18n import N_, _, printed
from app.services.clock import Clock
from app.store.database import Store

log = logging.getLogger(__name__)

NO_FONT = N_("找不到可嵌入的中文字体，无法生成单据。请安装文泉驿微米黑或在设置中指定字体文件（font_path）。")


class DocumentService:
    def __init__(self, letterhead: Letterhead, font: str | None, training: bool, archive_full_id: bool,
                 catalog: Catalog, store: Store, clock: Clock):
        self.letterhead, self.font, self.training = letterhead, font, training
        self.archive_full_id, self.catalog, self.store, self.clock = archive_full_id, catalog, store, clock

    # --- shared ---------------------------------------------------------------------------------

    def _font(self) -> str:
        if self.font is None:
            raise DomainError(_(NO_FONT))
        return self.font

    def _issue(self, clerk: Clerk, reprint_at: datetime | None = None, clerk_name: str | None = None) -> Issue:
        return Issue(self.letterhead, self.clock(), clerk_name or clerk.display_name, self.training, reprint_at,
                     self.archive_full_id)

    def _clerk_name(self, username: str) -> str:
        found = self.store.clerks.find(username)
        return found[0].display_name if found else username

    def title_of(self, cases: list[Case]) -> str:
        first = cases[0]
        if first.bundle_code and len(cases) > 1:
            try:
                return self.catalog.bundle(first.bundle_code).name
            except DomainError:
                pass
        return first.item_name if len(cases) == 1 else "、".join(c.item_name for c in cases)

    def _materials(self, cases: list[Case]) -> dict[str, Material]:
        out: dict[str, Material] = {}
        for case in cases:
            try:
                for m in self.catalog.item(case.item_code).materials:
                    out.setdefault(m.code, m)
            except DomainError:
                log.warning("item %s is no longer in the catalogue", case.item_code)
        return out

    def _name(self, materials: dict[str, Material], code: str) -> str:
        return materials[code].name if code in materials else code

    @staticmethod
    def _person(identity: Identity | None) -> Person:
        if identity is None:
            raise DomainError(_("办件没有申请人，无法生成单据"))
        return Person(identity.name, identity.id_number)

    def case_group(self, case: Case) -> list[Case]:
        """The case with the other cases of its bundle (one receipt covers the whole visit)."""
        if case.bundle_id:
            group = self.store.cases.bundle_cases(case.bundle_id)
            return group or [case]
        return [case]

    # --- the documents of a case ----------------------------------------------------------------

    def available(self, cases: list[Case]) -> list[DocumentKind]:
        """The case documents that exist for these cases (what 补打 can offer)."""
        case = cases[0]
        out = []
        if case.accepted_at is not None:
            out.append(DocumentKind.ACCEPTANCE_RECEIPT)
        if any(k.deferred_deadline for k in cases):
            out += [DocumentKind.DEFERRED_COMMITMENT, DocumentKind.DEFERRED_NOTICE]
        if case.correction:
            out.append(DocumentKind.CORRECTION_NOTICE)
        if case.state is CaseState.REFUSED:
            out.append(DocumentKind.REFUSAL_NOTICE)
        if any(e.type == "material_supplied" for k in cases for e in self.store.cases.events(k.id)):
            out.append(DocumentKind.SUPPLEMENT_RECEIPT)
        if case.handout:
            out.append(DocumentKind.HANDOUT_SLIP)
        if case.applicant is not None:
            out.append(DocumentKind.ID_COPY)
        return out

    @printed
    def render(self, kind: DocumentKind, cases: list[Case], clerk: Clerk, *, roll: bool = False,
               reprint_at: datetime | None = None) -> bytes:
        builders = {
            DocumentKind.ACCEPTANCE_RECEIPT: lambda: self.acceptance_receipt(cases, clerk, roll=roll,
                                                                             reprint_at=reprint_at),
            DocumentKind.CORRECTION_NOTICE: lambda: self.correction_notice(cases, clerk, reprint_at),
            DocumentKind.DEFERRED_COMMITMENT: lambda: self.deferred_commitment(cases, clerk, reprint_at),
            DocumentKind.DEFERRED_NOTICE: lambda: self.deferred_notice(cases, clerk, reprint_at),
            DocumentKind.REFUSAL_NOTICE: lambda: self.refusal_notice(cases, clerk, reprint_at),
            DocumentKind.HANDOUT_SLIP: lambda: self.handout_slip(cases, clerk, reprint_at),
            DocumentKind.SUPPLEMENT_RECEIPT: lambda: self.supplement_receipt(cases, clerk, reprint_at),
            DocumentKind.CANNOT_DO_NOTICE: lambda: self.cannot_do_notice(cases[0], clerk, reprint_at),
            DocumentKind.ID_COPY: lambda: self.id_copy(cases[0].applicant, clerk, self.title_of(cases),
                                                       cases[0].case_number, reprint_at=reprint_at),
        }
        if kind not in builders:
            raise DomainError(_("“{label}”不是办件的单据").format(label=kind.label))
        return builders[kind]()

    @printed
    def acceptance_receipt(self, cases: list[Case], clerk: Clerk, *, roll: bool = False,
                           reprint_at: datetime | None = None) -> bytes:
        case = cases[0]
        if case.accepted_at is None:
            raise DomainError(_("只有已受理的申请才能打印受理回执"))
        materials = self._materials(cases)
        order = {code: k for k, code in enumerate(materials)}
        received = sorted({c for k in cases for c, r in k.materials.items() if r.status in PRESENT},
                          key=lambda code: order.get(code, len(order)))
        deferred = list(dict.fromkeys(c for k in cases for c in k.deferred))
        deadlines = [k.deferred_deadline for k in cases if k.deferred_deadline]
        data = AcceptanceReceipt(
            issue=self._issue(clerk, reprint_at, self._clerk_name(case.clerk)), case_number=case.case_number,
            title=self.title_of(cases), applicant=self._person(case.applicant),
            agent=Person(case.agent.identity.name, case.agent.identity.id_number) if case.agent else None,
            items=[CaseLine(k.case_number, k.item_name, k.promised_date, k.promised_provisional, k.instant)
                   for k in cases],
            received=[self._name(materials, c) for c in received], accepted_at=case.accepted_at,
            deferred=[self._name(materials, c) for c in deferred], deferred_deadline=min(deadlines) if deadlines else None,
            delivery=self._delivery_text(case), delivery_method=case.delivery_method.value,
            home_visit=case.home_visit_address if case.channel is Channel.HOME_VISIT else "")
        render = render_acceptance_receipt_roll if roll else render_acceptance_receipt
        return render(data, self._font())

    @printed
    def correction_notice(self, cases: list[Case], clerk: Clerk, reprint_at: datetime | None = None) -> bytes:
        case = cases[0]
        if not case.correction:
            raise DomainError(_("该办件没有出具一次性补正告知"))
        data = CorrectionNotice(self._issue(clerk, reprint_at), case.case_number, self.title_of(cases),
                                self._person(case.applicant), case.created_at,
                                [Correction(m.get("name", m.get("code", "")), m.get("requirement", ""))
                                 for m in case.correction])
        return render_correction_notice(data, self._font())

    @printed
    def _deferred(self, cases: list[Case], clerk: Clerk, reprint_at: datetime | None) -> DeferredCase:
        deferred_cases = [k for k in cases if k.deferred_deadline is not None]
        if not deferred_cases:
            raise DomainError(_("该办件不是容缺受理"))
        case = deferred_cases[0]
        materials = self._materials(cases)
        deferred = list(dict.fromkeys(c for k in deferred_cases for c in k.deferred))

        def form(code: str) -> str:
            m = materials.get(code)
            if m is None:
                return ""
            text = f"{m.form.label}{m.count}份"
            return text + (f"；{m.requirements}" if m.requirements else "")

        return DeferredCase(self._issue(clerk, reprint_at), cases[0].case_number, self.title_of(cases),
                            self._person(case.applicant),
                            [DeferredMaterial(self._name(materials, c), form(c)) for c in deferred],
                            min(k.deferred_deadline for k in deferred_cases), case.promised_date)

    @staticmethod
    def _delivery_text(case: Case) -> str:
        d = case.delivery or {}
        method = case.delivery_method
        if method is DeliveryMethod.POST:
            return f"{method.label}（{d.get('address', '')}）"
        if method is DeliveryMethod.LOCKER and d.get("locker"):
            return f"{method.label}（{d['locker']}）"
        return method.label

    @printed
    def supplement_receipt(self, cases: list[Case], clerk: Clerk, reprint_at: datetime | None = None) -> bytes:
        """补交回执: the deferred materials handed in so far, and those still outstanding."""
        materials = self._materials(cases)
        supplied: dict[str, SuppliedMaterial] = {}
        for case in cases:
            for e in self.store.cases.events(case.id):
                if e.type == "material_supplied" and e.payload["code"] not in supplied:
                    supplied[e.payload["code"]] = SuppliedMaterial(
                        self._name(materials, e.payload["code"]), _how_supplied(e.payload), e.occurred_at)
        if not supplied:
            raise DomainError(_("该办件还没有补交材料"))
        case = next((k for k in cases if k.deferred), cases[0])
        outstanding = list(dict.fromkeys(self._name(materials, c) for k in cases for c in k.outstanding_deferred))
        data = SupplementReceipt(self._issue(clerk, reprint_at), cases[0].case_number, self.title_of(cases),
                                 self._person(case.applicant), case.accepted_at or case.created_at,
                                 list(supplied.values()), outstanding, case.deferred_deadline)
        return render_supplement_receipt(data, self._font())

    @printed
    def cannot_do_notice(self, request: CannotDoRequest, clerk: Clerk, reprint_at: datetime | None = None) -> bytes:
        """The outcome of a 办不成事 registration, for the citizen."""
        if request.outcome is None:
            raise DomainError(_("该登记尚未办结，值班领导处理后才能打印告知单"))
        citizen = ""
        if request.applicant is not None:
            citizen = Person(request.applicant.name, request.applicant.id_number).with_number()
        explanation = request.note + (f"（帮办人：{request.assignee}）" if request.assignee else "")
        if request.linked_case_number:
            explanation += f"（已开办件 {request.linked_case_number}）"
        leader = "区级后台" if request.resolved_by == "district" else self._clerk_name(request.resolved_by)
        data = CannotDoNotice(self._issue(clerk, reprint_at), request.registration_number, citizen,
                              request.created_at, request.what, request.why, request.outcome.label, explanation,
                              request.guidance, leader)
        return render_cannot_do_notice(data, self._font())

    @printed
    def score_sheet(self, sheet: dict, trainee: Clerk) -> bytes:
        """培训成绩单 of one scenario run (a score sheet as ScoreSheet.to_dict gives it)."""
        elapsed = int(round(sheet["elapsed_s"]))
        data = ScoreSheetDocument(
            self._issue(trainee), sheet["scenario"], sheet["title"], trainee.display_name, sheet["score"],
            sheet["pass_mark"], sheet["passed"], f"{elapsed // 60} 分 {elapsed % 60} 秒", sheet["hints"],
            [ScoreLine(f["points"] == 0, f["message"], f["points"], f.get("guide", "")) for f in sheet["findings"]])
        return render_score_sheet(data, self._font())

    @printed
    def guide_notice(self, item: ServiceItem, clerk: Clerk) -> bytes:
        """一次性告知单 for a citizen who only asks: the item's guide and every material."""
        lh = self.letterhead
        data = GuideNotice(self._issue(clerk), item.code, item.name,
                           guide_elements(item, lh.centre_phone, lh.centre_address),
                           [GuideMaterial(m.name, f"{m.form.label} {m.count}份", material_note(m))
                            for m in item.materials])
        return render_guide_notice(data, self._font())

    @printed
    def deferred_commitment(self, cases: list[Case], clerk: Clerk, reprint_at: datetime | None = None) -> bytes:
        return render_deferred_commitment(self._deferred(cases, clerk, reprint_at), self._font())

    @printed
    def deferred_notice(self, cases: list[Case], clerk: Clerk, reprint_at: datetime | None = None) -> bytes:
        return render_deferred_notice(self._deferred(cases, clerk, reprint_at), self._font())

    @printed
    def refusal_notice(self, cases: list[Case], clerk: Clerk, reprint_at: datetime | None = None) -> bytes:
        case = cases[0]
        refusal = case.refusal or {}
        if case.state is not CaseState.REFUSED or "approved_by" not in refusal:
            raise DomainError(_("不予受理须经值班负责人批准后才能出具告知书"))
        data = RefusalNotice(self._issue(clerk, reprint_at), case.case_number, self.title_of(cases),
                             self._person(case.applicant), case.created_at, refusal.get("reason", ""),
                             refusal.get("legal_basis", ""), refusal.get("guidance", ""),
                             self._clerk_name(refusal["approved_by"]))
        return render_refusal_notice(data, self._font())

    @printed
    def handout_slip(self, cases: list[Case], clerk: Clerk, reprint_at: datetime | None = None) -> bytes:
        handed = [c for c in cases if c.handout]
        if not handed:
            raise DomainError(_("该办件尚未出件"))
        first = handed[0]
        h = first.handout
        receiver = Person(h["receiver_name"], h.get("receiver_id_number", ""))

        def result(c: Case) -> str:
            d = c.decision or {}
            text = "准予办理" if d.get("approved", True) else "不予批准"
            return text + (f"（文号 {d['official_number']}）" if d.get("official_number") else "")

        items = h.get("items") or [result_item(c.item_name) for c in handed]
        method = DeliveryMethod(h.get("method", "window"))
        delivery = ""
        if method is DeliveryMethod.POST:
            delivery = f"邮寄送达（邮件单号 {h.get('tracking_number', '')}；{h.get('address', '')}）"
        elif method is DeliveryMethod.LOCKER:
            delivery = f"E邮柜自取（柜号 {h.get('locker', '')}，取件码已告知申请人）"
        approved = self._clerk_name(h["approved_by"]) if h.get("approved_by") else ""
        data = HandoutSlip(self._issue(clerk, reprint_at), first.case_number, self._person(first.applicant),
                           receiver, bool(h.get("to_agent")), self._handed_at(first),
                           [HandedCase(c.case_number, c.item_name, result(c)) for c in handed], items,
                           delivery, approved)
        return render_handout_slip(data, self._font())

    def _handed_at(self, case: Case) -> datetime:
        for e in reversed(self.store.cases.events(case.id)):
            if e.type == "handed_out":
                return e.occurred_at
        return self.clock()

    @printed
    def id_copy(self, identity: Identity | None, clerk: Clerk, purpose: str, case_number: str | None = None,
                photo: bytes | None = None, reprint_at: datetime | None = None) -> bytes:
        if identity is None:
            raise DomainError(_("没有可复印的身份证件信息，请先读卡"))
        faces = CardFaces(identity.card_type.label if identity.card_type.is_identity_document else "居民身份证",
                          identity.name, identity.sex.label if identity.sex else "", identity.nation,
                          identity.birth_date, identity.address, identity.id_number, identity.issuing_authority,
                          identity.valid_from, identity.valid_to, identity.long_term, photo)
        return render_id_copy(IdCopySheet(self._issue(clerk, reprint_at), case_number, faces, purpose), self._font())

    # --- reports and test pages -----------------------------------------------------------------

    @printed
    def daily_report(self, day: date, clerk: Clerk, window: str) -> bytes:
        return render_daily_report(self.daily_figures(day, clerk, window), self._font())

    @printed
    def daily_figures(self, day: date, clerk: Clerk, window: str) -> DailyReport:
        """The day's figures of this workstation's cases (drafts never handled are left out)."""
        by_item: dict[str, dict[str, int]] = {}
        instant, handling, deferred_open, home_visits, refusals = 0, [], 0, 0, []
        for case in self.store.cases.opened_on(day):
            column = _column(case)
            if column is None:
                continue
            counts = by_item.setdefault(case.item_name, {c: 0 for c in COLUMNS if c != "合计"})
            counts[column] += 1
            if column == "即办办结":
                instant += 1
            if case.accepted_at is not None:
                handling.append((case.accepted_at - case.created_at).total_seconds() / 60)
            if case.outstanding_deferred:
                deferred_open += 1
            if case.channel is Channel.HOME_VISIT:
                home_visits += 1
            if column == "不予受理":
                refusals.append(Refusal(case.case_number, case.item_name, (case.refusal or {}).get("reason", "")))
        waits = [(t.called_at - t.taken_at).total_seconds() / 60 for t in self.store.tickets.called(day, window)]
        return DailyReport(self._issue(clerk), day, window,
                           [ItemFigures(name, counts) for name, counts in sorted(by_item.items())],
                           instant_cases=instant,
                           average_handling_minutes=sum(handling) / len(handling) if handling else None,
                           average_wait_minutes=sum(waits) / len(waits) if waits else None, tickets_served=len(waits),
                           deferred_open=deferred_open, home_visits=home_visits, refusals=refusals)

    @printed
    def statistics_pdf(self, report: Report, clerk: Clerk) -> bytes:
        return render_statistics(report, self._issue(clerk), self._font())

    @printed
    def test_page(self, printer_name: str, clerk_name: str, roll: bool = False) -> bytes:
        now = self.clock()
        issue = Issue(self.letterhead, now, clerk_name, self.training)
        return render_test_page(TestPage(issue, printer_name, f"ZC-TEST-{now:%Y%m%d-%H%M%S}", roll), self._font())


def _how_supplied(payload: dict) -> str:
    status = payload.get("status")
    if status == MaterialStatus.E_CERTIFICATE.value:
        cert = payload.get("certificate") or {}
        return f"电子证照（{cert.get('agency', '')} {cert.get('number', '')}）"
    if status == MaterialStatus.CAPTURED.value:
        return f"已拍摄 {len(payload.get('attachments') or [])} 页"
    return "原件已收"


def _column(case: Case) -> str | None:
    """The daily report column a case counts in."""
    if case.state is CaseState.REFUSED:
        return "不予受理"
    if case.state is CaseState.WITHDRAWN:
        return "撤回"
    if case.accepted_at is None:
        return "补正告知" if case.correction else None
    if case.deferred_deadline is not None:
        return "容缺受理"
    if case.instant and case.decision is not None:
        return "即办办结"
    return "受理"
