"""The citizen comes back: find the case (card, typed number, or the QR code of a notice), continue
after a correction notice, hand in deferred materials (补交), and close what nobody came back for."""

from __future__ import annotations

import logging

from app.domain.accounts import Clerk
from app.domain.calendar import WorkingDayCalendar
from app.domain.documents import DocumentKind
from app.domain.errors import DomainError
from app.domain.identity import Identity, mask_id_number
from app.i18n import _
from app.services.clock import Clock
from app.services.intake import Application, IntakeService, Outcome, case_number_in
from app.services.workers import Workers, runs_on
from app.store.cases import CaseSummary
from app.store.database import Store

log = logging.getLogger(__name__)


class ReturnService:
    def __init__(self, store: Store, intake: IntakeService, calendar: WorkingDayCalendar, clock: Clock,
                 workers: Workers, withdraw_after_days: int):
        self.store, self.intake, self.calendar, self.clock = store, intake, calendar, clock
        self.workers = workers
        self.withdraw_after_days = withdraw_after_days

    # --- finding --------------------------------------------------------------------------------

    @runs_on("read")
    def find(self, clerk: Clerk, text: str) -> list[CaseSummary]:
        """Cases for what the clerk typed or scanned: a case number (also inside a notice's QR link), or an
        ID number (that applicant's cases a visit can continue). The search is audited."""
        text = text.strip()
        if not text:
            raise DomainError(_("请输入办件编号、身份证号码，或将告知书上的二维码对准高拍仪"))
        self.store.audit.record(clerk.username, "find_case", text, self.clock())
        number = case_number_in(text)
        if number is not None:
            found = self.store.cases.search(number, limit=5)
            exact = [s for s in found if s.case_number == number]
            if not exact:
                raise DomainError(_("本工作站没有办件 {number}").format(number=number))
            return exact
        found = self.store.cases.returnable(text)
        if not found:
            raise DomainError(_("证件号码 {mask_id_number} 名下没有待继续办理的办件").format(
                    mask_id_number=mask_id_number(text.upper())))
        return found

    @runs_on("read")
    def returnable_for(self, clerk: Clerk, identity: Identity) -> list[CaseSummary]:
        """The applicant's cases a visit can continue (after a card read with no application open)."""
        self.store.audit.record(clerk.username, "find_by_card", identity.id_number, self.clock())
        return self.store.cases.returnable(identity.id_number)

    @runs_on("db")
    def open(self, case_id: str, clerk: Clerk) -> Application:
        """The application of a found case, for this clerk (the view is audited)."""
        app = self.intake.load(case_id)
        self.store.audit.record(clerk.username, "open_case", app.primary.case_number, self.clock())
        return app

    # --- after a correction notice --------------------------------------------------------------

    @runs_on("db")
    def resume(self, app: Application, clerk: Clerk) -> Outcome:
        """补正后继续办理: the case is worked on again; what was captured before stays."""
        self.intake.change(app, lambda case, now: case.resume_after_correction(clerk.username, now))
        missing = [m.get("name", m.get("code", "")) for m in app.primary.correction]
        log.info("case %s resumed after its correction notice", app.case_numbers)
        return Outcome(app, _("已继续办理，请收取一次性告知的材料：") + _("、").join(missing) + _("，然后重新决定。"))

    @runs_on("db")
    def withdraw_unanswered(self, app: Application, clerk: Clerk) -> Outcome:
        """撤回 a correction notice nobody came back for within the configured working days."""
        days = self.withdraw_after_days
        self.intake.change(app, lambda case, now: case.withdraw_unanswered_notice(self.calendar, days,
                                                                                  clerk.username, now))
        return Outcome(app, _("已撤回：{case_numbers}（一次性告知后逾期未补正）。").format(case_numbers=app.case_numbers))

    @runs_on("read")
    def correction_notices(self, clerk: Clerk) -> list[tuple[CaseSummary, int]]:
        """Cases waiting after a correction notice, with the working days they have waited (audited)."""
        today = self.clock().date()
        self.store.audit.record(clerk.username, "list_correction_notices", "", self.clock())
        out = []
        for summary in self.store.cases.correction_notices():
            case = self.store.cases.get(summary.id)
            out.append((summary, case.notice_unanswered_for(self.calendar, today)))
        return out

    @runs_on("db")
    def close_unanswered_notices(self, clerk: Clerk) -> list[str]:
        """撤回 every correction notice left unanswered past the limit; returns their case numbers."""
        closed = []
        for summary, waited in self.correction_notices(clerk):
            if waited >= self.withdraw_after_days:
                app = self.intake.load(summary.id)
                self.withdraw_unanswered(app, clerk)
                closed.append(summary.case_number)
        return closed

    # --- 补交 ------------------------------------------------------------------------------------

    @runs_on("read")
    def deferrals(self, clerk: Clerk) -> list[tuple[CaseSummary, bool]]:
        """待补交: cases with deferred materials still outstanding, each with whether its deadline passed."""
        today = self.clock().date()
        self.store.audit.record(clerk.username, "list_deferrals", "", self.clock())
        return [(s, s.deferred_deadline is not None and s.deferred_deadline < today)
                for s in self.store.cases.deferrals()]

    def supply_receipt(self, app: Application) -> Outcome:
        """The 补交回执 once deferred materials were handed in."""
        supplied = any(c.materials[code].status.value != "deferred" for c in app.cases for code in c.deferred
                       if code in c.materials)
        if not supplied:
            raise DomainError(_("还没有补交任何容缺材料"))
        left = app.outstanding_deferred
        text = _("容缺材料已全部补齐") if not left else _("尚有{n_left}项容缺材料待补交").format(n_left=len(left))
        return Outcome(app, _("{text}，正在打印补交回执…").format(text=text), (DocumentKind.SUPPLEMENT_RECEIPT,))
