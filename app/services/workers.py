"""The executors slow work runs on: one single worker per non-thread-safe resource, a small CPU pool."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field


def _single(name: str) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)


@dataclass
class Workers:
    db: ThreadPoolExecutor = field(default_factory=lambda: _single("db"))
    idcard: ThreadPoolExecutor = field(default_factory=lambda: _single("idcard"))
    camera: ThreadPoolExecutor = field(default_factory=lambda: _single("camera"))
    printer: ThreadPoolExecutor = field(default_factory=lambda: _single("printer"))
    cpu: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(2, thread_name_prefix="cpu"))

    def shutdown(self) -> None:
        for ex in (self.db, self.idcard, self.camera, self.printer, self.cpu):
            ex.shutdown(wait=True, cancel_futures=True)
