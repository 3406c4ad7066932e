"""Vendor-DLL drivers with stand-in libraries (everything but the DLL call), and the 32-bit helper process."""

from __future__ import annotations

import ctypes
import struct
import sys
from datetime import date

import pytest

from app.config.paths import resources_dir
from app.devices.errors import CardReadError, DeviceUnavailable, NoCard
from app.devices.idcard import vendor_dll
from app.devices.idcard.dll_helper import HelperProcessReader, card_from_wire, card_to_wire
from app.devices.idcard.simulator import load_roster, photo_for, text_block_for
from app.domain.identity import CardType, Sex

ROSTER = load_roster(resources_dir())


def _fill(buf, data: bytes) -> None:
    ctypes.memmove(buf, data, len(data))


class FakeSdtApi:
    """Behaves like sdtapi.dll: SAM result codes, buffers filled through the pointers the driver passes."""

    def __init__(self, ports=(1001,), person=None, read_code=0x90):
        self.ports, self.person, self.read_code = ports, person, read_code
        self.calls = []

    def SDT_OpenPort(self, port):
        self.calls.append(("open", port))
        return 0x90 if port in self.ports else 0x01

    def SDT_GetSAMIDToStr(self, port, buf, if_open):
        _fill(buf, b"05.01-20240611-0014455316-2203524516\0")
        return 0x90

    def SDT_StartFindIDCard(self, port, buf, if_open):
        self.calls.append(("find", port))
        return 0x9F if self.person else 0x80

    def SDT_SelectIDCard(self, port, buf, if_open):
        return 0x90

    def SDT_ReadBaseMsg(self, port, text, text_len, photo, photo_len, if_open):
        if self.read_code != 0x90:
            return self.read_code
        _fill(text, text_block_for(self.person))
        text_len.contents.value = 256
        _fill(photo, photo_for(self.person))
        photo_len.contents.value = 1024
        return 0x90

    def SDT_ReadNewAppMsg(self, port, buf, length, if_open):
        extra = self.person.get("appended_address", "")
        if not extra:
            return 0x91
        data = extra.encode("utf-16-le")
        _fill(buf, data)
        length.contents.value = len(data)
        return 0x90

    def SDT_ClosePort(self, port):
        self.calls.append(("close", port))
        return 0x90


def test_sdtapi_scans_usb_then_serial_ports_and_reads_a_card():
    lib = FakeSdtApi(ports=(3,), person=ROSTER[5])
    reader = vendor_dll.SdtApiReader(lib)
    card = reader.read_card()
    opened = [p for op, p in lib.calls if op == "open"]
    assert opened[:16] == list(range(1001, 1017)) and opened[16:] == [1, 2, 3]
    assert reader.port == 3 and reader.module_id.startswith("05.01-")
    assert card.identity.name == "刘芳" and card.appended_address.startswith("浙江省杭州市余杭区")
    assert len(card.photo_wlt) == 1024
    reader.close()
    assert lib.calls[-1] == ("close", 3)


def test_sdtapi_result_codes_become_typed_errors():
    with pytest.raises(DeviceUnavailable, match="未找到身份证阅读器"):
        vendor_dll.SdtApiReader(FakeSdtApi(ports=())).open()
    with pytest.raises(NoCard):
        vendor_dll.SdtApiReader(FakeSdtApi()).read_card()
    with pytest.raises(CardReadError, match="请重新放卡"):
        vendor_dll.SdtApiReader(FakeSdtApi(person=ROSTER[0], read_code=0x41)).read_card()
    with pytest.raises(DeviceUnavailable, match="模块未经授权"):
        vendor_dll.SdtApiReader(FakeSdtApi(person=ROSTER[0], read_code=0x66)).read_card()
    configured = FakeSdtApi(ports=(1005,), person=ROSTER[0])
    vendor_dll.SdtApiReader(configured, port=1005).open()
    assert [p for op, p in configured.calls if op == "open"] == [1005]


class FakeTermb:
    STRINGS = {"GetPeopleName": "王建国", "GetPeopleSex": "男", "GetPeopleNation": "回", "GetPeopleBirthday": "19521101",
               "GetPeopleAddress": "浙江省杭州市上城区解放路128号", "GetPeopleIDCode": "330102195211010178",
               "GetDepartment": "杭州市公安局上城分局", "GetStartDate": "20120920", "GetEndDate": "长期",
               "GetCertType": " "}

    def __init__(self, card=True):
        self.card = card

    def CVR_InitComm(self, port):
        return 1 if port == 1001 else 0

    def CVR_Authenticate(self):
        return 1 if self.card else 2

    def CVR_Read_Content(self, n):
        return 1

    def __getattr__(self, name):
        if name in self.STRINGS:
            def getter(buf, length):
                _fill(buf, self.STRINGS[name].encode("gbk") + b"\0")
                length.contents.value = len(self.STRINGS[name].encode("gbk"))
                return 1
            return getter
        raise AttributeError(name)

    def GetBMPData(self, buf, length):
        _fill(buf, b"BM" + bytes(60))
        length.contents.value = 62
        return 1

    def CVR_CloseComm(self):
        return 1


def test_termb_builds_the_identity_from_gbk_strings():
    reader = vendor_dll.TermbReader(FakeTermb())
    card = reader.read_card()
    i = card.identity
    assert (i.name, i.sex, i.nation, i.birth_date, i.long_term) == ("王建国", Sex.MALE, "回", date(1952, 11, 1), True)
    assert i.issuing_authority == "杭州市公安局上城分局" and card.photo_image.startswith(b"BM")
    assert reader.port == 1001
    with pytest.raises(NoCard):
        vendor_dll.TermbReader(FakeTermb(card=False)).read_card()


