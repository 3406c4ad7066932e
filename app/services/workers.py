"""The executors slow work runs on: one single worker per non-thread-safe resource, a small CPU pool.

Image work (camera, CPU pool) runs below normal priority, so the GUI thread is never starved."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from app.threads import lower_priority


def _single(name: str, background: bool = False) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix=name,
                              initializer=lower_priority if background else None)


@dataclass
class Workers:
    db: ThreadPoolExecutor = field(default_factory=lambda: _single("db"))
    idcard: ThreadPoolExecutor = field(default_factory=lambda: _single("idcard"))
    camera: ThreadPoolExecutor = field(default_factory=lambda: _single("camera", background=True))
    printer: ThreadPoolExecutor = field(default_factory=lambda: _single("printer"))
    cpu: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(
        2, thread_name_prefix="cpu", initializer=lower_priority))

    def shutdown(self) -> None:
        for ex in (self.db, self.idcard, self.camera, self.printer, self.cpu):
            ex.shutdown(wait=True, cancel_futures=True)
