"""Sample data for every document kind, ordinary and extreme (for trainers, installers, tests, benchmarks).

All people, numbers and addresses are fictional."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from app.documents.cannot_do import CannotDoNotice, render_cannot_do_notice
from app.documents.correction import Correction, CorrectionNotice, render_correction_notice
from app.documents.daily_report import DailyReport, ItemFigures, render_daily_report
from app.documents.deferred import (
    DeferredCase,
    DeferredMaterial,
    render_deferred_commitment,
    render_deferred_notice,
)
from app.documents.guide_notice import GuideMaterial, GuideNotice, render_guide_notice
from app.documents.handout import HandedCase, HandoutSlip, render_handout_slip
from app.documents.id_copy import CardFaces, IdCopySheet, render_id_copy
from app.documents.layout import Issue, Letterhead, Person
from app.documents.receipt import (
    AcceptanceReceipt,
    CaseLine,
    render_acceptance_receipt,
    render_acceptance_receipt_roll,
)
from app.documents.refusal import RefusalNotice, render_refusal_notice
from app.documents.supplement import SupplementReceipt, SuppliedMaterial, render_supplement_receipt
from app.documents.test_page import TestPage, render_test_page
from app.domain.documents import DocumentKind
from app.domain.statistics import Refusal
from app.i18n import printed

CST = timezone(timedelta(hours=8))
AT = datetime(2026, 11, 24, 9, 42, tzinfo=CST)

ORDINARY_NAME = "张晓梅"
EXTREME_NAME = "阿卜杜热依木·艾合买提江·买买提明·库尔班·吐尔逊·阿依古丽"[:30]
ORDINARY_ADDRESS = "浙江省杭州市西湖区文三路100号3幢201室"
EXTREME_ADDRESS = ("新疆维吾尔自治区伊犁哈萨克自治州察布查尔锡伯自治县孙扎齐牛录镇乌珠牛录村"
                   "二组幸福巷东段向阳小区第十二幢三单元十七层一千七百零二室北侧靠近老水塔的院子里面"
                   "第三间屋子（原第一生产队队部旁，进村后沿水渠往南走约两百米，门口有一棵大核桃树和一口老井的那户人家）"
                   "东边的第二个院门")[:120]
ID_NUMBER = "330106199003070428"
AGENT_ID = "330106196505120016"

ITEMS = ["出生医学证明首次签发", "新生儿预防接种证办理", "新生儿户口登记", "城乡居民医疗保险参保登记",
         "社会保障卡申领", "生育津贴申领", "独生子女父母光荣证申领", "公共租赁住房资格申请"]
MATERIALS = ["居民身份证", "户口簿", "结婚证", "出生医学证明", "父母双方身份证复印件", "医学出生证明原件",
             "近期免冠照片（白底，一寸）", "参保人员信息登记表", "银行卡复印件（社保卡关联账户）",
             "劳动合同或就业证明", "住所证明（房产证或租赁合同）", "计划生育情况证明", "申请人书面申请及承诺",
             "代办人身份证及委托书", "其他需要补充说明的材料（由经办机构根据申请人具体情况另行告知）"]


def letterhead(extreme: bool = False) -> Letterhead:
    if extreme:
        return Letterhead("示范市示范区示范街道社区事务受理服务中心（党群服务中心·综合窗口）", EXTREME_ADDRESS,
                          "0571-12345678 / 12345", "1号综合窗口（老年人及残疾人优先）")
    return Letterhead("示范街道社区事务受理服务中心", "示范市示范区人民路1号", "0571-12345678", "1号综合窗口")


def sample_issue(extreme: bool = False, *, training: bool = False, reprint: bool = False) -> Issue:
    return Issue(letterhead(extreme), AT, "王丽（工号 0107）", training=training,
                 reprint_at=AT + timedelta(days=2, hours=3) if reprint else None)


def case_number(i: int = 1) -> str:
    return f"ZC01-20261124-{i:04d}"


def _applicant(extreme: bool) -> Person:
    return Person(EXTREME_NAME if extreme else ORDINARY_NAME, ID_NUMBER)


def acceptance_receipt(extreme: bool = False, **kw) -> AcceptanceReceipt:
    n = 8 if extreme else 1
    return AcceptanceReceipt(
        issue=sample_issue(extreme, **kw), case_number=case_number(),
        title="出生一件事（八项联办）" if extreme else ITEMS[3],
        applicant=_applicant(extreme), agent=Person("李建国", AGENT_ID) if extreme else None,
        items=[CaseLine(case_number(i + 1), ITEMS[3] if not extreme else ITEMS[i] + ("" if i % 3 else "（含跨省通办、联审联办）"),
                        date(2026, 12, 8) if i % 2 else None, provisional=i == 3, instant=i % 2 == 0)
               for i in range(n)],
        received=MATERIALS[: 15 if extreme else 3], accepted_at=AT,
        deferred=MATERIALS[-2:] if extreme else [], deferred_deadline=date(2026, 12, 1) if extreme else None)


def correction_notice(extreme: bool = False, **kw) -> CorrectionNotice:
    n = 15 if extreme else 2
    return CorrectionNotice(sample_issue(extreme, **kw), case_number(), ITEMS[3], _applicant(extreme), AT,
                            [Correction(MATERIALS[i], "须提供原件及复印件各一份，复印件须本人签字确认；"
                                        "原件核对后当场退还" if i % 2 else "缺少，须提供") for i in range(n)])


def deferred_case(extreme: bool = False, **kw) -> DeferredCase:
    n = 15 if extreme else 1
    return DeferredCase(sample_issue(extreme, **kw), case_number(), ITEMS[5], _applicant(extreme),
                        [DeferredMaterial(MATERIALS[i], "原件（核对后退还）及A4复印件一份" if i % 2 else "电子证照或纸质原件")
                         for i in range(n)], date(2026, 12, 1), date(2026, 12, 8))


def refusal_notice(extreme: bool = False, **kw) -> RefusalNotice:
    reason = "申请人不属于本辖区户籍人口，且未办理居住证，不符合本事项受理条件。"
    return RefusalNotice(sample_issue(extreme, **kw), case_number(), ITEMS[7], _applicant(extreme), AT,
                         reason * (4 if extreme else 1), "《示范市公共租赁住房管理办法》第十二条",
                         "请先到户籍所在地街道办理，或在本市办理居住证满一年后再申请。" * (3 if extreme else 1),
                         "赵敏（值班负责人）")


def handout_slip(extreme: bool = False, **kw) -> HandoutSlip:
    n = 8 if extreme else 1
    return HandoutSlip(sample_issue(extreme, **kw), case_number(), _applicant(extreme),
                       Person("李建国", AGENT_ID) if extreme else _applicant(extreme), extreme, AT,
                       [HandedCase(case_number(i + 1), ITEMS[i], "准予办理（文号 示社保〔2026〕1024号）")
                        for i in range(n)],
                       [f"{ITEMS[i]}结果文书 1份" for i in range(n)] + (["申请材料原件退还 15份"] if extreme else []))


def id_copy(extreme: bool = False, **kw) -> IdCopySheet:
    card = CardFaces("居民身份证", _applicant(extreme).name, "女", "汉", date(1990, 3, 7),
                     EXTREME_ADDRESS if extreme else ORDINARY_ADDRESS, ID_NUMBER, "杭州市公安局西湖分局",
                     date(2020, 5, 1), date(2040, 5, 1))
    return IdCopySheet(sample_issue(extreme, **kw), case_number(), card,
                       "出生一件事（八项联办）及城乡居民医疗保险参保登记" if extreme else ITEMS[3])


def daily_report(extreme: bool = False, **kw) -> DailyReport:
    names = ITEMS * 3 if extreme else ITEMS[:4]
    items = [ItemFigures(name + (f"（{k // len(ITEMS) + 1}）" if extreme else ""),
                         {"受理": 3 + k % 4, "容缺受理": k % 2, "即办办结": 2 * (k % 3), "补正告知": k % 2,
                          "不予受理": 1 if k % 5 == 0 else 0, "撤回": 0})
             for k, name in enumerate(names)]
    refusals = [Refusal(case_number(40 + k), it.item_name, "不符合受理条件：非本辖区户籍且无居住证")
                for k, it in enumerate(items) if it.counts["不予受理"]]
    return DailyReport(sample_issue(extreme, **kw), AT.date(), letterhead(extreme).window_name, items,
                       instant_cases=sum(i.counts["即办办结"] for i in items), average_handling_minutes=7.4,
                       average_wait_minutes=6.2, tickets_served=38, deferred_open=2, home_visits=1, refusals=refusals)


def supplement_receipt(extreme: bool = False, **kw) -> SupplementReceipt:
    n = 15 if extreme else 1
    return SupplementReceipt(sample_issue(extreme, **kw), case_number(), ITEMS[5], _applicant(extreme), AT,
                             [SuppliedMaterial(MATERIALS[i], "已拍摄 2 页" if i % 2 else "原件已收", AT + timedelta(days=2))
                              for i in range(n)], MATERIALS[-2:] if extreme else [], date(2026, 12, 1))


def cannot_do_notice(extreme: bool = False, **kw) -> CannotDoNotice:
    k = 4 if extreme else 1
    return CannotDoNotice(sample_issue(extreme, **kw), case_number(), Person(_applicant(extreme).name, ID_NUMBER)
                          .with_number(), AT, "为长期卧床的母亲办理异地就医备案并代领药品" * k,
                          "目录中没有代领药品的事项，备案须本人到场" * k, "无法办理",
                          "代领药品不属于本中心的服务事项；异地就医备案可由家属凭委托书代办。" * k,
                          "请到区医保经办大厅（人民路18号）咨询，或拨打医保服务热线 12393。" * k, "赵敏（值班领导）")


def guide_notice(extreme: bool = False, **kw) -> GuideNotice:
    n = 15 if extreme else 3
    elements = [("适用范围", "个人"), ("受理机构", "街道社区事务受理服务中心"), ("决定机构", "区人力社保局"),
                ("办结时限", "承诺 10 个工作日（法定 20 个工作日）"), ("收费依据及标准", "不收费"),
                ("设定依据", "《社会保险法》第七十三条" * (5 if extreme else 1)), ("咨询电话", "0571-12345678")]
    return GuideNotice(sample_issue(extreme, **kw), case_number(), ITEMS[5], elements,
                       [GuideMaterial(MATERIALS[i], "原件 1份", "可容缺" if i % 3 == 0 else "可用电子证照")
                        for i in range(n)])


def test_page(roll: bool = False, extreme: bool = False, **kw) -> TestPage:
    return TestPage(sample_issue(extreme, **kw), "示例打印机", "ZC-TEST-20261124-0942", roll)


@printed
def render_samples(font: str, extreme: bool = False, **kw) -> dict[str, bytes]:
    d = deferred_case(extreme, **kw)
    return {
        f"{DocumentKind.ACCEPTANCE_RECEIPT.label}-A4": render_acceptance_receipt(acceptance_receipt(extreme, **kw), font),
        f"{DocumentKind.ACCEPTANCE_RECEIPT.label}-80mm": render_acceptance_receipt_roll(
            acceptance_receipt(extreme, **kw), font),
        DocumentKind.CORRECTION_NOTICE.label: render_correction_notice(correction_notice(extreme, **kw), font),
        DocumentKind.DEFERRED_COMMITMENT.label: render_deferred_commitment(d, font),
        DocumentKind.DEFERRED_NOTICE.label: render_deferred_notice(d, font),
        DocumentKind.REFUSAL_NOTICE.label: render_refusal_notice(refusal_notice(extreme, **kw), font),
        DocumentKind.HANDOUT_SLIP.label: render_handout_slip(handout_slip(extreme, **kw), font),
        DocumentKind.ID_COPY.label: render_id_copy(id_copy(extreme, **kw), font),
        DocumentKind.SUPPLEMENT_RECEIPT.label: render_supplement_receipt(supplement_receipt(extreme, **kw), font),
        DocumentKind.CANNOT_DO_NOTICE.label: render_cannot_do_notice(cannot_do_notice(extreme, **kw), font),
        DocumentKind.GUIDE_NOTICE.label: render_guide_notice(guide_notice(extreme, **kw), font),
        DocumentKind.DAILY_REPORT.label: render_daily_report(daily_report(extreme, **kw), font),
        f"{DocumentKind.TEST_PAGE.label}-A4": render_test_page(test_page(False, extreme, **kw), font),
        f"{DocumentKind.TEST_PAGE.label}-80mm": render_test_page(test_page(True, extreme, **kw), font),
    }
