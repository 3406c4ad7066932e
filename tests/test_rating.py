"""好差评: the rules of a rating, one per case recorded as an event on every case of a visit, the evaluator keypad's
key map, and the district's side — ratings arriving over HTTP, a 差评's 回访 and 整改 deadlines in working days,
the back office recording both and the citizen's 追评 beside the first rating."""

from __future__ import annotations

import contextlib
import uuid
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest

from app.domain.case import Case
from app.domain.errors import DomainError, IllegalTransition, ValidationError
from app.domain.rating import KeyMap, Rating, RatingLevel, RatingStage, rating_stages
from tests.postgres import fresh_database
from tests.test_district_security import FAST, Forms, browser_login, enrol, opening, push
from tests.test_intake_service import accepted_bundle

# --- the rules --------------------------------------------------------------------------------------


def test_the_five_levels_carry_the_national_labels_and_two_of_them_are_bad():
    assert [(int(level), level.label) for level in RatingLevel] == [
        (5, "非常满意"), (4, "满意"), (3, "基本满意"), (2, "不满意"), (1, "非常不满意")]
    assert [level.bad for level in RatingLevel] == [False, False, False, True, True]
    assert [level.satisfied for level in RatingLevel] == [True, True, True, False, False]


def test_a_bad_rating_names_what_went_wrong_and_a_good_one_has_no_tags():
    assert Rating.of(2, ["服务效率", "服务效率"], "  等了  很久 ").tags == ("服务效率",)
    assert Rating.of(1, [], "态度差").comment == "态度差"
    with pytest.raises(ValidationError, match="差评请选择不满意的方面或写下意见"):
        Rating.of(1)
    with pytest.raises(ValidationError, match="只有“不满意”“非常不满意”"):
        Rating.of(5, ["服务态度"])
    with pytest.raises(ValidationError, match="评价标签应为"):
        Rating.of(2, ["办事指南精确度"])          # an online indicator, not one of the hall's
    for level in (0, 6, "5", True, 4.0):
        with pytest.raises(ValidationError, match="评价等级应为 1"):
            Rating.of(level)
    with pytest.raises(ValidationError, match="不超过 200 字"):
        Rating.of(2, [], "慢" * 201)
    with pytest.raises(ValidationError, match="评价环节"):
        Rating.of(4, stage="kiosk")


def test_the_moments_to_ask_and_the_keypad_map_are_configurable():
    assert rating_stages("accept,handout") == {RatingStage.ACCEPT, RatingStage.HANDOUT}
    assert rating_stages(" handout ") == {RatingStage.HANDOUT} and rating_stages("") == frozenset()
    with pytest.raises(DomainError, match="评价环节设置有误：kiosk"):
        rating_stages("accept,kiosk")
    default = KeyMap.parse(KeyMap.DEFAULT)
    assert [default.level_of(k) for k in "54321"] == list(RatingLevel) and default.level_of("6") is None
    vendor = KeyMap.parse("F1=5, F2=4,F3=3,F4=2,f5=1")
    assert vendor.level_of("F1") is RatingLevel.VERY_SATISFIED and vendor.level_of("f5") is RatingLevel.VERY_DISSATISFIED
    assert vendor.level_of("1") is None
    for bad in ("F1=6", "F1", "=5", "F1=5,f1=4", " , "):
        with pytest.raises(DomainError, match="评价器按键"):
            KeyMap.parse(bad)


# --- at the window ----------------------------------------------------------------------------------


def test_a_visit_is_rated_once_on_every_case_and_the_rating_replays(desk, clerk):
    app = accepted_bundle(desk, clerk)
    ids = [c.id for c in app.cases]
    assert desk.rating.invited(RatingStage.ACCEPT, app.cases) and desk.rating.invited(RatingStage.HANDOUT, app.cases)
    rated = desk.rating.rate(ids, 2, clerk, tags=["服务效率", "服务态度"], comment="材料要求没讲清楚")
    assert {c.rating.rating.level for c in rated} == {RatingLevel.DISSATISFIED}
    for case in app.cases:
        stored = desk.store.cases.get(case.id)
        (event,) = [e for e in desk.store.cases.events(case.id) if e.type == "rated"]
        assert event.payload == {"level": 2, "label": "不满意", "tags": ["服务效率", "服务态度"],
                                 "comment": "材料要求没讲清楚", "stage": "accept"}
        assert event.clerk == "wang" and stored.rating.clerk == "wang"
        assert Case.replay(desk.store.cases.events(case.id)).snapshot() == stored.snapshot()
        assert stored.snapshot()["rating"]["label"] == "不满意"
    assert not desk.rating.invited(RatingStage.HANDOUT, desk.rating.load(ids))      # asked once, at 受理
    with pytest.raises(DomainError, match="已评价（不满意），一事一评"):
        desk.rating.rate(ids, 5, clerk)
    assert all(len([e for e in desk.store.cases.events(i) if e.type == "rated"]) == 1 for i in ids)


