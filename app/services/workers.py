"""The executors slow work runs on, and how a service method says which one it runs on.

One single worker per non-thread-safe resource (the database writer, the ID-card reader, the camera,
the printer), one worker for database reads (SQLite WAL lets them run beside the writer), a small
pool below normal priority for image and PDF work, and one worker for the training scenarios' scripted
steps (they call the other services and wait for them, so they never run on a worker those need).

A service method declares its executor with `@runs_on("db")`. Called from any other thread it runs
there and the caller waits for the result (the scripted runner, the CLI, tests); called on its own
executor it simply runs. The window starts it with `submit(method, ...)` and is told when it is done.
So the service, not the caller, decides the thread.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypeVar

from app.threads import lower_priority

P = ParamSpec("P")
R = TypeVar("R")

WORKERS = ("db", "read", "idcard", "camera", "printer", "cpu", "script")
_current = threading.local()


class Executor(ThreadPoolExecutor):
    """A thread pool whose threads know which pool they belong to."""

    def __init__(self, name: str, threads: int = 1, background: bool = False):
        self.name = name
        super().__init__(threads, thread_name_prefix=name, initializer=self._mark, initargs=(background,))

    def _mark(self, background: bool) -> None:
        _current.executor = self
        if background:
            lower_priority()

    @property
    def is_current(self) -> bool:
        return getattr(_current, "executor", None) is self


def current_executor() -> Executor | None:
    return getattr(_current, "executor", None)


@dataclass
class Workers:
    db: Executor = field(default_factory=lambda: Executor("db"))
    read: Executor = field(default_factory=lambda: Executor("read"))
    idcard: Executor = field(default_factory=lambda: Executor("idcard"))
    camera: Executor = field(default_factory=lambda: Executor("camera", background=True))
    printer: Executor = field(default_factory=lambda: Executor("printer"))
    cpu: Executor = field(default_factory=lambda: Executor("cpu", 2, background=True))
    script: Executor = field(default_factory=lambda: Executor("script"))

    def get(self, name: str) -> Executor:
        return getattr(self, name)

    def shutdown(self) -> None:
        for name in WORKERS:
            self.get(name).shutdown(wait=True, cancel_futures=True)


class WrongThread(RuntimeError):
    """The database writer would wait on another worker: a design error that could deadlock (the others
    wait on the writer). The writer runs reads itself."""


def _executor_of(method: Any) -> Executor:
    worker = getattr(method, "worker", None)
    owner = getattr(method, "__self__", None)
    if worker is None or owner is None:
        raise TypeError(f"{getattr(method, '__qualname__', method)!r} is not a service operation (@runs_on)")
    return owner.workers.get(worker)


def runs_on(worker: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Declare the executor a service method runs on (its object has a `workers` attribute)."""
    if worker not in WORKERS:
        raise ValueError(worker)

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def call(self, *args, **kwargs):
            executor = self.workers.get(worker)
            here = current_executor()
            if executor.is_current or (worker == "read" and here is self.workers.db):
                return fn(self, *args, **kwargs)        # the writer reads for itself
            if here is self.workers.db:
                raise WrongThread(f"{fn.__qualname__} would make the database writer wait on '{worker}'")
            return executor.submit(fn, self, *args, **kwargs).result()

        call.worker = worker
        return call

    return decorate


def submit(operation: Callable[..., R], *args, **kwargs) -> Future[R]:
    """Start a service operation on its executor without waiting (for the window)."""
    return _executor_of(operation).submit(operation, *args, **kwargs)

