"""SAM readers on a serial port (RS-232, or USB presenting a virtual COM port), with auto-detection."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import serial
from serial.tools import list_ports

from app.devices.errors import CardReadError, DeviceUnavailable
from app.devices.idcard import sam_frame as sf
from app.devices.idcard.sam_reader import SamReader
from app.i18n import _

log = logging.getLogger(__name__)

BAUD_RATES = (115200, 57600, 38400, 19200, 9600)


class SerialTransport:
    """8N1 raw bytes over pyserial."""

    def __init__(self, port: str, baudrate: int = 115200):
        try:
            self.serial = serial.Serial(port, baudrate=baudrate, bytesize=8, parity="N", stopbits=1,
                                        timeout=0.5, write_timeout=1.0)
        except (serial.SerialException, OSError, ValueError) as e:
            log.info("cannot open %s: %s", port, e)
            raise DeviceUnavailable(_("无法打开串口 {port}，请检查阅读器连接或端口设置").format(port=port)) from e
        self.port = port

    def write(self, data: bytes) -> None:
        try:
            self.serial.write(data)
            self.serial.flush()
        except (serial.SerialException, OSError) as e:
            raise DeviceUnavailable(_("串口 {port} 写入失败，阅读器可能已拔出").format(port=self.port)) from e

    def read(self, size: int, timeout: float) -> bytes:
        try:
            self.serial.timeout = max(timeout, 0.001)
            return self.serial.read(size)
        except (serial.SerialException, OSError) as e:
            raise DeviceUnavailable(_("串口 {port} 读取失败，阅读器可能已拔出").format(port=self.port)) from e

    def discard_input(self) -> None:
        try:
            self.serial.reset_input_buffer()
        except (serial.SerialException, OSError) as e:
            raise DeviceUnavailable(_("串口 {port} 不可用，阅读器可能已拔出").format(port=self.port)) from e

    def close(self) -> None:
        self.serial.close()


class SerialSamReader(SamReader):
    """A SAM reader on one serial port; opens the port on first use and reopens after a fault."""

    def __init__(self, port: str, baudrate: int = 115200):
        super().__init__(None, name=_("身份证阅读器（{port}）").format(port=port))
        self.port, self.baudrate = port, baudrate

    def open(self) -> None:
        if self.transport is None:
            self.transport = SerialTransport(self.port, self.baudrate)
        try:
            super().open()
        except DeviceUnavailable:
            self.close()
            raise

    def close(self) -> None:
        super().close()
        self.transport = None


@dataclass(frozen=True)
class PortCandidate:
    device: str
    description: str


def serial_ports() -> list[PortCandidate]:
    """Every serial port the system knows, USB virtual COM ports first."""
    ports = sorted(list_ports.comports(), key=lambda p: (p.vid is None, p.device))
    return [PortCandidate(p.device, p.description or "") for p in ports]


@dataclass(frozen=True)
class DetectedReader:
    port: str
    baudrate: int
    module_id: str


def probe(port: str, baudrate: int) -> DetectedReader | None:
    """Whether a SAM module answers on this port at this speed."""
    try:
        reader = SerialSamReader(port, baudrate)
        try:
            reader.open()
            return DetectedReader(port, baudrate, reader.module_id)
        finally:
            reader.close()
    except (DeviceUnavailable, CardReadError, sf.FrameError) as e:
        log.debug("no SAM module on %s at %d: %s", port, baudrate, e)
        return None


def detect(ports: list[str] | None = None, baud_rates: tuple[int, ...] = BAUD_RATES) -> DetectedReader | None:
    """The first port and speed at which a SAM module answers (ports default to all serial ports)."""
    for port in ports if ports is not None else [p.device for p in serial_ports()]:
        for baud in baud_rates:
            found = probe(port, baud)
            if found:
                log.info("SAM reader found on %s at %d baud", port, baud)
                return found
    return None


class AutoDetectSamReader(SamReader):
    """The configured port and speed, or the first that answers; detection runs on first open (off the GUI)."""

    def __init__(self, port: str = "", baudrate: int = 0):
        super().__init__(None, name=_("身份证阅读器（串口）"))
        self.port, self.baudrate = port, baudrate
        self._reader: SerialSamReader | None = None

    def open(self) -> None:
        if self._reader is None:
            bauds = (self.baudrate,) if self.baudrate else BAUD_RATES
            found = detect([self.port] if self.port else None, bauds)
            if found is None:
                where = _("串口 {port}").format(port=self.port) if self.port else _("所有串口")
                raise DeviceUnavailable(_("未找到身份证阅读器（已检测{where}）").format(where=where))
            self._reader = SerialSamReader(found.port, found.baudrate)
            self.name = _("身份证阅读器（{port}，{baudrate}）").format(port=found.port, baudrate=found.baudrate)
        self._reader.open()
        self.module_id = self._reader.module_id

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    def read_card(self, on_found=None, with_fingerprint: bool = False):
        self.open()
        return self._reader.read_card(on_found, with_fingerprint)