def test_a_draft_cannot_be_rated_and_nothing_is_written_when_refused(desk, clerk):
    app = desk.intake.start("item", "SB003", clerk)
    before = len(desk.store.cases.events(app.primary.id))
    with pytest.raises(IllegalTransition, match="不能评价"):
        desk.rating.rate([app.primary.id], 4, clerk)
    with pytest.raises(ValidationError):
        desk.rating.rate([app.primary.id], 9, clerk)
    assert len(desk.store.cases.events(app.primary.id)) == before


def test_rating_can_be_switched_off_or_kept_for_the_handout(desk, clerk):
    app = accepted_bundle(desk, clerk)
    desk.rating.stages = rating_stages("handout")
    assert not desk.rating.invited(RatingStage.ACCEPT, app.cases)
    assert desk.rating.invited(RatingStage.HANDOUT, app.cases)
    desk.rating.stages = rating_stages("")
    assert not desk.rating.invited(RatingStage.HANDOUT, app.cases)


def test_the_evaluator_shows_the_clerks_name_staff_number_and_window(desk, clerk):
    card = desk.rating.card(clerk)
    assert (card.name, card.staff_number, card.window, card.initial) == ("王小明", "wang", "1号综合窗口", "王")


# --- at the district --------------------------------------------------------------------------------


class Clock:
    def __init__(self):
        self.now = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)      # Wednesday 09:00 in Beijing

    def __call__(self):
        return self.now


@pytest.fixture(params=["sqlite", "postgresql"])
def district(tmp_path, request):
    from district.server import ServerThread, open_district
    from district.service import ServerConfig

    with contextlib.ExitStack() as stack:
        url = stack.enter_context(fresh_database()) if request.param == "postgresql" else None
        clock = Clock()
        d = open_district(tmp_path / "district", url, config=ServerConfig(name="测试区级平台"), clock=clock,
                          password_hasher=FAST)
        d.officers.add("li", "李经办", "officer-pass-1")
        thread = ServerThread(d.app()).start()
        yield d, thread.url, clock
        thread.stop()
        d.close()


def rated_case(url, token, level, tags=(), comment="", number="ZC01-20261202-0001") -> tuple[str, httpx.Response]:
    case_id = str(uuid.uuid4())
    first = opening(case_id, case_number=number)

    def event(seq, type_, payload):
        return {**first, "id": str(uuid.uuid4()), "seq": seq, "type": type_, "payload": payload}

    r = push(url, token, first, event(2, "accepted", {"promised_date": "2026-12-10"}),
             event(3, "rated", {"level": level, "label": "", "tags": list(tags), "comment": comment,
                                "stage": "accept"}))
    return case_id, r


def test_a_bad_rating_gets_its_deadlines_in_working_days_and_a_good_one_none(district):
    d, url, _ = district
    token = enrol(d, url)
    bad_id, r = rated_case(url, token, 1, ["服务态度"], "窗口人员不耐烦")
    assert [e["status"] for e in r.json()["receipt"]["results"]] == ["applied"] * 3
    good_id, _ = rated_case(url, token, 5, number="ZC01-20261202-0002")
    rows = {row.case_id: row for row, _ in d.service.ratings.ratings()}
    # Rated on Wednesday 2 December 2026: 回访 by Thursday the 3rd, 整改 15 working days on (three weekends).
    assert rows[bad_id].callback_due == date(2026, 12, 3) and rows[bad_id].rectify_due == date(2026, 12, 23)
    assert rows[bad_id].bad and rows[bad_id].clerk == "wang" and rows[bad_id].tags == ["服务态度"]
    assert not rows[good_id].bad and rows[good_id].callback_due is None
    assert [row.case_id for row, _ in d.service.ratings.ratings(open_only=True)] == [bad_id]


