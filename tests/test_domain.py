"""Domain rules: ID numbers, working days, case numbers, the catalogue and the case state machine."""

from __future__ import annotations

import copy
import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.calendar import WorkingDayCalendar
from app.domain.case import Case, CaseState, DeliveryMethod, MaterialStatus
from app.domain.case_number import format_case_number, parse_case_number
from app.domain.catalog import merge_fields, merge_materials, parse_catalog
from app.domain.errors import CatalogError, DomainError, IllegalTransition, ValidationError
from app.domain.identity import CardType, Identity, check_digit, check_id_number, mask_id_number
from app.store.catalog_files import load_catalog

ROOT = Path(__file__).resolve().parents[1]
CATALOG = load_catalog(ROOT / "resources" / "catalog")
AT = datetime(2026, 11, 24, 10, 0).astimezone()


def person(id_number="33010619650312031X", **kw) -> Identity:
    return Identity(name=kw.pop("name", "张伟明"), id_number=id_number, **kw)


# --- identity --------------------------------------------------------------------------------

def test_valid_id_number_passes_and_a_wrong_check_digit_fails():
    assert check_id_number("33010619650312031X").valid
    bad = check_id_number("330106196503120310")
    assert not bad.valid and "校验位" in bad.error


def test_unknown_region_is_a_warning_not_an_error():
    first17 = "99999919900101001"
    result = check_id_number(first17 + check_digit(first17))
    assert result.valid and result.warnings


@pytest.mark.parametrize("raw,problem", [("1234", "18位"), ("33010619651312031X", "出生日期"),
                                         ("3301061965031203AX", "数字")])
def test_malformed_id_numbers_are_explained(raw, problem):
    assert problem in check_id_number(raw).error


@given(st.text(max_size=30))
def test_id_number_check_never_raises(raw):
    check_id_number(raw)


def test_masking_keeps_region_and_last_four():
    assert mask_id_number("33010619650312031X") == "330106********031X"


def test_expired_card_is_a_warning():
    p = person(valid_to=date(2023, 5, 10))
    assert p.is_expired(date(2026, 11, 24))
    assert any("过期" in w for w in p.warnings(date(2026, 11, 24)))
    assert not person(long_term=True).is_expired(date(2099, 1, 1))


def test_identity_round_trips_through_dict():
    p = person(sex=None, birth_date=date(1965, 3, 12), long_term=True, card_type=CardType.HMT_RESIDENCE)
    assert Identity.from_dict(p.to_dict()) == p


# --- working days ----------------------------------------------------------------------------

def test_national_day_holidays_are_skipped():
    cal = WorkingDayCalendar()
    due = cal.add_working_days(date(2026, 9, 30), 1)   # 10/1–10/7 holiday in 2026
    assert due.day > date(2026, 10, 7) and not due.provisional


def test_beyond_the_known_calendar_falls_back_to_weekdays_and_says_so():
    due = WorkingDayCalendar().add_working_days(date(2026, 12, 28), 10)
    assert due.provisional
    assert due.day.weekday() < 5


def test_overrides_win_over_the_official_calendar():
    cal = WorkingDayCalendar({date(2026, 11, 25): False})
    assert cal.add_working_days(date(2026, 11, 24), 1).day == date(2026, 11, 26)


# --- case numbers ----------------------------------------------------------------------------

def test_case_number_format_round_trips():
    number = format_case_number("ZC01", date(2026, 11, 24), 7)
    assert number == "ZC01-20261124-0007"
    assert parse_case_number(number) == ("ZC01", date(2026, 11, 24), 7)
    with pytest.raises(DomainError):
        format_case_number("zc 01", date(2026, 11, 24), 1)


# --- catalogue -------------------------------------------------------------------------------

def test_catalogue_is_large_enough_and_real():
    assert len(CATALOG.items) >= 25
    assert len({i.agency for i in CATALOG.items.values()}) >= 6
    assert len(CATALOG.bundles) >= 3
    assert any(i.instant for i in CATALOG.items.values())
    assert any(m.deferrable for i in CATALOG.items.values() for m in i.materials)


def test_bundle_merges_fields_and_materials_without_duplicates():
    items = CATALOG.bundle_items("BD-BIRTH")
    fields = [f.key for f in merge_fields(items)]
    materials = [m.code for m in merge_materials(items)]
    assert len(fields) == len(set(fields)) and len(materials) == len(set(materials))
    assert sum(len(i.materials) for i in items) > len(materials)


def _documents():
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in (ROOT / "resources/catalog").glob("*.json")}


def test_a_bad_material_form_names_the_file_and_field():
    docs = copy.deepcopy(_documents())
    docs["items_minzheng.json"]["items"][0]["materials"][1]["form"] = "photocopy"
    with pytest.raises(CatalogError, match=r"items_minzheng\.json.*items\[0\]\.materials\[1\]\.form"):
        parse_catalog(docs)


def test_a_missing_guide_element_is_reported():
    docs = copy.deepcopy(_documents())
    del docs["items_yibao.json"]["items"][2]["guide"]["deciding_agency"]
    with pytest.raises(CatalogError, match=r"items_yibao\.json.*guide\.deciding_agency.*缺少"):
        parse_catalog(docs)


def test_a_bundle_of_unknown_items_is_refused():
    docs = copy.deepcopy(_documents())
    docs["bundles.json"]["bundles"][0]["items"].append("NOPE")
    with pytest.raises(CatalogError, match="NOPE"):
        parse_catalog(docs)


