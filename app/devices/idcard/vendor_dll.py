"""Readers driven through their vendor's DLL (Windows, stdcall): sdtapi.dll, termb.dll, the Syn API.

Each driver takes the loaded library as an object whose attributes are the DLL's functions, so all
of the call sequence, port scan and decoding runs (and is tested) without the DLL itself. Many of
these DLLs are 32-bit only: a 64-bit app reaches them through the helper process in `dll_helper`.
"""

from __future__ import annotations

import ctypes
import logging
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from app.devices.errors import CardReadError, DeviceUnavailable, NoCard
from app.devices.idcard import sam_frame as sf
from app.devices.idcard.base import CardRead
from app.devices.idcard.sam_reader import expect_outcome
from app.devices.idcard.text_block import LONG_TERM, decode_appended_address, decode_text_block
from app.domain.identity import NATIONS, CardType, Identity, Sex, card_date
from app.i18n import _

log = logging.getLogger(__name__)

USB_PORTS = tuple(range(1001, 1017))
SERIAL_PORTS = tuple(range(1, 17))
APIS = ("sdtapi", "termb", "syn")
DEFAULT_DLL = {"sdtapi": "sdtapi.dll", "termb": "termb.dll", "syn": "SynIDCardAPI.dll"}


def find_port(configured: int, opens: Callable[[int], bool]) -> int:
    """The configured port, or the first of USB 1001–1016 then serial 1–16 that the DLL opens."""
    for port in (configured,) if configured else USB_PORTS + SERIAL_PORTS:
        if opens(port):
            return port
    raise DeviceUnavailable(_("未找到身份证阅读器（已扫描 USB 1001–1016 和串口 1–16）"))


def dll_machine(path: Path) -> str:
    """'x86' or 'x64' from a DLL's PE header (which Python, 32- or 64-bit, can load it)."""
    with open(path, "rb") as f:
        head = f.read(4096)
    if head[:2] != b"MZ" or len(head) < 0x40:
        raise DeviceUnavailable(_("{name} 不是有效的 DLL 文件").format(name=path.name))
    pe = int.from_bytes(head[0x3C:0x40], "little")
    if head[pe:pe + 4] != b"PE\0\0":
        raise DeviceUnavailable(_("{name} 不是有效的 DLL 文件").format(name=path.name))
    machine = int.from_bytes(head[pe + 4:pe + 6], "little")
    return {0x14C: "x86", 0x8664: "x64"}.get(machine, f"0x{machine:04X}")


def process_machine() -> str:
    return "x64" if sys.maxsize > 2**32 else "x86"


def load_library(path: Path):
    """The DLL with stdcall functions; only on Windows."""
    if os.name != "nt":
        raise DeviceUnavailable(_("厂家动态库只能在 Windows 上使用"))
    try:
        return ctypes.WinDLL(str(path))
    except OSError as e:
        log.warning("cannot load %s: %s", path, e)
        raise DeviceUnavailable(_("无法加载 {name}：请确认已安装阅读器驱动，且与本程序位数一致").format(name=path.name)) from e


def _uint():
    return ctypes.pointer(ctypes.c_uint(0))


