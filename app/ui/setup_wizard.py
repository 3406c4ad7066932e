"""设置向导: the first run of a production workstation, page by page — the centre and the window, enrolment at
the district, the devices each tried once, the first administrator. Every action is a SetupService method."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.i18n import N_, _
from app.services.desk import Desk
from app.services.setup import Centre
from app.ui.operations import Operations

OK_STYLE, ERROR_STYLE = "color:#1e7e34", "color:#c0392b"
READERS = [("sam", N_("公安部标准 SAM 阅读器（串口 / USB 转串口）")), ("sdtapi", N_("厂家动态库 sdtapi.dll")),
           ("termb", N_("厂家动态库 termb.dll")), ("syn", N_("新中新 SynIDCardAPI.dll")), ("none", N_("不使用身份证阅读器"))]


class _Page(QWizardPage):
    """A page that is complete once its action succeeded; the action's sentence is shown under it."""

    def __init__(self, desk: Desk, title: str, subtitle: str, needs_action: bool = True):
        super().__init__()
        self.desk = desk
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.done = not needs_action
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.ops = Operations(self.failed, self)

    def isComplete(self) -> bool:  # noqa: N802 — Qt's name
        return self.done

    def succeeded(self, sentence: str, target: QLabel | None = None) -> None:
        label = target or self.result
        label.setStyleSheet(OK_STYLE)
        label.setText(sentence)
        if not self.done:
            self.done = True
            self.completeChanged.emit()

    def failed(self, sentence: str, target: QLabel | None = None) -> None:
        label = target or self.result
        label.setStyleSheet(ERROR_STYLE)
        label.setText(sentence)


class CentrePage(_Page):
    def __init__(self, desk: Desk):
        super().__init__(desk, _("服务中心与窗口"), _("服务中心的名称、地址和电话打印在所有单据上，请与公章上的名称一致。"))
        s = desk.settings
        self.name, self.address, self.phone = QLineEdit(s.centre_name), QLineEdit(s.centre_address), QLineEdit(s.centre_phone)
        self.window = QLineEdit(s.window_name)
        self.name.setPlaceholderText(_("如 南湖街道社区事务受理服务中心"))
        self.phone.setPlaceholderText(_("如 0571-12345678"))
        self.save = QPushButton(_("保存(&S)"))
        form = QFormLayout(self)
        form.addRow(_("服务中心名称"), self.name)
        form.addRow(_("地址"), self.address)
        form.addRow(_("咨询电话"), self.phone)
        form.addRow(_("本窗口名称"), self.window)
        form.addRow(self.save)
        form.addRow(self.result)
        self.save.clicked.connect(self._save)
        for edit in (self.name, self.address, self.phone, self.window):
            edit.returnPressed.connect(self._save)

    def _save(self) -> None:
        centre = Centre(self.name.text(), self.address.text(), self.phone.text(), self.window.text())
        self.ops.run(self.desk.setup.save_centre, centre, disable=[self.save],
                     on_success=lambda _unused: self.succeeded(_("已保存：{name} · {window}").format(
                             name=centre.name.strip(), window=centre.window.strip())))


class DistrictPage(_Page):
    def __init__(self, desk: Desk):
        super().__init__(desk, _("注册到区级平台"),
                         _("用区级平台管理员提供的注册码注册本工作站；平台同时分配本工作站唯一的办件编号前缀。"
                         "暂时不能联网时，填写区里书面分配的前缀，联网后再注册。"))
        self.server = QLineEdit()
        self.server.setPlaceholderText(_("如 http://10.1.2.3:8600"))
        self.code = QLineEdit()
        self.enrol = QPushButton(_("注册(&R)"))
        self.prefix = QLineEdit()
        self.prefix.setPlaceholderText(_("如 ZC07"))
        self.offline = QPushButton(_("暂不联网，使用此前缀(&P)"))
        form = QFormLayout(self)
        form.addRow(_("区级平台地址"), self.server)
        form.addRow(_("注册码"), self.code)
        form.addRow(self.enrol)
        form.addRow(QLabel(_("——或——")))
        form.addRow(_("办件编号前缀"), self.prefix)
        form.addRow(self.offline)
        form.addRow(self.result)
        self.enrol.clicked.connect(self._enrol)
        self.code.returnPressed.connect(self._enrol)
        self.offline.clicked.connect(self._offline)

    def _enrol(self) -> None:
        self.result.setStyleSheet("")
        self.result.setText(_("正在连接区级平台…"))
        self.ops.run(self.desk.setup.enrol, self.server.text(), self.code.text(), on_success=self.succeeded,
                     disable=[self.enrol, self.offline])

    def _offline(self) -> None:
        self.ops.run(self.desk.setup.use_prefix, self.prefix.text(), on_success=self.succeeded,
                     disable=[self.enrol, self.offline])


