"""The queue at this window: take a ticket, call the next one, finish it. Works offline."""

from __future__ import annotations

from app.domain.queue import Ticket, TicketState
from app.services.clock import Clock
from app.services.workers import Workers, runs_on
from app.store.tickets import TicketRepository


class QueueService:
    def __init__(self, tickets: TicketRepository, prefix: str, window: str, clock: Clock, workers: Workers):
        self._tickets, self._prefix, self._window, self._clock = tickets, prefix, window, clock
        self.workers = workers
        self.current: Ticket | None = None

    @runs_on("db")
    def take_ticket(self, priority: bool = False, category: str = "综合") -> Ticket:
        return self._tickets.take(self._prefix, category, priority, self._clock())

    @runs_on("read")
    def waiting(self) -> list[Ticket]:
        return self._tickets.waiting(self._clock().date())

    @runs_on("db")
    def call_next(self) -> Ticket | None:
        """Finish the current ticket (if any) and call the next one."""
        if self.current is not None:
            self._tickets.finish(self.current.id, TicketState.DONE)
        self.current = self._tickets.call_next(self._clock().date(), self._window, self._clock())
        return self.current

    @runs_on("db")
    def mark_no_show(self) -> None:
        if self.current is not None:
            self._tickets.finish(self.current.id, TicketState.NO_SHOW)
            self.current = None
