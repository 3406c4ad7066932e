"""The queue at this window: take a ticket (for the kiosk-less desk), call the next, see who waits."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QGroupBox, QLabel, QListWidget, QPushButton, QVBoxLayout

from app.services.desk import Desk
from app.ui.operations import Operations


class QueuePanel(QGroupBox):
    called = Signal(object)     # ticket number or None

    def __init__(self, desk: Desk, ops: Operations, parent=None):
        super().__init__("叫号", parent)
        self.desk, self.ops = desk, ops
        col = QVBoxLayout(self)
        self.current = QLabel("当前：—")
        self.current.setObjectName("current_ticket")
        self.current.setStyleSheet("font-size:22px;font-weight:bold")
        self.priority = QCheckBox("绿色通道（老年人、残疾人、孕妇）")
        self.take_button = QPushButton("取号")
        self.call_button = QPushButton("叫下一位 (F5)")
        self.waiting = QListWidget()
        self.waiting_label = QLabel("等候：0 人")
        for w in (self.current, self.call_button, self.priority, self.take_button, self.waiting_label, self.waiting):
            col.addWidget(w)
        self.take_button.clicked.connect(self.take_ticket)
        self.call_button.clicked.connect(self.call_next)
        if desk.queue.current is not None:
            self.current.setText(f"当前：{desk.queue.current.number}")
        self.refresh()

    def take_ticket(self) -> None:
        priority = self.priority.isChecked()
        self.ops.run(self.desk.workers.db, lambda: self.desk.queue.take_ticket(priority),
                     on_success=lambda t: self.refresh(), disable=[self.take_button])

    def call_next(self) -> None:
        def called(ticket) -> None:
            self.current.setText(f"当前：{ticket.number}" if ticket else "当前：—")
            self.called.emit(ticket.number if ticket else None)
            self.refresh()

        self.ops.run(self.desk.workers.db, self.desk.queue.call_next, on_success=called, disable=[self.call_button])

    def refresh(self) -> None:
        def show(tickets) -> None:
            self.waiting.clear()
            for t in tickets:
                self.waiting.addItem(f"{t.number}{'（绿色通道）' if t.priority else ''}  {t.taken_at:%H:%M}")
            self.waiting_label.setText(f"等候：{len(tickets)} 人")

        self.ops.run(self.desk.workers.db, self.desk.queue.waiting, on_success=show)
