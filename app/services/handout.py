"""出件: handing a decided case's result over — at the window to the applicant or the recorded agent (anyone
else with a supervisor's approval), by post with the tracking number, or into an E邮柜 locker."""

from __future__ import annotations

import logging

from app.domain.accounts import Clerk
from app.domain.case import Case, CaseState, DeliveryMethod, result_item
from app.domain.errors import DomainError
from app.domain.identity import Identity, mask_id_number
from app.i18n import N_, _
from app.services.clock import Clock
from app.services.workers import Workers, runs_on
from app.store.database import Store

log = logging.getLogger(__name__)

READY = (CaseState.COMPLETED_APPROVED, CaseState.COMPLETED_DENIED)
ROLE_LABELS = {"applicant": N_("申请人本人"), "agent": N_("登记的代办人"), "other": N_("非申请人或代办人")}


class HandoutService:
    def __init__(self, store: Store, clock: Clock, workers: Workers):
        self.store, self.clock, self.workers = store, clock, workers

    def ready(self, case: Case) -> bool:
        return case.allows("handed_out")

    @staticmethod
    def default_items(case: Case) -> list[str]:
        return [result_item(case.item_name)]

    @staticmethod
    def collector_role(case: Case, collector: Identity) -> str:
        """applicant / agent / other: the last needs a supervisor's approval."""
        return case.collector_role(collector)

    @runs_on("db")
    def hand_out(self, case_id: str, clerk: Clerk, *, method: DeliveryMethod | None = None,
                 collector: Identity | None = None, approver: Clerk | None = None, tracking_number: str = "",
                 locker: str = "", pickup_code: str = "", items: list[str] | None = None) -> Case:
        """Record the handout on the stored case; returns the case as stored (then print its 出件单).

        `approver` is a supervisor who logged in to let someone other than the applicant or agent collect."""
        if approver is not None and not approver.can_approve_refusal:
            raise DomainError(_("{display_name}（{label}）无权批准代领，请值班负责人登录").format(
                    display_name=approver.display_name, label=approver.role.label))
        now = self.clock()

        def command(cases: list[Case]) -> None:
            case = cases[0]
            if case.state not in READY:
                raise DomainError(_("办件 {case_number} 尚未办结，不能出件").format(case_number=case.case_number))
            chosen = method or case.delivery_method
            case.hand_out(chosen, clerk.username, now, collector=collector,
                          approved_by=approver.username if approver else "", tracking_number=tracking_number,
                          locker=locker, pickup_code=pickup_code, items=items or self.default_items(case))

        (case,), _unused = self.store.cases.change([case_id], command)
        h = case.handout or {}
        log.info("case %s handed out (%s, %s)%s", case.case_number, h.get("method"), h.get("collector_role", "-"),
                 f" to {mask_id_number(collector.id_number)}" if collector else "")
        return case
