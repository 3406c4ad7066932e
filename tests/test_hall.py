"""The hall service (叫号) of a centre: one queue for its windows — two workstations calling from it, the green
channel and appointments first, recall / no-show / pause / transfer; the kiosk and the display pages driven in
headless Chromium; a window falling back to its own queue while the hall is down, and catching up after."""

from __future__ import annotations

import os
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest

from app.config.paths import Profile
from app.config.settings import Settings
from app.domain.errors import DomainError
from district.server import ServerThread
from hall.server import open_hall
from hall.service import HallConfig, elderly
from tests.conftest import FAST_HASHER


class Clock:
    def __init__(self):
        self.now = datetime(2026, 12, 2, 9, 0).astimezone()

    def __call__(self):
        return self.now


@pytest.fixture
def hall(tmp_path):
    clock = Clock()
    h = open_hall(tmp_path / "hall", HallConfig(name="示范街道服务中心"), clock)
    server = ServerThread(h.app()).start()
    yield h, server, clock
    server.stop()
    h.close()


def a_desk(home, window: str, url: str, clock):
    from app.main import build_desk

    settings = Settings(idcard_poll=False, window_name=window, hall_url=url, workstation_prefix=window[:1] + "W")
    return build_desk(Profile.TRAINING, {"ZONGCHUANG_HOME": str(home)}, settings=settings, clock=clock,
                      password_hasher=FAST_HASHER, idcard=None, camera=None, printer=None)


@pytest.fixture
def two_windows(hall, tmp_path):
    h, server, clock = hall
    one = a_desk(tmp_path / "one", "1号窗口", server.url, clock)
    two = a_desk(tmp_path / "two", "2号窗口", server.url, clock)
    yield h, server, clock, one, two
    one.close()
    two.close()


def take(url, category="general", **kw):
    r = httpx.post(url + "/api/hall/tickets", json={"category": category, **kw})
    assert r.status_code == 200, r.text
    return r.json()


def test_two_windows_call_from_one_queue_green_channel_first(two_windows):
    h, server, clock, one, two = two_windows
    a1 = take(server.url)
    clock.now += timedelta(minutes=1)
    a2 = take(server.url)
    clock.now += timedelta(minutes=1)
    green = take(server.url, green=True)
    b1 = take(server.url, "social")
    assert [t["number"] for t in (a1, a2, green, b1)] == ["A001", "A002", "V001", "B001"]
    assert one.queue.online and [t.number for t in one.queue.waiting()] == ["V001", "A001", "A002", "B001"]
    assert one.queue.call_next().number == "V001"              # the green channel first, to either window
    assert two.queue.call_next().number == "A001"
    assert one.queue.call_next().number == "A002"              # V001 is done as 1号窗口 calls its next
    assert h.service.ticket("V001")["state"] == "done"
    two.queue.categories = ["social"]                          # 2号窗口 serves 社保医保 only
    assert two.queue.call_next().number == "B001"
    assert two.queue.call_next() is None and one.queue.call_next() is None
    board = h.service.display()
    assert [c["number"] for c in board["calls"]][:2] == ["B001", "A002"]


def test_recall_no_show_and_back_in_line_pause_and_transfer(two_windows):
    h, server, clock, one, two = two_windows
    for _ in range(3):
        take(server.url)
        clock.now += timedelta(minutes=1)
    first = one.queue.call_next()
    assert one.queue.recall().number == first.number
    assert [(c["number"], c["recall"]) for c in h.service.display()["calls"][:2]] == [("A001", True), ("A001", False)]
    one.queue.mark_no_show()
    assert h.service.ticket("A001")["state"] == "no_show" and one.queue.current is None
    assert one.queue.call_next().number == "A002"
    one.queue.restore("a001")                                  # the holder turned up: back at the old place
    assert two.queue.call_next().number == "A001"
    two.queue.pause(True)
    with pytest.raises(DomainError, match="暂停"):
        two.queue.call_next()
    assert "2号窗口" in h.service.display()["paused"]
    two.queue.pause(False)
    moved = two.queue.transfer(window="1号窗口")                # A001 goes to 1号窗口, before A003
    assert moved.number == "A001" and two.queue.current is None
    assert two.queue.call_next().number == "A003"
    assert one.queue.call_next().number == "A001"
    one.queue.transfer(category="social")
    assert h.service.ticket("A001")["category"] == "social"


