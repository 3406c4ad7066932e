"""Training at the real window: a trainee logs in, picks a scenario, the citizen panel shows who stands there,
the simulated reader holds their card and the simulated camera the very papers they brought; finishing shows
the score sheet from the case events. The trainer sees the table and exports it; the quiz is taken on screen."""

from __future__ import annotations

import pytest
from gui_support import choose, click, settle
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QInputDialog
from test_gui_layout import look, opened

from app.domain.accounts import Role
from app.domain.case import CaseState, MaterialStatus
from app.ui.login import LoginDialog
from app.ui.main_window import MainWindow
from app.ui.score_sheet import ScoreSheetDialog
from app.ui.training_panel import CourseDialog, QuizDialog

pytestmark = pytest.mark.gui


def log_in(qtbot, desk, user: str, password: str):
    dialog = LoginDialog(desk)
    qtbot.addWidget(dialog)
    dialog.username.setText(user)
    dialog.password.setText(password)
    dialog.buttons.button(QDialogButtonBox.Ok).click()
    qtbot.waitUntil(lambda: dialog.ops.idle and dialog.clerk is not None, timeout=10000)
    window = MainWindow(desk, dialog.clerk)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def start(qtbot, window, scenario_id: str):
    window.tabs.setCurrentWidget(window.training)
    settle(qtbot, window)
    panel = window.training
    row = next(r for r in range(panel.scenario_table.rowCount())
               if panel.scenario_table.item(r, 0).data(Qt.UserRole) == scenario_id)
    panel.scenario_table.selectRow(row)
    click(qtbot, window, panel.start_button)
    qtbot.waitUntil(lambda: window.citizen.isVisible(), timeout=10000)


def capture_brought(qtbot, window, code: str):
    """Open the capture window on the material, let the citizen lay what they brought, take a still."""
    panel = window.intake
    click(qtbot, window, panel.materials.buttons[code]["capture"])
    view = panel.capture_view
    qtbot.waitExposed(view)
    before = view.captures
    click(qtbot, window, view.sim_place)
    qtbot.waitUntil(lambda: view.preview.preview is not None, timeout=5000)
    view.capture_now()
    qtbot.waitUntil(lambda: view.captures > before, timeout=10000)
    settle(qtbot, window)
    return view


def test_a_trainee_works_a_scenario_at_the_window_and_sees_the_score_sheet(qtbot, desk):
    desk.settings.capture_auto = False
    desk.accounts.create("xueyuan", "学员小陈", Role.CLERK, "trainee-pass-1")
    window = log_in(qtbot, desk, "xueyuan", "trainee-pass-1")
    start(qtbot, window, "disability-card-illegible-assessment")
    citizen = window.citizen
    look(window, "main-citizen-panel")
    assert "陈志强" in citizen.who.text() and "评定表医院给的就是这样" in citizen.says.text()

    panel = window.intake
    click(qtbot, window, panel.read_card_button)                      # the card the scenario laid
    assert panel.applicant_labels["name"].text() == "陈志强"
    choose(qtbot, window, "残疾人证申领", "残疾人证申领（")
    citizen.fields.setCurrentIndex(citizen.fields.findData("phone"))
    click(qtbot, window, citizen.ask)
    assert citizen.answer.text() == "群众：13857120033"
    panel.form.set_value("phone", "13857120033")                      # typed as the citizen said
    panel.form.set_value("disability_category", "肢体")
    click(qtbot, window, panel.materials.buttons["hukou"]["received"])
    view = capture_brought(qtbot, window, "photo")
    panel.close_capture()
    settle(qtbot, window)

    view = capture_brought(qtbot, window, "disability_assessment")      # the assessment as the citizen brought it
    scene = desk.devices.camera.scene_now()
    assert scene.document.title == "残疾评定表" and scene.document.flaw == "illegible"
    look(view, "capture-defective-paper")
    panel.close_capture()
    settle(qtbot, window)
    assert panel.app.status_of("disability_assessment") is MaterialStatus.CAPTURED

    click(qtbot, window, panel.materials.buttons["disability_assessment"]["defective"])
    dialog = panel.dialog
    assert isinstance(dialog, QInputDialog)
    dialog.setTextValue("字迹或印章不清")
    dialog.accept()
    settle(qtbot, window)
    assert panel.app.status_of("disability_assessment") is MaterialStatus.DEFECTIVE
    assert panel.app.attachments_of("disability_assessment") == []

    window.activateWindow()
    panel.issue_correction_notice()
    notice = panel.dialog
    listed = {code for code, _, box, _ in notice.rows if box.isChecked()}
    assert listed == {"disability_assessment"}                         # proposed: what is not fit
    notice.accept()
    settle(qtbot, window)
    qtbot.waitUntil(lambda: panel.printing.preview is not None and panel.printing.preview.isVisible(), timeout=10000)
    click(qtbot, window, panel.printing.preview.print_button)
    assert panel.app.state is CaseState.CORRECTION_NOTIFIED

    click(qtbot, window, citizen.done)
    qtbot.waitUntil(lambda: isinstance(window.dialog, ScoreSheetDialog), timeout=10000)
    sheet = window.dialog
    qtbot.waitExposed(sheet)
    look(sheet, "score-sheet")
    assert sheet.score.text().startswith("100 分 · 通过")
    lines = [sheet.table.item(r, 1).text() for r in range(sheet.table.rowCount())]
    assert "决定正确：一次性补正告知" in lines
    assert "残疾评定表字迹或印章不清，已判为不合格" in lines
    assert "告知书列出了残疾评定表" in lines and "已打印一次性补正告知书" in lines
    assert not citizen.isVisible()
    kept = desk.store.training.runs("xueyuan")
    assert [(r.scenario_id, r.score) for r in kept] == [("disability-card-illegible-assessment", 100)]
    click(qtbot, window, sheet.pdf_button)
    qtbot.waitUntil(lambda: sheet.preview is not None and sheet.preview.isVisible(), timeout=10000)
    assert sheet.preview.document.pageCount() == 1


