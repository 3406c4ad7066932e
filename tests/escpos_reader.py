"""What a network thermal printer receives: a TCP listener on 127.0.0.1 and a reader of the ESC/POS
raster commands (GS v 0) and cuts (GS V) in the bytes."""

from __future__ import annotations

import os
import select
import socket
import threading
import tty

import numpy as np


class NetworkPrinterPort:
    """Listens like a printer's port 9100 and keeps every byte of every connection."""

    def __init__(self):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(4)
        self.received = bytearray()
        self.connections = 0
        self._job_ended = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def target(self) -> str:
        return f"tcp://127.0.0.1:{self.server.getsockname()[1]}"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            self.connections += 1
            with conn:
                while chunk := conn.recv(65536):
                    self.received.extend(chunk)
            self._job_ended.set()

    def job(self, timeout: float = 10) -> bytes:
        """Every byte of the first connection, once the printer's side has read it to the end: the
        driver closing its socket does not mean this side has read the last chunk yet."""
        if not self._job_ended.wait(timeout):
            raise AssertionError(f"the printer's connection did not end within {timeout} s")
        return bytes(self.received)

    def close(self) -> None:
        try:
            self.server.shutdown(socket.SHUT_RDWR)     # wakes the accepting thread; close alone would not
        except OSError:
            pass
        self.server.close()
        self._thread.join(timeout=5)


class SerialPrinterPort:
    """A pseudo-terminal standing in for a serial thermal printer: the driver opens the slave end with
    pyserial as it would COM3, and every byte written arrives here."""

    def __init__(self):
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)
        self.port = os.ttyname(self._slave)
        self.received = bytearray()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self._master], [], [], 0.05)
            if ready:
                try:
                    self.received.extend(os.read(self._master, 65536))
                except OSError:
                    return

    def drain(self, quiet: float = 0.3) -> bytes:
        """The bytes received once nothing more has arrived for `quiet` seconds."""
        size = -1
        while size != len(self.received):
            size = len(self.received)
            self._stop.wait(quiet)
        return bytes(self.received)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        for fd in (self._master, self._slave):
            try:
                os.close(fd)
            except OSError:
                pass


def raster_and_cuts(data: bytes) -> tuple[np.ndarray, int]:
    """The printed picture (True = a burnt dot), stacked from every GS v 0 block, and the number of cuts."""
    blocks, cuts, i = [], 0, 0
    while i < len(data):
        if data[i:i + 3] == b"\x1dv0":
            x_bytes = data[i + 4] | data[i + 5] << 8
            rows = data[i + 6] | data[i + 7] << 8
            size = x_bytes * rows
            bits = np.unpackbits(np.frombuffer(data[i + 8:i + 8 + size], np.uint8)).reshape(rows, x_bytes * 8)
            blocks.append(bits.astype(bool))
            i += 8 + size
        elif data[i:i + 2] == b"\x1dV":
            cuts += 1
            i += 3
        else:
            i += 1
    return (np.vstack(blocks) if blocks else np.zeros((0, 0), bool)), cuts
