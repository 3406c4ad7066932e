"""Watching a reader: poll off the GUI thread, report each card once, follow the reader's state.

A card stays reported until a poll finds no card: certified modules refuse to find a card they have
just read until it is lifted, and readers that do find it again are de-duplicated by its number.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from enum import Enum

from app.devices.errors import CardReadError, DeviceUnavailable, NoCard
from app.devices.idcard.base import CardRead, IdCardReader
from app.domain.identity import mask_id_number
from app.i18n import _

log = logging.getLogger(__name__)

POLL_INTERVAL = 0.7        # seconds between polls while the reader answers
RECONNECT_INTERVAL = 3.0   # seconds between attempts to reach a missing reader


class ReaderState(Enum):
    CONNECTED = "connected"
    NO_READER = "no_reader"
    READING = "reading"
    ERROR = "error"

    @property
    def label(self) -> str:
        return {"connected": _("已连接"), "no_reader": _("未连接"), "reading": _("正在读卡"),
                "error": _("读卡失败")}[self.value]


@dataclass(frozen=True)
class WatchEvent:
    state: ReaderState
    message: str = ""
    card: CardRead | None = None     # set once per card laid on the reader
    polled: bool = False             # from background polling (not an explicit read)


class CardWatch:
    """Owns a reader: a polling thread and explicit reads (F2) share it under one lock."""

    def __init__(self, reader: IdCardReader, listener: Callable[[WatchEvent], None],
                 interval: float = POLL_INTERVAL, reconnect_interval: float = RECONNECT_INTERVAL,
                 executor: Executor | None = None):
        self.reader, self.listener = reader, listener
        self.executor = executor          # the reader's own worker: polls run there, beside explicit reads
        self.interval, self.reconnect_interval = interval, reconnect_interval
        self.state: ReaderState | None = None
        self._last_number: str | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- one step ------------------------------------------------------------------------------

    def poll_once(self) -> WatchEvent:
        """Try one read; returns (and reports) what happened."""
        with self._lock:
            return self._read(explicit=False)[0]

    def read_now(self) -> CardRead:
        """An explicit read: returns the card even if it was reported before; raises like the reader."""
        with self._lock:
            event, failure = self._read(explicit=True)
        if event.card is None:
            raise failure
        return event.card

    def _read(self, explicit: bool) -> tuple[WatchEvent, Exception | None]:
        try:
            self.reader.open()
            card = self.reader.read_card(on_found=lambda: self._emit(WatchEvent(ReaderState.READING, _("正在读卡…"))))
        except NoCard as e:
            self._last_number = None
            return self._emit(WatchEvent(ReaderState.CONNECTED, self.reader.name)), e
        except CardReadError as e:
            return self._emit(WatchEvent(ReaderState.ERROR, str(e), polled=not explicit), always=True), e
        except DeviceUnavailable as e:
            self._close_quietly()
            return self._emit(WatchEvent(ReaderState.NO_READER, str(e))), e
        number = card.identity.id_number
        if not explicit and number == self._last_number:
            return self._emit(WatchEvent(ReaderState.CONNECTED, self.reader.name)), None
        self._last_number = number
        log.info("card read: %s", mask_id_number(number))
        return self._emit(WatchEvent(ReaderState.CONNECTED, self.reader.name, card, not explicit), always=True), None

    def _emit(self, event: WatchEvent, always: bool = False) -> WatchEvent:
        changed = event.state is not self.state
        self.state = event.state
        if changed or always:
            try:
                self.listener(event)
            except Exception:
                log.exception("card watch listener failed")
        return event

    def _close_quietly(self) -> None:
        try:
            self.reader.close()
        except Exception:
            log.debug("closing the reader failed", exc_info=True)

    # --- the thread ----------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="idcard-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        with self._lock:
            self._close_quietly()

    @property
    def running(self) -> bool:
        return self._thread is not None

    def _poll(self) -> WatchEvent:
        if self.executor is None:
            return self.poll_once()
        try:
            return self.executor.submit(self.poll_once).result()
        except RuntimeError:              # the worker is shut down: the application is closing
            self._stop.set()
            return WatchEvent(ReaderState.NO_READER)

    def _run(self) -> None:
        while not self._stop.is_set():
            event = self._poll()
            wait = self.reconnect_interval if event.state is ReaderState.NO_READER else self.interval
            self._stop.wait(wait)