def test_a_mistake_at_the_window_shows_on_the_score_sheet(qtbot, desk):
    desk.accounts.create("xueyuan", "学员小陈", Role.CLERK, "trainee-pass-1")
    window = log_in(qtbot, desk, "xueyuan", "trainee-pass-1")
    start(qtbot, window, "residence-registration-expired-card")
    panel = window.intake
    click(qtbot, window, panel.read_card_button)
    assert "过期" in panel.card_warnings.text()                        # the scenario's card is expired
    choose(qtbot, window, "居住登记", "居住登记（")
    panel.form.set_value("phone", "15099120417")
    panel.form.set_value("residence_start", "2026-09-01")
    click(qtbot, window, panel.materials.buttons["residence_proof"]["received"])
    click(qtbot, window, window.citizen.hint)
    assert "有效期限" in panel.message.text()
    click(qtbot, window, panel.accept_button)
    settle(qtbot, window)
    click(qtbot, window, window.citizen.done)
    qtbot.waitUntil(lambda: isinstance(window.dialog, ScoreSheetDialog), timeout=10000)
    sheet = window.dialog
    assert "未通过" in sheet.score.text()
    rows = {sheet.table.item(r, 1).text(): sheet.table.item(r, 2).text() for r in range(sheet.table.rowCount())}
    assert rows["应一次性补正告知，实际为：受理"] == "-40"
    assert rows["申请人居民身份证已过期，应判为不合格退回并一次性告知，而不是已收"] == "-15"
    assert rows["使用提示 1 次"] == "-5"


def test_the_trainer_sees_every_trainee_exports_and_assigns_a_course(qtbot, desk, tmp_path):
    training = desk.training_service
    scenario = training.scenario("birth-registration")
    training.run_actions(scenario, [dict(a) for a in scenario.model])          # trainee xueyuan's run
    desk.accounts.create("peixun", "培训员老周", Role.TRAINER, "trainer-pass-3")
    window = log_in(qtbot, desk, "peixun", "trainer-pass-3")
    window.tabs.setCurrentWidget(window.training)
    settle(qtbot, window)
    panel = window.training
    panel.tabs.setCurrentIndex(2)
    settle(qtbot, window)
    look(window, "main-trainer-results")
    table = panel.results_table
    assert [table.item(0, c).text() for c in (0, 1, 3)] == ["xueyuan", scenario.title, "100"]
    panel.export(str(tmp_path / "成绩.xlsx"))
    settle(qtbot, window)
    rows = list(load_workbook(tmp_path / "成绩.xlsx")["情景演练"].iter_rows(min_row=2, values_only=True))
    assert rows[0][:5] == ("xueyuan", "birth-registration", scenario.title, 1, 100)

    click(qtbot, window, panel.course_button)
    dialog = panel.dialog
    assert isinstance(dialog, CourseDialog)
    look(dialog, "dialog-course")
    dialog.name.setText("新人第一周")
    dialog.trainee_names.setText("xueyuan")
    for i in (0, 1):
        dialog.list.item(i).setCheckState(Qt.Checked)
    click(qtbot, window, dialog.save)
    settle(qtbot, window)
    assert "新人第一周" in panel.message.text() and "xueyuan" in panel.message.text()
    assert [c.trainees for c in desk.store.training.courses("xueyuan")] == [("xueyuan",)]