def test_an_appointment_in_its_slot_is_served_before_ordinary_tickets(two_windows):
    h, server, clock, one, _ = two_windows
    take(server.url)
    slot = h.service.book("general", clock.now + timedelta(minutes=30), clock.now + timedelta(minutes=60), "王女士")
    early = httpx.post(f"{server.url}/api/hall/appointments/{slot['code']}/check-in")
    assert early.status_code == 409 and "请届时再签到" in early.json()["reason"]
    clock.now += timedelta(minutes=20)
    ticket = httpx.post(f"{server.url}/api/hall/appointments/{slot['code']}/check-in").json()
    assert ticket["number"] == "Y001" and ticket["appointment"] == slot["code"]
    again = httpx.post(f"{server.url}/api/hall/appointments/{slot['code']}/check-in")
    assert again.status_code == 409 and "已签到" in again.json()["reason"]
    assert one.queue.call_next().number == "Y001"
    assert one.queue.call_next().number == "A001"
    unknown = httpx.post(f"{server.url}/api/hall/appointments/000000/check-in")
    assert unknown.status_code == 404 and "没有这个预约码" in unknown.json()["reason"]


def test_an_elderly_citizens_card_at_the_kiosk_takes_the_green_channel():
    today = datetime(2026, 12, 2).date()
    assert elderly("330106195001010019", today) and not elderly("330106199001010016", today)
    assert not elderly("3301061950", today) and not elderly("33010619501301001X", today)


def test_the_hall_key_keeps_other_machines_from_calling(tmp_path):
    h = open_hall(tmp_path / "hall", HallConfig(key="hall-secret-1"), Clock())
    server = ServerThread(h.app()).start()
    try:
        take(server.url)                                       # the kiosk needs no key
        refused = httpx.post(f"{server.url}/api/hall/windows/1号窗口/call", json={})
        assert refused.status_code == 401 and "X-Hall-Key" in refused.json()["reason"]
        ok = httpx.post(f"{server.url}/api/hall/windows/1号窗口/call", json={},
                        headers={"X-Hall-Key": "hall-secret-1"})
        assert ok.json()["number"] == "A001"
    finally:
        server.stop()
        h.close()


def test_with_the_hall_down_the_window_calls_its_own_queue_and_catches_up_after(two_windows):
    h, server, clock, one, _ = two_windows
    take(server.url)
    port = server.port
    server.stop()                                              # the hall PC is switched off
    local = one.queue.take_ticket()
    assert one.queue.online is False and "本地排队" in one.queue.status
    assert local.number == "A001" and one.queue.waiting()[0].number == "A001"
    assert one.queue.call_next().number == "A001"
    clock.now += timedelta(minutes=5)
    one.queue.call_next()                                      # done with it; nobody else here
    restarted = ServerThread(h.app(), port=port).start()
    try:
        clock.now += timedelta(minutes=1)                      # past the retry pause
        assert one.queue.call_next().number == "A001"          # the hall's own A001, taken before it went down
        assert one.queue.online is True
        served = [t for t in h.service.display()["calls"]]
        assert served[0]["number"] == "A001"
        with h.service.sessions() as s:
            from hall.models import TicketRow

            offline = s.query(TicketRow).filter(TicketRow.offline).all()
            assert [(t.number, t.window) for t in offline] == [("A001", "1号窗口")]
        assert one.store.tickets.hall_pending() == []
    finally:
        restarted.stop()


# --- the pages in a real browser ------------------------------------------------------------------------

def _chromium():
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver):
        pytest.skip("Chromium and chromedriver are not installed (scripts/setup.sh installs them when run as root)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,800", "--autoplay-policy=no-user-gesture-required", "--lang=zh-CN"):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(driver), options=options)


@pytest.fixture
def browser():
    b = _chromium()
    yield b
    b.quit()


