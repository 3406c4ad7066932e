"""Printing for real: a CUPS server with a cups-pdf queue through QPrinter, an ESC/POS printer on a TCP port,
jobs held when a printer fails and printed on retry, the print log and 补打 copies."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import zxingcpp

from app.config.paths import Profile
from app.devices.errors import PrinterError
from app.devices.printer.base import PrintJob
from app.devices.printer.escpos_printer import EscPosPrinter, parse_target
from app.devices.printer.spooler import SpoolerPrinter, list_printers
from app.documents import samples
from app.documents.fonts import ensure_cjk_font
from app.domain.documents import DocumentKind, Paper
from tests import pdf_tools
from tests.cups_printer import start_cups_pdf
from tests.escpos_reader import NetworkPrinterPort, SerialPrinterPort, raster_and_cuts
from tests.test_intake_service import accepted_bundle, deferred_bundle


@pytest.fixture(scope="module")
def docs():
    return samples.render_samples(ensure_cjk_font().name, extreme=True)


@pytest.fixture(scope="module")
def cups():
    printer = start_cups_pdf()
    if isinstance(printer, str):
        pytest.skip(printer)
    return printer


def similar(a: np.ndarray, b: np.ndarray) -> float:
    """Mean absolute grey difference of two renders of the same page (0 = identical)."""
    a = cv2.GaussianBlur(cv2.cvtColor(a, cv2.COLOR_BGR2GRAY), (5, 5), 0).astype(float)
    b = cv2.resize(cv2.cvtColor(b, cv2.COLOR_BGR2GRAY), (a.shape[1], a.shape[0]))
    return float(np.abs(a - cv2.GaussianBlur(b, (5, 5), 0).astype(float)).mean())


# --- ESC/POS -------------------------------------------------------------------------------------

def test_a_network_thermal_printer_gets_the_receipt_as_a_raster_and_a_cut(qapp, docs):
    port = NetworkPrinterPort()
    try:
        result = EscPosPrinter(port.target).print_pdf(PrintJob("受理回执", docs["受理回执-80mm"], Paper.ROLL_80))
        picture, cuts = raster_and_cuts(port.job())
    finally:
        port.close()
    assert "热敏" in result.printer and cuts == 1
    assert picture.shape[1] == 576                       # the 72 mm head of an 80 mm printer at 203 dpi
    page = pdf_tools.words(docs["受理回执-80mm"])[0][0]
    assert abs(picture.shape[0] - round(576 * page.height / page.width)) <= 2
    image = np.where(picture, 0, 255).astype(np.uint8)
    assert [b.text for b in zxingcpp.read_barcodes(image)] == [samples.case_number()]
    assert 0.02 < picture.mean() < 0.35                  # text, not a blank or black roll


def test_a_serial_thermal_printer_gets_the_same_raster(qapp, docs):
    port = SerialPrinterPort()
    try:
        EscPosPrinter(f"serial:{port.port}:115200").print_pdf(PrintJob("受理回执", docs["受理回执-80mm"], Paper.ROLL_80))
        picture, cuts = raster_and_cuts(port.drain())
    finally:
        port.close()
    assert cuts == 1 and picture.shape[1] == 576
    image = np.where(picture, 0, 255).astype(np.uint8)
    assert [b.text for b in zxingcpp.read_barcodes(image)] == [samples.case_number()]


def test_an_unreachable_thermal_printer_is_reported_and_nothing_is_sent(qapp, docs):
    port = NetworkPrinterPort()
    target = port.target
    port.close()
    with pytest.raises(PrinterError, match="未连接或未开机.*已保留"):
        EscPosPrinter(target).print_pdf(PrintJob("受理回执", docs["受理回执-80mm"], Paper.ROLL_80))
    with pytest.raises(PrinterError, match="未连接或未开机"):
        EscPosPrinter("serial:/dev/ttyZC-none").print_pdf(PrintJob("受理回执", docs["受理回执-80mm"], Paper.ROLL_80))


def test_thermal_printer_targets():
    assert parse_target("tcp://192.168.1.50:9100") == ("Network", {"host": "192.168.1.50", "port": 9100,
                                                                   "timeout": 10})
    assert parse_target("serial:COM3:115200")[1]["baudrate"] == 115200
    assert parse_target("serial:/dev/ttyUSB0")[1] == {"devfile": "/dev/ttyUSB0", "baudrate": 9600, "timeout": 2}
    assert parse_target("usb:0416:5011") == ("Usb", {"idVendor": 0x0416, "idProduct": 0x5011})
    assert parse_target("win32:回执打印机") == ("Win32Raw", {"printer_name": "回执打印机"})
    with pytest.raises(PrinterError, match="无法识别"):
        parse_target("lpt1")


# --- the spooler through CUPS ---------------------------------------------------------------------

def test_the_spooler_prints_a4_and_roll_documents_through_cups(qapp, cups, docs, tmp_path):
    assert cups.name in [p.name for p in list_printers()]
    printer = SpoolerPrinter(cups.name)
    for name, paper, pages, width_mm in (("受理回执-A4", Paper.A4, 2, 210), ("受理回执-80mm", Paper.ROLL_80, 1, 80)):
        before = set(cups.output.glob("*.pdf"))
        result = printer.print_pdf(PrintJob(f"ZCTEST {name}", docs[name], paper))
        assert result.printer == cups.name
        printed = cups.wait_for_pdf(before)
        out_pages, _ = pdf_tools.words(printed)
        assert len(out_pages) == pages
        assert round(out_pages[0].width / 72 * 25.4) == width_mm
        folder = tmp_path / name
        folder.mkdir()
        assert pdf_tools.qr_codes(printed, folder) == [samples.case_number()]
        (folder / "original").mkdir()
        original, copy = pdf_tools.render(docs[name], folder / "original", 100), pdf_tools.render(printed, folder, 100)
        (folder / "other").mkdir()
        other = pdf_tools.render(docs["一次性补正告知书"], folder / "other", 100)
        # a raster print of the page differs from the vector original only by anti-aliasing (A4 ~4, roll ~7);
        # another document differs far more (18-30)
        assert similar(original, copy) < 9 and 2 * similar(original, copy) < similar(other, copy)
        printed.unlink()


def test_a_stopped_printer_holds_the_job_and_retry_prints_it_once(qapp, cups, home, clock, tmp_path, clerk):
    from app.main import build_desk

    desk = build_desk(Profile.TRAINING, home, clock=clock, printer=SpoolerPrinter(cups.name))
    try:
        app = accepted_bundle(desk, clerk)
        cups.disable()
        try:
            with pytest.raises(PrinterError, match="无法打印.*已保留"):
                desk.printing.print_document(DocumentKind.ACCEPTANCE_RECEIPT, app.cases, clerk)
            assert [j.kind for j in desk.printing.held()] == [DocumentKind.ACCEPTANCE_RECEIPT]
            assert desk.printing.print_log(app.primary.id) == []
            assert desk.store.cases.get(app.primary.id).state is app.primary.state     # the case is not blocked
        finally:
            cups.enable()
        before = set(cups.output.glob("*.pdf"))
        assert desk.printing.retry_all() == (1, [])
        printed = cups.wait_for_pdf(before)
        folder = tmp_path / "retried"
        folder.mkdir()
        assert pdf_tools.qr_codes(printed, folder) == [app.primary.case_number]
        assert desk.printing.held() == []
        assert [(e.document, e.printer) for e in desk.printing.print_log(app.primary.id)] == [("受理回执", cups.name)]
        printed.unlink()
    finally:
        desk.close()


def test_a_missing_printer_is_named_and_the_job_is_held(qapp, desk, clerk):
    desk.devices.printer = desk.devices.receipt_printer = SpoolerPrinter("没有这台打印机")
    app = accepted_bundle(desk, clerk)
    with pytest.raises(PrinterError, match="找不到打印机“没有这台打印机”"):
        desk.printing.print_document(DocumentKind.ACCEPTANCE_RECEIPT, app.cases, clerk)
    held = desk.printing.held()
    assert len(held) == 1 and held[0].job.pdf.startswith(b"%PDF") and "找不到打印机" in held[0].error
    with pytest.raises(PrinterError):
        desk.printing.retry(held[0].id)
    assert desk.printing.held()[0].attempts == 2
    desk.printing.discard(held[0].id)
    assert desk.printing.held() == []


# --- the print log and 补打 -----------------------------------------------------------------------

def test_a_reprint_is_stamped_and_logged_as_such(desk, clerk, tmp_path):
    outcome = deferred_bundle(desk, clerk)
    app, kinds = outcome.app, list(outcome.documents)
    assert kinds == [DocumentKind.ACCEPTANCE_RECEIPT, DocumentKind.DEFERRED_COMMITMENT, DocumentKind.DEFERRED_NOTICE]
    for kind in kinds:
        desk.printing.print_document(kind, app.cases, clerk)
    clock_time = desk.clock()
    again = desk.printing.print_document(DocumentKind.ACCEPTANCE_RECEIPT, app.cases, clerk, reprint=True)
    text = pdf_tools.flat_text(again.output)
    assert f"补打{clock_time.year}年{clock_time.month}月{clock_time.day}日" in text
    log = [(e.document, e.reprint, e.clerk) for e in desk.printing.print_log(app.primary.id)]
    assert log == [("受理回执", False, clerk.username), ("容缺受理承诺书", False, clerk.username),
                   ("容缺受理通知书", False, clerk.username), ("受理回执", True, clerk.username)]
    assert desk.printing.was_printed(DocumentKind.ACCEPTANCE_RECEIPT, app.primary.id)
    first = pdf_tools.flat_text(sorted((tmp_path / "printed").glob("*受理回执*.pdf"))[0])
    assert "补打" not in first


def test_the_documents_of_a_stored_case_can_be_printed_again(desk, clerk):
    app = accepted_bundle(desk, clerk)
    stored = desk.documents.case_group(desk.store.cases.get(app.cases[-1].id))
    assert [c.case_number for c in stored] == [c.case_number for c in app.cases]
    assert desk.documents.available(stored) == [DocumentKind.ACCEPTANCE_RECEIPT, DocumentKind.DEFERRED_COMMITMENT,
                                                DocumentKind.DEFERRED_NOTICE, DocumentKind.ID_COPY]
    for kind in desk.documents.available(stored):      # one visit, one number on every paper of it
        text = pdf_tools.flat_text(desk.documents.render(kind, stored, clerk))
        assert f"办件编号：{stored[0].case_number}" in text and "李秀英" in text, kind


def test_the_printer_chosen_for_a_kind_of_paper_is_remembered(desk):
    from app.config.settings import Settings

    desk.devices.printer = desk.devices.receipt_printer = SpoolerPrinter("")
    desk.devices.receipt_printer = SpoolerPrinter("GP-80 回执")
    desk.choose_printer("HP LaserJet 1020")
    desk.choose_printer("GP-L80 热敏", receipt=True)
    assert desk.devices.printer_name() == "HP LaserJet 1020"
    assert desk.devices.printer_name(receipt=True) == "GP-L80 热敏"
    saved = Settings.load(desk.paths.settings)
    assert (saved.a4_printer, saved.receipt_printer) == ("HP LaserJet 1020", "GP-L80 热敏")
