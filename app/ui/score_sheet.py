"""The score sheet of a training run on screen: the score, passed or not, every finding with its points and the
guide element it refers to; the PDF is shown with the printer simulator's preview."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.domain.accounts import Clerk
from app.i18n import _
from app.services.desk import Desk
from app.ui.operations import Operations
from app.ui.print_preview import PrintPreviewDialog
from app.ui.widgets import fit_to_screen


class ScoreSheetDialog(QDialog):
    def __init__(self, desk: Desk, ops: Operations, trainee: Clerk, sheet, parent=None):
        super().__init__(parent)
        self.desk, self.ops, self.trainee, self.sheet = desk, ops, trainee, sheet
        self.preview: PrintPreviewDialog | None = None
        self.setWindowTitle(_("培训成绩单 — {title}").format(title=sheet.title))
        fit_to_screen(self, 900, 600)
        col = QVBoxLayout(self)
        verdict = _("通过") if sheet.passed else _("未通过")
        self.score = QLabel(_("{score} 分 · {verdict}（及格线 {pass_mark} 分） · 用时 {elapsed_s:.0f} 秒 · 提示 {hints} 次").format(
                score=sheet.score, verdict=verdict, pass_mark=sheet.pass_mark, elapsed_s=sheet.elapsed_s, hints=sheet.hints))
        self.score.setObjectName("score_line")
        self.score.setStyleSheet(f"font-size:18px;font-weight:bold;color:{'#1e8449' if sheet.passed else '#c0392b'}")
        col.addWidget(self.score)
        self.table = QTableWidget(len(sheet.findings), 4)
        self.table.setObjectName("score_findings")
        self.table.setHorizontalHeaderLabels(["", _("评价"), _("扣分"), _("依据")])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.Interactive)
        self.table.setColumnWidth(3, 260)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.setWordWrap(True)
        for row, f in enumerate(sheet.findings):
            mark = QTableWidgetItem("✓" if f.ok else "✗")
            mark.setForeground(QColor("#1e8449" if f.ok else "#c0392b"))
            self.table.setItem(row, 0, mark)
            message = QTableWidgetItem(f.message)
            message.setToolTip(f.message)
            self.table.setItem(row, 1, message)
            self.table.setItem(row, 2, QTableWidgetItem("" if f.ok else str(f.points)))
            guide = QTableWidgetItem(f.guide)
            guide.setToolTip(f.guide)
            self.table.setItem(row, 3, guide)
        self.table.resizeRowsToContents()
        col.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.pdf_button = QPushButton(_("成绩单（PDF）…"))
        close = QPushButton(_("关闭"))
        close.setDefault(True)
        row.addWidget(self.pdf_button)
        row.addWidget(close)
        col.addLayout(row)
        self.pdf_button.clicked.connect(self.show_pdf)
        close.clicked.connect(self.accept)

    def show_pdf(self) -> None:
        def rendered(pdf: bytes) -> None:
            printer = self.desk.devices.printer_name()
            self.preview = PrintPreviewDialog(_("培训成绩单"), pdf, [printer], printer, self)
            self.preview.accepted.connect(lambda: self.ops.run(
                self.desk.training_service.print_score_sheet, pdf, self.sheet.title, self.preview.copies(),
                on_success=self.score.setToolTip))
            self.preview.open()

        self.ops.run(self.desk.training_service.score_sheet_pdf, self.sheet, self.trainee, on_success=rendered)