def test_a_ticket_taken_on_the_kiosk_page_is_called_at_the_window_and_shown_on_the_display(two_windows, browser,
                                                                                             tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as seen
    from selenium.webdriver.support.ui import WebDriverWait

    h, server, clock, one, _ = two_windows
    wait = WebDriverWait(browser, 15)
    browser.get(server.url + "/kiosk")
    social = wait.until(seen.element_to_be_clickable((By.CSS_SELECTOR, "button[data-category=social]")))
    assert "社保医保" in social.text and "示范街道服务中心" in browser.find_element(By.ID, "centre").text
    social.click()
    wait.until(seen.text_to_be_present_in_element((By.ID, "ticket"), "B001"))
    if os.environ.get("ZONGCHUANG_SHOTS"):
        browser.save_screenshot(str(Path(os.environ["ZONGCHUANG_SHOTS"]) / "hall-kiosk.png"))
    assert "前面还有 0 人" in browser.find_element(By.ID, "ticket").text
    browser.find_element(By.ID, "green").click()
    browser.find_element(By.CSS_SELECTOR, "button[data-category=general]").click()
    wait.until(seen.text_to_be_present_in_element((By.ID, "ticket"), "V001"))
    assert [t.number for t in one.queue.waiting()] == ["V001", "B001"]       # at the window straight away

    browser.get(server.url + "/display")
    wait.until(seen.presence_of_element_located((By.CSS_SELECTOR, "#waiting")))
    wait.until(seen.text_to_be_present_in_element((By.ID, "waiting"), "等候 2 人"))
    one.queue.call_next()
    wait.until(seen.text_to_be_present_in_element((By.ID, "current"), "V001"))
    row = browser.find_element(By.CSS_SELECTOR, "#current tr.fresh")
    assert row.text.split() == ["V001", "1号窗口"]
    wait.until(lambda b: b.find_element(By.TAG_NAME, "body").get_attribute("data-last-announcement"))
    assert browser.find_element(By.TAG_NAME, "body").get_attribute("data-last-announcement") == "请 V001 号到 1号窗口 办理"
    one.queue.recall()
    wait.until(seen.text_to_be_present_in_element((By.ID, "recent"), "V001 → 1号窗口（重呼）"))
    shots = Path(os.environ.get("ZONGCHUANG_SHOTS") or tmp_path)
    assert browser.save_screenshot(str(shots / "hall-display.png"))
    csp = httpx.get(server.url + "/display").headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_the_window_s_queue_bar_calls_from_the_hall_and_the_case_keeps_the_ticket_s_times(qtbot, hall, desk, clerk):
    from gui_support import click, settle

    from app.sync.hall import HallClient
    from tests.conftest import main_window

    h, server, clock = hall
    desk.queue.hall = HallClient(server.url, desk.settings.window_name)
    desk.clock.now = clock.now                                   # the window and the hall agree on the time
    take(server.url)
    desk.clock.now = clock.now = clock.now + timedelta(minutes=12)
    with main_window(qtbot, desk, clerk) as w:
        bar = w.queue
        settle(qtbot, w)
        assert bar.waiting_label.text() == "等候：1 人" and bar.hall_label.text() == "叫号服务 ✓"
        assert not bar.recall_button.isEnabled()
        click(qtbot, w, bar.call_button)
        assert bar.current.text() == "当前：A001" and bar.recall_button.isEnabled()
        assert h.service.display()["current"] == [{"number": "A001", "window": "1号综合窗口", "green": False}]
        click(qtbot, w, bar.recall_button)
        assert h.service.display()["calls"][0]["recall"] is True
        started = desk.intake.start("item", "SB003", clerk, "A001")
        assert started.primary.ticket_taken_at is not None
        assert (started.primary.ticket_called_at - started.primary.ticket_taken_at) == timedelta(minutes=12)
        bar.pause_button.click()
        settle(qtbot, w)
        assert bar.pause_button.text() == "恢复叫号" and h.service.display()["paused"] == ["1号综合窗口"]
        bar.pause_button.click()
        settle(qtbot, w)
        click(qtbot, w, bar.no_show_button)
        assert bar.current.text() == "当前：—" and h.service.ticket("A001")["state"] == "no_show"
