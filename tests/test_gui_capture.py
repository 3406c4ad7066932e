"""The capture view with the simulated camera, as a clerk uses it: lay pages down, they are captured."""

from __future__ import annotations

import numpy as np
import pytest
from gui_support import choose, click, settle
from PySide6.QtCore import Qt

from app.domain.case import EvidenceGrade, MaterialStatus
from app.imaging.encode import decode_image
from app.imaging.id_copy import card_boxes

pytestmark = pytest.mark.gui


def start_birth_registration(qtbot, window):
    panel = window.intake
    panel.sim_cards.setCurrentIndex(0)
    click(qtbot, window, panel.sim_place)
    click(qtbot, window, panel.read_card_button)
    choose(qtbot, window, "出生", "出生")
    return panel


def open_capture(qtbot, window, code):
    panel = window.intake
    click(qtbot, window, panel.materials.buttons[code]["capture"])
    view = panel.capture_view
    qtbot.waitUntil(lambda: view.preview.preview is not None, timeout=5000)
    return view


def capture_first_scanned_material(qtbot, window):
    """A birth registration started, the capture view open on its first material that is scanned."""
    panel = start_birth_registration(qtbot, window)
    app = panel.app
    code = next(m.code for m in app.materials if not m.from_id_card)
    return panel, app, code, open_capture(qtbot, window, code)


def lay_down(qtbot, view, button, captures_before):
    qtbot.mouseClick(button, Qt.LeftButton)
    qtbot.waitUntil(lambda: view.captures == captures_before + 1, timeout=10000)


def test_auto_capture_takes_each_page_once_onto_the_material_being_captured(qtbot, window, desk):
    panel = start_birth_registration(qtbot, window)
    app = panel.app
    first, second = [m.code for m in app.materials if not m.from_id_card][:2]
    view = open_capture(qtbot, window, first)
    assert "请将材料放在高拍仪下" in view.state_label.text()

    lay_down(qtbot, view, view.sim_place, 0)
    qtbot.waitUntil(lambda: "zzfw.example.gov.cn" in view.barcode_label.text(), timeout=5000)  # its QR, read
    qtbot.wait(1200)                                 # the page stays: no second capture
    assert view.captures == 1
    assert "已拍摄" in view.state_label.text()
    lay_down(qtbot, view, view.sim_place, 1)         # next page of the same material
    settle(qtbot, window)
    qtbot.waitUntil(lambda: view.thumbs.count() == 2, timeout=5000)
    assert len(app.attachments_of(first)) == 2
    assert app.status_of(first) is MaterialStatus.CAPTURED and app.grade_of(first) is EvidenceGrade.C

    click(qtbot, window, panel.materials.buttons[second]["capture"])       # the checklist's next material
    assert view.title.text().endswith(app.material(second).name)
    lay_down(qtbot, view, view.sim_place, 2)
    settle(qtbot, window)
    assert len(app.attachments_of(second)) == 1 and len(app.attachments_of(first)) == 2
    stored = decode_image(desk.store.attachments.get(app.attachments_of(second)[0]))
    assert stored.shape[0] / stored.shape[1] == pytest.approx(297 / 210, rel=0.01)   # flattened A4 page
    row = panel.materials.codes.index(first)
    assert "已拍摄（2页）" in panel.materials.item(row, 2).text()
    panel.close_capture()


