"""Every path a case can take, as rules of the domain: return after correction, 补交, termination, separation
of duties, the agent's power of attorney, 电子证照, 领取方式 and 出件, 上门办, and 办不成事."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from app.domain.calendar import WorkingDayCalendar
from app.domain.cannot_do import (
    CannotDoOutcome,
    CannotDoReason,
    CannotDoRequest,
    CannotDoState,
    EscalationTarget,
)
from app.domain.case import (
    TRANSITIONS,
    Case,
    CaseState,
    Channel,
    DeliveryMethod,
    EvidenceGrade,
    MaterialStatus,
    result_item,
)
from app.domain.errors import DomainError, IllegalTransition, ValidationError
from app.domain.identity import Agent, Identity
from app.store.catalog_files import load_catalog

ROOT = Path(__file__).resolve().parents[1]
CATALOG = load_catalog(ROOT / "resources" / "catalog")
AT = datetime(2026, 11, 24, 10, 0).astimezone()        # a Tuesday
CALENDAR = WorkingDayCalendar()
APPLICANT = Identity(name="李秀英", id_number="330105198807240428", phone="13812345678", address="杭州市拱墅区")
AGENT = Identity(name="赵小红", id_number="33010619731205086X")
STRANGER = Identity(name="钱晓东", id_number="330106197702030012")


def draft(code: str = "MZ001", **kw) -> tuple[Case, object]:
    item = CATALOG.item(code)
    case = Case.open(case_id="c-" + code, case_number="ZC01-20261124-0001", item=item, catalog_version="v",
                     clerk="wang", at=AT, **kw)
    case.set_applicant(APPLICANT, "wang", AT, from_card=True)
    values = {"name": APPLICANT.name, "id_number": APPLICANT.id_number, "phone": APPLICANT.phone,
              "address": APPLICANT.address, "household_size": "3", "monthly_income": "860",
              "bank_account": "6222021202012345678", "bank_name": "示范银行"}
    case.fill_fields({f.key: values[f.key] for f in item.fields if f.key in values}, "wang", AT)
    return case, item


def material(item, code: str):
    return next(m for m in item.materials if m.code == code)


def receive_all(case: Case, item, except_: tuple[str, ...] = ()) -> None:
    for m in item.materials:
        if case.required(m) and m.code not in except_ and case.materials[m.code].status is MaterialStatus.MISSING:
            case.mark_material(m, MaterialStatus.RECEIVED, "wang", AT)


def test_a_case_comes_back_after_its_correction_notice_with_what_it_had():
    case, item = draft()
    receive_all(case, item, except_=("hukou",))
    with pytest.raises(DomainError, match="户口簿"):
        case.accept(item, CALENDAR, "wang", AT)
    case.issue_correction_notice([{"code": "hukou", "name": "户口簿", "requirement": "未提供"}], "wang", AT)
    assert not case.allows("accepted") and not case.allows("material_marked")     # nothing changes meanwhile
    later = AT + timedelta(days=14)
    case.resume_after_correction("li", later)                                       # another clerk, weeks later
    assert case.state is CaseState.DRAFT and case.materials["income_proof"].status is MaterialStatus.RECEIVED
    case.mark_material(material(item, "hukou"), MaterialStatus.CAPTURED, "li", later, attachments=["ab" * 32])
    case.accept(item, CALENDAR, "li", later)
    assert case.state is CaseState.ACCEPTED and case.correction_notified_at == AT


def test_an_unanswered_notice_is_withdrawn_only_after_the_working_days_configured():
    case, _ = draft()
    case.issue_correction_notice([{"code": "hukou", "name": "户口簿", "requirement": "未提供"}], "wang", AT)
    soon = AT + timedelta(days=7)                                   # 5 working days later
    assert case.notice_unanswered_for(CALENDAR, soon.date()) == 5
    with pytest.raises(DomainError, match="20个工作日"):
        case.withdraw_unanswered_notice(CALENDAR, 20, "wang", soon)
    late = datetime(2026, 12, 23, 10, 0).astimezone()
    case.withdraw_unanswered_notice(CALENDAR, 20, "wang", late)
    assert case.state is CaseState.WITHDRAWN


def accepted_with_deferral() -> tuple[Case, object]:
    case, item = draft()
    receive_all(case, item, except_=("income_proof",))
    case.mark_material(material(item, "income_proof"), MaterialStatus.DEFERRED, "wang", AT)
    case.accept_with_deferred(item, CALENDAR, 5, "wang", AT)
    return case, item


def test_a_deferred_material_is_supplied_after_the_case_went_to_the_district():
    case, item = accepted_with_deferral()
    case.submit("district", AT, official_number="QX202600000001")
    assert case.state is CaseState.SUBMITTED
    assert case.outstanding_deferred == ["income_proof"] and case.row_fields()["deferred_open"] == 1
    with pytest.raises(DomainError, match="不是本办件待补交"):
        case.supply(material(item, "hukou"), MaterialStatus.RECEIVED, "wang", AT)
    with pytest.raises(IllegalTransition):                          # ordinary marking is over
        case.mark_material(material(item, "income_proof"), MaterialStatus.RECEIVED, "wang", AT)
    case.supply(material(item, "income_proof"), MaterialStatus.CAPTURED, "wang", AT, attachments=["cd" * 32],
                grade=EvidenceGrade.C)
    assert case.outstanding_deferred == [] and case.deferred == ["income_proof"]      # the 容缺 mark stays
    assert case.state is CaseState.SUBMITTED


def test_the_back_office_terminates_an_overdue_deferral():
    case, _ = accepted_with_deferral()
    case.submit("district", AT)
    case.terminate("容缺材料逾期未补交", "district", AT + timedelta(days=9))
    assert case.state is CaseState.TERMINATED and not case.allows("handed_out")
    assert not case.allows("material_supplied")


def test_a_refusal_is_never_approved_by_the_one_who_asked():
    case, _ = draft()
    case.request_refusal("户籍不在本区", "第十一条", "请到户籍地申请", "zhao", AT)
    with pytest.raises(DomainError, match="本人不能审批"):
        case.approve_refusal("zhao", AT)
    with pytest.raises(DomainError, match="本人不能审批"):
        case.reject_refusal("zhao", "", AT)
    case.approve_refusal("qian", AT)
    assert case.state is CaseState.REFUSED


def test_an_agent_brings_a_power_of_attorney_of_its_own():
    case, item = draft("SB003")
    case.set_agent(Agent(AGENT, "亲属"), "wang", AT)
    receive_all(case, item, except_=("power_of_attorney",))
    assert case.materials["agent_id"].status is MaterialStatus.RECEIVED
    with pytest.raises(ValidationError, match="授权委托书"):
        case.accept(item, CALENDAR, "wang", AT)
    case.mark_material(material(item, "power_of_attorney"), MaterialStatus.RECEIVED, "wang", AT)
    case.accept(item, CALENDAR, "wang", AT)
    assert case.state is CaseState.ACCEPTED
    alone, _ = draft("SB003")
    assert not alone.required(material(item, "power_of_attorney"))          # no agent: not asked for
    with pytest.raises(ValidationError, match="申请人本人"):
        alone.set_agent(Agent(APPLICANT, "本人"), "wang", AT)


def test_an_electronic_certificate_satisfies_its_material_with_grade_a():
    case, item = draft()
    with pytest.raises(DomainError, match="电子证照目录"):
        case.mark_e_certificate(material(item, "income_proof"), "X1", "某局", "wang", AT)
    with pytest.raises(ValidationError, match="编号"):
        case.mark_e_certificate(material(item, "hukou"), " ", "某局", "wang", AT)
    case.mark_e_certificate(material(item, "hukou"), "3301002026000123", "杭州市公安局拱墅分局", "wang", AT)
    record = case.materials["hukou"]
    assert record.status is MaterialStatus.E_CERTIFICATE and record.grade is EvidenceGrade.A
    assert record.certificate == {"number": "3301002026000123", "agency": "杭州市公安局拱墅分局"}
    receive_all(case, item)
    case.accept(item, CALENDAR, "wang", AT)
    assert "hukou" in case.pending[-1].payload["received"]


def decided(**delivery) -> Case:
    case, item = draft("SB003")
    case.set_agent(Agent(AGENT, "亲属"), "wang", AT)
    if delivery:
        case.set_delivery(clerk="wang", at=AT, **delivery)
    receive_all(case, item)
    case.accept(item, CALENDAR, "wang", AT)
    case.submit("district", AT)
    case.complete(True, "district", AT)
    return case


def test_the_result_goes_to_the_applicant_the_agent_or_someone_approved():
    for collector, role in ((APPLICANT, "applicant"), (AGENT, "agent")):
        case = decided()
        case.hand_out(DeliveryMethod.WINDOW, "wang", AT, collector=collector)
        assert case.handout["collector_role"] == role and case.state is CaseState.HANDED_OUT
    case = decided()
    with pytest.raises(DomainError, match="须经值班负责人批准"):
        case.hand_out(DeliveryMethod.WINDOW, "wang", AT, collector=STRANGER)
    with pytest.raises(DomainError, match="经办人以外"):
        case.hand_out(DeliveryMethod.WINDOW, "wang", AT, collector=STRANGER, approved_by="wang")
    case.hand_out(DeliveryMethod.WINDOW, "wang", AT, collector=STRANGER, approved_by="zhao")
    assert case.handout["approved_by"] == "zhao" and case.handout["receiver_name"] == "钱晓东"


def test_a_posted_or_locker_result_records_how_it_travelled():
    case = decided(method=DeliveryMethod.POST, address="杭州市拱墅区湖墅南路356号")
    assert case.delivery == {"method": "post", "address": "杭州市拱墅区湖墅南路356号", "locker": ""}
    with pytest.raises(ValidationError, match="邮件单号"):
        case.hand_out(DeliveryMethod.POST, "wang", AT)
    case.hand_out(DeliveryMethod.POST, "wang", AT, tracking_number="SF1234567890")
    assert case.handout["tracking_number"] == "SF1234567890" and case.handout["address"].startswith("杭州")
    locker = decided(method=DeliveryMethod.LOCKER, locker="大厅东侧E邮柜")
    with pytest.raises(ValidationError, match="取件码"):
        locker.hand_out(DeliveryMethod.LOCKER, "wang", AT, locker="A-07")
    locker.hand_out(DeliveryMethod.LOCKER, "wang", AT, locker="A-07", pickup_code="482913")
    assert locker.handout["pickup_code"] == "482913"
    with pytest.raises(ValidationError, match="收件地址"):
        draft()[0].set_delivery(DeliveryMethod.POST, "wang", AT)


def test_a_home_visit_case_carries_its_channel():
    with pytest.raises(ValidationError, match="上门地址"):
        draft(channel=Channel.HOME_VISIT)
    case, _ = draft(channel=Channel.HOME_VISIT, home_visit_address="拱墅区湖墅南路356号")
    assert case.channel is Channel.HOME_VISIT and case.row_fields()["channel"] == "home_visit"


def test_the_handed_over_result_is_not_called_twice_over():
    assert result_item("老年人优待证办理") == "老年人优待证办理结果 1份"
    assert result_item("社会保障卡申领") == "社会保障卡申领办理结果 1份"


def test_every_path_replays_to_the_same_case():
    case = decided(method=DeliveryMethod.POST, address="杭州市")
    case.hand_out(DeliveryMethod.POST, "wang", AT, tracking_number="SF1")
    deferred, item = accepted_with_deferral()
    deferred.submit("district", AT)
    deferred.supply(material(item, "income_proof"), MaterialStatus.RECEIVED, "wang", AT)
    for c in (case, deferred):
        events = c.take_pending()
        assert Case.replay(events).snapshot() == c.snapshot()


def test_what_the_window_may_do_comes_from_the_transition_table():
    case, _ = draft()
    allowed = {t for t in TRANSITIONS if case.allows(t)}
    assert {"accepted", "correction_notice_issued", "refusal_requested", "material_marked"} <= allowed
    assert not {"correction_resumed", "handed_out", "material_supplied", "refusal_approved"} & allowed


def registration() -> CannotDoRequest:
    return CannotDoRequest.register(request_id="r1", registration_number="BCZC01-20261124-001",
                                    what="为卧床母亲代领药品", why="目录中没有此事项", reason=CannotDoReason.NO_ITEM,
                                    clerk="wang", at=AT, applicant=APPLICANT)


def test_a_request_the_window_cannot_do_is_escalated_and_closed_with_an_outcome():
    request = registration()
    with pytest.raises(IllegalTransition):
        request.resolve(CannotDoOutcome.ASSISTED, "zhao", AT, assignee="网格员小陈")   # not escalated yet
    request.escalate(EscalationTarget.SUPERVISOR, "wang", AT)
    with pytest.raises(ValidationError, match="可以到哪里办理"):
        request.resolve(CannotDoOutcome.IMPOSSIBLE, "zhao", AT, note="不属于本中心服务事项")
    request.resolve(CannotDoOutcome.IMPOSSIBLE, "zhao", AT + timedelta(days=2), note="不属于本中心服务事项",
                    guidance="请到区医保经办大厅咨询")
    assert request.state is CannotDoState.RESOLVED and not request.open
    assert request.age_days(AT + timedelta(days=3)) == 3
    assert CannotDoRequest.replay(request.take_pending()).snapshot() == request.snapshot()


def test_a_coordinated_request_stays_open_until_its_case_is_opened():
    request = registration()
    request.escalate(EscalationTarget.DISTRICT, "wang", AT)
    request.resolve(CannotDoOutcome.COORDINATED, "district", AT, note="请按异地就医备案受理")
    assert request.open
    request.link_case("c9", "ZC01-20261126-0001", "wang", AT)
    assert not request.open and request.linked_case_number == "ZC01-20261126-0001"
    with pytest.raises(DomainError, match="已关联"):
        request.link_case("c10", "ZC01-20261126-0002", "wang", AT)
