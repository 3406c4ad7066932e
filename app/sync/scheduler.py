"""When to sync: now when asked, soon after new work or when the network returns, otherwise on a timer
that backs off exponentially (with jitter, so a room of workstations does not retry in step)."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


class Backoff:
    """Delays after consecutive failures: base·2ⁿ capped, each drawn from [½, 1] of that (jitter)."""

    def __init__(self, base: float = 5.0, cap: float = 600.0, rng: random.Random | None = None):
        self.base, self.cap, self.rng = base, cap, rng or random.Random()
        self.failures = 0

    def next_delay(self, at_least: float | None = None) -> float:
        ceiling = min(self.cap, self.base * 2 ** self.failures)
        self.failures += 1
        delay = self.rng.uniform(ceiling / 2, ceiling)
        return max(delay, at_least or 0.0)

    def reset(self) -> None:
        self.failures = 0


class SyncScheduler:
    """Runs `round_` (one sync round returning (ok, retry_after)) in an asyncio task, one at a time."""

    def __init__(self, round_: Callable[[], Awaitable[tuple[bool, float | None]]], *, interval: float = 120.0,
                 backoff: Backoff | None = None):
        self.round, self.interval = round_, interval
        self.backoff = backoff or Backoff()
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self.next_delay = 0.0

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._loop(), name="sync")

    def trigger(self) -> None:
        """Sync as soon as the current round (if any) ends."""
        self._wake.set()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    async def _loop(self) -> None:
        while True:
            self._wake.clear()
            try:
                ok, retry_after = await self.round()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("sync round failed unexpectedly")
                ok, retry_after = False, None
            if ok:
                self.backoff.reset()
                self.next_delay = self.interval
            else:
                self.next_delay = self.backoff.next_delay(retry_after)
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self.next_delay)
            except TimeoutError:
                pass
