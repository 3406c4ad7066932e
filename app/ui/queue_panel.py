"""The queue at this window, as one bar above the workspace: the ticket being served, call the next (F5),
take a ticket for a citizen without one, and how many wait (the list in the tooltip)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QFrame, QHBoxLayout, QLabel, QPushButton

from app.services.desk import Desk
from app.ui.operations import Operations


class QueuePanel(QFrame):
    called = Signal(object)     # ticket number or None

    def __init__(self, desk: Desk, ops: Operations, parent=None):
        super().__init__(parent)
        self.desk, self.ops = desk, ops
        self.setFrameShape(QFrame.StyledPanel)
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 2, 6, 2)
        title = QLabel("叫号")
        title.setStyleSheet("font-weight:bold")
        self.current = QLabel("当前：—")
        self.current.setObjectName("current_ticket")
        self.current.setStyleSheet("font-size:18px;font-weight:bold")
        self.call_button = QPushButton("叫下一位 (F5)")
        self.priority = QCheckBox("绿色通道")
        self.priority.setToolTip("老年人、残疾人、孕妇优先")
        self.take_button = QPushButton("取号")
        self.waiting_label = QLabel("等候：0 人")
        for w in (title, self.current, self.call_button, self.priority, self.take_button, self.waiting_label):
            row.addWidget(w)
        row.addStretch(1)
        self.take_button.clicked.connect(self.take_ticket)
        self.call_button.clicked.connect(self.call_next)
        if desk.queue.current is not None:
            self.current.setText(f"当前：{desk.queue.current.number}")
        self.refresh()

    def take_ticket(self) -> None:
        self.ops.run(self.desk.queue.take_ticket, self.priority.isChecked(), on_success=lambda t: self.refresh(),
                     disable=[self.take_button])

    def call_next(self) -> None:
        def called(ticket) -> None:
            self.current.setText(f"当前：{ticket.number}" if ticket else "当前：—")
            self.called.emit(ticket.number if ticket else None)
            self.refresh()

        self.ops.run(self.desk.queue.call_next, on_success=called, disable=[self.call_button])

    def refresh(self) -> None:
        def show(tickets) -> None:
            self.waiting_label.setText(f"等候：{len(tickets)} 人")
            self.waiting_label.setToolTip("\n".join(
                f"{t.number}{'（绿色通道）' if t.priority else ''}  {t.taken_at:%H:%M}" for t in tickets) or "无人等候")

        self.ops.run(self.desk.queue.waiting, on_success=show)
