"""Social-security cards over PC/SC: pyscard against a real pcscd, the card served through vsmartcard-vpcd."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from app.devices.errors import CardReadError, NoCard
from app.devices.sscard import apdu
from app.devices.sscard.card import read_social_security_card
from app.devices.sscard.virtual_card import (
    LoopbackChannel,
    VirtualIdCardUid,
    VirtualSocialSecurityCard,
    VpcdConnection,
)
from app.domain.identity import CardType, Sex

VPCD_DRIVER = Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")
HOLDER = {"card_number": "A01234567", "ss_number": "330105198807240428", "name": "李秀英", "sex": "2",
          "nation": "01", "birthplace": "330105", "birth": "19880724"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pcscd_running() -> bool:
    try:
        pid = int(Path("/run/pcscd/pcscd.pid").read_text().strip())
        os.kill(pid, 0)
        return True
    except (OSError, ValueError):
        return False


@pytest.fixture(scope="module")
def vpcd_port(tmp_path_factory):
    """A pcscd with vsmartcard-vpcd's readers; yields the TCP port its first reader waits on."""
    if not shutil.which("pcscd") or not VPCD_DRIVER.exists():
        pytest.skip("pcscd / vsmartcard-vpcd not installed (scripts/setup.sh installs them when run as root)")
    if _pcscd_running():
        if not Path("/etc/reader.conf.d/vpcd").exists():
            pytest.skip("a pcscd without vpcd is already running")
        yield 35963
        return
    port = _free_port()
    conf = tmp_path_factory.mktemp("pcscd-conf")
    (conf / "vpcd").write_text(f'FRIENDLYNAME "Virtual PCD"\nDEVICENAME /dev/null:0x{port:04X}\n'
                               f"LIBPATH {VPCD_DRIVER}\nCHANNELID 0x{port:04X}\n")
    daemon = subprocess.Popen(["pcscd", "--foreground", "--config", str(conf)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    from app.devices.sscard.pcsc import PcscContext, PcscUnavailable

    deadline = time.monotonic() + 10
    while True:
        try:
            context = PcscContext()
            if context.readers():
                context.close()
                break
            context.close()
        except PcscUnavailable:
            pass
        if daemon.poll() is not None or time.monotonic() > deadline:
            daemon.kill()
            pytest.skip("pcscd could not be started here (it needs to create /run/pcscd, i.e. root)")
        time.sleep(0.1)
    yield port
    daemon.terminate()
    daemon.wait(timeout=10)


def _insert(card, port: int) -> VpcdConnection:
    deadline = time.monotonic() + 5
    while True:
        try:
            return VpcdConnection(card, port)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _read_when_present(reader, timeout: float = 5.0):
    """Read as the reader watch does: again at the next poll while no card is there, or when the first
    exchange with a card just inserted failed (vpcd, like a real slot, may refuse it while the card settles)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return reader.read_card()
        except (NoCard, CardReadError) as e:
            if time.monotonic() > deadline or not isinstance(e, NoCard) and "通信失败" not in str(e):
                raise
            time.sleep(0.05)


def test_lists_the_virtual_readers(vpcd_port):
    from app.devices.sscard.pcsc import PcscContext

    context = PcscContext()
    try:
        assert any("Virtual PCD" in r for r in context.readers())
    finally:
        context.close()


def test_reads_an_inserted_social_security_card_and_sees_it_removed(vpcd_port):
    from app.devices.sscard.reader import PcscCardReader

    reader = PcscCardReader()
    with pytest.raises(NoCard):
        reader.read_card()
    card = VirtualSocialSecurityCard(HOLDER)
    connection = _insert(card, vpcd_port)
    try:
        read = _read_when_present(reader)
        identity = read.identity
        assert identity.card_type is CardType.SOCIAL_SECURITY and identity.card_type.label == "社会保障卡"
        assert (identity.name, identity.id_number, identity.sex, identity.nation) == (
            "李秀英", "330105198807240428", Sex.FEMALE, "汉")
        assert identity.birth_date == date(1988, 7, 24)
        assert connection.apdus[0] == apdu.SELECT_SSSE
        sent = len(connection.apdus)
        assert reader.read_card() == read               # still inserted: no second round of APDUs
        assert len(connection.apdus) == sent
    finally:
        connection.remove()
    deadline = time.monotonic() + 5
    while True:
        try:
            reader.read_card()
        except NoCard:
            break
        assert time.monotonic() < deadline, "removal never seen"
        time.sleep(0.05)
    reader.close()


def test_a_resident_id_card_on_a_pcsc_reader_gives_only_its_uid(vpcd_port):
    from app.devices.sscard.reader import PcscCardReader, UidOnlyCard

    connection = _insert(VirtualIdCardUid(bytes.fromhex("0102030405060708")), vpcd_port)
    reader = PcscCardReader()
    try:
        with pytest.raises(UidOnlyCard, match="身份证请放在身份证阅读器上") as raised:
            _read_when_present(reader)
        assert raised.value.uid == "0102030405060708"
    finally:
        connection.remove()
        reader.close()


def test_the_watch_reports_an_inserted_card_once(vpcd_port):
    from app.devices.idcard.watch import CardWatch
    from app.devices.sscard.reader import PcscCardReader

    events = []
    watch = CardWatch(PcscCardReader(), events.append)
    watch.poll_once()
    connection = _insert(VirtualSocialSecurityCard(HOLDER), vpcd_port)
    try:
        deadline = time.monotonic() + 5
        while not any(e.card for e in events) and time.monotonic() < deadline:
            watch.poll_once()
            time.sleep(0.05)
        watch.poll_once()
        assert len([e for e in events if e.card]) == 1
    finally:
        connection.remove()
        watch.stop()


def test_no_pcsc_service_is_a_status_not_an_exception(tmp_path):
    """With no service to reach, the driver says 读卡服务未启动 (and the CLI lists it that way)."""
    env = {**os.environ, "PCSCLITE_CSOCK_NAME": str(tmp_path / "no-such-socket")}
    code = ("from app.devices.sscard.reader import PcscCardReader\n"
            "from app.devices.idcard.watch import CardWatch\n"
            "e = CardWatch(PcscCardReader(), lambda e: None).poll_once()\n"
            "print(e.state.value, e.message)\n")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "no_reader 读卡服务未启动"
    cli = subprocess.run([sys.executable, "-m", "app", "idcard", "ports"], env=env, capture_output=True,
                         text=True, timeout=60)
    assert "PC/SC 读卡器：读卡服务未启动" in cli.stdout


def test_t0_status_words_are_followed():
    """61xx asks for GET RESPONSE, 6Cxx for the command again with the right Le."""
    card = VirtualSocialSecurityCard(HOLDER)
    answers = []

    class T0Channel(LoopbackChannel):
        def transmit(self, command):
            data, sw = super().transmit(command)
            answers.append(sw)
            return data, sw

    read = read_social_security_card(T0Channel(card))
    assert read.card_number == "A01234567" and read.birthplace == "330105"
    assert answers[:2] == [0x6100 | len(card.fci), 0x9000]     # SELECT, then GET RESPONSE for its FCI
    assert 0x6C0B in answers          # the card number record was asked for with Le 00 first


def test_record_decoding_is_tolerant_of_padding_and_encodings():
    assert apdu.gbk_text("张三".encode("gbk") + b"\x00\xff  ") == "张三"
    assert apdu.sex_code(b"1") == "1" and apdu.sex_code(b"\x02") == "2" and apdu.sex_code(b"") == ""
    assert apdu.nation_code(b"\x01") == "01" and apdu.nation_code(b"56") == "56"
    assert apdu.bcd_date(bytes.fromhex("19880724")) == date(1988, 7, 24) and apdu.bcd_date(b"\x99\x99\x99\x99") is None
    with pytest.raises(apdu.CardDataError):
        apdu.tlv_value(b"\x09\x05ab")


def test_a_card_that_reads_only_the_file_selected_gives_its_number_after_selecting_ef05():
    card = VirtualSocialSecurityCard(HOLDER, sfi_reads=False)
    sent = []

    class Recording(LoopbackChannel):
        def transmit(self, command):
            sent.append(bytes(command))
            return super().transmit(command)

    read = read_social_security_card(Recording(card))
    assert read.card_number == "A01234567" and read.name == "李秀英"
    assert apdu.SELECT_EF05 in sent and sent.index(apdu.SELECT_EF05) > sent.index(apdu.READ_CARD_NUMBER)


def test_a_card_with_the_initial_pin_reads_after_verify_and_a_changed_pin_is_never_guessed():
    card = VirtualSocialSecurityCard(HOLDER, pin="123456")
    read = read_social_security_card(LoopbackChannel(card))
    assert read.ss_number == "330105198807240428" and card.pin_tries == 3
    changed = VirtualSocialSecurityCard(HOLDER, pin="654321")
    with pytest.raises(CardReadError, match="需要持卡人密码"):
        read_social_security_card(LoopbackChannel(changed))
    assert changed.pin_tries == 2                   # the initial PIN was tried once, when no try was spent
    for _attempt in range(3):                       # read again and again: no further try is spent
        changed.reset()
        with pytest.raises(CardReadError, match="需要持卡人密码"):
            read_social_security_card(LoopbackChannel(changed))
    assert changed.pin_tries == 2


def test_through_pcscd_a_card_of_both_field_families_reads_like_any_other(vpcd_port):
    from app.devices.sscard.reader import PcscCardReader

    reader = PcscCardReader()
    connection = _insert(VirtualSocialSecurityCard(HOLDER, sfi_reads=False, pin="123456"), vpcd_port)
    try:
        identity = _read_when_present(reader).identity
        assert (identity.name, identity.id_number, identity.sex) == ("李秀英", "330105198807240428", Sex.FEMALE)
        assert apdu.verify_pin("123456") in connection.apdus and apdu.SELECT_EF05 in connection.apdus
    finally:
        connection.remove()
        reader.close()