class SdtApiReader:
    """sdtapi.dll: the SAM's own result codes come back from every call."""

    def __init__(self, lib, port: int = 0):
        self.lib, self.configured_port = lib, port
        self.port = 0
        self.name = _("身份证阅读器（sdtapi）")
        self.module_id = ""

    def open(self) -> None:
        if self.port:
            return
        self.port = find_port(self.configured_port, lambda port: self.lib.SDT_OpenPort(port) == sf.SUCCESS)
        buf = ctypes.create_string_buffer(128)
        if self.lib.SDT_GetSAMIDToStr(self.port, buf, 1) == sf.SUCCESS:
            self.module_id = buf.value.decode("ascii", errors="replace")
        self.name = _("身份证阅读器（sdtapi，端口 {port}）").format(port=self.port)

    def close(self) -> None:
        if self.port:
            self.lib.SDT_ClosePort(self.port)
            self.port = 0

    def _call(self, code: int, wanted: sf.Outcome, step: str) -> None:
        expect_outcome(sf.Response(0, 0, code & 0xFF, b""), wanted, step)

    def read_card(self, on_found: Callable[[], None] | None = None) -> CardRead:
        self.open()
        scratch = ctypes.create_string_buffer(16)
        self._call(self.lib.SDT_StartFindIDCard(self.port, scratch, 1), sf.Outcome.FOUND, _("寻卡"))
        if on_found:
            on_found()
        self._call(self.lib.SDT_SelectIDCard(self.port, scratch, 1), sf.Outcome.SUCCESS, _("选卡"))
        text, text_len = ctypes.create_string_buffer(256), _uint()
        photo, photo_len = ctypes.create_string_buffer(1024), _uint()
        self._call(self.lib.SDT_ReadBaseMsg(self.port, text, text_len, photo, photo_len, 1), sf.Outcome.SUCCESS, _("读卡"))
        try:
            identity = decode_text_block(text.raw[:text_len.contents.value])
        except sf.FrameError as e:
            raise CardReadError(_("证件信息无法识别，请重新放卡或手工录入")) from e
        extra, extra_len = ctypes.create_string_buffer(70), _uint()
        address = ""
        if self.lib.SDT_ReadNewAppMsg(self.port, extra, extra_len, 1) == sf.SUCCESS:
            address = decode_appended_address(extra.raw[:extra_len.contents.value])
        return CardRead(identity, photo.raw[:photo_len.contents.value], address)


def _gbk(buf) -> str:
    return buf.value.decode("gbk", errors="replace").strip()


def parse_dll_date(text: str) -> date | None:
    """YYYYMMDD, with or without separators (1988-07-24, 2018.03.15)."""
    return card_date("".join(ch for ch in text if ch.isdigit()))


_NATION_CODES = {name: code for code, name in NATIONS.items()}
_CERT_TYPES = {"J": CardType.HMT_RESIDENCE, "I": CardType.FOREIGNER_OLD, "Y": CardType.FOREIGNER_2023}


def identity_from_strings(values: dict[str, str], card_type: CardType = CardType.RESIDENT) -> Identity:
    """An identity from the decoded strings DLLs such as termb and Syn return."""
    nation = values.get("nation", "").removesuffix("族")
    if nation.isdigit():
        nation = NATIONS.get(nation.zfill(2), "")
    end = values.get("valid_to", "")
    sex = values.get("sex", "")
    return Identity(
        name=values.get("name", ""), id_number=values.get("id", "").upper(),
        sex=Sex.of_code(sex),
        nation=nation if nation in _NATION_CODES else "", birth_date=parse_dll_date(values.get("birth", "")),
        address=values.get("address", ""), issuing_authority=values.get("authority", ""),
        valid_from=parse_dll_date(values.get("valid_from", "")), valid_to=parse_dll_date(end),
        long_term=LONG_TERM in end, card_type=card_type,
    )


