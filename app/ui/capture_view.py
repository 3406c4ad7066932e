"""The capture view (高拍仪): live preview, auto-capture, the material's pages and what can be done to them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QPointF, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QImage, QKeySequence, QPainter, QPen, QPixmap, QPolygonF, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
)

from app.domain.accounts import Clerk
from app.domain.case import EvidenceGrade
from app.i18n import N_, _
from app.services.capture import CapturedPage, CaptureListeners, Preview
from app.services.desk import Desk
from app.services.intake import Application
from app.ui.corner_editor import CornerEditor
from app.ui.operations import Operations
from app.ui.widgets import QuietComboBox, fit_to_screen

PAGE_VIEW_SIDE = 480
_MODES = (("colour", N_("彩色")), ("grey", N_("灰度")), ("bw", N_("黑白")), ("original", N_("原图")))
OVERHANG = 0.25          # training: 放歪 lays the material with this share of it beyond the frame's edge
_OUTLINE = {"steady": "#27ae60", "capture": "#27ae60", "settling": "#f39c12", "done": "#2980b9",
            "off_frame": "#c0392b"}


def to_image(frame: np.ndarray) -> QImage:
    """A BGR frame as an image in the format the screen paints fastest (callable from any thread)."""
    h, w = frame.shape[:2]
    return QImage(frame.data, w, h, frame.strides[0], QImage.Format_BGR888).convertToFormat(QImage.Format_RGB32)


class PreviewLabel(QLabel):
    """The live picture with the found page outlined and a flash when a still is taken."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMinimumSize(480, 360)
        self.setAlignment(Qt.AlignCenter)
        self.setStyleSheet("background:#222;color:#ddd")
        self.setText(_("正在连接高拍仪…"))
        self.preview: Preview | None = None
        self.image: QImage | None = None
        self.flash = False

    def show_preview(self, preview: Preview, image: QImage) -> None:
        self.preview, self.image = preview, image
        self.update()

    def paintEvent(self, event) -> None:
        if self.preview is None or self.image is None:
            super().paintEvent(event)
            return
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#222"))
        image = self.image
        scaled = image.size().scaled(self.size(), Qt.KeepAspectRatio)
        x, y = (self.width() - scaled.width()) // 2, (self.height() - scaled.height()) // 2
        painter.drawImage(QRect(x, y, scaled.width(), scaled.height()), image)
        if self.preview.outline:
            factor = scaled.width() / image.width()
            pen = QPen(QColor(_OUTLINE.get(self.preview.state.value, "#f39c12")), 3)
            painter.setPen(pen)
            painter.drawPolygon(QPolygonF([QPointF(x + px * factor, y + py * factor) for px, py in self.preview.outline]))
        if self.flash:
            painter.fillRect(x, y, scaled.width(), scaled.height(), QColor(255, 255, 255, 160))
        painter.end()