def test_a_quiz_taken_on_screen_is_graded_and_kept(qtbot, desk):
    desk.accounts.create("xueyuan", "学员小陈", Role.CLERK, "trainee-pass-1")
    window = log_in(qtbot, desk, "xueyuan", "trainee-pass-1")
    window.tabs.setCurrentWidget(window.training)
    panel = window.training
    panel.tabs.setCurrentIndex(1)
    panel.quiz_count.setValue(5)
    panel.quiz_seed.setValue(11)
    click(qtbot, window, panel.quiz_button)
    qtbot.waitUntil(lambda: isinstance(panel.dialog, QuizDialog), timeout=10000)
    quiz = opened(qtbot, window, panel.dialog)
    look(quiz, "dialog-quiz")
    for n, q in enumerate(quiz.questions):
        quiz.choose(n, q.answer if n else (q.answer + 1) % 4)           # the first one wrong
    click(qtbot, window, quiz.hand_in)
    assert quiz.result.text() == "得分 80（答对 4/5）"
    assert "✗ 正确答案" in quiz.labels[0].text()
    kept = desk.store.training.quizzes("xueyuan")
    assert [(q.seed, q.correct, q.score) for q in kept] == [(11, 4, 80)]


def test_a_trainer_records_a_case_worked_at_the_window_as_a_scenario(qtbot, desk):
    desk.accounts.create("peixun", "培训员老周", Role.TRAINER, "trainer-pass-3")
    window = log_in(qtbot, desk, "peixun", "trainer-pass-3")
    panel = window.intake
    desk.devices.present_simulated_card(1)
    click(qtbot, window, panel.read_card_button)
    choose(qtbot, window, "生育登记", "生育登记（")
    panel.form.set_value("phone", "13905710426")
    panel.form.set_value("spouse_name", "张强")
    click(qtbot, window, panel.materials.buttons["parents_id"]["received"])
    click(qtbot, window, panel.accept_button)
    number = panel.app.primary.case_number
    assert panel.app.state is CaseState.ACCEPTED

    window.tabs.setCurrentWidget(window.training)
    settle(qtbot, window)
    training = window.training
    training.tabs.setCurrentIndex(2)
    click(qtbot, window, training.author_button)
    training.dialog.setTextValue(number)
    training.dialog.accept()
    settle(qtbot, window)
    editor = training.dialog
    look(opened(qtbot, window, editor), "dialog-scenario-editor")
    assert editor.draft["citizen"] == {"roster": 1, "says": {"opening": "你好，我想办生育登记。",
                                                                "phone": "13905710426", "spouse_name": "张强"}}
    assert editor.draft["expected"]["decision"] == "accept"
    editor.opening.setText("我来办生育登记，结婚证在家里。")
    editor.how["parents_id"].setCurrentIndex(editor.how["parents_id"].findData("missing"))
    click(qtbot, window, editor.save)                                  # the model answer no longer fits
    assert "标准答案只得 85 分（群众没有带父母双方居民身份证" in editor.error.text() and editor.isVisible()
    editor.how["parents_id"].setCurrentIndex(editor.how["parents_id"].findData("present"))
    click(qtbot, window, editor.save)
    assert not editor.isVisible() and "已保存" in training.message.text()

    scenario_id = editor.draft["id"]
    saved = desk.paths.data / "training" / "scenarios" / f"{scenario_id}.json"
    assert saved.exists()
    scenario = desk.training_service.scenario(scenario_id)
    assert scenario.opening == "我来办生育登记，结婚证在家里。"
    table = training.scenario_table
    assert any(table.item(r, 0).data(Qt.UserRole) == scenario_id for r in range(table.rowCount()))
    sheet = desk.training_service.run_actions(scenario, [dict(a) for a in scenario.model])
    assert sheet.score == 100
    assert desk.store.training.runs("biaozhun") == []                 # checking the model is not a trainee's run
