"""Printing from the window: the preview (pages, zoom, printer), 补打 from the intake panel, and a failed
print held in the status bar until the clerk retries it."""

from __future__ import annotations

import numpy as np
import pytest
from gui_support import click, settle
from PySide6.QtGui import QImage

from app.devices.printer.simulator import SimulatedPrinter
from app.devices.printer.spooler import SpoolerPrinter
from app.domain.documents import DocumentKind
from tests import pdf_tools
from tests.test_intake_service import accepted_bundle

pytestmark = pytest.mark.gui


def has_ink(widget) -> bool:
    image = widget.grab().toImage().convertToFormat(QImage.Format_Grayscale8)
    grey = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())[:, :image.width()]
    return (grey < 100).mean() > 0.002


def test_the_preview_pages_zooms_and_prints(qtbot, window, desk, clerk, tmp_path):
    app = accepted_bundle(desk, clerk)
    window.intake.printing.print_document(DocumentKind.DEFERRED_NOTICE, app.cases)
    qtbot.waitUntil(lambda: window.intake.printing.preview is not None and window.intake.printing.preview.isVisible(),
                    timeout=10000)
    preview = window.intake.printing.preview
    assert preview.page_count == 2                       # 申请人联 and 存档联
    qtbot.waitUntil(lambda: has_ink(preview.view), timeout=10000)     # the page is drawn, not a blank sheet
    assert preview.page_label.text() == "第 1 页 / 共 2 页" and not preview.previous.isEnabled()
    click(qtbot, window, preview.next)
    qtbot.waitUntil(lambda: preview.current_page() == 1, timeout=5000)
    assert preview.page_label.text() == "第 2 页 / 共 2 页" and not preview.next.isEnabled()
    before = preview.view.zoomFactor()
    click(qtbot, window, preview.zoom_in)
    assert preview.view.zoomFactor() > before
    assert not list((tmp_path / "printed").glob("*.pdf"))       # nothing printed before the clerk says so
    click(qtbot, window, preview.print_button)
    settle(qtbot, window)
    printed = list((tmp_path / "printed").glob("*容缺受理通知书*.pdf"))
    assert len(printed) == 1 and "第二联存档联" in pdf_tools.flat_text(printed[0])
    assert [e.document for e in desk.printing.print_log(app.cases[-1].id)] == ["容缺受理通知书"]
    assert "容缺受理通知书已打印" in window.intake.message.text()


def test_ctrl_p_after_acceptance_prints_a_stamped_copy(qtbot, window, desk, clerk, tmp_path):
    app = accepted_bundle(desk, clerk)
    desk.printing.print_document(DocumentKind.ACCEPTANCE_RECEIPT, app.cases, clerk)
    window.intake.show_application(app)
    click(qtbot, window, window.intake.reprint_button)
    settle(qtbot, window)
    copies = sorted((tmp_path / "printed").glob("*受理回执*.pdf"))
    assert len(copies) == 2 and "补打" in copies[1].name and "补打" in pdf_tools.flat_text(copies[1])
    assert [e.reprint for e in desk.printing.print_log(app.primary.id)] == [False, True]


def test_a_failed_print_waits_in_the_status_bar_until_retried(qtbot, window, desk, clerk, tmp_path):
    app = accepted_bundle(desk, clerk)
    working = desk.devices.printer
    desk.devices.printer = desk.devices.receipt_printer = SpoolerPrinter("没有这台打印机")
    window.intake.show_application(app)
    click(qtbot, window, window.intake.reprint_button)
    settle(qtbot, window)
    assert "找不到打印机" in window.intake.message.text() and "已保留" in window.intake.message.text()
    qtbot.waitUntil(lambda: window.status.retry_prints.isVisible(), timeout=5000)
    assert window.status.retry_prints.text() == "重试打印（1）"

    desk.devices.printer = desk.devices.receipt_printer = working
    assert isinstance(working, SimulatedPrinter)
    click(qtbot, window, window.status.retry_prints)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: not window.status.retry_prints.isVisible(), timeout=5000)
    assert len(list((tmp_path / "printed").glob("*受理回执*.pdf"))) == 1
    assert "已重新打印 1 份单据" in window.status.currentMessage()


