"""Sync at the desk: "sync now", what is waiting, and the cases the district refused, with a retry."""

from __future__ import annotations

import asyncio
import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.i18n import _
from app.services.desk import Desk
from app.ui.operations import Operations

log = logging.getLogger(__name__)


class SyncControl(QObject):
    """Starts sync rounds on the window's asyncio loop (qasync) and reports each finished round."""

    finished = Signal(object)          # a SyncReport

    def __init__(self, desk: Desk, parent=None):
        super().__init__(parent)
        self.desk = desk
        desk.sync.on_report(self.finished.emit)

    def sync_now(self) -> bool:
        """Sync now; False when there is no event loop to run it on (the window is closing)."""
        if self.desk.sync.scheduler is not None:
            self.desk.sync.trigger()
            return True
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            try:
                loop = asyncio.get_event_loop()
            except RuntimeError:
                return False
            if loop.is_closed():
                return False
            loop.create_task(self.desk.sync.sync_once())
            return True
        asyncio.ensure_future(self.desk.sync.sync_once())
        return True


def describe(status) -> str:
    if not status.enrolled:
        return _("未注册到区级平台")
    when = f"{status.last_success:%m-%d %H:%M}" if status.last_success else _("尚未成功")
    text = _("待上报 {unsent} 件 · 上次同步 {when}").format(unsent=status.unsent, when=when)
    if status.counts["quarantined"]:
        text += _(" · 被拒 {counts} 件").format(counts=status.counts['quarantined'])
    return text


class SyncDialog(QDialog):
    """The sync panel: status, 立即同步, and each refused case with the district's reason and 重试."""

    def __init__(self, desk: Desk, ops: Operations, control: SyncControl, parent=None):
        super().__init__(parent)
        self.desk, self.ops, self.control = desk, ops, control
        self.setWindowTitle(_("与区级平台同步"))
        self.resize(820, 420)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([_("办件编号"), _("事项"), _("被拒原因"), ""])
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.Stretch)
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        self.sync_button = QPushButton(_("立即同步"))
        self.sync_button.clicked.connect(self.sync_now)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.button(QDialogButtonBox.Close).setText(_("关闭"))
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.sync_button)
        row.addStretch(1)
        row.addWidget(buttons)
        col = QVBoxLayout(self)
        col.addWidget(self.summary)
        col.addWidget(QLabel(_("被区级平台拒收的办件（不影响其他办件上报；处理后点“重试”）")))
        col.addWidget(self.table, 1)
        col.addLayout(row)
        control.finished.connect(self._round_finished)
        self.refresh()

    def refresh(self) -> None:
        self.ops.run(self.desk.sync.overview, on_success=self._show)

    def _show(self, loaded) -> None:
        status, held = loaded
        lines = [_("区级平台：{server}").format(server=status.server or _('未注册')), describe(status)]
        if status.last_error:
            lines.append(_("上次同步问题：{last_error}").format(last_error=status.last_error))
        self.summary.setText("\n".join(lines))
        self.table.setRowCount(len(held))
        for r, q in enumerate(held):
            for k, v in enumerate((q.case_number, q.item_name, q.reason)):
                item = QTableWidgetItem(v)
                item.setToolTip(v)
                self.table.setItem(r, k, item)
            retry = QPushButton(_("重试"))
            retry.clicked.connect(lambda _unused=False, case_id=q.case_id: self.retry(case_id))
            self.table.setCellWidget(r, 3, retry)
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(1)
        self.table.resizeRowsToContents()

    def retry(self, case_id: str) -> None:
        self.ops.run(self.desk.sync.retry, case_id, on_success=lambda _unused: (self.refresh(), self.sync_now()))

    def sync_now(self) -> None:
        if self.control.sync_now():
            self.sync_button.setEnabled(False)
            self.sync_button.setText(_("正在同步…"))

    def _round_finished(self, report) -> None:
        self.sync_button.setEnabled(True)
        self.sync_button.setText(_("立即同步"))
        self.refresh()