def test_a_rating_the_district_cannot_use_is_refused_for_that_case_only(district):
    d, url, _ = district
    token = enrol(d, url)
    _, r = rated_case(url, token, 7)
    assert [e["status"] for e in r.json()["receipt"]["results"]] == ["applied", "applied", "rejected"]
    assert "评价等级应为 1 到 5" in r.json()["receipt"]["results"][2]["reason"]
    _, r = rated_case(url, token, 2, ["办事便捷度"], number="ZC01-20261202-0002")
    assert r.json()["receipt"]["results"][2]["status"] == "rejected" and "线下评价指标" in r.json()["receipt"]["results"][2]["reason"]
    good_id, r = rated_case(url, token, 4, number="ZC01-20261202-0003")
    assert r.json()["receipt"]["results"][2]["status"] == "applied" and d.service.ratings.ratings()[0][0].case_id == good_id


def test_the_back_office_calls_back_rectifies_and_takes_the_follow_up_in_that_order(district):
    d, url, clock = district
    token = enrol(d, url)
    case_id, _ = rated_case(url, token, 2, ["服务效率"], '<script>alert("x")</script>')
    api = httpx.Client(base_url=url)

    def sign_in() -> None:
        login = api.post("/backoffice/api/login", json={"username": "li", "password": "officer-pass-1"}).json()
        api.headers["Authorization"] = f"Bearer {login['token']}"

    sign_in()
    (listed,) = api.get("/backoffice/api/ratings").json()
    assert listed["label"] == "不满意" and listed["overdue"] == [] and listed["callback_due"] == "2026-12-03"
    early = api.post(f"/backoffice/api/ratings/{case_id}/rectification", json={"note": "已整改"})
    assert early.status_code == 409 and "请先回访" in early.json()["reason"]
    assert api.post(f"/backoffice/api/ratings/{case_id}/follow-up", json={"level": 5}).status_code == 409
    clock.now += timedelta(days=2)                                   # Friday: the call-back is late
    sign_in()
    (late,) = api.get("/backoffice/api/ratings").json()
    assert late["overdue"] == ["回访"]
    with browser_login(url) as browser:
        page = browser.get("/backoffice/ratings")
        assert "已逾期" in page.text and "&lt;script&gt;" in page.text and "<script>" not in page.text
        assert "待处理差评 1 件（1 件逾期）" in browser.get("/backoffice").text
        csrf = next(a["value"] for a in Forms(page.text).all("input") if a.get("name") == "csrf")
        assert browser.post(f"/backoffice/ratings/{case_id}/callback",
                            data={"note": "已电话回访", "csrf": "forged"}).status_code == 403
        done = browser.post(f"/backoffice/ratings/{case_id}/callback", data={"note": "已电话回访，群众说排队太久",
                                                                            "csrf": csrf})
        assert done.status_code == 303
    again = api.post(f"/backoffice/api/ratings/{case_id}/callback", json={"note": "再次回访"})
    assert again.status_code == 409
    assert api.post(f"/backoffice/api/ratings/{case_id}/rectification", json={"note": "  "}).status_code == 422
    fixed = api.post(f"/backoffice/api/ratings/{case_id}/rectification", json={"note": "高峰增开窗口，已反馈群众"})
    assert fixed.status_code == 200 and fixed.json()["overdue"] == []
    follow = api.post(f"/backoffice/api/ratings/{case_id}/follow-up", json={"level": 4, "comment": "好多了"})
    body = follow.json()
    assert (body["level"], body["follow_up_level"], body["follow_up_label"]) == (2, 4, "满意")
    assert api.post(f"/backoffice/api/ratings/{case_id}/follow-up", json={"level": 5}).status_code == 409
    assert api.get("/backoffice/api/ratings").json() == []                 # nothing left open
    (kept,) = api.get("/backoffice/api/ratings", params={"all": "true"}).json()
    assert kept["callback_by"] == "李经办（li）" and kept["comment"] == '<script>alert("x")</script>'
    actions = [e.action for e in d.officers.audit_entries()]
    assert {"rating_callback", "rating_rectified", "rating_follow_up"} <= set(actions)
    good_id, _ = rated_case(url, token, 4, number="ZC01-20261202-0009")
    refused = api.post(f"/backoffice/api/ratings/{good_id}/callback", json={"note": "x"})
    assert refused.status_code == 409 and "不是差评" in refused.json()["reason"]


# --- the figures across service points --------------------------------------------------------------


