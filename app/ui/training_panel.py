"""The 培训 tab of the training profile: scenarios to work (all, or a course the trainer assigned), quizzes on the
guides, and for trainers every trainee's results, their export to Excel and the courses."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.accounts import Clerk
from app.domain.case import DEFECTS
from app.domain.catalog import merge_fields, merge_materials
from app.i18n import N_, _
from app.services.desk import Desk
from app.services.training import LEVELS, TRAINERS
from app.ui.operations import Operations
from app.ui.widgets import error_label, fit_to_screen


def _table(headers: list[str], stretch: int = 1) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.Stretch)
    table.setEditTriggers(QTableWidget.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectRows)
    table.setSelectionMode(QTableWidget.SingleSelection)
    table.verticalHeader().hide()
    return table


def _fill(table: QTableWidget, rows: list[list], keys: list | None = None) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem(str(value))
            if keys is not None and c == 0:
                item.setData(Qt.UserRole, keys[r])
            table.setItem(r, c, item)


def _error_and_save(dialog: QDialog, col: QVBoxLayout, text: str) -> tuple[QLabel, QPushButton]:
    """A dialog's foot: the line saying what is wrong, then its save button (the default) and 取消."""
    error = error_label()
    col.addWidget(error)
    row = QHBoxLayout()
    row.addStretch(1)
    save = QPushButton(text)
    save.setDefault(True)
    cancel = QPushButton(_("取消"))
    cancel.clicked.connect(dialog.reject)
    row.addWidget(save)
    row.addWidget(cancel)
    col.addLayout(row)
    return error, save


