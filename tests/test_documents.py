"""Every document the window prints, rendered with ordinary and extreme data and read back with poppler."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from app.documents import samples
from app.documents.deferred import render_deferred_notice
from app.documents.fonts import ensure_cjk_font
from app.documents.receipt import render_acceptance_receipt
from app.domain.identity import mask_id_number
from tests import pdf_tools

FULL_ID = samples.ID_NUMBER
MASKED_ID = mask_id_number(FULL_ID)

# What each document must show, beyond the centre and the case number.
KEY_FIELDS = {
    "受理回执-A4": ["受理回执", "已收材料", "承诺办结", "受理人"],
    "受理回执-80mm": ["受理回执", "已收材料", "承诺办结"],
    "一次性补正告知书": ["一次性补正告知书", "补正要求", "居民身份证", "申请人签收"],
    "容缺受理承诺书": ["容缺受理承诺书", "承诺人（签名）", "2026年12月1日前"],
    "容缺受理通知书": ["容缺受理通知书", "第一联申请人联", "第二联存档联", "2026年12月1日前", "终止办理"],
    "不予受理告知书": ["不予受理告知书", "不予受理理由", "办理指引", "赵敏（值班负责人）", "行政复议"],
    "出件单": ["出件单", "领取人（签名）", "交付物品", "示社保〔2026〕1024号"],
    "身份证件复印件": ["身份证件复印件", "杭州市公安局西湖分局", "他用无效"],
    "补交回执": ["容缺材料补交回执", "已补交材料", "补交时间"],
    "办不成事告知单": ["办不成事", "未能办理原因", "办理指引", "赵敏（值班领导）"],
    "一次性告知单": ["办事指南一次性告知单", "申请材料目录", "决定机构", "收费依据及标准"],
    "窗口日报": ["综合窗口工作日报", "即办率", "平均办理时长", "不予受理明细"],
    "打印测试页-A4": ["打印测试页", "示例打印机"],
    "打印测试页-80mm": ["打印测试页", "示例打印机"],
}
HAS_APPLICANT = {"受理回执-A4", "受理回执-80mm", "一次性补正告知书", "容缺受理承诺书", "容缺受理通知书",
                 "不予受理告知书", "出件单", "身份证件复印件", "补交回执", "办不成事告知单"}


@pytest.fixture(scope="module")
def font() -> str:
    return ensure_cjk_font().name


@pytest.fixture(scope="module", params=["ordinary", "extreme"])
def rendered(request, font):
    extreme = request.param == "extreme"
    return extreme, samples.render_samples(font, extreme, training=extreme, reprint=extreme)


def test_the_extreme_sample_is_as_extreme_as_promised():
    assert len(samples.EXTREME_NAME) == 30 and len(samples.EXTREME_ADDRESS) == 120
    receipt = samples.acceptance_receipt(extreme=True)
    assert len(receipt.items) == 8 and len(receipt.received) == 15
    assert len(samples.correction_notice(extreme=True).corrections) == 15
    assert len(samples.deferred_case(extreme=True).deferred) == 15


def test_every_kind_is_rendered(rendered):
    _, docs = rendered
    assert set(docs) == set(KEY_FIELDS)


def test_every_font_is_embedded(rendered):
    _, docs = rendered
    for name, pdf in docs.items():
        rows = pdf_tools.fonts(pdf)
        assert rows, name
        assert all(r["emb"] == "yes" for r in rows), (name, rows)


def test_key_fields_centre_and_case_number_are_printed(rendered):
    extreme, docs = rendered
    letterhead = samples.letterhead(extreme)
    for name, pdf in docs.items():
        flat = pdf_tools.flat_text(pdf)
        for expected in KEY_FIELDS[name]:
            assert expected.replace(" ", "") in flat, (name, expected)
        assert letterhead.centre_name in flat, name
        if not name.startswith(("打印测试页", "窗口日报")):
            assert samples.case_number() in flat, name
        if name in HAS_APPLICANT:
            assert (samples.EXTREME_NAME if extreme else samples.ORDINARY_NAME) in flat, name
        assert ("培训模式" in flat) is extreme, name
        assert ("补打2026年11月26日12:42" in flat) is extreme, name


def test_the_long_address_and_name_are_printed_whole(font):
    flat = pdf_tools.flat_text(samples.render_samples(font, True)["身份证件复印件"])
    assert samples.EXTREME_NAME in pdf_tools.flat_text(samples.render_samples(font, True)["受理回执-A4"])
    # the card face shrinks a long address to four lines; the footer carries the centre's address
    assert samples.EXTREME_ADDRESS[:40] in flat


def test_the_qr_code_carries_the_case_number(rendered, tmp_path):
    _, docs = rendered
    for name, pdf in docs.items():
        expected = "ZC-TEST-20261124-0942" if name.startswith("打印测试页") else samples.case_number()
        if name == "窗口日报":
            assert pdf_tools.qr_codes(pdf, tmp_path / name if (tmp_path / name).mkdir() is None else None) == []
            continue
        folder = tmp_path / name
        folder.mkdir()
        assert pdf_tools.qr_codes(pdf, folder) == [expected], name


def test_nothing_is_drawn_outside_the_page(rendered):
    _, docs = rendered
    for name, pdf in docs.items():
        pages, words = pdf_tools.words(pdf)
        assert words, name
        # A4 printers cannot print the outer ~4 mm; an 80 mm thermal head covers the middle 72 mm
        margin = (5 if not name.endswith("80mm") else 4) * 72 / 25.4 - 0.01
        for w in words:
            page = pages[w.page - 1]
            assert margin <= w.x0 < w.x1 <= page.width - margin, (name, w)
            assert margin <= w.y0 < w.y1 <= page.height - margin, (name, w)


def test_long_documents_continue_on_numbered_pages(rendered):
    extreme, docs = rendered
    for name, pdf in docs.items():
        pages, _ = pdf_tools.words(pdf)
        text = pdf_tools.flat_text(pdf)
        if name.endswith("80mm"):
            assert len(pages) == 1, name          # a roll has no pages: it is as long as its content
            continue
        copies = 2 if name == "容缺受理通知书" else 1
        per_copy = len(pages) // copies
        assert len(pages) % copies == 0
        for k in range(1, per_copy + 1):
            assert f"第{k}页共{per_copy}页" in text, (name, k)
        if extreme and name in ("受理回执-A4", "一次性补正告知书", "容缺受理通知书", "窗口日报"):
            assert per_copy >= 2, f"{name} should need a second page with the extreme data"


def test_a_roll_receipt_is_80mm_wide_and_as_long_as_its_content(font):
    short = pdf_tools.words(samples.render_samples(font)["受理回执-80mm"])[0][0]
    long = pdf_tools.words(samples.render_samples(font, True)["受理回执-80mm"])[0][0]
    assert round(short.width / 72 * 25.4) == 80 == round(long.width / 72 * 25.4)
    assert long.height > 2 * short.height


def test_id_numbers_are_masked_except_on_archive_copies(font):
    receipt = pdf_tools.flat_text(render_acceptance_receipt(samples.acceptance_receipt(), font))
    assert MASKED_ID in receipt and FULL_ID not in receipt

    notice = pdf_tools.text(render_deferred_notice(samples.deferred_case(), font))
    applicant_copy, archive_copy = notice.split("\f")[:2]
    assert MASKED_ID in applicant_copy and FULL_ID not in applicant_copy
    assert FULL_ID in archive_copy

    masked_everywhere = samples.deferred_case()
    masked_everywhere = replace(masked_everywhere, issue=replace(masked_everywhere.issue, archive_full_id=False))
    text = pdf_tools.flat_text(render_deferred_notice(masked_everywhere, font))
    assert FULL_ID not in text and text.count(MASKED_ID) == 2


def test_the_id_copy_shows_the_full_number_only_when_configured(font):
    from app.documents.id_copy import render_id_copy

    sheet = samples.id_copy()
    full = pdf_tools.flat_text(render_id_copy(sheet, font))
    masked = pdf_tools.flat_text(render_id_copy(replace(sheet, issue=replace(sheet.issue, archive_full_id=False)), font))
    assert re.search(r"33010619900307\s*0428", full.replace(" ", ""))
    assert FULL_ID not in masked and MASKED_ID in masked