def test_the_district_counts_each_service_point_and_window(district):
    d, url, clock = district

    def enrol_at(centre: str, name: str, prefix: str) -> str:
        r = httpx.post(url + "/api/v1/enrol", json={"code": d.service.create_enrolment_code(), "name": name,
                                                     "prefix": prefix, "training": False, "centre": centre})
        return r.json()["token"]

    def visit(token, number, outcome, *, wait=None, handled=10, level=None, instant=False):
        case_id = str(uuid.uuid4())
        opened = {"case_number": number, "item_code": "SB003", "item_name": "社会保障卡申领", "instant": instant}
        if wait is not None:
            opened.update(ticket_taken_at=f"2026-12-02T09:{30 - wait:02d}:00+08:00",
                          ticket_called_at="2026-12-02T09:30:00+08:00")
        first = {**opening(case_id, **opened), "occurred_at": "2026-12-02T09:30:00+08:00"}
        events = [first]

        def add(type_, payload, minutes):
            events.append({**first, "id": str(uuid.uuid4()), "seq": len(events) + 1, "type": type_,
                           "payload": payload, "occurred_at": f"2026-12-02T09:{30 + minutes:02d}:00+08:00"})

        if outcome == "accepted":
            add("accepted", {"promised_date": "2026-12-09"}, handled)
        elif outcome == "correction":
            add("correction_notice_issued", {"missing": []}, handled)
        elif outcome == "refused":
            add("refusal_requested", {"reason": "不符合条件"}, handled)
            add("refusal_approved", {"supervisor": "zhao"}, handled + 1)
        if level is not None:
            add("rated", {"level": level, "tags": ["服务效率"] if level <= 2 else [], "comment": "", "stage": "accept"},
                handled + 2)
        r = push(url, token, *events)
        assert {e["status"] for e in r.json()["receipt"]["results"]} == {"applied"}, r.json()

    north_1, north_2 = enrol_at("北山街道", "1号窗口", "BS01"), enrol_at("北山街道", "2号窗口", "BS02")
    lake = enrol_at("西溪街道", "综合窗口", "XX01")
    visit(north_1, "BS01-1", "accepted", wait=10, handled=12, level=5, instant=True)
    visit(north_1, "BS01-2", "correction", wait=20, handled=6, level=2)
    visit(north_2, "BS02-1", "accepted", handled=8, level=4)
    visit(north_2, "BS02-2", "draft")                                # never decided: not counted
    visit(lake, "XX01-1", "refused", wait=4, handled=10)
    request = str(uuid.uuid4())
    push(url, lake, {**opening(request), "type": "cannot_do_registered",
                     "payload": {"registration_number": "XX01-BC-1", "what": "开无犯罪证明", "why": "本中心无此事项",
                                 "reason": "no_item", "applicant": None}})
    f = d.service.figures.by_service_point(date(2026, 12, 1), date(2026, 12, 31))
    assert {p["centre"]: p["overdue"] for p in f["service_points"]} == {"北山街道": 0, "西溪街道": 0}
    clock.now = datetime(2026, 12, 10, 1, 0, tzinfo=UTC)           # BS02-1 was promised for the 9th
    f = d.service.figures.by_service_point(date(2026, 12, 1), date(2026, 12, 31))
    points = {p["centre"]: p for p in f["service_points"]}
    north, west = points["北山街道"], points["西溪街道"]
    assert (north["cases"], north["accepted"], north["instant_rate"]) == (3, 2, round(1 / 3, 4))
    assert (north["ratings"], north["satisfied"], north["bad_ratings"], north["satisfaction_rate"]) == (3, 2, 1,
                                                                                                       round(2 / 3, 4))
    assert north["wait_avg_min"] == 15.0 and north["handling_avg_min"] == round((12 + 6 + 8) / 3, 1)
    assert (west["cases"], west["refusals"], west["wait_avg_min"], west["satisfaction_rate"]) == (1, 1, 4.0, None)
    assert (north["overdue"], west["overdue"], west["cannot_do_registered"], north["cannot_do_registered"]) == (
        1, 0, 1, 0)
    assert f["total"]["cases"] == 4 and f["total"]["centre"] == "全区"
    assert [w["window"] for w in f["windows"]] == ["1号窗口（BS01）", "2号窗口（BS02）", "综合窗口（XX01）"]
    assert d.service.figures.by_service_point(date(2026, 11, 1), date(2026, 11, 30))["total"] is None
    with browser_login(url) as browser:
        page = browser.get("/backoffice/figures", params={"start": "2026-12-01", "end": "2026-12-31"})
        assert page.status_code == 200 and "北山街道" in page.text and "33.3%" in page.text and "全区" in page.text
        assert browser.get("/backoffice/figures", params={"start": "12/01"}).status_code == 422
