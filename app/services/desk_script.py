"""Scripted visits: a list of clerk steps run headless through the same services the window uses, on the
training profile's simulated devices (docs/desk-script.md). Training scenarios reuse the vocabulary."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.devices.errors import DeviceError
from app.domain.accounts import Clerk, Role
from app.domain.cannot_do import CannotDoOutcome, CannotDoReason, EscalationTarget
from app.domain.case import DEFECTS, DeliveryMethod, MaterialStatus
from app.domain.documents import DocumentKind
from app.domain.errors import DomainError
from app.domain.identity import Agent, Identity
from app.i18n import _
from app.services.desk import Desk
from app.services.errors import clerk_message
from app.services.intake import Application, Outcome
from app.store.errors import StoreError
from app.training.samples import SAMPLE_ANSWERS

log = logging.getLogger(__name__)


class StepFailed(Exception):
    """A step that is not allowed: the run stops, naming the step."""

    def __init__(self, index: int, name: str, reason: str):
        super().__init__(_("第 {index} 步（{name}）未能执行：{reason}").format(index=index, name=name, reason=reason))
        self.index, self.name, self.reason = index, name, reason


@dataclass
class _Visit:
    clerk: Clerk | None = None
    ticket: str | None = None
    identity: Identity | None = None          # the card read last while no application was open
    app: Application | None = None
    cases: dict[str, None] = field(default_factory=dict)           # case ids touched, in order
    registrations: dict[str, None] = field(default_factory=dict)
    documents: list[str] = field(default_factory=list)
    last_registration: str | None = None


class DeskScript:
    """Runs one clerk's scripted day on a training desk; `run` returns the JSON-able report."""

    def __init__(self, desk: Desk):
        if not desk.training:
            raise DomainError(_("脚本只能在培训环境中运行（zongchuang --profile training desk script …）"))
        self.desk = desk
        self.visit = _Visit()
        self.steps: dict[str, Callable[..., None]] = {
            name.removeprefix("step_"): getattr(self, name) for name in dir(self) if name.startswith("step_")}

    def run(self, steps: list[dict[str, Any]]) -> dict[str, Any]:
        """Every step in order; a step that is not allowed raises StepFailed (nothing after it runs)."""
        if not isinstance(steps, list):
            raise StepFailed(0, "script", _("脚本应为步骤列表（JSON 数组）"))
        for index, step in enumerate(steps, 1):
            name = step.get("step") if isinstance(step, dict) else None
            if name not in self.steps:
                raise StepFailed(index, str(name), _("没有这一步；可用的步骤：{steps}").format(
                        steps=_('、').join(sorted(self.steps))))
            args = {k: v for k, v in step.items() if k != "step"}
            try:
                self.steps[name](**args)
            except TypeError as e:
                log.info("step %d (%s) has wrong arguments", index, name)
                raise StepFailed(index, name, _("参数有误（{e}）").format(e=e)) from e
            except (DomainError, DeviceError, StoreError, KeyError, ValueError, IndexError) as e:
                log.info("step %d (%s) refused (%s)", index, name, type(e).__name__)   # the sentence may name people
                raise StepFailed(index, name, clerk_message(e)) from e
        return self.report()

    # --- who and where --------------------------------------------------------------------------

    def step_login(self, user: str, password: str, role: str = "clerk", name: str = "") -> None:
        """Log in; in the training profile an account the script names is created when it does not exist."""
        accounts = self.desk.accounts
        if self.desk.store.clerks.find(user) is None:
            accounts.create(user, name or user, Role(role), password)
        self.visit.clerk = accounts.login(user, password)

    @property
    def clerk(self) -> Clerk:
        if self.visit.clerk is None:
            raise DomainError(_("请先登录（login）"))
        return self.visit.clerk

    @property
    def app(self) -> Application:
        if self.visit.app is None:
            raise DomainError(_("还没有正在办理的申请（先 choose 或 find）"))
        return self.visit.app

    def step_take_ticket(self, priority: bool = False) -> None:
        self.desk.queue.take_ticket(priority)

    def step_call_next(self) -> None:
        ticket = self.desk.queue.call_next()
        self.visit.ticket = ticket.number if ticket else None
        self.visit.identity = None

    def step_home_visit(self, address: str = "", end: bool = False) -> None:
        """Start (or with `end`, finish) a 上门办 session at the citizen's address."""
        if end:
            self.desk.intake.end_home_visit()
        else:
            self.desk.intake.begin_home_visit(address, self.clerk)

    def step_advance(self, days: int) -> None:
        """Let `days` working days pass (the training profile's clock)."""
        advance = getattr(self.desk.clock, "advance", None)
        if advance is None:
            raise DomainError(_("本环境的时间不能调整"))
        advance(int(days), self.desk.intake.calendar)

    # --- cards ----------------------------------------------------------------------------------

    def _read(self, roster: int | None = None, identity: dict | None = None) -> Identity:
        """Lay a card on the simulated reader and read it like the window does (real SAM frames)."""
        devices = self.desk.devices
        if identity is not None:
            devices.present_simulated_person(identity)
        elif roster is not None:
            devices.present_simulated_card(int(roster))
        else:
            raise DomainError(_("请给出 roster（花名册序号）或 identity（证件内容）"))
        try:
            return devices.read_card().holder
        finally:
            devices.lift_simulated_card()

    def step_read_card(self, roster: int | None = None, identity: dict | None = None) -> None:
        self._use_card(self._read(roster, identity))

    def _use_card(self, holder: Identity) -> None:
        app = self.visit.app
        if app is not None and app.allows("applicant_set"):
            self.desk.intake.set_applicant(app, holder, self.clerk, from_card=True)
        else:
            self.visit.app, self.visit.identity = None, holder

    def step_read_sscard(self, roster: int | None = None, identity: dict | None = None) -> None:
        """Insert a social security card into the simulated reader and read it (it names the holder; it is
        not the ID card a material asks for)."""
        devices = self.desk.devices
        if identity is not None:
            devices.present_simulated_social_security_person(identity)
        elif roster is not None:
            devices.present_simulated_social_security_card(int(roster))
        else:
            raise DomainError(_("请给出 roster（花名册序号）或 identity（证件内容）"))
        try:
            holder = devices.read_social_security_card().holder
        finally:
            devices.lift_simulated_social_security_card()
        self._use_card(holder)

    def step_agent(self, relation: str, roster: int | None = None, identity: dict | None = None) -> None:
        holder = self._read(roster, identity)
        self.desk.intake.set_agent(self.app, Agent(holder, relation), self.clerk)

    # --- the application ------------------------------------------------------------------------

    def _show(self, app: Application) -> None:
        self.visit.app = app
        for case in app.cases:
            self.visit.cases[case.id] = None

    def step_choose(self, items: list[str] | None = None, bundle: str | None = None) -> None:
        kind, code = ("bundle", bundle) if bundle else ("items", items or [])
        self._show(self.desk.intake.start(kind, code, self.clerk, self.visit.ticket, applicant=self.visit.identity))

    def step_fill(self, fields: dict[str, str] | None = None, sample: bool = False) -> None:
        intake = self.desk.intake
        values = intake.form_values(self.app)
        if sample:
            values.update({f.key: SAMPLE_ANSWERS[f.key] for f in self.app.fields
                           if f.required and not values.get(f.key) and f.key in SAMPLE_ANSWERS})
        values.update({k: str(v) for k, v in (fields or {}).items()})
        intake.save_form(self.app, values, self.clerk)

    def _capture(self, material: str) -> None:
        app, devices = self.app, self.desk.devices
        devices.place_simulated_document(app.material(material).name, settled=True)
        try:
            page = devices.capture_page()
        finally:
            devices.remove_simulated_document()
        self.desk.intake.attach_pages(app, material, [page.jpeg], self.clerk)

    def step_capture(self, material: str) -> None:
        self._capture(material)

    def step_receive(self, material: str) -> None:
        self.desk.intake.mark_material(self.app, material, MaterialStatus.RECEIVED, self.clerk)

    def step_defer(self, material: str) -> None:
        self.desk.intake.mark_material(self.app, material, MaterialStatus.DEFERRED, self.clerk)

    def step_reject(self, material: str, reason: str) -> None:
        """不合格: the paper goes back to the citizen (reason: expired, wrong_name, illegible, unsigned, copy_only)."""
        if reason not in DEFECTS:
            raise DomainError(_("不合格原因应为 {defects}").format(defects='/'.join(DEFECTS)))
        self.desk.intake.reject_material(self.app, material, reason, self.clerk)

    def step_e_certificate(self, material: str, number: str, agency: str) -> None:
        self.desk.intake.record_e_certificate(self.app, material, number, agency, self.clerk)

    def step_delivery(self, method: str, address: str = "", locker: str = "") -> None:
        self.desk.intake.set_delivery(self.app, DeliveryMethod(method), self.clerk, address=address, locker=locker)

    # --- decisions ------------------------------------------------------------------------------

    def _print(self, kinds: tuple[DocumentKind, ...], records: list) -> None:
        for kind in kinds:
            result = self.desk.printing.print_document(kind, records, self.clerk)
            if result.output:
                self.visit.documents.append(str(result.output))

    def _decided(self, outcome: Outcome) -> None:
        if not outcome.ok:
            raise DomainError(outcome.message)
        self._show(outcome.app)
        self._print(outcome.documents, outcome.app.cases)

    def step_accept(self) -> None:
        self._decided(self.desk.intake.accept(self.app, self.clerk))

    def step_accept_deferred(self) -> None:
        self._decided(self.desk.intake.accept_with_deferred(self.app, self.clerk))

    def step_correction_notice(self, missing: list[str] | None = None, requirement: str = "") -> None:
        app = self.app
        listed = None
        if missing is not None:
            listed = [{"code": c, "name": app.material(c).name, "requirement": requirement or "未提供"}  # i18n: data (printed)
                      for c in missing]
        self._decided(self.desk.intake.issue_correction_notice(app, self.clerk, listed))

    def step_request_refusal(self, reason: str, guidance: str, basis: str = "") -> None:
        self._decided(self.desk.intake.request_refusal(self.app, reason, basis, guidance, self.clerk))

    def step_approve_refusal(self, user: str, password: str, approve: bool = True, note: str = "") -> None:
        supervisor = self.desk.accounts.login_supervisor(user, password)
        self._decided(self.desk.intake.decide_refusal(self.app, supervisor, approve, note))

    # --- coming back ----------------------------------------------------------------------------

    def step_find(self, case_number: str | None = None, id_number: str | None = None) -> None:
        """Find a case: by its number ("last": the case the script touched last) or the applicant's ID number
        (the newest case a visit can continue)."""
        if case_number == "last":
            if not self.visit.cases:
                raise DomainError(_("脚本还没有办过任何办件"))
            found_id = list(self.visit.cases)[-1]
        else:
            found = self.desk.returns.find(self.clerk, case_number or id_number or "")
            found_id = found[0].id
        self._show(self.desk.returns.open(found_id, self.clerk))

    def step_resume(self) -> None:
        self._decided(self.desk.returns.resume(self.app, self.clerk))

    def step_withdraw(self) -> None:
        """撤回 a correction notice nobody came back for (after the configured working days)."""
        self._decided(self.desk.returns.withdraw_unanswered(self.app, self.clerk))

    def step_supply(self, material: str, how: str = "capture", number: str = "", agency: str = "") -> None:
        """补交 of a deferred material (captured, received, or as an electronic certificate); prints the
        补交回执."""
        if how == "capture":
            self._capture(material)
        elif how == "receive":
            self.step_receive(material)
        elif how == "e_certificate":
            self.step_e_certificate(material, number, agency)
        else:
            raise DomainError(_("补交方式应为 capture / receive / e_certificate"))
        self.visit.app = self.desk.intake.load(self.app.primary.id)
        self._decided(self.desk.returns.supply_receipt(self.app))

    def step_handout(self, collector: dict | None = None, method: str | None = None, approve: dict | None = None,
                     tracking_number: str = "", locker: str = "", pickup_code: str = "",
                     items: list[str] | None = None) -> None:
        """出件 of the current case: the collector's card is read (at the window); someone other than the
        applicant or the agent needs `approve` (a supervisor's user and password)."""
        case = self.app.primary
        chosen = DeliveryMethod(method) if method else case.delivery_method
        holder = None
        if chosen is DeliveryMethod.WINDOW:
            collector = collector or {}
            holder = self._read(collector.get("roster"), collector.get("identity"))
        approver = self.desk.accounts.login_supervisor(approve["user"], approve["password"]) if approve else None
        fresh = self.desk.handout.hand_out(case.id, self.clerk, method=chosen, collector=holder, approver=approver,
                                           tracking_number=tracking_number, locker=locker, pickup_code=pickup_code,
                                           items=items)
        self.visit.app = self.desk.intake.load(fresh.id)
        self._print((DocumentKind.HANDOUT_SLIP,), [fresh])

    def step_rate(self, level: int, tags: list[str] | None = None, comment: str = "", stage: str = "") -> None:
        """好差评 of the current visit (every case of it): level 1–5, tags for a 差评 (整体满意度, 服务效率, 服务水平,
        服务态度), an optional comment; a case already rated is refused (一事一评)."""
        app = self.app
        chosen = stage or ("handout" if app.primary.handout else "accept")
        self.desk.rating.rate([c.id for c in app.cases], level, self.clerk, tags=tags or (), comment=comment,
                              stage=chosen)
        self.visit.app = self.desk.intake.load(app.primary.id)

    # --- 办不成事 -------------------------------------------------------------------------------

    def step_cannot_do(self, what: str, why: str, reason: str = "no_item", escalate: str | None = None,
                       item: str = "", phone: str = "") -> None:
        registration = self.desk.cannot_do.register(
            what, why, CannotDoReason(reason), self.clerk, applicant=self.visit.identity or (
                self.visit.app.primary.applicant if self.visit.app else None),
            phone=phone, item_code=item, escalate_to=EscalationTarget(escalate) if escalate else None)
        self._registered(registration.request.id)

    def _registered(self, request_id: str) -> None:
        self.visit.registrations[request_id] = None
        self.visit.last_registration = request_id

    @property
    def registration(self) -> str:
        if self.visit.last_registration is None:
            raise DomainError(_("还没有登记办不成事（cannot_do）"))
        return self.visit.last_registration

    def step_escalate(self, to: str = "supervisor") -> None:
        self.desk.cannot_do.escalate(self.registration, EscalationTarget(to), self.clerk)

    def step_resolve_cannot_do(self, outcome: str, note: str = "", assignee: str = "", guidance: str = "",
                               item: str = "", user: str | None = None, password: str | None = None) -> None:
        leader = self.desk.accounts.login_supervisor(user, password) if user else self.clerk
        done = self.desk.cannot_do.resolve(self.registration, CannotDoOutcome(outcome), leader, note=note,
                                           assignee=assignee, guidance=guidance, item_code=item)
        self._print(done.documents, [done.request])
        if done.case is not None:
            self._show(self.desk.intake.load(done.case.id))

    # --- the district ---------------------------------------------------------------------------

    def step_sync(self, rounds: int = 8) -> None:
        report = self.desk.sync.sync_blocking(int(rounds))
        if report.error is not None and not report.error.retryable:
            raise DomainError(_("同步未完成：{message}").format(message=report.error.message))
        if self.visit.app is not None:
            self.visit.app = self.desk.intake.load(self.visit.app.primary.id)

    def step_back_office(self, action: str, case_number: str = "last", **values: str) -> None:
        """What the training district's back office does: processing, approve, deny, terminate, resolve."""
        if case_number == "last":
            if action == "resolve":
                case_number = self.desk.cannot_do.get(self.registration).registration_number
            else:
                case_number = self.app.primary.case_number
        self.desk.sync.training_back_office().back_office(action, case_number, **values)

    # --- the report -----------------------------------------------------------------------------

    def report(self) -> dict[str, Any]:
        store = self.desk.store
        cases = []
        for case_id in self.visit.cases:
            case = store.cases.get(case_id)
            synced = {s.case_number: s.sync_state for s in store.cases.search(case.case_number, limit=1)}
            cases.append({
                "case_number": case.case_number, "item": case.item_code, "state": case.state.value,
                "sync": synced.get(case.case_number, ""),
                "channel": case.channel.value, "deferred_open": case.outstanding_deferred,
                "rating": {"level": int(case.rating.rating.level), "label": case.rating.rating.level.label,
                           "tags": list(case.rating.rating.tags)} if case.rating else None,
                "materials": [{"code": c, "status": r.status.value} for c, r in case.materials.items()],
                "events": [{"type": e.type, "at": e.occurred_at.isoformat(), "by": e.clerk}
                           for e in store.cases.events(case_id)]})
        registrations = []
        for request_id in self.visit.registrations:
            r = store.cases.get_registration(request_id)
            registrations.append({"number": r.registration_number, "state": r.state.value,
                                  "escalated_to": r.escalated_to.value if r.escalated_to else None,
                                  "outcome": r.outcome.value if r.outcome else None,
                                  "linked_case": r.linked_case_number or None,
                                  "events": [{"type": e.type, "at": e.occurred_at.isoformat(), "by": e.clerk}
                                             for e in store.cases.events(request_id)]})
        return {"cases": cases, "documents": list(self.visit.documents), "registrations": registrations}