def decide(desk, case_id, approved=True):
    """What the district's results feed does to the stored case."""
    now = desk.clock()

    def results(cases):
        cases[0].submit("district", now)
        cases[0].complete(approved, "district", now, official_number="示社保〔2026〕1024号")

    desk.store.cases.change([case_id], results)


def open_case_view(qtbot, window, case_number):
    panel = window.case_list
    window.tabs.setCurrentIndex(1)
    settle(qtbot, window)
    row = [r.case_number for r in panel.rows].index(case_number)
    panel.open_case(row)
    qtbot.waitUntil(lambda: panel.case_view is not None and panel.case_view.case is not None, timeout=10000)
    settle(qtbot, window)
    return panel.case_view


def test_the_case_view_reprints_and_hands_out_with_a_slip(qtbot, window, desk, clerk, supervisor, tmp_path):
    app = accepted_bundle(desk, clerk)
    desk.printing.print_document(DocumentKind.ACCEPTANCE_RECEIPT, app.cases, clerk)
    target = app.cases[0]
    decide(desk, target.id)

    view = open_case_view(qtbot, window, target.case_number)
    assert "已办结" in view.facts.text() or "办结" in view.facts.text()
    assert set(view.print_buttons) >= {DocumentKind.ACCEPTANCE_RECEIPT, DocumentKind.DEFERRED_NOTICE}
    assert view.log.rowCount() == 1 and view.log.item(0, 1).text() == "受理回执"
    click(qtbot, window, view.print_buttons[DocumentKind.ACCEPTANCE_RECEIPT])      # receipts print straight away
    settle(qtbot, window)
    qtbot.waitUntil(lambda: view.log.rowCount() == 2, timeout=5000)
    assert view.log.item(1, 4).text() == "补打"

    assert view.handout_button.isVisible()
    click(qtbot, window, view.handout_button)
    dialog = view.dialog
    assert dialog.items.toPlainText() == "出生登记（户口申报）办理结果 1份"
    desk.devices.present_simulated_card(6)               # 赵小红 collects for 李秀英: neither applicant nor agent
    click(qtbot, window, dialog.read_button)
    assert "非申请人或代办人" in dialog.collector_label.text() and dialog.supervisor.isVisibleTo(dialog)
    dialog.items.setPlainText("出生登记结果 1份\n户口簿 1本")
    dialog.press_ok()                                    # no approval yet: refused, everything kept
    settle(qtbot, window)
    assert "值班负责人" in dialog.error.text() and dialog.isVisible()
    dialog.supervisor.setText("zhao")
    dialog.supervisor_password.setText("super-pass-1")
    dialog.press_ok()
    qtbot.waitUntil(lambda: view.printing.preview is not None and view.printing.preview.isVisible(), timeout=10000)
    click(qtbot, window, view.printing.preview.print_button)
    settle(qtbot, window)
    slips = list((tmp_path / "printed").glob("*出件单*.pdf"))
    assert len(slips) == 1
    text = pdf_tools.flat_text(slips[0])
    assert "赵小红（代领人，证件号码330106********086X）" in text and "户口簿1本" in text
    assert "批准代领赵主任" in text
    assert "示社保〔2026〕1024号" in text and "33010619731205086X" not in text
    stored = desk.store.cases.get(target.id)
    assert stored.state.value == "handed_out" and stored.handout["items"] == ["出生登记结果 1份", "户口簿 1本"]
    assert stored.handout["collector_role"] == "other" and stored.handout["approved_by"] == "zhao"
    qtbot.waitUntil(lambda: not view.handout_button.isVisible(), timeout=5000)


def test_the_daily_report_prints_the_days_figures(qtbot, window, desk, clerk, tmp_path):
    accepted_bundle(desk, clerk)
    window.tabs.setCurrentIndex(1)
    settle(qtbot, window)
    click(qtbot, window, window.case_list.report_button)
    settle(qtbot, window)
    reports = list((tmp_path / "printed").glob("*窗口日报*.pdf"))
    assert len(reports) == 1
    text = pdf_tools.flat_text(reports[0])
    assert "办件量3件" in text and "容缺受理1件" in text and "出生登记" in text
