"""Placing a page's four corners by hand when detection got them wrong."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from app.i18n import _

HANDLE = 9


class CornerCanvas(QWidget):
    """The still with four draggable corner handles (kept in the still's pixel coordinates)."""

    def __init__(self, still: np.ndarray, corners: list[list[float]] | None, parent=None):
        super().__init__(parent)
        h, w = still.shape[:2]
        self.still_size = (w, h)
        self.scale = min(1.0, 960 / w, 640 / h)
        small = np.ascontiguousarray(still[:: max(1, int(1 / self.scale)), :: max(1, int(1 / self.scale))])
        image = QImage(small.data, small.shape[1], small.shape[0], small.strides[0], QImage.Format_BGR888)
        self.pixmap = QPixmap.fromImage(image.copy()).scaled(int(w * self.scale), int(h * self.scale))
        self.setFixedSize(self.pixmap.size())
        inset = 0.1
        self.points = [list(p) for p in corners] if corners else [
            [w * inset, h * inset], [w * (1 - inset), h * inset], [w * (1 - inset), h * (1 - inset)], [w * inset, h * (1 - inset)]]
        self._dragging: int | None = None

    def _screen(self, p) -> QPointF:
        return QPointF(p[0] * self.scale, p[1] * self.scale)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.drawPixmap(0, 0, self.pixmap)
        painter.setPen(QPen(QColor("#27ae60"), 2))
        painter.drawPolygon(QPolygonF([self._screen(p) for p in self.points]))
        painter.setBrush(QColor("#f39c12"))
        for p in self.points:
            painter.drawEllipse(self._screen(p), HANDLE, HANDLE)
        painter.end()

    def mousePressEvent(self, event) -> None:
        pos = event.position()
        distances = [np.hypot(pos.x() - p[0] * self.scale, pos.y() - p[1] * self.scale) for p in self.points]
        nearest = int(np.argmin(distances))
        self._dragging = nearest if distances[nearest] < 3 * HANDLE else None

    def mouseMoveEvent(self, event) -> None:
        if self._dragging is not None:
            pos = event.position()
            w, h = self.still_size
            self.points[self._dragging] = [min(max(pos.x() / self.scale, 0), w - 1), min(max(pos.y() / self.scale, 0), h - 1)]
            self.update()

    def mouseReleaseEvent(self, event) -> None:
        self._dragging = None


class CornerEditor(QDialog):
    def __init__(self, still: np.ndarray, corners: list[list[float]] | None, parent=None):
        super().__init__(parent)
        self.setWindowTitle(_("调整边角"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("拖动四个角点到纸张的四角，然后点“确定”重新裁切。")))
        self.canvas = CornerCanvas(still, corners, self)
        layout.addWidget(self.canvas)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText(_("确定"))
        buttons.button(QDialogButtonBox.Cancel).setText(_("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def corners(self) -> list[list[float]]:
        return [list(p) for p in self.canvas.points]
