"""The SAM session over a real pseudo-terminal: pyserial on one side, the simulated module on the other."""

from __future__ import annotations

import os
import time

import pytest

from app.config.paths import resources_dir
from app.devices.errors import CardReadError, DeviceUnavailable, NoCard
from app.devices.idcard import sam_frame as sf
from app.devices.idcard.serial_sam import AutoDetectSamReader, SerialSamReader, SerialTransport, detect
from app.devices.idcard.simulator import SimulatedSamModule, load_roster
from app.devices.idcard.watch import CardWatch, ReaderState
from app.domain.identity import CardType

pytestmark = pytest.mark.skipif(os.name != "posix", reason="pseudo-terminals are POSIX")

ROSTER = load_roster(resources_dir())
INDEX = {p["note"]: i for i, p in enumerate(ROSTER)}


@pytest.fixture
def module():
    return SimulatedSamModule(ROSTER)


@pytest.fixture
def line(module):
    from app.devices.idcard.pty_simulator import PtySamSimulator

    with PtySamSimulator(module, 115200) as sim:
        yield sim


@pytest.fixture
def reader(line):
    r = SerialSamReader(line.port, 115200)
    r.open()
    yield r
    r.close()


def test_open_checks_the_module_and_reads_its_id(reader, line):
    assert reader.module_id == "05.01-20240611-0014455316-2203524516"
    assert [sf.decode_request(f)[0] for f in line.requests[:2]] == [sf.STATUS, sf.READ_MODULE_ID]


def test_reset_and_a_module_that_refuses_it(reader, module):
    reader.reset()
    answer = module.handle
    module.handle = lambda frame: sf.encode_response(0x60) if sf.decode_request(frame)[0] == sf.RESET else answer(frame)
    with pytest.raises(DeviceUnavailable, match="复位失败：模块自检失败"):
        reader.reset()


def test_find_fails_while_no_card(reader, line):
    with pytest.raises(NoCard):
        reader.read_card()
    assert sf.decode_request(line.requests[-1])[0] == sf.FIND_CARD


def test_full_read_runs_find_select_read_and_appended_address(reader, module, line):
    module.present(INDEX["新市民，有追加住址"])
    found = []
    card = reader.read_card(on_found=lambda: found.append(True))
    assert found == [True]
    assert [sf.decode_request(f)[0] for f in line.requests[-4:]] == [
        sf.FIND_CARD, sf.SELECT_CARD, sf.READ_TEXT_PHOTO, sf.READ_APPENDED_ADDRESS]
    assert card.identity.name == "刘芳" and len(card.photo_wlt) == 1024
    assert card.appended_address == "浙江省杭州市余杭区五常街道文一西路969号"
    assert "追加住址" in card.holder.address


@pytest.mark.parametrize("note", ["港澳台居民居住证", "外国人永久居留身份证（旧版）", "外国人永久居留身份证（2023版）"])
def test_every_card_type_reads_over_the_line(reader, module, note):
    module.present(INDEX[note])
    identity = reader.read_card().identity
    assert identity.card_type in (CardType.HMT_RESIDENCE, CardType.FOREIGNER_OLD, CardType.FOREIGNER_2023)
    assert identity.name == ROSTER[INDEX[note]]["name"]


def test_a_read_card_is_not_found_again_until_lifted(reader, module):
    module.present(0)
    reader.read_card()
    with pytest.raises(NoCard):
        reader.read_card()
    module.present(0)          # lifted and laid down again
    assert reader.read_card().identity.name == ROSTER[0]["name"]


def test_damaged_card_and_card_lifted_mid_read(reader, module):
    module.present(INDEX["芯片损坏，读卡失败"])
    with pytest.raises(CardReadError, match="请重新放卡"):
        reader.read_card()
    module.present(INDEX["读卡时被移开"])
    with pytest.raises(CardReadError):
        reader.read_card()
    with pytest.raises(NoCard):                   # it is gone
        reader.read_card()


def test_a_silent_module_times_out_as_no_answer(reader, module):
    module.silent = True
    waits = []
    read = reader.transport.read
    reader.transport.read = lambda size, timeout: waits.append(timeout) or read(size, timeout)
    with pytest.raises(DeviceUnavailable, match="无响应"):
        reader.read_card()
    assert 0.4 < waits[0] <= 0.5                  # waited for the find command's 500 ms, no longer


