"""A reader driven through the SAM frame protocol over any byte transport (serial port, simulator)."""

from __future__ import annotations

import logging
from typing import Protocol

from app.devices.errors import CardReadError, DeviceUnavailable, NoCard
from app.devices.idcard import sam_frame as sf
from app.devices.idcard.base import CardRead
from app.devices.idcard.text_block import decode_appended_address, decode_text_block

log = logging.getLogger(__name__)

TIMEOUTS = {sf.RESET: 0.3, sf.FIND_CARD: 0.5, sf.SELECT_CARD: 0.5, sf.READ_TEXT_PHOTO: 3.5,
            sf.READ_APPENDED_ADDRESS: 1.0, sf.STATUS: 0.5, sf.READ_MODULE_ID: 0.5}


class Transport(Protocol):
    def write(self, data: bytes) -> None: ...

    def read(self, size: int, timeout: float) -> bytes:
        """Up to `size` bytes, fewer when the timeout passes."""


class SamReader:
    """find → select → read over the frame protocol; every byte passes through the real decoder."""

    def __init__(self, transport: Transport, name: str = "身份证阅读器"):
        self.transport = transport
        self.name = name

    def open(self) -> None:
        status = self._command(sf.STATUS)
        if status.sw3 != sf.SUCCESS:
            raise DeviceUnavailable(f"身份证阅读器模块异常：{status.message}")

    def close(self) -> None:
        close = getattr(self.transport, "close", None)
        if close:
            close()

    def _command(self, command: tuple[int, int], data: bytes = b"") -> sf.Response:
        timeout = TIMEOUTS.get(command, 1.0)
        self.transport.write(sf.encode_request(command, data))
        header = self.transport.read(7, timeout)
        if len(header) < 7:
            raise DeviceUnavailable("身份证阅读器无响应，请检查连接线")
        try:
            rest = self.transport.read(sf.frame_length(header) - 7, timeout)
            return sf.decode_response(header + rest)
        except sf.FrameError as e:
            log.warning("bad frame from the reader: %s", e)
            raise CardReadError("读卡数据校验失败，请重新放卡") from e

    def read_card(self) -> CardRead:
        found = self._command(sf.FIND_CARD)
        if found.sw3 == 0x80:
            raise NoCard()
        if found.sw3 != sf.FIND_SUCCESS:
            raise CardReadError(f"寻卡失败：{found.message}")
        selected = self._command(sf.SELECT_CARD)
        if selected.sw3 != sf.SUCCESS:
            raise CardReadError(f"选卡失败：{selected.message}，请重新放卡")
        read = self._command(sf.READ_TEXT_PHOTO)
        if read.sw3 != sf.SUCCESS:
            raise CardReadError(f"读卡失败：{read.message}，请重新放卡")
        try:
            text, photo = sf.split_text_photo(read.data)
            identity = decode_text_block(text)
        except sf.FrameError as e:
            log.warning("undecodable card data: %s", e)
            raise CardReadError("证件信息无法识别，请手工录入") from e
        appended = self._command(sf.READ_APPENDED_ADDRESS)
        address = decode_appended_address(appended.data) if appended.sw3 == sf.SUCCESS else ""
        return CardRead(identity, photo, address)