class DevicesPage(_Page):
    def __init__(self, desk: Desk):
        super().__init__(desk, _("设备"), _("选择本窗口的身份证阅读器、高拍仪和打印机，并各试一次（放一张身份证、放一页纸）。"
                                       "没有的设备可以跳过，之后在“设置”中再配置。"), needs_action=False)
        grid = QGridLayout(self)
        self.reader = QComboBox()
        for code, label in READERS:
            label = _(label)
            self.reader.addItem(label, code)
        self.port = QLineEdit(desk.settings.idcard_port)
        self.port.setPlaceholderText(_("端口（空为自动检测）"))
        self.port.setToolTip(_("sam：串口名，如 COM3；厂家动态库：端口号，如 1001（USB）"))
        self.try_reader = QPushButton(_("测试读卡(&T)"))
        self.camera = QComboBox()
        self.try_camera = QPushButton(_("测试拍摄(&C)"))
        self.a4 = QComboBox()
        self.a4.setEditable(True)
        self.try_a4 = QPushButton(_("打印测试页(&A)"))
        self.receipt = QComboBox()
        self.receipt.setEditable(True)
        self.receipt.lineEdit().setPlaceholderText(_("空为同 A4 打印机；热敏打印机如 tcp://192.168.1.50:9100"))
        self.try_receipt = QPushButton(_("打印测试页(&E)"))
        self.reader_result, self.camera_result = QLabel(), QLabel()
        self.a4_result, self.receipt_result = QLabel(), QLabel()
        rows = [(_("身份证阅读器"), self._pair(self.reader, self.port), self.try_reader, self.reader_result),
                (_("高拍仪"), self.camera, self.try_camera, self.camera_result),
                (_("A4 打印机"), self.a4, self.try_a4, self.a4_result),
                (_("回执打印机"), self.receipt, self.try_receipt, self.receipt_result)]
        for i, (label, field, button, result) in enumerate(rows):
            result.setWordWrap(True)
            grid.addWidget(QLabel(label), 2 * i, 0)
            grid.addWidget(field, 2 * i, 1)
            grid.addWidget(button, 2 * i, 2)
            grid.addWidget(result, 2 * i + 1, 1, 1, 2)
        grid.setColumnStretch(1, 1)
        self.try_reader.clicked.connect(self._try_reader)
        self.try_camera.clicked.connect(self._try_camera)
        self.try_a4.clicked.connect(lambda: self._try_printer(self.a4, self.a4_result, False))
        self.try_receipt.clicked.connect(lambda: self._try_printer(self.receipt, self.receipt_result, True))

    @staticmethod
    def _pair(a: QWidget, b: QWidget) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(a, 2)
        row.addWidget(b, 1)
        return box

    def initializePage(self) -> None:  # noqa: N802 — Qt's name
        self.ops.run(self.desk.setup.cameras, on_success=self._show_cameras)
        self.ops.run(self.desk.setup.printers, on_success=self._show_printers)

    def _show_cameras(self, names: list[str]) -> None:
        self.camera.clear()
        self.camera.addItems(names)
        if not names:
            self.failed(_("未找到高拍仪：请检查 USB 连接和驱动，可先跳过。"), self.camera_result)
        self.try_camera.setEnabled(bool(names))

    def _show_printers(self, names: list[str]) -> None:
        for box in (self.a4, self.receipt):
            box.clear()
            box.addItems(names)
        self.receipt.setCurrentText("")
        if not names:
            self.failed(_("系统中没有打印机：请先在 Windows 中安装打印机驱动。"), self.a4_result)

    def _try_reader(self) -> None:
        self.reader_result.setStyleSheet("")
        self.reader_result.setText(_("正在连接阅读器，请放上身份证…"))
        self.ops.run(self.desk.setup.try_reader, self.reader.currentData(), self.port.text(),
                     on_success=lambda s: self.succeeded(s, self.reader_result),
                     on_failure=lambda s: self.failed(s, self.reader_result), disable=[self.try_reader])

    def _try_camera(self) -> None:
        self.ops.run(self.desk.setup.try_camera, self.camera.currentText(),
                     on_success=lambda s: self.succeeded(s, self.camera_result),
                     on_failure=lambda s: self.failed(s, self.camera_result), disable=[self.try_camera])

    def _try_printer(self, box: QComboBox, result: QLabel, receipt: bool) -> None:
        self.ops.run(self.desk.setup.try_printer, box.currentText().strip(), receipt,
                     on_success=lambda s: self.succeeded(s, result), on_failure=lambda s: self.failed(s, result))

    def failed(self, sentence: str, target: QLabel | None = None) -> None:
        if target is not None:                         # said beside the device; Operations repeats it here
            super().failed(sentence, target)


