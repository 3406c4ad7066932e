"""The citizen at the window during a training run: who stands there and what they say, their cards to lay on
the simulated reader, an answer to each question, hints, time passing at the district, and 完成本题."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QComboBox, QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from app.domain.catalog import merge_fields
from app.i18n import _
from app.services.desk import Desk
from app.services.training import ScenarioRun
from app.ui.operations import Operations


def _card_label(card: dict) -> str:
    kinds = {"resident": _("居民身份证"), "hmt_residence": _("港澳台居民居住证"), "foreigner_old": _("外国人永久居留身份证"),
             "foreigner_2023": _("外国人永久居留身份证")}
    return _("{name}（{kinds}）").format(name=card.get('name', ''), kinds=kinds.get(str(card.get('card', '')), _('证件')))


class CitizenPanel(QFrame):
    finished = Signal(object)        # the score sheet
    said = Signal(str)               # something to show in the workspace's message line

    def __init__(self, desk: Desk, ops: Operations, parent=None):
        super().__init__(parent)
        self.desk, self.ops = desk, ops
        self.run: ScenarioRun | None = None
        self.setObjectName("citizen_panel")
        self.setStyleSheet("#citizen_panel{background:#fef9e7;border:1px solid #d4ac0d}")
        col = QVBoxLayout(self)
        col.setContentsMargins(6, 3, 6, 3)
        col.setSpacing(2)
        top = QHBoxLayout()
        self.who = QLabel()
        self.who.setStyleSheet("font-weight:bold")
        self.clock = QLabel()
        top.addWidget(self.who, 1)
        top.addWidget(self.clock)
        col.addLayout(top)
        self.says = QLabel()
        self.says.setWordWrap(True)
        col.addWidget(self.says)
        row = QHBoxLayout()
        self.citizen_card = QPushButton(_("群众递证件"))
        self.citizen_card.setToolTip(_("把群众的证件放到模拟读卡器上（随后按 F2 读卡）"))
        self.agent_card = QPushButton(_("代办人递证件"))
        self.collector_card = QPushButton(_("领取人递证件"))
        self.social_security_card = QPushButton(_("递社保卡"))
        self.social_security_card.setToolTip(_("把群众的社会保障卡插入模拟社保卡读卡器（随后点“读社保卡”）"))
        self.fields = QComboBox()
        self.fields.setMinimumContentsLength(8)
        self.ask = QPushButton(_("问群众"))
        self.answer = QLabel()
        self.answer.setMinimumWidth(160)
        self.hint = QPushButton(_("提示（扣5分）"))
        self.district = QPushButton(_("时间流逝：区里办结"))
        self.done = QPushButton(_("完成本题"))
        self.done.setStyleSheet("font-weight:bold")
        for w in (self.citizen_card, self.agent_card, self.collector_card, self.social_security_card, self.fields,
                  self.ask):
            row.addWidget(w)
        row.addWidget(self.answer, 1)
        for w in (self.hint, self.district, self.done):
            row.addWidget(w)
        col.addLayout(row)
        self.citizen_card.clicked.connect(lambda: self._lay("citizen", _("群众递上证件，请按 F2 读卡。")))
        self.agent_card.clicked.connect(lambda: self._lay("agent", _("代办人递上证件，请按 F2 读卡。")))
        self.collector_card.clicked.connect(lambda: self._lay("collector", _("来领取的人递上证件，请读卡核对。")))
        self.social_security_card.clicked.connect(lambda: self._lay("sscard", _("群众递上社会保障卡。")))
        self.ask.clicked.connect(self.ask_citizen)
        self.hint.clicked.connect(self.take_hint)
        self.district.clicked.connect(self.let_time_pass)
        self.done.clicked.connect(self.finish)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)
        self.hide()

    def show_run(self, run: ScenarioRun) -> None:
        self.run = run
        s = run.scenario
        who = _("窗口前：{card_label}").format(card_label=_card_label(run.at_window))
        if run.collecting:
            who += _("，来领取{name}的办理结果").format(name=run.citizen.get('name', ''))
        elif run.agent:
            who += _(" · 代办人：{card_label}（{relation}）").format(
                    card_label=_card_label(run.agent), relation=s.agent.relation)
        self.who.setText(_("【{level}】{title} — {who}").format(level=s.level, title=s.title, who=who))
        said = _("群众说：“{opening}”").format(opening=s.opening) if s.opening else ""
        if run.supervisors:
            said += _("　（本题值班负责人：") + _("、").join(run.supervisors) + _("）")
        self.says.setText(said)
        self.citizen_card.setVisible(not run.collecting)
        self.agent_card.setVisible(run.agent is not None and not run.collecting)
        self.collector_card.setVisible(s.collector is not None)
        self.social_security_card.setVisible("social_security" in s.tags)
        self.district.setVisible(s.district is not None)
        self.fields.clear()
        items = (self.desk.intake.catalog.bundle_items(s.bundle) if s.bundle
                 else [self.desk.intake.catalog.item(c) for c in s.item_codes])
        for f in merge_fields(items):
            self.fields.addItem(f.label, f.key)
        self.ask.setEnabled(self.fields.count() > 0)
        self.answer.clear()
        self._tick()
        self.timer.start(1000)
        self.show()

    def _tick(self) -> None:
        if self.run is None:
            return
        used, limit = int(self.run.elapsed_s), self.run.scenario.time_limit_s
        self.clock.setText(_("用时 {used_min:02d}:{used_s:02d} / 限时 {limit_min:02d}:{limit_s:02d}").format(
                used_min=used // 60, used_s=used % 60, limit_min=limit // 60, limit_s=limit % 60))
        self.clock.setStyleSheet("color:#c0392b;font-weight:bold" if used > limit else "")

    def _lay(self, who: str, text: str) -> None:
        self.desk.training_service.lay_card(self.run, who)
        self.said.emit(text)

    def ask_citizen(self) -> None:
        key = self.fields.currentData()
        if self.run is None or key is None:
            return
        self.answer.setText(_("群众：{answer}").format(answer=self.desk.training_service.answer(self.run, key)))

    def take_hint(self) -> None:
        if self.run is not None:
            self.said.emit(self.desk.training_service.hint(self.run))

    def let_time_pass(self) -> None:
        self.ops.run(self.desk.training_service.district_decides, self.run, on_success=self.said.emit,
                     disable=[self.district])

    def finish(self) -> None:
        if self.run is None:
            return

        def scored(sheet) -> None:
            self.timer.stop()
            self.run = None
            self.hide()
            self.finished.emit(sheet)

        self.ops.run(self.desk.training_service.finish, self.run, on_success=scored, disable=[self.done])
