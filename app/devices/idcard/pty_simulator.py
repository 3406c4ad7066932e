"""The simulated SAM module behind a pseudo-terminal: a serial port the real serial driver opens (POSIX).

The slave side is the "port"; the module serves frames on the master side. Like a real line, a
reader opened at another speed than the module's receives garbage, which is what auto-detection
has to cope with.
"""

from __future__ import annotations

import os
import select
import termios
import threading
import tty

from app.devices.idcard import sam_frame as sf
from app.devices.idcard.simulator import SimulatedSamModule

_SPEEDS = {getattr(termios, f"B{b}"): b for b in (9600, 19200, 38400, 57600, 115200)}


class PtySamSimulator:
    def __init__(self, module: SimulatedSamModule, baudrate: int = 115200):
        self.module, self.baudrate = module, baudrate
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)
        self.port = os.ttyname(self._slave)
        self._buffer = b""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="pty-sam", daemon=True)
        self.requests: list[bytes] = []   # every whole frame received, for tests to inspect

    def __enter__(self) -> PtySamSimulator:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        for fd in (self._master, self._slave):
            try:
                os.close(fd)
            except OSError:
                pass

    def _line_speed(self) -> int | None:
        return _SPEEDS.get(termios.tcgetattr(self._master)[5])

    def _serve(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self._master], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(self._master, 4096)
            except OSError:
                return
            if self._line_speed() != self.baudrate:
                os.write(self._master, bytes(b ^ 0x5A for b in chunk[:8]))   # what a mismatched UART hears
                continue
            self._buffer += chunk
            for frame in self._frames():
                self.requests.append(frame)
                answer = self.module.handle(frame)
                if answer:
                    os.write(self._master, answer)

    def _frames(self):
        while True:
            at = self._buffer.find(sf.PREAMBLE)
            if at < 0:
                self._buffer = self._buffer[-(len(sf.PREAMBLE) - 1):]
                return
            self._buffer = self._buffer[at:]
            if len(self._buffer) < 7:
                return
            total = sf.frame_length(self._buffer)
            if len(self._buffer) < total:
                return
            frame, self._buffer = self._buffer[:total], self._buffer[total:]
            yield frame
