"""One wrapper for every background operation: start a service operation on the executor the service
declared, guard against double clicks, deliver the result (or a clerk-facing error) back on the GUI thread.
The window never picks a worker."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget
from shiboken6 import isValid

from app.services.errors import clerk_message
from app.services.workers import submit

log = logging.getLogger(__name__)


class _Relay(QObject):
    done = Signal(object, object)   # result, error


class Operations(QObject):
    """Tracks running operations of a window; `busy_changed` lets the UI (and tests) see when it is idle."""

    busy_changed = Signal(bool)

    def __init__(self, on_error: Callable[[str], None], parent: QObject | None = None):
        super().__init__(parent)
        self._on_error = on_error
        self._running: set[_Relay] = set()

    @property
    def idle(self) -> bool:
        return not self._running

    def run(self, operation: Callable[..., object], *args,
            on_success: Callable[[object], None] | None = None,
            on_failure: Callable[[str], None] | None = None,
            disable: Iterable[QWidget] = (), **kwargs) -> None:
        """Run `operation(*args, **kwargs)` — a service method (@runs_on) — and call `on_success(result)`, or
        `on_failure(message)` with the clerk's sentence (which is also shown in the window)."""
        widgets = [w for w in disable if w.isEnabled()]
        for w in widgets:
            w.setEnabled(False)
        relay = _Relay()
        self._running.add(relay)
        if len(self._running) == 1:
            self.busy_changed.emit(True)

        def release() -> None:
            self._running.discard(relay)
            for w in widgets:
                if isValid(w):
                    w.setEnabled(True)

        def finish(result, error):
            relay.done.disconnect(finish)   # the connection and the closure hold each other: break it
            relay.deleteLater()
            if not isValid(self):           # the window closed while the work ran: nobody to tell
                log.info("operation finished after its window closed")
                return
            release()
            try:
                if error is None:
                    if on_success:
                        on_success(result)
                else:
                    message = clerk_message(error)
                    if on_failure:
                        on_failure(message)
                    self._on_error(message)
            finally:
                if not self._running:
                    self.busy_changed.emit(False)

        relay.done.connect(finish)

        def deliver(future):
            error = future.exception()
            relay.done.emit(None if error else future.result(), error)

        try:
            future = submit(operation, *args, **kwargs)
        except RuntimeError:            # the workers are shut down: the window is closing
            log.info("operation dropped: workers are shut down")
            release()
            if not self._running:
                self.busy_changed.emit(False)
            return
        future.add_done_callback(deliver)
