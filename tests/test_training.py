"""Training: the shipped scenarios (each one's model answer scores 100, each wrong answer fails with its finding),
the headless commands, the scoring rules as a pure function, quizzes from the catalogue, the trainer's table and
its Excel export, and the isolation of training from production."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.config.paths import Profile
from app.domain.accounts import Role
from app.domain.calendar import WorkingDayCalendar
from app.domain.case import Case, CaseState, MaterialStatus
from app.domain.catalog import MaterialForm
from app.domain.errors import DomainError
from app.domain.identity import Identity
from app.store.catalog_files import load_newest_catalog
from app.training.quiz import TOPICS, answer_index, grade, make_quiz
from app.training.results import results_table
from app.training.scenario import DECISIONS, ScenarioError, load_scenarios, parse_scenario
from app.training.scoring import RunRecord, score_run

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "resources" / "training" / "scenarios"
ROSTER = json.loads((ROOT / "resources" / "roster" / "residents.json").read_text(encoding="utf-8"))["residents"]
CATALOG, _ = load_newest_catalog(ROOT / "resources" / "catalog", ROOT / "nowhere")
SHIPPED, PROBLEMS = load_scenarios(SCENARIOS, CATALOG, len(ROSTER))
BY_ID = {s.id: s for s in SHIPPED}


# --- what ships --------------------------------------------------------------------------------------

def test_the_shipped_scenarios_cover_every_path_of_the_desk():
    assert not PROBLEMS
    assert len(SHIPPED) >= 24
    decisions = Counter(s.expected.decision for s in SHIPPED)
    assert set(DECISIONS) <= set(decisions)                                    # each decision
    agencies = {CATALOG.item(c).agency for s in SHIPPED for c in
                (CATALOG.bundle(s.bundle).item_codes if s.bundle else s.item_codes)}
    assert len(agencies) >= 6
    cards = {s.citizen.card(ROSTER)["card"] for s in SHIPPED}
    assert {"resident", "hmt_residence", "foreigner_old", "foreigner_2023"} <= cards   # every ID-reader card type
    assert any(step.get("step") == "read_sscard" for s in SHIPPED for step in s.model)   # and the 社保卡
    assert any(s.bundle for s in SHIPPED) and any(s.agent for s in SHIPPED)
    brought = {(b.how, b.reason) for s in SHIPPED for b in s.brings.values()}
    assert {("defective", "expired"), ("defective", "illegible"), ("defective", "unsigned"),
            ("defective", "wrong_name"), ("copy_only", ""), ("missing", "")} <= brought
    assert any(s.brings.get("id_card") and s.brings["id_card"].reason == "expired" for s in SHIPPED)
    assert any(any(step.get("step") == "correction_notice" for step in s.setup) for s in SHIPPED)   # a return
    assert any(s.expected.collector == "refused" for s in SHIPPED)            # handout to the wrong person
    assert any(s.district for s in SHIPPED)                                    # runs on to 出件
    for s in SHIPPED:
        assert s.model and s.mistakes, s.id


@pytest.fixture(scope="module")
def trainer_desk(tmp_path_factory):
    """One training desk (printer writing PDFs) that works every scenario in turn."""
    from app.main import build_printing_desk

    home = tmp_path_factory.mktemp("training-home")
    old = os.environ.get("ZONGCHUANG_HOME")
    os.environ["ZONGCHUANG_HOME"] = str(home)
    desk = build_printing_desk(home / "printed", "模拟打印机（测试）")
    yield desk
    desk.close()
    if old is None:
        os.environ.pop("ZONGCHUANG_HOME", None)
    else:
        os.environ["ZONGCHUANG_HOME"] = old


@pytest.mark.parametrize("scenario_id", sorted(BY_ID))
def test_the_model_answer_scores_100_and_every_mistake_fails_with_its_finding(trainer_desk, scenario_id):
    training = trainer_desk.training_service
    scenario = training.scenario(scenario_id)
    sheet = training.run_actions(scenario, [dict(a) for a in scenario.model])
    assert (sheet.score, sheet.passed) == (100, True), [f.message for f in sheet.deductions]
    for mistake in scenario.mistakes:
        sheet = training.run_actions(scenario, [dict(a) for a in mistake.actions])
        assert not sheet.passed and sheet.score < scenario.pass_mark, mistake.why
        assert any(f.kind == mistake.finding and f.points < 0 for f in sheet.findings), (
            mistake.why, [f.to_dict() for f in sheet.deductions])


def test_every_run_is_kept_for_the_trainer_and_exported_to_excel(trainer_desk, tmp_path):
    training = trainer_desk.training_service
    trainer = trainer_desk.accounts.create("peixun", "培训员老周", Role.TRAINER, "trainer-pass-3")
    scenario = training.scenario("birth-registration")
    training.run_actions(scenario, [dict(a) for a in scenario.mistakes[0].actions])
    training.run_actions(scenario, [dict(a) for a in scenario.model])
    runs, _ = training.results(trainer)
    row = next(r for r in runs if r.trainee == "xueyuan" and r.scenario_id == "birth-registration")
    assert row.attempts >= 2 and row.best == 100 and row.last == 100 and row.passed
    with pytest.raises(DomainError, match="只有培训员"):
        training.results(trainer_desk.accounts.login("xueyuan", "trainee-pass-1"))
    questions = training.quiz(5, 3)
    training.hand_in_quiz(trainer_desk.accounts.login("xueyuan", "trainee-pass-1"), questions,
                          ["ABCD"[q.answer] for q in questions], 3)
    path = training.export_results(trainer, tmp_path / "成绩.xlsx")
    book = load_workbook(path)
    sheet = book["情景演练"]
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["学员", "情景编号", "情景", "次数", "最好成绩"]
    rows = {(r[0], r[1]): r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[("xueyuan", "birth-registration")][4] == 100
    assert len(rows) == len(runs)
    quizzes = list(book["问卷测试"].iter_rows(min_row=2, values_only=True))
    assert quizzes[0][0] == "xueyuan" and quizzes[0][2] == 100


def test_courses_are_saved_and_assigned_by_a_trainer(trainer_desk):
    training = trainer_desk.training_service
    trainer = trainer_desk.accounts.login("peixun", "trainer-pass-3") if trainer_desk.store.clerks.find("peixun") \
        else trainer_desk.accounts.create("peixun", "培训员老周", Role.TRAINER, "trainer-pass-3")
    course = training.save_course(trainer, "新人第一周", ["birth-registration", "old-age-allowance-deferred"])
    course = training.assign_course(trainer, course.id, ["xueyuan"])
    assert course.trainees == ("xueyuan",) and course.scenario_ids == ("birth-registration",
                                                                        "old-age-allowance-deferred")
    trainee = trainer_desk.accounts.login("xueyuan", "trainee-pass-1")
    courses, _ = training.my_courses_and_runs(trainee)
    assert [c.name for c in courses] == ["新人第一周"]
    with pytest.raises(DomainError, match="没有这些学员账号"):
        training.assign_course(trainer, course.id, ["nobody"])
    with pytest.raises(DomainError, match="已有的情景"):
        training.save_course(trainer, "空课", ["no-such-scenario"])
    with pytest.raises(DomainError, match="只有培训员"):
        training.save_course(trainee, "学员自己的课", ["birth-registration"])


def test_the_simulated_camera_shows_what_the_citizen_brought(trainer_desk):
    training = trainer_desk.training_service
    trainee = trainer_desk.accounts.login("xueyuan", "trainee-pass-1")
    run = training.start(training.scenario("unemployment-wrong-name"), trainee)
    paper = training.brought_document(run, "labor_contract_end")
    assert paper.name and paper.name != run.citizen["name"]                  # made out to someone else
    assert training.brought_document(run, "bank_card").name == run.citizen["name"]
    run = training.start(training.scenario("residence-registration-no-proof"), trainee)
    with pytest.raises(DomainError, match="群众没有带来"):
        training.brought_document(run, "residence_proof")
    run = training.start(training.scenario("disability-card-illegible-assessment"), trainee)
    assert training.brought_document(run, "disability_assessment").flaw == "illegible"
    run = training.start(training.scenario("honour-certificate-copy-only"), trainee)
    assert training.brought_document(run, "hukou").flaw == "copy_only"
    run = training.start(training.scenario("residence-registration-expired-card"), trainee)
    card = trainer_desk.devices.read_card().holder                          # the card laid by the scenario
    assert card.is_expired(trainer_desk.clock().date()) and card.name == run.citizen["name"]
    run = training.start(training.scenario("birth-registration"), trainee)
    assert training.answer(run, "phone") == "13905710426"
    assert "不清楚" in training.answer(run, "bank_account")
    assert training.hint(run).startswith("提示（扣 5 分）") and run.hints_used == 1


# --- the commands --------------------------------------------------------------------------------------

def _cli(home: Path, *args: str, profile: str = "training") -> subprocess.CompletedProcess:
    env = {**os.environ, "ZONGCHUANG_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "app", "--profile", profile, *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=300)


def test_the_headless_commands(tmp_path):
    home = tmp_path / "home"
    listed = _cli(home, "training", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert {s["id"] for s in json.loads(listed.stdout)} == set(BY_ID)

    model = _cli(home, "training", "run", "residence-registration-expired-card", "--actions", "model", "--json")
    assert model.returncode == 0, model.stderr
    report = json.loads(model.stdout)
    assert report["scenario"] == "residence-registration-expired-card" and report["score"] == 100 and report["passed"]
    assert {"kind", "message", "points"} <= set(report["findings"][0])

    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps(BY_ID["residence-registration-expired-card"].mistakes[0].actions), encoding="utf-8")
    scored = _cli(home, "training", "run", "residence-registration-expired-card", "--actions", str(wrong), "--json")
    assert scored.returncode == 0, scored.stderr                                # exit 0 whatever the score
    report = json.loads(scored.stdout)
    assert not report["passed"] and report["score"] < 80
    assert any(f["kind"] == "material" and "已过期" in f["message"] and f["points"] < 0 for f in report["findings"])

    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps([{"step": "login", "user": "xueyuan", "password": "trainee-pass-1"},
                                  {"step": "fly"}]), encoding="utf-8")
    failed = _cli(home, "training", "run", "birth-registration", "--actions", str(broken))
    assert failed.returncode == 1 and "第 2 步（fly）" in failed.stderr
    bad_scenario = tmp_path / "bad.json"
    bad_scenario.write_text(json.dumps({"id": "x", "level": "入门", "time_limit_s": 60, "items": ["NOPE"]}),
                            encoding="utf-8")
    failed = _cli(home, "training", "run", str(bad_scenario), "--actions", "model")
    assert failed.returncode == 1 and "items" in failed.stderr and "NOPE" in failed.stderr
    assert "Traceback" not in failed.stderr

    quiz = _cli(home, "training", "quiz", "--count", "6", "--seed", "42", "--json")
    again = _cli(home, "training", "quiz", "--count", "6", "--seed", "42", "--json")
    assert quiz.returncode == 0 and quiz.stdout == again.stdout
    questions = json.loads(quiz.stdout)["questions"]
    answers = tmp_path / "answers.json"
    right = [q.answer for q in make_quiz(CATALOG, 6, 42)]
    answers.write_text(json.dumps(["ABCD"[a] for a in right[:5]] + ["ABCD"[(right[5] + 1) % 4]]), encoding="utf-8")
    graded = _cli(home, "training", "quiz", "--count", "6", "--seed", "42", "--answers", str(answers), "--json")
    result = json.loads(graded.stdout)
    assert len(questions) == 6 and result["correct"] == 5 and result["score"] == 83
    assert result["wrong"][0]["question"] == 6

    refused = _cli(home, "training", "list", profile="production")
    assert refused.returncode == 2 and "培训环境" in refused.stderr


# --- scenario files ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("change", "where"), [
    (lambda d: d.pop("expected"), "expected"),
    (lambda d: d.update(level="大师"), "level"),
    (lambda d: d["brings"].update(nothing="present"), "brings.nothing"),
    (lambda d: d["brings"].update(parents_id={"defective": "wet"}), "brings.parents_id.defective"),
    (lambda d: d["citizen"].update(roster=99), "citizen.roster"),
    (lambda d: d["expected"].update(decision="accept_deferred"), "expected.deferred"),
    (lambda d: d["expected"].update(documents=["poster"]), "expected.documents"),
    (lambda d: d.update(model=[{"no": "step"}]), "model"),
])
def test_a_broken_scenario_is_named_with_its_field(change, where):
    data = json.loads((SCENARIOS / "birth-registration.json").read_text(encoding="utf-8"))
    change(data)
    with pytest.raises(ScenarioError, match=where.replace(".", r"\.")) as e:
        parse_scenario(data, CATALOG, len(ROSTER), "birth-registration.json")
    assert "birth-registration.json" in str(e.value)


def test_a_scenario_survives_its_own_file_format():
    for s in SHIPPED:
        again = parse_scenario(json.loads(json.dumps(s.to_dict())), CATALOG, len(ROSTER), s.source)
        assert again.to_dict() == s.to_dict()


# --- scoring, a pure function --------------------------------------------------------------------------------

AT = datetime(2026, 11, 24, 9, 30).astimezone()
CALENDAR = WorkingDayCalendar({})


def _case(item_code: str, citizen: dict, trainee: str = "xueyuan") -> Case:
    item = CATALOG.item(item_code)
    case = Case.open(case_id="c1", case_number="ZC01-20261124-0001", item=item, catalog_version=CATALOG.version,
                     clerk=trainee, at=AT)
    case.set_applicant(_identity(citizen), trainee, AT, from_card=True)
    id_card = next((m for m in item.materials if m.from_id_card), None)
    if id_card is not None:                                        # the card read gives the ID material
        case.mark_material(id_card, MaterialStatus.RECEIVED, trainee, AT, source="id_card")
    keys = {f.key for f in item.fields}
    case.fill_fields({k: v for k, v in (("name", citizen["name"]), ("id_number", citizen["id"]),
                                        ("address", citizen["address"])) if k in keys}, trainee, AT)
    return case


def _identity(card: dict) -> Identity:
    """The holder a card read gives (only what scoring looks at: the name and the number)."""
    return Identity(card["name"], card["id"])


def _material(item_code: str, code: str):
    return next(m for m in CATALOG.item(item_code).materials if m.code == code)


def _record(case: Case, elapsed: float = 30, hints: int = 0) -> RunRecord:
    return RunRecord("xueyuan", [case], {case.id: list(case.pending)}, [], elapsed, hints)


def test_scoring_finds_a_defective_paper_taken_and_a_notice_that_leaves_it_out():
    scenario = BY_ID["disability-card-illegible-assessment"]
    citizen = scenario.citizen.card(ROSTER)
    case = _case("CL001", citizen)
    for code in ("id_card", "hukou", "photo", "disability_assessment"):
        case.mark_material(_material("CL001", code), MaterialStatus.CAPTURED, "xueyuan", AT, attachments=["a" * 64])
    case.fill_fields({"phone": "13857120033", "disability_category": "肢体"}, "xueyuan", AT)
    case.accept(CATALOG.item("CL001"), CALENDAR, "xueyuan", AT)
    sheet = score_run(scenario, CATALOG, _record(case), citizen["id"])
    messages = {f.kind: f.message for f in sheet.deductions}
    assert not sheet.passed
    assert "应一次性补正告知" in messages["decision"]
    assert "残疾评定表字迹或印章不清，应判为不合格" in messages["material"]
    assert "告知书漏列残疾评定表" in messages["notice"]
    material = next(f for f in sheet.findings if f.kind == "material" and not f.ok)
    assert material.guide.startswith("办事指南·申请材料目录（残疾评定表")


def test_scoring_rewards_the_right_handling_and_charges_hints_time_and_a_leaked_id_number():
    scenario = BY_ID["assistive-device-privacy"]
    citizen = scenario.citizen.card(ROSTER)
    case = _case("CL003", citizen)
    for code in ("disability_cert", "device_prescription"):
        case.mark_material(_material("CL003", code), MaterialStatus.CAPTURED, "xueyuan", AT, attachments=["b" * 64])
    case.fill_fields({"phone": "13857120033", "device_type": "手动轮椅"}, "xueyuan", AT)
    case.accept(CATALOG.item("CL003"), CALENDAR, "xueyuan", AT)
    case.note_printed("acceptance_receipt", "模拟打印机", "xueyuan", AT)
    sheet = score_run(scenario, CATALOG, _record(case), citizen["id"])
    assert (sheet.score, sheet.passed) == (100, True)

    slow = score_run(scenario, CATALOG, _record(case, elapsed=scenario.time_limit_s + 1, hints=2), citizen["id"])
    assert slow.score == 100 - 10 - 10 and {f.kind for f in slow.deductions} == {"time", "hint"}

    leaky = _case("CL003", citizen)
    leaky.fill_fields({"phone": "13857120033", "device_type": f"手动轮椅（{citizen['id']}）"}, "xueyuan", AT)
    sheet = score_run(scenario, CATALOG, _record(leaky), citizen["id"])
    privacy = next(f for f in sheet.findings if f.kind == "privacy")
    assert privacy.points < 0 and "device_type" in privacy.message


def test_scoring_a_handout_to_someone_who_may_not_collect():
    scenario = BY_ID["social-security-card-stranger"]
    citizen = scenario.citizen.card(ROSTER)
    case = _case("SB003", citizen)
    assert score_run(scenario, CATALOG, RunRecord("xueyuan", [], {}), citizen["id"]).passed   # nothing handed out
    case.state = CaseState.COMPLETED_APPROVED
    stranger = _identity(scenario.collector.card(ROSTER))
    case.hand_out(case.delivery_method, "xueyuan", AT, collector=stranger, approved_by="zhaozr")
    sheet = score_run(scenario, CATALOG, _record(case), citizen["id"])
    assert not sheet.passed and any(f.kind == "collector" and f.points < 0 for f in sheet.findings)


def test_a_copy_is_enough_where_the_catalogue_asks_for_a_copy():
    scenario = parse_scenario({**json.loads((SCENARIOS / "birth-registration.json").read_text(encoding="utf-8")),
                               "brings": {"parents_id": "copy_only"}}, CATALOG, len(ROSTER))
    assert _material("WJ001", "parents_id").form is MaterialForm.COPY
    citizen = scenario.citizen.card(ROSTER)
    case = _case("WJ001", citizen)
    case.mark_material(_material("WJ001", "parents_id"), MaterialStatus.CAPTURED, "xueyuan", AT, attachments=["c" * 64])
    case.fill_fields({"phone": "13905710426", "spouse_name": "张强"}, "xueyuan", AT)
    case.accept(CATALOG.item("WJ001"), CALENDAR, "xueyuan", AT)
    case.note_printed("acceptance_receipt", "模拟打印机", "xueyuan", AT)
    assert score_run(scenario, CATALOG, _record(case), citizen["id"]).score == 100


def test_a_defective_paper_goes_back_and_onto_the_notice_with_its_reason(desk, clerk):
    desk.devices.present_simulated_card(4)
    holder = desk.devices.read_card().holder
    app = desk.intake.start("items", ["CL001"], clerk, applicant=holder)
    desk.intake.attach_pages(app, "disability_assessment", [desk.devices.capture_page().jpeg], clerk)
    desk.intake.reject_material(app, "disability_assessment", "illegible", clerk)
    assert app.status_of("disability_assessment") is MaterialStatus.DEFECTIVE
    assert app.attachments_of("disability_assessment") == []                 # nothing of it is kept
    listed = {m["code"]: m["requirement"] for m in desk.intake.correction_candidates(app)}
    assert "字迹或印章不清" in listed["disability_assessment"] and "hukou" in listed
    with pytest.raises(DomainError, match="哪里不合格"):
        desk.intake.reject_material(app, "hukou", " ", clerk)


# --- quizzes --------------------------------------------------------------------------------------------

def test_quiz_answers_are_right_by_the_catalogue_options_distinct_and_the_seed_repeats():
    questions = make_quiz(CATALOG, 40, seed=5)
    assert len(questions) == 40 and len({(q.item_code, q.topic) for q in questions}) == 40
    assert {q.topic for q in questions} == set(TOPICS)
    for q in questions:
        item = CATALOG.item(q.item_code)
        right = q.options[q.answer]
        assert len(set(q.options)) == 4, q
        if q.topic == "materials":
            assert right in {m.name for m in item.materials if m.required}
            assert not {o for o in q.options if o != right} & {m.name for m in item.materials}
        elif q.topic == "deferrable":
            assert right in {m.name for m in item.materials if m.deferrable}
            assert all(not m.deferrable for it in CATALOG.items.values() for m in it.materials
                       if m.name in set(q.options) - {right})
        elif q.topic == "deciding_agency":
            assert right == item.guide.deciding_agency
        elif q.topic == "fee":
            assert right == item.guide.fee
        else:
            assert str(item.guide.promised_limit_days) in right or (item.instant and "即办件" in right)
    assert [q.to_dict(True) for q in make_quiz(CATALOG, 10, seed=5)] == [q.to_dict(True) for q in questions[:10]]
    assert [q.text for q in make_quiz(CATALOG, 10, seed=6)] != [q.text for q in questions[:10]]
    with pytest.raises(DomainError):
        make_quiz(CATALOG, 0, seed=1)


def test_grading_a_quiz():
    questions = make_quiz(CATALOG, 4, seed=9)
    given = ["ABCD"[questions[0].answer], questions[1].answer, None, "z"]
    result = grade(questions, given)
    assert (result.correct, result.total, result.score) == (2, 4, 50)
    assert [n for n, _, _ in result.wrong] == [3, 4]
    assert answer_index("b") == 1 and answer_index(True) is None and answer_index(7) is None


def test_the_trainer_table_keeps_attempts_best_and_last():
    from app.store.training import RunResult

    def run(trainee, scenario, score, minute):
        return RunResult("r", trainee, scenario, scenario, datetime(2026, 12, 1, 9, minute).astimezone(), 100.0 + minute,
                         score, score >= 80, 0, {})

    rows = results_table([run("b", "s1", 70, 1), run("a", "s1", 90, 2), run("a", "s1", 60, 3), run("a", "s2", 85, 4)])
    assert [(r.trainee, r.scenario_id, r.attempts, r.best, r.last, r.passed) for r in rows] == [
        ("a", "s1", 2, 90, 60, True), ("a", "s2", 1, 85, 85, True), ("b", "s1", 1, 70, 70, False)]
    assert rows[0].last_elapsed_s == 103.0


def test_production_has_no_training(home, clock):
    from app.main import build_desk

    desk = build_desk(Profile.PRODUCTION, home, clock=clock, idcard=None, camera=None, printer=None)
    try:
        assert desk.training_service is None
    finally:
        desk.close()


def test_a_case_with_a_paper_not_fit_becomes_a_scenario_whose_model_scores_100(trainer_desk):
    from app.services.desk_script import DeskScript
    from app.training.scenario import ScenarioError

    script = DeskScript(trainer_desk)
    script.run([{"step": "login", "user": "laozhou", "password": "trainer-pass-4", "role": "trainer", "name": "老周"},
                {"step": "read_card", "roster": 4}, {"step": "choose", "items": ["CL001"]},
                {"step": "fill", "fields": {"phone": "13857120033", "disability_category": "肢体"}},
                {"step": "receive", "material": "hukou"}, {"step": "capture", "material": "photo"},
                {"step": "capture", "material": "disability_assessment"},
                {"step": "reject", "material": "disability_assessment", "reason": "unsigned"},
                {"step": "correction_notice"}])
    trainer, number = script.clerk, script.app.primary.case_number
    training = trainer_desk.training_service
    draft = training.draft_from_case(trainer, number)
    assert draft["citizen"]["roster"] == 4
    assert draft["brings"] == {"disability_assessment": {"defective": "unsigned"}}
    assert draft["expected"] == {"decision": "correction_notice", "missing": ["disability_assessment"],
                                 "fields": {"phone": "13857120033", "disability_category": "肢体"}}
    assert {"step": "reject", "material": "disability_assessment", "reason": "unsigned"} in draft["model"]
    scenario = training.save_scenario(trainer, draft)
    assert training.scenario(scenario.id).brings["disability_assessment"].reason == "unsigned"
    assert (trainer_desk.paths.data / "training" / "scenarios" / f"{scenario.id}.json").exists()
    with pytest.raises(ScenarioError, match="标准答案"):
        training.save_scenario(trainer, {**draft, "brings": {}})           # nothing wrong any more: no notice
    with pytest.raises(DomainError, match="本工作站没有办件"):
        training.draft_from_case(trainer, "ZC01-19990101-0001")
