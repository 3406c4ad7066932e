"""Training mode: scenarios worked at the real window on simulated devices, scored from the case events,
quizzes on the guides, and the trainer's view of every trainee's results (docs/training.md).

A run starts by preparing what the scenario says happened before (its `setup` steps, worked by a
colleague), then lays the citizen's card on the simulated reader. While the trainee works, the simulated
camera shows the documents the citizen brought, drawn with their defects, and the citizen answers what
the trainee asks. Finishing scores the run from the events the trainee recorded since it started and
keeps the score sheet. The window, `zongchuang training run` and the tests call the same methods.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from app.devices.camera.sample_documents import SampleDocument, id_card_sides
from app.devices.printer.base import PrintJob
from app.domain.accounts import Clerk, Role
from app.domain.cannot_do import CannotDoRequest
from app.domain.case import Case
from app.domain.catalog import Catalog, Material
from app.domain.errors import DomainError
from app.domain.identity import card_date
from app.domain.passwords import generate_password
from app.i18n import _
from app.services.clock import Clock
from app.services.desk_script import DeskScript, StepFailed
from app.services.workers import Workers, runs_on
from app.store.database import Store
from app.store.training import Course, QuizResult, RunResult
from app.training.authoring import draft_scenario
from app.training.quiz import Question, grade, make_quiz
from app.training.results import QuizRow, ResultRow, quiz_table, results_table
from app.training.scenario import (
    DECISION_LABELS,
    LEVELS,
    Scenario,
    ScenarioError,
    load_scenario_file,
    load_scenarios,
    parse_scenario,
)
from app.training.scoring import RunRecord, ScoreSheet, score_run

log = logging.getLogger(__name__)

__all__ = ["LEVELS", "TRAINERS", "ScenarioRun", "ScenarioScript", "TrainingService"]

HINT_COST = 5
MODEL_ACCOUNT = "biaozhun"          # works model answers when a trainer saves a scenario
TRAINERS = (Role.TRAINER, Role.ADMIN)


@dataclass
class ScenarioRun:
    """One trainee working one scenario."""

    scenario: Scenario
    trainee: Clerk
    mark: int                                   # the store's event mark when the trainee took over
    started: float                              # time.monotonic() then
    citizen: dict[str, Any]                     # the cards as laid on the simulated reader
    agent: dict[str, Any] | None
    collector: dict[str, Any]
    setup_cases: list[str] = field(default_factory=list)
    supervisors: list[str] = field(default_factory=list)   # "赵主任（zhaozr / 密码 …）": who approves, in training
    hints_used: int = 0
    sheet: ScoreSheet | None = None

    @property
    def collecting(self) -> bool:
        """The visit is someone else coming for the citizen's result."""
        return self.scenario.collector is not None and self.scenario.expected.decision == "handout"

    @property
    def at_window(self) -> dict[str, Any]:
        """Whose card is handed over first: the one standing at the window."""
        return self.collector if self.collecting else self.citizen

    @property
    def elapsed_s(self) -> float:
        return time.monotonic() - self.started

    @property
    def finished(self) -> bool:
        return self.sheet is not None


