"""统计 for a supervisor: a period (today, this week, this month, this year, or any dates), the figures a centre
reports, a chart and a table by day / item / agency / clerk / channel, the refusals and the 差评, and the
export to Excel or PDF."""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QValueAxis
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.accounts import Clerk
from app.domain.rating import LEVEL_LABELS, RatingLevel
from app.domain.statistics import FIGURE_LABELS, GROUPINGS, Figures, Report, shown
from app.i18n import N_, _
from app.services.desk import Desk
from app.ui.operations import Operations
from app.ui.widgets import QuietComboBox

SUMMARY = ("cases", "instant_rate", "deferred", "deferred_on_time_rate", "refusals", "overdue", "cannot_do_registered",
           "cannot_do_resolved", "wait_avg_min", "wait_p90_min", "handling_avg_min", "handling_p90_min", "ratings",
           "satisfaction_rate", "bad_ratings")
TABLE = ("cases", "accepted", "instant", "instant_rate", "deferred", "deferred_on_time_rate", "corrections",
         "refusals", "overdue", "wait_avg_min", "wait_p90_min", "handling_avg_min", "handling_p90_min", "ratings",
         "satisfaction_rate")


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _date(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


# The heading of the first column when the table is grouped by each of GROUPINGS.
GROUP_HEADINGS = {"day": N_("日期"), "item": N_("事项"), "agency": N_("部门"), "clerk": N_("窗口人员"), "channel": N_("渠道")}

class StatisticsPanel(QWidget):
    def __init__(self, desk: Desk, ops: Operations, clerk: Clerk, parent=None):
        super().__init__(parent)
        self.desk, self.ops, self.clerk = desk, ops, clerk
        self.report: Report | None = None
        today = desk.clock().date()
        self.start = QDateEdit(_qdate(today.replace(day=1)))
        self.end = QDateEdit(_qdate(today))
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.grouping = QuietComboBox()
        for key, label in GROUPINGS.items():
            label = _(label)
            self.grouping.addItem(label, key)
        self.grouping.setCurrentIndex(list(GROUPINGS).index("item"))
        self.grouping.currentIndexChanged.connect(lambda _unused: self.refresh())
        self.query_button = QPushButton(_("查询"))
        self.query_button.clicked.connect(self.refresh)
        self.export_xlsx_button = QPushButton(_("导出 Excel…"))
        self.export_xlsx_button.clicked.connect(lambda: self._choose_export(".xlsx"))
        self.export_pdf_button = QPushButton(_("导出 PDF…"))
        self.export_pdf_button.clicked.connect(lambda: self._choose_export(".pdf"))
        bar = QHBoxLayout()
        for text, days in ((_("今天"), "today"), (_("本周"), "week"), (_("本月"), "month"), (_("本年"), "year")):
            b = QPushButton(text)
            b.clicked.connect(lambda _unused=False, d=days: self.choose_period(d))
            bar.addWidget(b)
        bar.addWidget(QLabel(_("从")))
        bar.addWidget(self.start)
        bar.addWidget(QLabel(_("到")))
        bar.addWidget(self.end)
        bar.addWidget(self.query_button)
        bar.addStretch(1)
        bar.addWidget(self.grouping)
        bar.addWidget(self.export_xlsx_button)
        bar.addWidget(self.export_pdf_button)

        self.figures: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        for n, key in enumerate(SUMMARY):
            value = QLabel("—")
            value.setStyleSheet("font-weight:bold;font-size:15px")
            value.setObjectName(f"figure_{key}")
            self.figures[key] = value
            cell = QVBoxLayout()
            cell.setSpacing(0)
            name = QLabel(_(FIGURE_LABELS[key]))
            name.setStyleSheet("color:#566573")
            cell.addWidget(name)
            cell.addWidget(value)
            grid.addLayout(cell, n // 8, n % 8)

        self.chart = QChart()
        self.chart.setAnimationOptions(QChart.NoAnimation)
        self.chart.legend().setAlignment(Qt.AlignBottom)
        self.chart_view = QChartView(self.chart)
        self.chart_view.setRenderHint(QPainter.Antialiasing)
        self.chart_view.setMinimumHeight(180)
        self.table = QTableWidget(0, len(TABLE) + 1)
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.refusals = QTableWidget(0, 3)
        self.refusals.setHorizontalHeaderLabels([_("办件编号"), _("事项"), _("理由")])
        self.bad = QTableWidget(0, 5)
        self.bad.setHorizontalHeaderLabels([_("办件编号"), _("事项"), _("窗口人员"), _("评价"), _("不满意的方面及意见")])
        for t in (self.refusals, self.bad):
            t.setEditTriggers(QTableWidget.NoEditTriggers)
            t.verticalHeader().hide()
            t.horizontalHeader().setStretchLastSection(True)
        lists = QTabWidget()
        lists.addTab(self.table, _("分组明细"))
        lists.addTab(self.refusals, _("不予受理"))
        lists.addTab(self.bad, _("差评"))
        self.lists = lists
        split = QSplitter(Qt.Vertical)
        split.addWidget(self.chart_view)
        split.addWidget(lists)
        split.setSizes([220, 260])
        self.message = QLabel()
        col = QVBoxLayout(self)
        col.setContentsMargins(4, 4, 4, 4)
        col.addLayout(bar)
        col.addLayout(grid)
        col.addWidget(split, 1)
        col.addWidget(self.message)

    def choose_period(self, which: str) -> None:
        today = self.desk.clock().date()
        start = {"today": today, "week": today - timedelta(days=today.weekday()), "month": today.replace(day=1),
                 "year": today.replace(month=1, day=1)}[which]
        self.start.setDate(_qdate(start))
        self.end.setDate(_qdate(today))
        self.refresh()

    def period(self) -> tuple[date, date]:
        return _date(self.start.date()), _date(self.end.date())

    def refresh(self) -> None:
        start, end = self.period()
        self.message.setText(_("正在统计…"))
        self.ops.run(self.desk.statistics.report, start, end, (self.grouping.currentData(),), on_success=self._show,
                     on_failure=self.message.setText, disable=[self.query_button])

    def _show(self, report: Report) -> None:
        self.report = report
        for key, label in self.figures.items():
            label.setText(shown(key, getattr(report.total, key)))
        self._show_group()
        self.refusals.setRowCount(len(report.refusals))
        for r, x in enumerate(report.refusals):
            for c, v in enumerate((x.case_number, x.item_name, x.reason)):
                self.refusals.setItem(r, c, QTableWidgetItem(v))
        self.bad.setRowCount(len(report.bad_ratings))
        for r, b in enumerate(report.bad_ratings):
            what = _("、").join(b.tags) + (_("：{comment}").format(comment=b.comment) if b.comment else "")
            for c, v in enumerate((b.case_number, b.item_name, b.clerk, _(LEVEL_LABELS[RatingLevel(b.level)]), what)):
                self.bad.setItem(r, c, QTableWidgetItem(v))
        self.refusals.resizeColumnsToContents()
        self.bad.resizeColumnsToContents()
        self.message.setText(_("{start} 至 {end}：办件 {cases} 件。").format(
                start=report.start, end=report.end, cases=report.total.cases))

    def _show_group(self) -> None:
        if self.report is None:
            return
        name = next(iter(self.report.groups), self.grouping.currentData())
        groups = self.report.groups.get(name, [])
        label = _(GROUP_HEADINGS[name])
        self.table.setHorizontalHeaderLabels([label] + [_(FIGURE_LABELS[k]) for k in TABLE])
        self.table.setRowCount(len(groups))
        for r, (key, f) in enumerate(groups):
            self.table.setItem(r, 0, QTableWidgetItem(key))
            for c, k in enumerate(TABLE, 1):
                item = QTableWidgetItem(shown(k, getattr(f, k)))
                item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                self.table.setItem(r, c, item)
        self._chart(label, groups)

    def _chart(self, label: str, groups: list[tuple[str, Figures]]) -> None:
        chart = self.chart
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        handled, instant = QBarSet(_("办件量")), QBarSet(_("即办件"))
        for _unused, f in groups:
            handled.append(f.cases)
            instant.append(f.instant)
        series = QBarSeries()
        series.append(handled)
        series.append(instant)
        chart.addSeries(series)
        chart.setTitle(_("办件量（{label}）").format(label=label))
        categories = QBarCategoryAxis()
        categories.append([k if len(k) <= 8 else k[:7] + "…" for k, _unused in groups] or ["—"])
        chart.addAxis(categories, Qt.AlignBottom)
        series.attachAxis(categories)
        values = QValueAxis()
        values.setLabelFormat("%d")
        top = max([f.cases for _unused, f in groups] + [1])
        step = max(1, math.ceil(top / 5))
        values.setRange(0, step * math.ceil(top / step))
        values.setTickType(QValueAxis.TicksDynamic)
        values.setTickAnchor(0)
        values.setTickInterval(step)
        chart.addAxis(values, Qt.AlignLeft)
        series.attachAxis(values)

    def _choose_export(self, suffix: str) -> None:
        if self.report is None:
            self.message.setText(_("请先查询。"))
            return
        start, end = self.report.start, self.report.end
        name = _("统计{start:%Y%m%d}-{end:%Y%m%d}{suffix}").format(start=start, end=end, suffix=suffix)
        path, _unused = QFileDialog.getSaveFileName(self, _("导出统计"), str(Path.home() / name),
                                              _("Excel 文件 (*.xlsx)") if suffix == ".xlsx" else _("PDF 文件 (*.pdf)"))
        if path:
            self.export(Path(path) if Path(path).suffix else Path(path + suffix))

    def export(self, path: Path) -> None:
        if self.report is None:
            return
        self.ops.run(self.desk.statistics.export, self.report.start, self.report.end, path, self.clerk,
                     on_success=lambda p: self.message.setText(_("已导出：{path}").format(
                             path=p)), on_failure=self.message.setText,
                     disable=[self.export_xlsx_button, self.export_pdf_button])