class AdminPage(_Page):
    def __init__(self, desk: Desk):
        super().__init__(desk, _("管理员账号"), _("管理员建立其他工作人员的账号、修改设置。密码至少 10 位，含字母和数字。"))
        self.username, self.name = QLineEdit("admin"), QLineEdit(_("管理员"))
        self.password, self.again = QLineEdit(), QLineEdit()
        for edit in (self.password, self.again):
            edit.setEchoMode(QLineEdit.Password)
        self.create = QPushButton(_("创建管理员(&M)"))
        form = QFormLayout(self)
        form.addRow(_("账号"), self.username)
        form.addRow(_("姓名"), self.name)
        form.addRow(_("密码"), self.password)
        form.addRow(_("再次输入密码"), self.again)
        form.addRow(self.create)
        form.addRow(self.result)
        self.create.clicked.connect(self._create)
        self.again.returnPressed.connect(self._create)

    def initializePage(self) -> None:  # noqa: N802 — Qt's name
        self.ops.run(self.desk.accounts.has_accounts, on_success=self._existing)

    def _existing(self, has_accounts: bool) -> None:
        """A PC whose accounts exist already (its centre was only missing) needs no new administrator."""
        if has_accounts:
            self.succeeded(_("本工作站已有账号，可直接点“完成”用原有账号登录；也可再建一个管理员。"))

    def _create(self) -> None:
        self.ops.run(self.desk.setup.create_admin, self.username.text(), self.name.text(), self.password.text(),
                     self.again.text(), on_success=self._created, disable=[self.create])

    def _created(self, sentence: str) -> None:
        self.succeeded(sentence + _("完成向导后用它登录。"))
        for edit in (self.username, self.password, self.again):
            edit.setEnabled(False)
        self.create.setEnabled(False)


class SetupWizard(QWizard):
    """Shown instead of the login on a production PC nobody has set up yet."""

    def __init__(self, desk: Desk, parent=None):
        super().__init__(parent)
        self.desk = desk
        self.setWindowTitle(_("综窗 — 设置向导"))
        self.setWizardStyle(QWizard.ModernStyle)
        self.setOption(QWizard.NoBackButtonOnStartPage)
        self.setButtonText(QWizard.NextButton, _("下一步(&N) >"))
        self.setButtonText(QWizard.BackButton, _("< 上一步(&B)"))
        self.setButtonText(QWizard.FinishButton, _("完成(&F)"))
        self.setButtonText(QWizard.CancelButton, _("取消"))
        self.centre, self.district = CentrePage(desk), DistrictPage(desk)
        self.devices, self.admin = DevicesPage(desk), AdminPage(desk)
        for page in (self.centre, self.district, self.devices, self.admin):
            page.layout().setContentsMargins(12, 8, 12, 8)
            self.addPage(page)
        self.resize(760, 560)


def run_setup_wizard(desk: Desk) -> bool:
    """True when the wizard was finished (the centre, the prefix and an administrator exist)."""
    wizard = SetupWizard(desk)
    return wizard.exec() == QWizard.Accepted