def test_noise_before_a_frame_is_skipped(line, module):
    transport = SerialTransport(line.port, 115200)
    try:
        os.write(line._master, b"\x00\x13garbage")    # line noise arriving just before the answer
        transport.write(sf.encode_request(sf.STATUS))
        from app.devices.idcard.sam_reader import read_frame

        assert sf.decode_response(read_frame(transport, 1.0)).outcome is sf.Outcome.SUCCESS
    finally:
        transport.close()


def test_a_frame_cut_short_is_a_read_error(reader, line, module):
    module_answer = module.handle
    module.handle = lambda frame: module_answer(frame)[:-3]       # the tail of every answer is lost
    module.present(0)
    with pytest.raises(CardReadError, match="校验失败"):
        reader.read_card()
    fresh = SerialSamReader(line.port, 115200)
    with pytest.raises(DeviceUnavailable, match="通信异常"):
        fresh.open()


def test_auto_detection_finds_port_and_speed(module):
    from app.devices.idcard.pty_simulator import PtySamSimulator

    with PtySamSimulator(module, 38400) as sim:
        with pytest.raises(DeviceUnavailable):
            SerialSamReader(sim.port, 115200).open()          # wrong speed: garbage, no module
        found = detect(["/dev/nonexistent-port", sim.port])
        assert (found.port, found.baudrate) == (sim.port, 38400)
        reader = AutoDetectSamReader(sim.port)
        reader.open()
        assert "38400" in reader.name
        module.present(1)
        assert reader.read_card().identity.name == ROSTER[1]["name"]
        reader.close()


def test_no_reader_anywhere_is_a_clear_message():
    with pytest.raises(DeviceUnavailable, match="无法打开串口"):
        SerialSamReader("/dev/nonexistent-port").open()
    with pytest.raises(DeviceUnavailable, match="未找到身份证阅读器"):
        AutoDetectSamReader("/dev/nonexistent-port").open()


# --- the watch: polling, reporting each card once ---------------------------------------------------


def test_watch_reports_each_card_once_and_again_after_lifting(reader, module):
    events = []
    watch = CardWatch(reader, events.append)
    assert watch.poll_once().state is ReaderState.CONNECTED
    module.present(1)
    assert watch.poll_once().card.identity.name == ROSTER[1]["name"]
    for _ in range(3):
        assert watch.poll_once().card is None          # lying there: reported once
    module.present(1)                                  # lifted and laid down again
    assert watch.poll_once().card is not None
    cards = [e for e in events if e.card]
    assert len(cards) == 2 and all(e.polled for e in cards)
    assert [e.state for e in events if not e.card] == [ReaderState.CONNECTED, ReaderState.READING,
                                                       ReaderState.READING]


def test_watch_de_duplicates_readers_that_find_a_card_again(module):
    """Some readers find the same card again while it lies there: the number de-duplicates it."""
    from app.devices.idcard.simulator import SimulatedIdCardReader

    reader = SimulatedIdCardReader(ROSTER)
    watch = CardWatch(reader, lambda e: None)
    reader.present(2)
    assert watch.poll_once().card is not None
    reader.present(2)                       # found again without a poll seeing "no card"
    assert watch.poll_once().card is None
    reader.present(2)
    assert watch.read_now().identity.name == ROSTER[2]["name"]      # an explicit read (F2) still returns it


def test_watch_states_for_errors_and_missing_reader(module, line):
    events = []
    reader = SerialSamReader(line.port, 115200)
    watch = CardWatch(reader, events.append)
    module.present(INDEX["芯片损坏，读卡失败"])
    event = watch.poll_once()
    assert event.state is ReaderState.ERROR and "请重新放卡" in event.message and event.polled
    module.silent = True
    assert watch.poll_once().state is ReaderState.NO_READER
    module.silent = False
    module.lift()
    assert watch.poll_once().state is ReaderState.CONNECTED     # reconnected by itself
    with pytest.raises(NoCard):
        watch.read_now()
    watch.stop()


def test_watch_thread_polls_in_the_background(reader, module):
    events = []
    watch = CardWatch(reader, events.append, interval=0.05)
    watch.start()
    try:
        module.present(0)
        deadline = time.monotonic() + 5
        while not any(e.card for e in events) and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.3)
    finally:
        watch.stop()
    assert len([e for e in events if e.card]) == 1