class TermbReader:
    """termb.dll (华视 CVR-100 family): 1 means success; getters return GB2312 strings and a decoded photo."""

    GETTERS = {"name": "GetPeopleName", "sex": "GetPeopleSex", "nation": "GetPeopleNation",
               "birth": "GetPeopleBirthday", "address": "GetPeopleAddress", "id": "GetPeopleIDCode",
               "authority": "GetDepartment", "valid_from": "GetStartDate", "valid_to": "GetEndDate"}

    def __init__(self, lib, port: int = 0):
        self.lib, self.configured_port = lib, port
        self.port = 0
        self.name = _("身份证阅读器（termb）")

    def open(self) -> None:
        if self.port:
            return
        self.port = find_port(self.configured_port, lambda port: self.lib.CVR_InitComm(port) == 1)
        self.name = _("身份证阅读器（termb，端口 {port}）").format(port=self.port)

    def close(self) -> None:
        if self.port:
            self.lib.CVR_CloseComm()
            self.port = 0

    def _string(self, getter: str) -> str:
        buf, length = ctypes.create_string_buffer(256), ctypes.pointer(ctypes.c_int(256))
        getattr(self.lib, getter)(buf, length)
        return _gbk(buf)

    def read_card(self, on_found: Callable[[], None] | None = None) -> CardRead:
        self.open()
        if self.lib.CVR_Authenticate() != 1:
            raise NoCard()
        if on_found:
            on_found()
        if self.lib.CVR_Read_Content(4) != 1:
            raise CardReadError(_("读卡失败，请重新放卡"))
        values = {key: self._string(getter) for key, getter in self.GETTERS.items()}
        card_type = _CERT_TYPES.get(self._string("GetCertType").strip().upper(), CardType.RESIDENT)
        photo, length = ctypes.create_string_buffer(65536), ctypes.pointer(ctypes.c_int(65536))
        image = photo.raw[:length.contents.value] if self.lib.GetBMPData(photo, length) == 1 else b""
        return CardRead(identity_from_strings(values, card_type), b"", photo_image=image)


class SynIdCardData(ctypes.Structure):
    """The Syn API's IDCardData (GBK strings), as its SDK header declares it."""

    _fields_ = [("Name", ctypes.c_char * 32), ("Sex", ctypes.c_char * 6), ("Nation", ctypes.c_char * 20),
                ("Born", ctypes.c_char * 18), ("Address", ctypes.c_char * 72), ("IDCardNo", ctypes.c_char * 38),
                ("GrantDept", ctypes.c_char * 32), ("UserLifeBegin", ctypes.c_char * 18),
                ("UserLifeEnd", ctypes.c_char * 18), ("reserved", ctypes.c_char * 38),
                ("PhotoFileName", ctypes.c_char * 255)]


class SynReader:
    """SynIDCardAPI (神思): 0 means success; Syn_ReadMsg fills an IDCardData structure."""

    def __init__(self, lib, port: int = 0):
        self.lib, self.configured_port = lib, port
        self.port = 0
        self.name = _("身份证阅读器（Syn）")

    def open(self) -> None:
        if self.port:
            return
        self.port = find_port(self.configured_port, lambda port: self.lib.Syn_OpenPort(port) == 0)
        self.name = _("身份证阅读器（Syn，端口 {port}）").format(port=self.port)

    def close(self) -> None:
        if self.port:
            self.lib.Syn_ClosePort(self.port)
            self.port = 0

    def read_card(self, on_found: Callable[[], None] | None = None) -> CardRead:
        self.open()
        scratch = ctypes.create_string_buffer(16)
        if self.lib.Syn_StartFindIDCard(self.port, scratch, 0) != 0:
            raise NoCard()
        if on_found:
            on_found()
        if self.lib.Syn_SelectIDCard(self.port, scratch, 0) != 0:
            raise CardReadError(_("选卡失败，请重新放卡"))
        data = SynIdCardData()
        if self.lib.Syn_ReadMsg(self.port, 0, ctypes.pointer(data)) != 0:
            raise CardReadError(_("读卡失败，请重新放卡"))
        values = {"name": data.Name, "sex": data.Sex, "nation": data.Nation, "birth": data.Born,
                  "address": data.Address, "id": data.IDCardNo, "authority": data.GrantDept,
                  "valid_from": data.UserLifeBegin, "valid_to": data.UserLifeEnd}
        return CardRead(identity_from_strings({k: v.decode("gbk", errors="replace").strip() for k, v in values.items()}),
                        b"")


DRIVERS = {"sdtapi": SdtApiReader, "termb": TermbReader, "syn": SynReader}


def make_dll_reader(api: str, dll_path: Path, port: int = 0):
    """A driver for the vendor DLL, loaded in this process (the DLL must match this process's bits)."""
    if api not in DRIVERS:
        raise DeviceUnavailable(_("不支持的厂家接口“{api}”，可选：{apis}").format(api=api, apis=_('、').join(APIS)))
    return DRIVERS[api](load_library(dll_path), port)