class TrainingPanel(QWidget):
    start_requested = Signal(str)          # scenario id

    def __init__(self, desk: Desk, ops: Operations, clerk: Clerk, parent=None):
        super().__init__(parent)
        self.desk, self.ops, self.clerk = desk, ops, clerk
        self.service = desk.training_service
        self.dialog: QDialog | None = None
        col = QVBoxLayout(self)
        self.tabs = QTabWidget()
        col.addWidget(self.tabs)

        drills = QWidget()
        dcol = QVBoxLayout(drills)
        top = QHBoxLayout()
        top.addWidget(QLabel(_("课程：")))
        self.course = QComboBox()
        self.course.currentIndexChanged.connect(self._show_scenarios)
        top.addWidget(self.course, 1)
        self.start_button = QPushButton(_("开始演练（Enter）"))
        self.start_button.setObjectName("training_start")
        self.start_button.clicked.connect(self.start_selected)
        top.addWidget(self.start_button)
        dcol.addLayout(top)
        self.scenario_table = _table([_("级别"), _("情景"), _("事项"), _("限时"), _("我的最好成绩")])
        self.scenario_table.doubleClicked.connect(lambda _unused: self.start_selected())
        self.scenario_table.activated.connect(lambda _unused: self.start_selected())
        dcol.addWidget(self.scenario_table, 1)
        self.tabs.addTab(drills, _("情景演练"))

        quiz = QWidget()
        qcol = QFormLayout(quiz)
        self.quiz_count = QSpinBox()
        self.quiz_count.setRange(1, 50)
        self.quiz_count.setValue(10)
        self.quiz_seed = QSpinBox()
        self.quiz_seed.setRange(1, 999_999)
        self.quiz_seed.setValue(1)
        self.quiz_button = QPushButton(_("开始测试"))
        self.quiz_button.clicked.connect(self.start_quiz)
        qcol.addRow(_("题目数量"), self.quiz_count)
        qcol.addRow(_("试卷编号（相同编号出相同的题）"), self.quiz_seed)
        qcol.addRow("", self.quiz_button)
        self.quiz_result = QLabel()
        qcol.addRow("", self.quiz_result)
        self.tabs.addTab(quiz, _("问卷测试"))

        self.results_table: QTableWidget | None = None
        if clerk.role in TRAINERS:
            self.tabs.addTab(self._trainer_tab(), _("学员成绩"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        col.addWidget(self.message)
        self.scenarios = self.service.scenarios()
        self.best: dict[str, int] = {}

    # --- scenarios --------------------------------------------------------------------------------

    def refresh(self) -> None:
        def shown(data) -> None:
            courses, runs = data
            current = self.course.currentData()
            self.course.blockSignals(True)
            self.course.clear()
            self.course.addItem(_("全部情景"), None)
            for c in courses:
                self.course.addItem(_("{name}（{n_scenario_ids} 个情景）").format(
                        name=c.name, n_scenario_ids=len(c.scenario_ids)), list(c.scenario_ids))
            self.course.setCurrentIndex(max(0, self.course.findData(current)))
            self.course.blockSignals(False)
            self.best = {}
            for r in runs:
                self.best[r.scenario_id] = max(self.best.get(r.scenario_id, 0), r.score)
            self._show_scenarios()

        self.ops.run(self.service.my_courses_and_runs, self.clerk, on_success=shown)
        if self.results_table is not None:
            self.refresh_results()

    def _show_scenarios(self) -> None:
        chosen = self.course.currentData()
        by_id = {s.id: s for s in self.scenarios}
        shown = [by_id[i] for i in chosen if i in by_id] if chosen else self.scenarios
        _fill(self.scenario_table,
              [[s.level, s.title, s.bundle or _("、").join(s.item_codes) or "—", _("{minutes} 分钟").format(
                      minutes=s.time_limit_s // 60),
                _("{best} 分").format(
                        best=self.best[s.id]) if s.id in self.best else "—"] for s in shown], [s.id for s in shown])
        if shown and self.scenario_table.currentRow() < 0:
            self.scenario_table.selectRow(0)

    def start_selected(self) -> None:
        row = self.scenario_table.currentRow()
        if row < 0:
            self.message.setText(_("请先选择一个情景。"))
            return
        self.start_requested.emit(self.scenario_table.item(row, 0).data(Qt.UserRole))

    # --- quizzes ----------------------------------------------------------------------------------

    def start_quiz(self) -> None:
        seed = self.quiz_seed.value()

        def made(questions) -> None:
            dialog = QuizDialog(questions, self)
            dialog.handed_in.connect(lambda answers: self._hand_in(questions, answers, seed, dialog))
            self.dialog = dialog
            dialog.open()

        self.ops.run(self.service.quiz, self.quiz_count.value(), seed, on_success=made)

    def _hand_in(self, questions, answers, seed: int, dialog: QuizDialog) -> None:
        def graded(result) -> None:
            graded_result, _unused = result
            dialog.show_result(graded_result)
            self.quiz_result.setText(_("上次测试：{score} 分（答对 {correct}/{total}）").format(
                    score=graded_result.score, correct=graded_result.correct, total=graded_result.total))
            if self.results_table is not None:
                self.refresh_results()

        self.ops.run(self.service.hand_in_quiz, self.clerk, questions, answers, seed, on_success=graded)

    # --- the trainer ------------------------------------------------------------------------------

    def _trainer_tab(self) -> QWidget:
        page = QWidget()
        col = QVBoxLayout(page)
        self.results_table = _table([_("学员"), _("情景"), _("次数"), _("最好成绩"), _("最近成绩"), _("最近用时"), _("通过")])
        self.results_table.setObjectName("trainer_results")
        col.addWidget(QLabel(_("情景演练（每位学员 × 每个情景）")))
        col.addWidget(self.results_table, 3)
        self.quiz_table = _table([_("学员"), _("测试次数"), _("最好成绩"), _("最近成绩"), _("最近一次")], stretch=0)
        col.addWidget(QLabel(_("问卷测试")))
        col.addWidget(self.quiz_table, 1)
        row = QHBoxLayout()
        refresh = QPushButton(_("刷新"))
        refresh.clicked.connect(self.refresh_results)
        self.export_button = QPushButton(_("导出 Excel…"))
        self.export_button.clicked.connect(lambda: self.export())
        self.course_button = QPushButton(_("布置课程…"))
        self.course_button.clicked.connect(self.edit_course)
        self.author_button = QPushButton(_("把办件存为情景…"))
        self.author_button.setToolTip(_("先在受理页把一个办件正确办一遍，再输入它的办件编号：它就成为新情景的标准答案"))
        self.author_button.clicked.connect(lambda: self.author_scenario())
        for b in (refresh, self.export_button, self.course_button, self.author_button):
            row.addWidget(b)
        row.addStretch(1)
        col.addLayout(row)
        return page

    def refresh_results(self) -> None:
        def shown(data) -> None:
            runs, quizzes = data
            _fill(self.results_table, [[r.trainee, r.title, r.attempts, r.best, r.last, _("{last_elapsed_s:.0f} 秒").format(
                    last_elapsed_s=r.last_elapsed_s),
                                        _("是") if r.passed else _("否")] for r in runs])
            _fill(self.quiz_table, [[q.trainee, q.quizzes, q.best, q.last, f"{q.last_at:%m-%d %H:%M}"] for q in quizzes])

        self.ops.run(self.service.results, self.clerk, on_success=shown)

    def export(self, path: str | None = None) -> None:
        if not path:
            path, _unused = QFileDialog.getSaveFileName(self, _("导出学员成绩"), str(Path.home() / _("学员成绩.xlsx")),
                                                  _("Excel 工作簿 (*.xlsx)"))
        if path:
            self.ops.run(self.service.export_results, self.clerk, Path(path),
                         on_success=lambda p: self.message.setText(_("已导出：{path}").format(path=p)))

    def edit_course(self) -> None:
        dialog = CourseDialog(self.scenarios, self)

        def save() -> None:
            def saved(course) -> None:
                trainees = dialog.trainees()
                if trainees:
                    self.ops.run(self.service.assign_course, self.clerk, course.id, trainees,
                                 on_success=lambda c: (dialog.accept(), self.message.setText(
                                     _("课程“{name}”已布置给：{trainees}").format(
                                             name=c.name, trainees=_('、').join(c.trainees))), self.refresh()),
                                 on_failure=dialog.error.setText)
                else:
                    dialog.accept()
                    self.message.setText(_("课程“{name}”已保存（{n_scenario_ids} 个情景）").format(
                            name=course.name, n_scenario_ids=len(course.scenario_ids)))
                    self.refresh()

            self.ops.run(self.service.save_course, self.clerk, dialog.name.text(), dialog.scenario_ids(),
                         on_success=saved, on_failure=dialog.error.setText)

        dialog.save.clicked.connect(save)
        self.dialog = dialog
        dialog.open()


    def author_scenario(self, case_number: str | None = None) -> None:
        """"Record as model answer": draft a scenario from a case worked at the window, edit it, save it."""
        if case_number is None:
            asked = QInputDialog(self)
            asked.setWindowTitle(_("把办件存为情景"))
            asked.setLabelText(_("办件编号（您刚在受理页正确办理的办件）："))
            asked.accepted.connect(lambda: self.author_scenario(asked.textValue().strip()))
            self.dialog = asked
            asked.open()
            return

        def drafted(draft) -> None:
            editor = ScenarioEditor(draft, self.desk.intake.catalog, self)

            def save() -> None:
                def saved(scenario) -> None:
                    editor.accept()
                    self.scenarios = self.service.scenarios()
                    self.message.setText(_("情景“{title}”已保存（{id}），标准答案得 100 分。").format(
                            title=scenario.title, id=scenario.id))
                    self.refresh()

                self.ops.run(self.service.save_scenario, self.clerk, editor.scenario(), on_success=saved,
                             on_failure=editor.error.setText, disable=[editor.save])

            editor.save.clicked.connect(save)
            self.dialog = editor
            editor.open()

        self.ops.run(self.service.draft_from_case, self.clerk, case_number, on_success=drafted)


class ScenarioEditor(QDialog):
    """A drafted scenario's title, level, time limit, what the citizen says and what they bring."""

    HOW = (("present", N_("带来了")), ("missing", N_("没有带")), ("copy_only", N_("只有复印件")))

    def __init__(self, draft: dict, catalog, parent=None):
        super().__init__(parent)
        self.draft = draft
        self.setWindowTitle(_("编辑情景"))
        fit_to_screen(self, 900, 640)
        col = QVBoxLayout(self)
        form = QFormLayout()
        self.title = QLineEdit(draft["title"])
        self.level = QComboBox()
        self.level.addItems(LEVELS)
        self.level.setCurrentText(draft["level"])
        self.limit = QSpinBox()
        self.limit.setRange(60, 3600)
        self.limit.setSuffix(_(" 秒"))
        self.limit.setValue(draft["time_limit_s"])
        self.opening = QLineEdit(draft["citizen"]["says"].get("opening", ""))
        form.addRow(_("标题"), self.title)
        form.addRow(_("级别"), self.level)
        form.addRow(_("限时"), self.limit)
        form.addRow(_("群众开口第一句"), self.opening)
        col.addLayout(form)
        items = catalog.bundle_items(draft["items"]) if isinstance(draft["items"], str) else [
            catalog.item(c) for c in draft["items"]]
        fields = merge_fields(items)
        col.addWidget(QLabel(_("问群众时的回答（空着表示群众说不清）")))
        self.says = QTableWidget(len(fields), 2)
        self.says.setHorizontalHeaderLabels([_("栏目"), _("群众的回答")])
        self.says.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
        self.says.verticalHeader().hide()
        for r, f in enumerate(fields):
            label = QTableWidgetItem(f.label)
            label.setData(Qt.UserRole, f.key)
            label.setFlags(label.flags() & ~Qt.ItemIsEditable)
            self.says.setItem(r, 0, label)
            self.says.setItem(r, 1, QTableWidgetItem(draft["citizen"]["says"].get(f.key, "")))
        col.addWidget(self.says, 1)
        col.addWidget(QLabel(_("群众带来的材料（与标准答案的做法一致）")))
        materials = merge_materials(items)
        self.brings = QTableWidget(len(materials), 2)
        self.brings.setHorizontalHeaderLabels([_("材料"), _("群众带来的")])
        self.brings.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.brings.verticalHeader().hide()
        self.how: dict[str, QComboBox] = {}
        for r, m in enumerate(materials):
            name = QTableWidgetItem(m.name)
            name.setFlags(name.flags() & ~Qt.ItemIsEditable)
            self.brings.setItem(r, 0, name)
            box = QComboBox()
            for key, text in self.HOW:
                text = _(text)
                box.addItem(text, key)
            for key, text in DEFECTS.items():
                if key != "copy_only":
                    box.addItem(_("不合格：{text}").format(text=_(text)), {"defective": key})
            current = draft["brings"].get(m.code, "present" if m.required else "missing")
            box.setCurrentIndex(max(0, box.findData(current)))
            self.brings.setCellWidget(r, 1, box)
            self.how[m.code] = box
        if self.how:
            self.brings.setColumnWidth(1, max(b.sizeHint().width() for b in self.how.values()) + 8)
        col.addWidget(self.brings, 1)
        self.error, self.save = _error_and_save(self, col, _("检查并保存"))

    def scenario(self) -> dict:
        """The scenario as edited (its file's format)."""
        says = {"opening": self.opening.text().strip()}
        for r in range(self.says.rowCount()):
            answer = self.says.item(r, 1).text().strip()
            if answer:
                says[self.says.item(r, 0).data(Qt.UserRole)] = answer
        citizen = {**self.draft["citizen"], "says": says}
        return {**self.draft, "title": self.title.text().strip(), "level": self.level.currentText(),
                "time_limit_s": self.limit.value(), "citizen": citizen,
                "brings": {code: box.currentData() for code, box in self.how.items()}}


class QuizDialog(QDialog):
    """One quiz: every question with its four options; 交卷 grades it and marks what was wrong."""

    handed_in = Signal(list)

    def __init__(self, questions, parent=None):
        super().__init__(parent)
        self.setWindowTitle(_("问卷测试"))
        fit_to_screen(self, 820, 640)
        self.questions = questions
        self.groups: list[QButtonGroup] = []
        self.labels: list[QLabel] = []
        body = QWidget()
        form = QVBoxLayout(body)
        for n, q in enumerate(questions, 1):
            label = QLabel(f"{n}. {q.text}")
            label.setWordWrap(True)
            label.setStyleSheet("font-weight:bold")
            form.addWidget(label)
            self.labels.append(label)
            group = QButtonGroup(self)
            for i, option in enumerate(q.options):
                b = QRadioButton(f"{'ABCD'[i]}. {option}")
                group.addButton(b, i)
                form.addWidget(b)
            self.groups.append(group)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        col = QVBoxLayout(self)
        col.addWidget(scroll, 1)
        self.result = QLabel()
        col.addWidget(self.result)
        row = QHBoxLayout()
        row.addStretch(1)
        self.hand_in = QPushButton(_("交卷"))
        self.hand_in.setDefault(True)
        close = QPushButton(_("关闭"))
        row.addWidget(self.hand_in)
        row.addWidget(close)
        col.addLayout(row)
        self.hand_in.clicked.connect(lambda: self.handed_in.emit(self.answers()))
        close.clicked.connect(self.reject)

    def answers(self) -> list[int | None]:
        return [g.checkedId() if g.checkedId() >= 0 else None for g in self.groups]

    def choose(self, question: int, option: int) -> None:
        self.groups[question].button(option).setChecked(True)

    def show_result(self, result) -> None:
        self.hand_in.setEnabled(False)
        wrong = {n for n, _unused, _unused in result.wrong}
        for n, (label, q) in enumerate(zip(self.labels, self.questions, strict=True), 1):
            if n in wrong:
                label.setText(_("{n}. {text}  ✗ 正确答案：{answer}（{guide}）").format(
                        n=n, text=q.text, answer='ABCD'[q.answer], guide=q.guide))
                label.setStyleSheet("font-weight:bold;color:#c0392b")
            else:
                label.setStyleSheet("font-weight:bold;color:#1e8449")
        self.result.setText(_("得分 {score}（答对 {correct}/{total}）").format(
                score=result.score, correct=result.correct, total=result.total))


class CourseDialog(QDialog):
    """A course: a name, the scenarios in order, and the trainees it is assigned to (account names)."""

    def __init__(self, scenarios, parent=None):
        super().__init__(parent)
        self.setWindowTitle(_("布置课程"))
        fit_to_screen(self, 640, 560)
        col = QVBoxLayout(self)
        form = QFormLayout()
        self.name = QLineEdit()
        self.trainee_names = QLineEdit()
        self.trainee_names.setPlaceholderText(_("学员账号，用逗号分隔"))
        form.addRow(_("课程名称"), self.name)
        form.addRow(_("布置给"), self.trainee_names)
        col.addLayout(form)
        col.addWidget(QLabel(_("情景（勾选，按列表顺序）")))
        self.list = QListWidget()
        for s in scenarios:
            item = QListWidgetItem(_("【{level}】{title}").format(level=s.level, title=s.title))
            item.setData(Qt.UserRole, s.id)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Unchecked)
            self.list.addItem(item)
        col.addWidget(self.list, 1)
        self.error, self.save = _error_and_save(self, col, _("保存"))

    def scenario_ids(self) -> list[str]:
        return [self.list.item(i).data(Qt.UserRole) for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.Checked]

    def trainees(self) -> list[str]:
        return [t.strip() for t in self.trainee_names.text().replace("，", ",").split(",") if t.strip()]