class CaptureDialog(QDialog):
    preview_ready = Signal(object)
    page_ready = Signal(object)
    failed = Signal(str)
    status_changed = Signal(str, bool)
    barcodes_found = Signal(str, object)
    pages_changed = Signal()

    def __init__(self, desk: Desk, clerk: Clerk, ops: Operations, parent=None):
        super().__init__(parent)
        self.desk, self.clerk, self.ops = desk, clerk, ops
        self.setWindowTitle(_("高拍仪拍摄"))
        fit_to_screen(self, 1180, 680)
        self.app: Application | None = None
        self.code: str | None = None
        self.pages: list[str] = []
        self.captures = 0            # stills stored while this view was open
        self.editor: CornerEditor | None = None
        self._icons: dict[str, QIcon] = {}      # page hash → its thumbnail, for every page shown
        self.session = desk.capture_session(clerk, CaptureListeners(
            on_preview=lambda p: self.preview_ready.emit((p, to_image(p.frame))),    # converted on the camera's thread
            on_page=self.page_ready.emit, on_error=self.failed.emit, on_status=self.status_changed.emit,
            on_barcodes=self.barcodes_found.emit))
        self.preview_ready.connect(self._on_preview)
        self.page_ready.connect(self._on_page)
        self.failed.connect(self._on_failed)
        self.status_changed.connect(self._on_status)
        self.barcodes_found.connect(self._on_barcodes)
        self._build()
        QShortcut(QKeySequence("F3"), self, activated=self.capture_now)     # F3 works here as in the main window

    # --- layout ---------------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QHBoxLayout(self)
        left = QVBoxLayout()
        self.title = QLabel()
        self.title.setStyleSheet("font-weight:bold")
        left.addWidget(self.title)
        self.preview = PreviewLabel()
        left.addWidget(self.preview, 1)
        row = QHBoxLayout()
        self.state_label = QLabel("")
        self.state_label.setObjectName("capture_state")
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setTextVisible(False)
        self.progress.setMaximumWidth(160)
        row.addWidget(self.state_label, 1)
        row.addWidget(self.progress)
        left.addLayout(row)
        self.message_label = QLabel("")             # what an action did, kept a few seconds
        self.message_label.setObjectName("capture_message")
        self.message_label.setWordWrap(True)
        left.addWidget(self.message_label)
        self._message_timer = QTimer(self)
        self._message_timer.setSingleShot(True)
        self._message_timer.timeout.connect(lambda: self.message_label.setText(""))
        camera_row = QHBoxLayout()
        self.camera_label = QLabel(_("高拍仪：连接中…"))
        camera_row.addWidget(self.camera_label, 1)
        self.camera_box = QuietComboBox()
        self.camera_box.setToolTip(_("选择高拍仪（下次启动时记住）"))
        choices = self.desk.devices.camera_choices()
        self.camera_box.addItems(choices)
        current = self.desk.settings.camera_name or getattr(self.desk.devices.camera, "name", "")
        if current in choices:
            self.camera_box.setCurrentText(current)
        self.camera_box.activated.connect(self._choose_camera)
        self.camera_box.setVisible(bool(choices))
        camera_row.addWidget(self.camera_box)
        left.addLayout(camera_row)
        controls = QHBoxLayout()
        self.capture_button = QPushButton(_("拍摄 (F3)"))
        self.capture_button.clicked.connect(self.capture_now)
        self.auto_box = QCheckBox(_("自动拍摄"))
        self.auto_box.setChecked(self.session.auto.enabled)
        self.auto_box.toggled.connect(self._set_auto)
        self.continuous_box = QCheckBox(_("连续"))
        self.continuous_box.setChecked(self.session.auto.continuous)
        self.continuous_box.toggled.connect(self._set_continuous)
        self.mode_box = QuietComboBox()
        for key, label in _MODES:
            label = _(label)
            self.mode_box.addItem(label, key)
        self.mode_box.setCurrentIndex(max(0, self.mode_box.findData(self.session.options.mode.value)))
        self.mode_box.currentIndexChanged.connect(self._set_mode)
        self.id_copy_button = QPushButton(_("身份证复印件"))
        self.id_copy_button.clicked.connect(self._id_copy)
        self.import_button = QPushButton(_("从文件导入…"))
        self.import_button.clicked.connect(self._import)
        for w in (self.capture_button, self.auto_box, self.continuous_box, self.mode_box, self.id_copy_button,
                  self.import_button):
            controls.addWidget(w)
        left.addLayout(controls)
        if self.desk.training:
            sim = QHBoxLayout()
            sim.addWidget(QLabel(_("模拟：")))
            for name, text, action in (
                    ("sim_place", _("放材料"), self.place_material),
                    ("sim_overhang", _("放歪"), lambda: self.desk.devices.place_simulated_document(
                        self.material_name(), overhang=OVERHANG)),
                    ("sim_front", _("放身份证正面"), lambda: self.desk.devices.place_simulated_id_card("front")),
                    ("sim_back", _("放身份证反面"), lambda: self.desk.devices.place_simulated_id_card("back")),
                    ("sim_remove", _("取走"), self.desk.devices.remove_simulated_document)):
                b = QPushButton(text)
                b.clicked.connect(action)
                sim.addWidget(b)
                setattr(self, name, b)
            sim.addStretch(1)
            left.addLayout(sim)
        outer.addLayout(left, 3)

        right = QVBoxLayout()
        self.page_view = QLabel(_("拍摄的页面显示在这里，请核对是否清晰完整"))
        self.page_view.setObjectName("capture_page_view")
        self.page_view.setAlignment(Qt.AlignCenter)
        self.page_view.setMinimumSize(300, 300)
        self.page_view.setStyleSheet("background:#f4f4f4;border:1px solid #ccc;color:#888")
        right.addWidget(self.page_view, 3)
        right.addWidget(QLabel(_("本材料页面（可拖动排序）")))
        self.thumbs = QListWidget()
        self.thumbs.setObjectName("capture_pages")
        self.thumbs.setViewMode(QListView.IconMode)
        self.thumbs.setIconSize(QSize(72, 96))
        self.thumbs.setMaximumHeight(150)
        self.thumbs.currentRowChanged.connect(lambda _unused: self._show_selected_page())
        self.thumbs.setMovement(QListView.Snap)
        self.thumbs.setDragDropMode(QListWidget.InternalMove)
        self.thumbs.setSpacing(6)
        self.thumbs.model().rowsMoved.connect(self._reordered)
        right.addWidget(self.thumbs, 1)
        self.barcode_label = QLabel("")
        self.barcode_label.setObjectName("capture_barcodes")
        self.barcode_label.setWordWrap(True)
        self.barcode_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        right.addWidget(self.barcode_label)
        page_row = QHBoxLayout()
        self.left_button = QPushButton(_("左转"))
        self.left_button.clicked.connect(lambda: self._rotate(3))
        self.right_button = QPushButton(_("右转"))
        self.right_button.clicked.connect(lambda: self._rotate(1))
        self.delete_button = QPushButton(_("删除"))
        self.delete_button.clicked.connect(self._delete)
        self.recapture_button = QPushButton(_("重拍"))
        self.recapture_button.clicked.connect(self._recapture)
        self.corners_button = QPushButton(_("调整边角"))
        self.corners_button.clicked.connect(self._adjust_corners)
        for w in (self.left_button, self.right_button, self.delete_button, self.recapture_button, self.corners_button):
            page_row.addWidget(w)
        right.addLayout(page_row)
        grade_row = QHBoxLayout()
        self.verify_button = QPushButton(_("核验原件"))
        self.verify_button.setToolTip(_("已与原件核对无误：每页加盖核对标记（B 级）"))
        self.verify_button.clicked.connect(self._verify)
        self.grade_box = QuietComboBox()
        self.grade_box.addItem(_("等级：未定"), None)
        for g in EvidenceGrade:
            self.grade_box.addItem(g.label, g.value)
        self.grade_box.activated.connect(self._set_grade)
        self.pdf_button = QPushButton(_("导出 PDF…"))
        self.pdf_button.clicked.connect(self._export_pdf)
        self.done_button = QPushButton(_("完成"))
        self.done_button.clicked.connect(self.close)
        for w in (self.verify_button, self.grade_box, self.pdf_button, self.done_button):
            grade_row.addWidget(w)
        right.addLayout(grade_row)
        outer.addLayout(right, 2)

    # --- target and lifetime --------------------------------------------------------------------

    def show_material(self, app: Application, code: str) -> None:
        self.app, self.code = app, code
        self.session.target(app, code)
        doing = _("补交") if app.supplying(code) else _("拍摄")
        self.title.setText(_("正在{doing}：{name}").format(doing=doing, name=app.material(code).name))
        self._load_pages()

    def start(self) -> None:
        self.session.start()
        self.show()

    def closeEvent(self, event) -> None:
        self.session.stop()
        super().closeEvent(event)

    def place_material(self) -> None:
        """Training: the citizen lays the material down — in a scenario, the very paper they brought (with its
        defect), or nothing when they did not bring it."""
        training = self.desk.training_service
        run = training.active if training is not None else None
        if run is None or self.code is None:
            self.desk.devices.place_simulated_document(self.material_name())
            return
        self.ops.run(training.place_material, run, self.code, on_success=self.say,
                     on_failure=lambda message: self.say(message, error=True))

    def material_name(self) -> str:
        return self.app.material(self.code).name if self.app and self.code else _("材料")

    # --- session events (GUI thread) ------------------------------------------------------------

    def _on_preview(self, shown: tuple[Preview, QImage]) -> None:
        preview, image = shown
        self.preview.show_preview(preview, image)
        side = self.session.id_copy_side
        text = {"front": _("身份证复印件：请放身份证正面"), "back": _("身份证复印件：请翻到反面")}.get(side, "")
        self.state_label.setText(text + (_("　") if text else "") + preview.state.label)
        self.state_label.setStyleSheet("color:#c0392b" if preview.state.value == "off_frame" else "")
        self.progress.setValue(int(preview.progress * 100))

    def _on_page(self, captured: CapturedPage) -> None:
        self.captures += 1
        self._cue()
        if captured.side == "front":
            self.say(_("正面已拍摄，请将身份证翻到反面"))
            return
        self.pages = captured.pages
        self._show_barcodes(captured.page.barcodes)
        self._load_pages()
        self.pages_changed.emit()
        if captured.page.off_frame:
            self.say(_("页面超出画面，只保存了画面内的部分：请把材料移入画面后重拍"), error=True)

    def _on_barcodes(self, code: str, barcodes) -> None:
        if code == self.code:
            self._show_barcodes(barcodes)

    def _show_barcodes(self, barcodes) -> None:
        self.barcode_label.setText(_("识别到条码：") + _("；").join(b.text for b in barcodes) if barcodes else "")

    def _on_failed(self, message: str) -> None:
        self.say(message, error=True)

    def say(self, text: str, *, error: bool = False) -> None:
        """Tell the clerk what happened (errors in red); the message stays until replaced or for 6 s."""
        self.message_label.setText(text)
        self.message_label.setStyleSheet("color:#c0392b" if error else "color:#1e6b3a")
        self._message_timer.start(6000)

    def _on_status(self, text: str, connected: bool) -> None:
        self.camera_label.setText(_("高拍仪：{text}").format(text=text))
        self.camera_label.setStyleSheet("" if connected else "color:#c0392b")
        if not connected:
            self.preview.preview = None
            self.preview.setText(_("{text}\n重新连接后将自动恢复").format(text=text))
            self.preview.update()

    def _choose_camera(self, index: int) -> None:
        self.session.stop()
        self.desk.choose_camera(self.camera_box.itemText(index))
        self.camera_label.setText(_("高拍仪：连接中…"))
        self.session.start()

    def _cue(self) -> None:
        self.preview.flash = True
        self.preview.update()
        QTimer.singleShot(150, self.preview, self._end_flash)
        if self.desk.settings.capture_sound:
            QApplication.beep()

    def _end_flash(self) -> None:
        self.preview.flash = False
        self.preview.update()

    # --- pages ----------------------------------------------------------------------------------

    def _load_pages(self) -> None:
        app, code = self.app, self.code
        hashes = app.attachments_of(code)
        self.ops.run(self.desk.materials.thumbnails, hashes, set(self._icons), on_success=self._show_thumbs)
        grade = app.grade_of(code)
        self.grade_box.setCurrentIndex(self.grade_box.findData(grade.value if grade else None))

    def _show_thumbs(self, thumbs) -> None:
        self.pages = [h for h, _unused in thumbs]
        size = self.thumbs.iconSize()
        for h, pixels in thumbs:
            if pixels is not None:
                image = to_image(pixels).scaled(size, Qt.KeepAspectRatio, Qt.SmoothTransformation)
                self._icons[h] = QIcon(QPixmap.fromImage(image))
        self._icons = {h: self._icons[h] for h in self.pages if h in self._icons}
        for i, h in enumerate(self.pages):           # changed in place: a long list is not laid out anew
            item = self.thumbs.item(i)
            if item is None:
                item = QListWidgetItem(_("第{page}页").format(page=i + 1))
                self.thumbs.addItem(item)
            if item.data(Qt.UserRole) != h:
                item.setIcon(self._icons.get(h, QIcon()))
                item.setData(Qt.UserRole, h)
            if item.text() != _("第{page}页").format(page=i + 1):            # after a drag the items carry other numbers
                item.setText(_("第{page}页").format(page=i + 1))
        while self.thumbs.count() > len(self.pages):
            self.thumbs.takeItem(self.thumbs.count() - 1)
        if thumbs:
            self.thumbs.setCurrentRow(len(thumbs) - 1)
        self._show_selected_page()

    def _show_selected_page(self) -> None:
        """The selected (by default the last) page, large enough to check that it is sharp and whole."""
        index = self.selected_index()
        if index is None:
            self.page_view.setPixmap(QPixmap())
            self.page_view.setText(_("拍摄的页面显示在这里，请核对是否清晰完整"))
            return
        page = self.pages[index]

        def show(found) -> None:
            if self.selected_index() is None or self.pages[self.selected_index()] != page:
                return
            image = to_image(found[0][1])
            self.page_view.setPixmap(QPixmap.fromImage(image).scaled(
                self.page_view.size(), Qt.KeepAspectRatio, Qt.SmoothTransformation))

        self.ops.run(self.desk.materials.thumbnails, [page], set(), PAGE_VIEW_SIDE, on_success=show)

    def selected_index(self) -> int | None:
        row = self.thumbs.currentRow()
        return row if 0 <= row < len(self.pages) else None

    def _page_op(self, text: str, operation, *args) -> None:
        def done(_unused):
            self._load_pages()
            self.pages_changed.emit()
            self.say(text)

        self.ops.run(operation, *args, on_success=done)

    def _rotate(self, quarter_turns: int) -> None:
        index = self.selected_index()
        if index is not None:
            self._page_op(_("第{index}页已旋转").format(
                    index=index + 1), self.desk.materials.rotate, self.app, self.code, index,
                          quarter_turns, self.clerk)

    def _delete(self) -> None:
        index = self.selected_index()
        if index is not None:
            self._page_op(_("第{index}页已删除").format(
                    index=index + 1), self.desk.materials.delete, self.app, self.code, index, self.clerk)

    def _reordered(self, *_args) -> None:
        order = [self.thumbs.item(i).data(Qt.UserRole) for i in range(self.thumbs.count())]
        if order == self.pages or sorted(order) != sorted(self.pages):
            return
        self._page_op(_("页面顺序已调整"), self.desk.materials.reorder, self.app, self.code, order, self.clerk)

    def _recapture(self) -> None:
        index = self.selected_index()
        if index is not None:
            self.session.recapture(index)
            self.say(_("请放好第{index}页，下一次拍摄将替换它").format(index=index + 1))

    def _verify(self) -> None:
        self._page_op(_("已核验原件，页面已加盖核对标记（B 级）"), self.session.verify, self.desk.clock().date())

    def _set_grade(self, _index: int) -> None:
        value = self.grade_box.currentData()
        if value is None:
            return
        self._page_op(_("材料等级：{label}").format(
                label=EvidenceGrade(value).label), self.desk.materials.set_grade, self.app, self.code,
                      EvidenceGrade(value), self.clerk)

    def _export_pdf(self) -> None:
        app, code = self.app, self.code
        name = f"{app.primary.case_number}-{app.material(code).name}.pdf"
        path, _unused = QFileDialog.getSaveFileName(self, _("导出 PDF"), str(Path.home() / name), "PDF (*.pdf)")
        if path:
            self.export_pdf_to(Path(path))

    def export_pdf_to(self, path: Path) -> None:
        self.ops.run(self.desk.materials.export_pdf, self.app, self.code, path,
                     on_success=lambda _unused: self.say(_("已导出：{name}").format(name=path.name)))

    def _import(self) -> None:
        path, _unused = QFileDialog.getOpenFileName(self, _("从文件导入"), str(Path.home()),
                                              _("图像 (*.jpg *.jpeg *.png *.bmp *.tif *.tiff)"))
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        self.ops.run(self.session.import_path, path, on_success=self._on_page)

    def _adjust_corners(self) -> None:
        index = self.selected_index()
        if index is None:
            self.say(_("请先选中要调整的页面"))
            return
        self.ops.run(self.session.last_still, on_success=lambda still: self._edit_corners(still, index))

    def _edit_corners(self, still, index: int) -> None:
        if still is None:
            self.say(_("只能调整本次刚拍摄的画面"))
            return
        editor = CornerEditor(still, self.session.last_corners or None, self)
        self.editor = editor

        def apply():
            corners = editor.corners()
            self.ops.run(self.session.redo_with_corners, corners, index,
                         on_success=lambda captured: (self._on_page(captured), self.say(_("已按调整后的边角重新裁切"))))

        editor.accepted.connect(apply)
        editor.open()

    # --- capture --------------------------------------------------------------------------------

    def capture_now(self) -> None:
        if not self.session.capture():
            self.say(_("正在拍摄上一页，请稍候"))

    def _set_auto(self, on: bool) -> None:
        self.session.auto.enabled = on
        self.session.auto.rearm()

    def _set_continuous(self, on: bool) -> None:
        self.session.auto.continuous = on
        self.session.auto.rearm()

    def _set_mode(self, _index: int) -> None:
        self.session.set_mode(self.mode_box.currentData())

    def _id_copy(self) -> None:
        self.session.start_id_copy()
        self.state_label.setText(_("身份证复印件：请放身份证正面"))