class FakeSyn:
    def Syn_OpenPort(self, port):
        return 0

    def Syn_StartFindIDCard(self, port, buf, if_open):
        return 0

    def Syn_SelectIDCard(self, port, buf, if_open):
        return 0

    def Syn_ReadMsg(self, port, if_open, data_pointer):
        data = data_pointer.contents
        for field, value in (("Name", "李秀英"), ("Sex", "女"), ("Nation", "汉"), ("Born", "1988-07-24"),
                             ("Address", "浙江省杭州市拱墅区湖墅南路356号"), ("IDCardNo", "330105198807240428"),
                             ("GrantDept", "杭州市公安局拱墅分局"), ("UserLifeBegin", "2018.03.15"),
                             ("UserLifeEnd", "2038.03.15")):
            setattr(data, field, value.encode("gbk"))
        return 0

    def Syn_ClosePort(self, port):
        return 0


def test_syn_reads_its_structure():
    assert ctypes.sizeof(vendor_dll.SynIdCardData) == 32 + 6 + 20 + 18 + 72 + 38 + 32 + 18 + 18 + 38 + 255
    card = vendor_dll.SynReader(FakeSyn()).read_card()
    i = card.identity
    assert (i.name, i.sex, i.birth_date, i.valid_to) == ("李秀英", Sex.FEMALE, date(1988, 7, 24), date(2038, 3, 15))
    assert i.card_type is CardType.RESIDENT and i.warnings(date(2026, 11, 24)) == []


def _pe(machine: int) -> bytes:
    head = bytearray(512)
    head[:2] = b"MZ"
    head[0x3C:0x40] = struct.pack("<I", 0x80)
    head[0x80:0x86] = b"PE\0\0" + struct.pack("<H", machine)
    return bytes(head)


def test_dll_bitness_is_read_from_its_header(tmp_path):
    x86, x64, text = tmp_path / "a.dll", tmp_path / "b.dll", tmp_path / "c.dll"
    x86.write_bytes(_pe(0x14C))
    x64.write_bytes(_pe(0x8664))
    text.write_bytes(b"not a dll at all")
    assert vendor_dll.dll_machine(x86) == "x86" and vendor_dll.dll_machine(x64) == "x64"
    with pytest.raises(DeviceUnavailable, match="不是有效的 DLL"):
        vendor_dll.dll_machine(text)


def test_a_32_bit_dll_is_reached_through_the_helper(tmp_path, monkeypatch):
    from app.config.paths import Profile
    from app.config.settings import Settings
    from app.devices import registry

    dll = tmp_path / "sdtapi.dll"
    dll.write_bytes(_pe(0x14C if vendor_dll.process_machine() == "x64" else 0x8664))
    reader = registry.make_idcard_reader(Settings(idcard_driver="sdtapi", idcard_dll=str(dll), idcard_port="1001"),
                                         Profile.PRODUCTION, resources_dir())
    assert isinstance(reader, HelperProcessReader)
    assert reader.command[-6:] == ["--api", "sdtapi", "--dll", str(dll), "--port", "1001"]
    with pytest.raises(DeviceUnavailable, match="应为数字"):
        registry.make_idcard_reader(Settings(idcard_driver="sdtapi", idcard_port="COM3"), Profile.PRODUCTION,
                                    resources_dir())


@pytest.mark.skipif(sys.platform == "win32", reason="checks the refusal on other systems")
def test_dlls_are_loaded_only_on_windows(tmp_path):
    with pytest.raises(DeviceUnavailable, match="只能在 Windows"):
        vendor_dll.make_dll_reader("sdtapi", tmp_path / "sdtapi.dll")


# --- the helper process, for real --------------------------------------------------------------------


@pytest.fixture
def helper():
    reader = HelperProcessReader([sys.executable, "-m", "app.devices.idcard.dll_helper", "--api", "simulator",
                                  "--roster", str(resources_dir())])
    yield reader
    reader.close()


def test_helper_process_reads_cards_over_json_lines(helper):
    helper.open()
    assert helper.name == "模拟身份证阅读器"
    with pytest.raises(NoCard):
        helper.read_card()
    helper.request("present", index=7)
    card = helper.read_card()
    assert card.identity.card_type is CardType.HMT_RESIDENCE and card.identity.pass_number == "H60214587"
    assert card.photo_wlt == photo_for(ROSTER[7])
    helper.request("present", index=10)
    with pytest.raises(CardReadError, match="请重新放卡"):
        helper.read_card()


def test_helper_process_is_restarted_after_it_dies(helper):
    helper.open()
    first = helper._process
    first.kill()
    first.wait()
    with pytest.raises(NoCard):                 # a fresh helper answered
        helper.read_card()
    assert helper._process is not first and helper._process.poll() is None


def test_a_helper_dying_mid_request_is_reported():
    reader = HelperProcessReader([sys.executable, "-c", "import sys; sys.stdin.readline()"])
    with pytest.raises(DeviceUnavailable, match="已退出"):
        reader.read_card()
    reader.close()


def test_a_missing_helper_is_a_clear_message(tmp_path):
    reader = HelperProcessReader([str(tmp_path / "zongchuang-idcard32.exe")])
    with pytest.raises(DeviceUnavailable, match="无法启动身份证阅读器接口程序"):
        reader.open()


def test_card_wire_format_round_trips():
    from app.devices.idcard.simulator import SimulatedIdCardReader

    reader = SimulatedIdCardReader(ROSTER)
    reader.present(9)
    card = reader.read_card()
    assert card_from_wire(card_to_wire(card)) == card