class TrainingService:
    def __init__(self, desk, folders: list[Path], roster: list[dict], workers: Workers, clock: Clock):
        self.desk = desk
        self.store: Store = desk.store
        self.catalog: Catalog = desk.intake.catalog
        self.folders, self.roster = folders, roster
        self.workers, self.clock = workers, clock
        self.active: ScenarioRun | None = None
        self._scenarios, self.problems = self._load()

    # --- scenarios ------------------------------------------------------------------------------

    def _load(self) -> tuple[dict[str, Scenario], list[str]]:
        found: dict[str, Scenario] = {}
        problems: list[str] = []
        for folder in self.folders:
            scenarios, bad = load_scenarios(folder, self.catalog, len(self.roster))
            problems += bad
            for s in scenarios:
                found[s.id] = s                    # the profile's own scenarios after the shipped ones
        for p in problems:
            log.warning("%s", p)
        return found, problems

    def scenarios(self) -> list[Scenario]:
        return list(self._scenarios.values())

    def scenario(self, id_or_file: str) -> Scenario:
        """A scenario by its id, or from a file."""
        if id_or_file in self._scenarios:
            return self._scenarios[id_or_file]
        path = Path(id_or_file)
        if path.suffix == ".json" and path.exists():
            return load_scenario_file(path, self.catalog, len(self.roster))
        raise ScenarioError(_("没有编号为“{id_or_file}”的情景（zongchuang --profile training training list 查看全部）").format(
                id_or_file=id_or_file))

    def _refuse_production(self) -> None:
        if not self.desk.training:
            raise DomainError(_("情景演练只能在培训环境中进行（zongchuang --profile training）"))

    # --- working a scenario ---------------------------------------------------------------------

    @runs_on("script")
    def start(self, scenario: Scenario, trainee: Clerk) -> ScenarioRun:
        """Prepare the scenario (its setup worked by a colleague), then the citizen steps up: their card lies
        on the simulated reader. Only one run at a time: a new one replaces the unfinished one."""
        self._refuse_production()
        setup_cases: list[str] = []
        if scenario.setup:
            colleague = DeskScript(self.desk)
            try:
                colleague.run([dict(s) for s in scenario.setup])
            except StepFailed as e:
                raise ScenarioError(_("情景 {id} 的准备步骤未能完成：{e}").format(id=scenario.id, e=e)) from e
            setup_cases = list(colleague.visit.cases)
        today = self.clock().date()
        citizen = self._card(scenario.citizen.card(self.roster), scenario, today)
        agent = scenario.agent.card(self.roster) if scenario.agent else None
        collector = scenario.collector.card(self.roster) if scenario.collector else citizen
        supervisors = [_("{name}（账号 {user}，密码 {password}）").format(
                name=s.get('name') or s['user'], user=s['user'], password=s['password']) for s in scenario.setup
                       if s.get("step") == "login" and s.get("role") == "supervisor"]
        run = ScenarioRun(scenario, trainee, self.store.cases.event_mark(), time.monotonic(), citizen, agent,
                          collector, setup_cases, supervisors)
        self.active = run
        self.desk.devices.present_simulated_person(run.at_window)
        log.info("training run of %s started by %s", scenario.id, trainee.username)
        return run

    def _card(self, card: dict[str, Any], scenario: Scenario, today: date) -> dict[str, Any]:
        """The citizen's card as laid: expired when the scenario says their ID card is."""
        brought = scenario.brings.get("id_card")
        valid_to = card_date(str(card.get("valid_to", "")))
        if brought is not None and brought.reason == "expired" and (valid_to is None or valid_to >= today):
            card = {**card, "valid_to": f"{today - timedelta(days=40):%Y%m%d}",
                    "valid_from": f"{today - timedelta(days=40 + 3652):%Y%m%d}"}
        return card

    def lay_card(self, run: ScenarioRun, who: str = "citizen") -> None:
        """Lay a card on the simulated reader: the citizen's, the agent's or the collector's — or insert the
        citizen's social security card (`sscard`)."""
        if who == "sscard":
            self.desk.devices.present_simulated_social_security_person(run.citizen)
            return
        card = {"citizen": run.citizen, "agent": run.agent, "collector": run.collector}.get(who)
        if card is None:
            raise DomainError(_("本情景没有代办人") if who == "agent" else _("没有这个人：{who}").format(who=who))
        self.desk.devices.present_simulated_person(card)

    def brought_document(self, run: ScenarioRun, code: str) -> SampleDocument:
        """The paper the citizen hands over for a material, as the simulated camera shows it."""
        scenario = run.scenario
        material = self._material(scenario, code)
        brought = scenario.brought(material)
        if brought.how == "missing":
            raise DomainError(_("群众没有带来“{name}”").format(name=material.name))
        person = run.agent if code == "agent_id" and run.agent else run.citizen
        name = str(person.get("name", ""))
        if code in ("id_card", "agent_id"):
            front, _unused = id_card_sides(name, _("男") if person.get("sex") == "1" else _("女"), "", str(person.get("birth", "")),
                                     str(person.get("address", "")), str(person.get("id", "")))
            return front
        reason = brought.reason if brought.how == "defective" else brought.how
        today = self.clock().date()
        return SampleDocument(
            material.name, name=_other_name(name) if reason == "wrong_name" else name,
            valid_to=f"{today - timedelta(days=150):%Y年%m月%d日}" if reason == "expired" else "",  # i18n: data
            flaw=reason if reason in ("unsigned", "illegible", "copy_only") else "")

    @runs_on("camera")
    def place_material(self, run: ScenarioRun, code: str) -> str:
        """Lay what the citizen brought for a material under the simulated camera; what is said of it."""
        doc = self.brought_document(run, code)
        self.desk.devices.place_simulated_sample(doc)
        return _("群众递上“{title}”").format(title=doc.title)

    def _material(self, scenario: Scenario, code: str) -> Material:
        for m in scenario.materials(self.catalog):
            if m.code == code:
                return m
        raise DomainError(_("本次申请不需要材料 {code}").format(code=code))

    def answer(self, run: ScenarioRun, key: str) -> str:
        """What the citizen says when asked for a form field."""
        said = run.scenario.answer(key)
        return said if said is not None else "这个我不清楚，你们看着办吧。"  # i18n: data (the citizen speaks Chinese)

    def hint(self, run: ScenarioRun) -> str:
        """The next hint (each costs points); the last one is repeated once all are used."""
        hints = list(run.scenario.hints) or self._hints(run.scenario)
        text = hints[min(run.hints_used, len(hints) - 1)]
        run.hints_used += 1
        return _("提示（扣 {cost} 分）：{text}").format(cost=HINT_COST, text=text)

    def _hints(self, scenario: Scenario) -> list[str]:
        out = []
        names = {m.code: m.name for m in scenario.materials(self.catalog)}
        odd = [_("{names}（{how}）").format(
                names=names[c], how=_('没有带') if b.how == 'missing' else _('只有复印件') if b.how == 'copy_only' else _('要仔细看'))
               for c, b in scenario.brings.items() if b.how != "present"]
        if odd:
            out.append(_("逐份核对材料：") + _("、").join(odd))
        out.append(_("本题的正确处理是：{decision}").format(decision=DECISION_LABELS[scenario.expected.decision]))
        return out

    @runs_on("script")
    def district_decides(self, run: ScenarioRun) -> str:
        """The back office decides as the scenario says, after its working days: the cases go up, the clock
        moves on, the result comes back."""
        district = run.scenario.district
        if district is None:
            raise DomainError(_("本情景没有区级办理结果"))
        cases = [c for c in self._records(run)[0] if c.state.value in ("accepted", "accepted_deferred", "submitted",
                                                                      "processing")]
        if not cases:
            raise DomainError(_("还没有已受理的办件可报送区级平台"))
        sync = self.desk.sync
        sync.sync_blocking(8)
        office = sync.training_back_office()
        for case in cases:
            office.back_office("approve" if district.decision == "approve" else "deny", case.case_number,
                               note=district.note or (_("准予办理") if district.decision == "approve" else _("不予批准")),
                               reason=district.note or _("不符合条件"))
        if district.after_days:
            self.desk.clock.advance(district.after_days, self.desk.intake.calendar)
        sync.sync_blocking(8)
        return _("{after_days} 个工作日后，区级平台已{decision}，结果已回传窗口").format(
                after_days=district.after_days, decision=_('办结') if district.decision == 'approve' else _('作出不予批准决定'))

    def _records(self, run: ScenarioRun) -> tuple[list[Case], list[CannotDoRequest]]:
        touched = self.store.cases.touched_by(run.trainee.username, run.mark)
        cases = [self.store.cases.get(i) for i, kind in touched if kind == "case"]
        registrations = [self.store.cases.get_registration(i) for i, kind in touched if kind != "case"]
        return cases, registrations

    def _score(self, run: ScenarioRun) -> ScoreSheet:
        cases, registrations = self._records(run)
        record = RunRecord(run.trainee.username, cases, {c.id: self.store.cases.events(c.id) for c in cases},
                           [self.store.cases.events(r.id) for r in registrations], run.elapsed_s, run.hints_used)
        return score_run(run.scenario, self.catalog, record, str(run.citizen.get("id", "")),
                         str(run.agent.get("id", "")) if run.agent else None)

    @runs_on("db")
    def finish(self, run: ScenarioRun) -> ScoreSheet:
        """Score the run from the events the trainee recorded, keep the result, and return the score sheet."""
        if run.sheet is not None:
            return run.sheet
        sheet = self._score(run)
        self.store.training.add_run(run.trainee.username, sheet.to_dict(), self.clock())
        run.sheet = sheet
        if self.active is run:
            self.active = None
        log.info("training run of %s by %s scored %d", run.scenario.id, run.trainee.username, sheet.score)
        return sheet

    @runs_on("cpu")
    def score_sheet_pdf(self, sheet: ScoreSheet, trainee: Clerk) -> bytes:
        """The score sheet as a PDF (training watermark, like every training document)."""
        return self.desk.documents.score_sheet(sheet.to_dict(), trainee)

    @runs_on("printer")
    def print_score_sheet(self, pdf: bytes, title: str, copies: int = 1) -> str:
        """Print a score sheet (in training, the printer simulator's PDF unless the trainer set a real printer)."""
        result = self.desk.devices.print_job(PrintJob(_("培训成绩单 {title}").format(title=title), pdf, copies=copies))
        return _("成绩单已打印（{printer}）").format(printer=result.printer)

    @runs_on("script")
    def run_actions(self, scenario: Scenario, actions: list[dict[str, Any]]) -> ScoreSheet:
        """A headless run: the actions (desk-script steps, the first a `login` of the trainee) performed on the
        scenario, then scored. Raises StepFailed for an action that cannot be done."""
        self._refuse_production()
        if not isinstance(actions, list) or not actions or not isinstance(actions[0], dict) \
                or actions[0].get("step") != "login":
            raise StepFailed(1, "login", _("操作列表应以学员登录（login）开始"))
        first = actions[0]
        login = DeskScript(self.desk)
        login.run([first])
        run = self.start(scenario, login.clerk)
        script = ScenarioScript(self.desk, self, run)
        script.run(actions)
        return self.finish(run)

    # --- quizzes --------------------------------------------------------------------------------

    @runs_on("cpu")
    def quiz(self, count: int, seed: int) -> list[Question]:
        return make_quiz(self.catalog, count, seed)

    @runs_on("db")
    def hand_in_quiz(self, trainee: Clerk | None, questions: list[Question], answers: list[Any],
                     seed: int) -> tuple[Any, QuizResult | None]:
        """Grade the answers; kept for the trainee when one is given."""
        result = grade(questions, answers)
        kept = None
        if trainee is not None:
            kept = self.store.training.add_quiz(trainee.username, seed, result.total, result.correct, result.score,
                                                self.clock())
        return result, kept

    # --- the trainer ----------------------------------------------------------------------------

    @staticmethod
    def _trainer(clerk: Clerk) -> None:
        if clerk.role not in TRAINERS:
            raise DomainError(_("只有培训员可以查看学员成绩、布置课程"))

    @runs_on("read")
    def results(self, trainer: Clerk) -> tuple[list[ResultRow], list[QuizRow]]:
        self._trainer(trainer)
        return results_table(self.store.training.runs()), quiz_table(self.store.training.quizzes())

    @runs_on("cpu")
    def export_results(self, trainer: Clerk, path: Path) -> Path:
        """Every trainee's results as an Excel workbook (情景演练 and 问卷测试 sheets)."""
        from app.documents.training_results import results_workbook

        runs, quizzes = self.results(trainer)
        data = results_workbook(
            [(r.trainee, r.scenario_id, r.title, r.attempts, r.best, r.last, round(r.last_elapsed_s),
              _("是") if r.passed else _("否"), f"{r.last_at:%Y-%m-%d %H:%M}") for r in runs],
            [(q.trainee, q.quizzes, q.best, q.last, f"{q.last_at:%Y-%m-%d %H:%M}") for q in quizzes])
        path.write_bytes(data)
        return path

    @runs_on("db")
    def save_course(self, trainer: Clerk, name: str, scenario_ids: list[str]) -> Course:
        self._trainer(trainer)
        if not name.strip():
            raise DomainError(_("请填写课程名称"))
        unknown = [i for i in scenario_ids if i not in self._scenarios]
        if unknown or not scenario_ids:
            raise DomainError(_("课程应由已有的情景组成") + (_("（没有 {unknown}）").format(
                    unknown=_('、').join(unknown)) if unknown else ""))
        return self.store.training.save_course(name.strip(), scenario_ids, trainer.username, self.clock())

    @runs_on("db")
    def assign_course(self, trainer: Clerk, course_id: str, trainees: list[str]) -> Course:
        self._trainer(trainer)
        missing = [t for t in trainees if self.store.clerks.find(t) is None]
        if missing:
            raise DomainError(_("没有这些学员账号：{missing}").format(missing=_('、').join(missing)))
        return self.store.training.assign(course_id, trainees, trainer.username, self.clock())

    @runs_on("read")
    def my_courses_and_runs(self, clerk: Clerk) -> tuple[list[Course], list[RunResult]]:
        """The courses a trainee was assigned (a trainer sees every course) and their own runs."""
        everyone = clerk.role in TRAINERS
        return self.store.training.courses(None if everyone else clerk.username), \
            self.store.training.runs(clerk.username)

    # --- authoring ------------------------------------------------------------------------------

    @runs_on("read")
    def draft_from_case(self, trainer: Clerk, case_number: str) -> dict[str, Any]:
        """"Record as model answer": a scenario drafted from a case the trainer worked at the window."""
        self._trainer(trainer)
        found = [s for s in self.store.cases.search(case_number.strip(), limit=5) if s.case_number == case_number.strip()]
        if not found:
            raise DomainError(_("本工作站没有办件 {case_number}").format(case_number=case_number.strip() or _('（未填写）')))
        case = self.store.cases.get(found[0].id)
        if case.clerk != trainer.username:
            raise DomainError(_("只能把自己办理的办件存为情景"))
        cases = self.store.cases.bundle_cases(case.bundle_id) if case.bundle_id else [case]
        return draft_scenario(cases, {c.id: self.store.cases.events(c.id) for c in cases}, self.catalog, self.roster)

    @runs_on("script")
    def verify(self, scenario: Scenario) -> ScoreSheet:
        """Work the scenario's model answer (as the workstation's own 标准答案 account) and score it; the run is
        not kept among the trainees' results."""
        found = self.store.clerks.find(MODEL_ACCOUNT)
        clerk = found[0] if found else self.desk.accounts.create(MODEL_ACCOUNT, _("标准答案"), Role.CLERK,
                                                                 generate_password())
        run = self.start(scenario, clerk)
        script = ScenarioScript(self.desk, self, run)
        script.visit.clerk = clerk
        steps = [dict(a) for a in scenario.model]
        script.run(steps[1:] if steps and steps[0].get("step") == "login" else steps)
        if self.active is run:
            self.active = None
        return self._score(run)

    @runs_on("script")
    def save_scenario(self, trainer: Clerk, data: dict[str, Any]) -> Scenario:
        """Check a scenario — its model answer must score 100 — and keep it in the profile's own scenario folder
        (replacing one of that id)."""
        self._trainer(trainer)
        scenario = parse_scenario(data, self.catalog, len(self.roster), str(data.get("id", "")))
        if not scenario.model:
            raise ScenarioError(_("情景 {id} 没有标准答案（model）").format(id=scenario.id))
        try:
            sheet = self.verify(scenario)
        except StepFailed as e:
            raise ScenarioError(_("情景未保存：标准答案做不下去——{e}").format(e=e)) from e
        if sheet.score != 100:
            raise ScenarioError(_("情景未保存：标准答案只得 {score} 分（").format(score=sheet.score)
                                + _("；").join(f.message for f in sheet.deductions) + _("），请修改群众带的材料或决定"))
        folder = self.folders[-1]
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{scenario.id}.json"
        path.write_text(json.dumps(scenario.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
        self._scenarios[scenario.id] = replace(scenario, source=path.name)
        return self._scenarios[scenario.id]


def _other_name(name: str) -> str:
    """A name that is nearly the citizen's but not theirs (a paper made out to someone else)."""
    if not name:
        return "王某"  # i18n: data
    return ("李" if name[0] != "李" else "王") + name[1:]  # i18n: data


class ScenarioScript(DeskScript):
    """A trainee's actions on a scenario: the desk-script steps, with the scenario's citizen at the window —
    `read_card` lays their card unless told otherwise, `capture` lays what they brought, `ask` types what
    they answer — and the steps only training has (`ask`, `hint`, `district`)."""

    def __init__(self, desk, training: TrainingService, run: ScenarioRun):
        super().__init__(desk)
        self.training, self.scenario_run = training, run
        for case_id in run.setup_cases:
            self.visit.cases[case_id] = None

    def step_read_card(self, roster: int | None = None, identity: dict | None = None, who: str = "citizen") -> None:
        if roster is None and identity is None:
            identity = {"citizen": self.scenario_run.citizen, "collector": self.scenario_run.collector}.get(who)
            if identity is None:
                raise DomainError(_("没有这个人：{who}").format(who=who))
        super().step_read_card(roster, identity)

    def step_read_sscard(self, roster: int | None = None, identity: dict | None = None) -> None:
        if roster is None and identity is None:
            identity = self.scenario_run.citizen
        super().step_read_sscard(roster, identity)

    def step_agent(self, relation: str = "", roster: int | None = None, identity: dict | None = None) -> None:
        run = self.scenario_run
        if roster is None and identity is None:
            if run.agent is None:
                raise DomainError(_("本情景没有代办人"))
            identity, relation = run.agent, relation or run.scenario.agent.relation
        super().step_agent(relation, roster, identity)

    def _capture(self, material: str) -> None:
        self.training.place_material(self.scenario_run, material)
        devices = self.desk.devices
        try:
            page = devices.capture_page()
        finally:
            devices.remove_simulated_document()
        self.desk.intake.attach_pages(self.app, material, [page.jpeg], self.clerk)

    def step_ask(self, fields: list[str]) -> None:
        """Ask the citizen for these form fields and type what they answer."""
        self.step_fill({key: self.training.answer(self.scenario_run, key) for key in fields})

    def step_hint(self) -> None:
        self.training.hint(self.scenario_run)

    def step_district(self) -> None:
        """Time passes and the back office decides as the scenario says; the result comes back."""
        self.training.district_decides(self.scenario_run)
        if self.visit.app is not None:
            self.visit.app = self.desk.intake.load(self.visit.app.primary.id)

    def step_handout(self, collector: dict | None = None, **kwargs) -> None:
        if collector is None and kwargs.get("method") in (None, "window"):
            collector = {"identity": self.scenario_run.collector}
        super().step_handout(collector, **kwargs)