def test_id_card_copy_has_both_sides_at_true_size(qtbot, window, desk):
    panel, app, code, view = capture_first_scanned_material(qtbot, window)
    click(qtbot, window, view.id_copy_button)
    assert "正面" in view.state_label.text()
    lay_down(qtbot, view, view.sim_front, 0)
    assert app.attachments_of(code) == []            # the front waits for the back
    lay_down(qtbot, view, view.sim_back, 1)
    settle(qtbot, window)
    pages = app.attachments_of(code)
    assert len(pages) == 1
    sheet = decode_image(desk.store.attachments.get(pages[0]))
    assert sheet.shape[:2] == (3508, 2480)           # A4 at 300 dpi
    (fx, fy, fw, fh), (bx, by, bw, bh) = card_boxes()
    assert (fw, fh) == (bw, bh) == (1011, 638)       # 85.6 × 54.0 mm
    front, back = sheet[fy:fy + fh, fx:fx + fw], sheet[by:by + bh, bx:bx + bw]
    assert front.mean() < 250 and back.mean() < 250  # both sides are there, not blank paper
    # the emblem on the back is red; the front has none
    red = lambda img: np.mean((img[:, :, 2] > 150) & (img[:, :, 1] < 90))  # noqa: E731
    assert red(back[:, : bw // 3]) > 0.02 > red(front[:, : fw // 3])
    assert (sheet[fy - 30:fy - 5, :] > 240).all()    # white paper around the cards
    panel.close_capture()


def test_a_page_laid_over_the_frame_edge_waits_for_the_clerk_and_is_kept_as_seen(qtbot, window, desk):
    panel, app, code, view = capture_first_scanned_material(qtbot, window)
    click(qtbot, window, view.sim_overhang)          # 放歪: laid with a quarter of it beyond the frame's edge
    qtbot.waitUntil(lambda: "页面超出画面，请调整" in view.state_label.text(), timeout=5000)
    qtbot.wait(1500)                                 # still, but never taken by itself
    assert view.captures == 0 and app.attachments_of(code) == []
    view.capture_now()                               # F3: the clerk takes it as it is
    qtbot.waitUntil(lambda: view.captures == 1, timeout=10000)
    assert "只保存了画面内的部分" in view.message_label.text()
    settle(qtbot, window)
    assert len(app.attachments_of(code)) == 1
    desk.devices.place_simulated_document("出生医学证明")      # laid again, in view: taken by itself
    qtbot.waitUntil(lambda: view.captures == 2, timeout=10000)
    settle(qtbot, window)
    assert len(app.attachments_of(code)) == 2
    panel.close_capture()


def test_camera_unplugged_mid_capture_says_so_and_loses_nothing(qtbot, window, desk):
    panel, app, code, view = capture_first_scanned_material(qtbot, window)
    view.auto_box.setChecked(False)
    events_before = len(desk.store.cases.events(app.primary.id))
    desk.devices.camera.unplug()
    view.capture_now()
    qtbot.waitUntil(lambda: "断开" in view.camera_label.text(), timeout=5000)
    qtbot.waitUntil(lambda: "断开" in view.message_label.text(), timeout=5000)
    settle(qtbot, window)
    assert app.attachments_of(code) == []
    assert len(desk.store.cases.events(app.primary.id)) == events_before
    desk.devices.camera.replug()                     # recovers by itself
    qtbot.waitUntil(lambda: view.camera_label.text() == "高拍仪：已连接", timeout=5000)
    desk.devices.place_simulated_document("出生医学证明", settled=True)
    qtbot.waitUntil(lambda: view.preview.preview is not None, timeout=5000)
    view.capture_now()
    qtbot.waitUntil(lambda: view.captures == 1, timeout=10000)
    settle(qtbot, window)
    assert len(app.attachments_of(code)) == 1
    panel.close_capture()


def test_pages_reorder_rotate_delete_verify_and_export(qtbot, window, desk, tmp_path):
    panel, app, code, view = capture_first_scanned_material(qtbot, window)
    for n in range(3):
        lay_down(qtbot, view, view.sim_place, n)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: view.thumbs.count() == 3, timeout=5000)
    pages = app.attachments_of(code)
    view.thumbs.setCurrentRow(0)
    click(qtbot, window, view.right_button)
    rotated = app.attachments_of(code)
    assert rotated[1:] == pages[1:] and rotated[0] != pages[0]
    a, b = (decode_image(desk.store.attachments.get(h)) for h in (pages[0], rotated[0]))
    assert b.shape[:2] == a.shape[1::-1]
    qtbot.waitUntil(lambda: view.thumbs.count() == 3, timeout=5000)
    view.thumbs.setCurrentRow(1)
    click(qtbot, window, view.delete_button)
    assert app.attachments_of(code) == [rotated[0], rotated[2]]
    qtbot.waitUntil(lambda: view.thumbs.count() == 2, timeout=5000)
    click(qtbot, window, view.verify_button)
    assert app.grade_of(code) is EvidenceGrade.B
    stamped = decode_image(desk.store.attachments.get(app.attachments_of(code)[0]))
    h, w = stamped.shape[:2]
    corner = stamped[int(h * 0.75):, int(w * 0.5):]
    assert np.mean((corner[:, :, 2] > 150) & (corner[:, :, 1] < 110)) > 0.002    # the red 核验 mark
    out = tmp_path / "material.pdf"
    view.export_pdf_to(out)
    settle(qtbot, window)
    assert out.read_bytes().startswith(b"%PDF") and out.read_bytes().count(b"/DCTDecode") == 2
    panel.close_capture()


def drag(qtbot, canvas, index, to):
    """Drag corner handle `index` of the corner editor to `to` (still pixels)."""
    src = canvas._screen(canvas.points[index]).toPoint()
    dst = canvas._screen(to).toPoint()
    qtbot.mousePress(canvas, Qt.LeftButton, pos=src)
    qtbot.mouseMove(canvas, pos=dst)
    qtbot.mouseRelease(canvas, Qt.LeftButton, pos=dst)


def test_corners_placed_by_hand_recut_the_page_in_place(qtbot, window, desk):
    panel, app, code, view = capture_first_scanned_material(qtbot, window)
    lay_down(qtbot, view, view.sim_place, 0)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: view.thumbs.count() == 1, timeout=5000)
    first = app.attachments_of(code)[0]
    view.thumbs.setCurrentRow(0)
    click(qtbot, window, view.corners_button)
    qtbot.waitUntil(lambda: view.editor is not None and view.editor.isVisible(), timeout=5000)
    canvas = view.editor.canvas
    tl, tr, br, bl = (list(p) for p in view.session.last_corners)
    assert [list(p) for p in canvas.points] == [tl, tr, br, bl]       # starts from the detected outline
    # Only the top half of the sheet: the lower corners go to the middle of the sides.
    drag(qtbot, canvas, 3, [(tl[0] + bl[0]) / 2, (tl[1] + bl[1]) / 2])
    drag(qtbot, canvas, 2, [(tr[0] + br[0]) / 2, (tr[1] + br[1]) / 2])
    assert canvas.points[2][1] < br[1] - 100 and canvas.points[3][1] < bl[1] - 100
    view.editor.accept()
    settle(qtbot, window)
    qtbot.waitUntil(lambda: "重新裁切" in view.message_label.text(), timeout=5000)
    pages = app.attachments_of(code)
    assert len(pages) == 1 and pages[0] != first                      # replaced, not added
    old, new = (decode_image(desk.store.attachments.get(h)) for h in (first, pages[0]))
    assert new.shape[1] == pytest.approx(old.shape[1], rel=0.03)      # same width
    assert new.shape[0] == pytest.approx(old.shape[0] / 2, rel=0.06)  # half the height
    panel.close_capture()
