"""The kinds of paper a window prints, with their names and the paper each goes on."""

from __future__ import annotations

from enum import StrEnum

from app.i18n import _


class Paper(StrEnum):
    A4 = "a4"
    ROLL_80 = "roll80"


class DocumentKind(StrEnum):
    ACCEPTANCE_RECEIPT = "acceptance_receipt"
    CORRECTION_NOTICE = "correction_notice"
    DEFERRED_COMMITMENT = "deferred_commitment"
    DEFERRED_NOTICE = "deferred_notice"
    REFUSAL_NOTICE = "refusal_notice"
    HANDOUT_SLIP = "handout_slip"
    SUPPLEMENT_RECEIPT = "supplement_receipt"
    CANNOT_DO_NOTICE = "cannot_do_notice"
    GUIDE_NOTICE = "guide_notice"
    ID_COPY = "id_copy"
    DAILY_REPORT = "daily_report"
    TEST_PAGE = "test_page"

    @property
    def label(self) -> str:
        return {
            DocumentKind.ACCEPTANCE_RECEIPT: _("受理回执"),
            DocumentKind.CORRECTION_NOTICE: _("一次性补正告知书"),
            DocumentKind.DEFERRED_COMMITMENT: _("容缺受理承诺书"),
            DocumentKind.DEFERRED_NOTICE: _("容缺受理通知书"),
            DocumentKind.REFUSAL_NOTICE: _("不予受理告知书"),
            DocumentKind.HANDOUT_SLIP: _("出件单"),
            DocumentKind.SUPPLEMENT_RECEIPT: _("补交回执"),
            DocumentKind.CANNOT_DO_NOTICE: _("办不成事告知单"),
            DocumentKind.GUIDE_NOTICE: _("一次性告知单"),
            DocumentKind.ID_COPY: _("身份证件复印件"),
            DocumentKind.DAILY_REPORT: _("窗口日报"),
            DocumentKind.TEST_PAGE: _("打印测试页"),
        }[self]

    @property
    def is_receipt(self) -> bool:
        """Printed on the receipt printer (an 80 mm roll when one is configured), without preview by default."""
        return self is DocumentKind.ACCEPTANCE_RECEIPT
