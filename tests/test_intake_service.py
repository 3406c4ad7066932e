"""Intake through the services on simulated devices, and the receipt it prints (read back from the PDF)."""

from __future__ import annotations

import subprocess

import cv2
import pytest
import zxingcpp

from app.demo import collect_materials, fill_like_a_citizen
from app.domain.case import CaseState, MaterialStatus
from app.domain.documents import DocumentKind
from app.domain.errors import ValidationError


def read_card(desk, index):
    desk.devices.present_simulated_card(index)
    return desk.devices.read_card().identity


def deferred_bundle(desk, clerk):
    """出生一件事 accepted with one material deferred: the Outcome (what to print with it)."""
    app = desk.intake.start("bundle", "BD-BIRTH", clerk, ticket="A001")
    desk.intake.set_applicant(app, read_card(desk, 1), clerk, from_card=True)
    fill_like_a_citizen(desk, app, clerk)
    collect_materials(desk, app, clerk, defer_one=True)
    return desk.intake.accept_with_deferred(app, clerk)


def accepted_bundle(desk, clerk):
    return deferred_bundle(desk, clerk).app


def test_bundle_intake_records_every_step_as_events(desk, clerk):
    app = accepted_bundle(desk, clerk)
    states = {c.item_code: c.state for c in app.cases}
    assert states == {"GA003": CaseState.ACCEPTED, "YB002": CaseState.ACCEPTED, "SB003": CaseState.ACCEPTED_DEFERRED}
    for case in app.cases:
        stored = desk.store.cases.get(case.id)
        assert stored.snapshot() == case.snapshot()
        types = [e.type for e in desk.store.cases.events(case.id)]
        assert types[0] == "case_opened" and "applicant_set" in types and types[-1].startswith("accepted")
    captured = [m.code for m in app.materials if app.status_of(m.code) is MaterialStatus.CAPTURED]
    assert captured and all(desk.store.attachments.exists(h) for c in captured for h in app.attachments_of(c))
    assert desk.sync.status().unsent == 3


def test_accepting_with_a_missing_material_changes_nothing(desk, clerk):
    app = desk.intake.start("item", "SB003", clerk)
    desk.intake.set_applicant(app, read_card(desk, 0), clerk, from_card=True)
    fill_like_a_citizen(desk, app, clerk)
    before = [e.id for e in desk.store.cases.events(app.primary.id)]
    with pytest.raises(ValidationError, match="照片"):
        desk.intake.accept(app, clerk)
    assert app.state is CaseState.DRAFT
    assert [e.id for e in desk.store.cases.events(app.primary.id)] == before


def test_case_numbers_are_never_reused(desk, clerk):
    first = desk.intake.start("item", "SB001", clerk).primary.case_number
    second = desk.intake.start("bundle", "BD-RETIRE", clerk)
    numbers = [first] + [c.case_number for c in second.cases]
    assert len(set(numbers)) == 4 and numbers == sorted(numbers)


def test_receipt_embeds_its_font_shows_the_case_and_its_qr_decodes(desk, clerk, tmp_path):
    app = accepted_bundle(desk, clerk)
    result = desk.printing.print_document(DocumentKind.ACCEPTANCE_RECEIPT, app.cases, clerk)
    pdf = result.output
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    font_rows = fonts.splitlines()[2:]
    assert font_rows and all(row.split()[-5] == "yes" for row in font_rows), fonts
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert app.primary.case_number in text
    assert "330105********0428" in text and "330105198807240428" not in text
    assert "出生一件事" in text and "容缺材料" in text
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True)
    image = cv2.imread(str(next(tmp_path.glob("page*.png"))))
    assert [b.text for b in zxingcpp.read_barcodes(image)] == [app.primary.case_number]
    b, g, r = (image[:, :, k].astype(int) for k in range(3))
    reddish = ((r - g) > 12) & ((r - b) > 12)
    assert reddish.mean() > 0.01, "the 培训 watermark is missing"      # nothing else on the receipt is red
    events = [e.type for e in desk.store.cases.events(app.primary.id)]
    assert events[-1] == "document_printed"
    assert [(e.document, e.reprint) for e in desk.printing.print_log(app.primary.id)] == [("受理回执", False)]


def test_refusal_waits_for_a_supervisor(desk, clerk, supervisor):
    app = desk.intake.start("item", "MZ001", clerk)
    desk.intake.request_refusal(app, "申请人户籍不在本区", "《社会救助暂行办法》第十一条", "请到户籍所在地街道申请", clerk)
    assert app.state is CaseState.REFUSAL_REQUESTED
    from app.domain.errors import DomainError

    with pytest.raises(DomainError):
        desk.intake.decide_refusal(app, clerk, approve=True)
    desk.intake.decide_refusal(app, desk.accounts.login_supervisor("zhao", "super-pass-1"), approve=True)
    assert desk.store.cases.get(app.primary.id).state is CaseState.REFUSED


@pytest.mark.parametrize("index", [7, 8, 9])
def test_permit_holders_are_accepted_with_their_own_number_rules(desk, clerk, index):
    """A J permit's or a foreigner card's number passes the form's ID-number field by its own rule."""
    identity = read_card(desk, index)
    app = desk.intake.start("item", "SB001", clerk, None)
    desk.intake.set_applicant(app, identity, clerk, from_card=True)
    fill_like_a_citizen(desk, app, clerk)
    assert desk.intake.form_values(app)["id_number"] == identity.id_number
    collect_materials(desk, app, clerk, defer_one=False)
    desk.intake.accept(app, clerk)
    assert app.state is CaseState.ACCEPTED
    assert app.primary.materials["id_card"].status is MaterialStatus.RECEIVED


def test_a_typed_foreign_number_is_still_checked_as_a_resident_number(desk, clerk):
    app = desk.intake.start("item", "SB001", clerk, None)
    desk.intake.set_applicant(app, read_card(desk, 1), clerk, from_card=True)
    values = {**desk.intake.form_values(app), "id_number": "USA330165010101"}
    assert "18位" in desk.intake.save_form(app, values, clerk)["id_number"]


def test_a_social_security_card_fills_the_applicant_but_not_the_id_card_material(desk, clerk):
    desk.devices.present_simulated_social_security_card(1)
    card = desk.devices.read_social_security_card()
    app = desk.intake.start("item", "SB001", clerk, None)
    desk.intake.set_applicant(app, card.holder, clerk, from_card=True)
    assert app.primary.applicant.card_type.value == "social_security"
    assert app.primary.materials["id_card"].status is MaterialStatus.MISSING


def test_a_home_visit_case_is_counted_and_printed_as_such(desk, clerk):
    desk.intake.begin_home_visit("浙江省杭州市上城区解放路128号", clerk)
    app = desk.intake.start("item", "SB001", clerk, applicant=read_card(desk, 2))
    desk.intake.end_home_visit()
    later = desk.intake.start("item", "SB001", clerk, applicant=read_card(desk, 2))
    assert app.primary.channel.value == "home_visit" and later.primary.channel.value == "window"
    for application in (app, later):
        fill_like_a_citizen(desk, application, clerk)
        collect_materials(desk, application, clerk, defer_one=False)
        desk.intake.accept(application, clerk)
    figures = desk.documents.daily_figures(desk.clock().date(), clerk, "1号综合窗口")
    assert figures.home_visits == 1
    receipt = subprocess.run(["pdftotext", "-", "-"], input=desk.printing.render(
        DocumentKind.ACCEPTANCE_RECEIPT, app.cases, clerk), capture_output=True, check=True).stdout.decode()
    assert "上门办（浙江省杭州市上城区解放路128号）" in receipt.replace(" ", "")