# --- the case state machine ------------------------------------------------------------------

def open_case(code="SB003") -> tuple[Case, object]:
    item = CATALOG.item(code)
    return Case.open(case_id="c1", case_number="ZC01-20261124-0001", item=item, catalog_version=CATALOG.version,
                     clerk="wang", at=AT), item


def complete_form(case: Case, item, at=AT) -> None:
    case.set_applicant(person(phone="13812345678", address="杭州市西湖区"), "wang", at, from_card=True)
    case.fill_fields({"name": "张伟明", "id_number": "33010619650312031X", "phone": "13812345678",
                      "address": "杭州市西湖区"}, "wang", at)


def test_accept_needs_every_required_material():
    case, item = open_case()
    complete_form(case, item)
    with pytest.raises(ValidationError, match="材料"):
        case.accept(item, WorkingDayCalendar(), "wang", AT)
    for m in item.materials:
        if m.required:
            case.mark_material(m, MaterialStatus.RECEIVED, "wang", AT)
    case.accept(item, WorkingDayCalendar(), "wang", AT)
    assert case.state is CaseState.ACCEPTED
    assert case.promised_date == WorkingDayCalendar().add_working_days(AT.date(), 5).day


def test_deferred_acceptance_sets_a_deadline_within_the_promise():
    case, item = open_case()
    complete_form(case, item)
    photo = next(m for m in item.materials if m.code == "photo")
    case.mark_material(next(m for m in item.materials if m.code == "id_card"), MaterialStatus.RECEIVED, "wang", AT)
    case.mark_material(photo, MaterialStatus.DEFERRED, "wang", AT)
    case.accept_with_deferred(item, WorkingDayCalendar(), 30, "wang", AT)
    assert case.state is CaseState.ACCEPTED_DEFERRED
    assert case.deferred_deadline <= case.promised_date


def test_a_non_deferrable_material_cannot_be_deferred():
    case, item = open_case()
    with pytest.raises(DomainError, match="不可容缺"):
        case.mark_material(next(m for m in item.materials if m.code == "id_card"), MaterialStatus.DEFERRED, "wang", AT)


def test_refusal_needs_approval_and_illegal_transitions_raise():
    case, _ = open_case()
    case.request_refusal("不属于本区受理范围", "《社会保障卡管理办法》", "请到户籍所在区办理", "wang", AT)
    with pytest.raises(IllegalTransition):
        case.submit("wang", AT)
    case.approve_refusal("zhao", AT)
    assert case.state is CaseState.REFUSED and case.refusal["approved_by"] == "zhao"
    with pytest.raises(IllegalTransition, match="不予受理"):
        case.withdraw("申请人撤回", "wang", AT)


def test_full_lifecycle_to_handout():
    case, item = open_case()
    complete_form(case, item)
    for m in item.materials:
        if m.required:
            case.mark_material(m, MaterialStatus.CAPTURED, "wang", AT, attachments=["ab" * 32])
    case.accept(item, WorkingDayCalendar(), "wang", AT)
    case.submit("wang", AT)
    case.start_processing("district", AT)
    case.complete(True, "district", AT + timedelta(days=3), official_number="440100-2026-1")
    case.hand_out(DeliveryMethod.WINDOW, "wang", AT + timedelta(days=4), collector=person())
    assert case.state is CaseState.HANDED_OUT and case.handout["collector_role"] == "applicant"


def test_instant_item_completes_at_the_window_but_a_promised_one_cannot():
    case, item = open_case("SB001")
    complete_form(case, item)
    case.mark_material(next(m for m in item.materials if m.code == "hukou"), MaterialStatus.RECEIVED, "wang", AT)
    case.mark_material(next(m for m in item.materials if m.code == "id_card"), MaterialStatus.RECEIVED, "wang", AT)
    case.accept(item, WorkingDayCalendar(), "wang", AT)
    case.complete_at_window("wang", AT)
    assert case.state is CaseState.COMPLETED_APPROVED
    promised, _ = open_case("SB003")
    with pytest.raises(IllegalTransition):
        promised.complete_at_window("wang", AT)


def test_replaying_the_events_rebuilds_the_same_case():
    case, item = open_case()
    complete_form(case, item)
    case.request_refusal("理由", "依据", "指引", "wang", AT)
    case.reject_refusal("zhao", "材料齐全，应受理", AT)
    events = case.take_pending()
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert Case.replay(events).snapshot() == case.snapshot()
    assert Case.replay([type(e).from_dict(e.to_dict()) for e in events]).snapshot() == case.snapshot()


def test_pinyin_initials_cover_every_reading_of_a_character():
    from app.config.paths import resources_dir
    from app.store.catalog_files import load_pinyin_initials

    pinyin = load_pinyin_initials(resources_dir())
    assert pinyin.variants("社会保障卡")[0] == "shbzk"                    # the common readings first
    assert "bslrcsbjjsl" in pinyin.variants("百岁老人长寿保健金申领")      # 长 read cháng here
    assert "ydjyba" in pinyin.variants("异地就医备案")
    assert pinyin.variants("少儿医保")[0].startswith("s") and "1号" not in pinyin.variants("1号窗口")
    assert len(pinyin.variants("长行长行长行长行长行")) == 16             # bounded
