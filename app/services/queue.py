"""The queue at this window: from the centre's hall service (one queue for all its windows) when one is set up,
otherwise — and whenever it cannot be reached — from this window's own queue, which works offline. Tickets this
window numbered and served on its own are told to the hall service once it answers again."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TypeVar

from app.domain.errors import DomainError
from app.domain.queue import Ticket, TicketState
from app.i18n import N_, _
from app.services.clock import Clock
from app.services.workers import Workers, runs_on
from app.store.tickets import TicketRepository
from app.sync.hall import HallClient, HallUnavailable

log = logging.getLogger(__name__)
T = TypeVar("T")

RETRY_AFTER = timedelta(seconds=30)      # after the hall failed to answer, the local queue for this long
OFFLINE = N_("叫号服务连接不上，已改用本窗口的本地排队（恢复后自动接回）。")


class QueueService:
    def __init__(self, tickets: TicketRepository, prefix: str, window: str, clock: Clock, workers: Workers,
                 hall: HallClient | None = None, categories: tuple[str, ...] = ()):
        self._tickets, self._prefix, self._window, self._clock = tickets, prefix, window, clock
        self.workers, self.hall, self.categories = workers, hall, list(categories)
        self.current: Ticket | None = None
        self.current_local = False            # the current ticket came from this window's own queue
        self.paused = False
        self._down_until: datetime | None = None
        self.status = _("本窗口排队") if hall is None else _("叫号服务")

    # --- where the queue is ---------------------------------------------------------------------------

    @property
    def online(self) -> bool | None:
        """True when the hall service answers, False while falling back to the local queue, None without one."""
        if self.hall is None:
            return None
        return self._down_until is None

    def _via_hall(self, action: Callable[[HallClient], T]) -> tuple[bool, T | None]:
        """(answered, result): the hall's answer, or False when it is down (tried again after RETRY_AFTER)."""
        if self.hall is None:
            return False, None
        now = self._clock()
        if self._down_until is not None and now < self._down_until:
            return False, None
        try:
            result = action(self.hall)
        except HallUnavailable as e:
            if self._down_until is None:
                log.warning("hall service unreachable (%s); using the local queue", e)
            self._down_until, self.status = now + RETRY_AFTER, _(OFFLINE)
            return False, None
        if self._down_until is not None:
            log.info("hall service answers again")
        self._down_until, self.status = None, _("叫号服务已连接")
        self._catch_up()
        return True, result

    def _catch_up(self) -> None:
        pending = self._tickets.hall_pending()
        if not pending:
            return
        try:
            recorded = self.hall.catch_up(pending)
        except (HallUnavailable, DomainError) as e:
            log.warning("tickets served offline not yet told to the hall: %s", e)
            return
        self._tickets.hall_told([t.id for t in pending])
        log.info("told the hall of %d tickets served offline (%d new)", len(pending), recorded)

    # --- the window's actions -------------------------------------------------------------------------

    @runs_on("db")
    def take_ticket(self, priority: bool = False, category: str = "general") -> Ticket:
        """A ticket for a citizen without one (the hall's kiosk when it answers, else this window's)."""
        answered, ticket = self._via_hall(lambda h: h.take(category, priority))
        if answered:
            return ticket
        return self._tickets.take(self._prefix, category, priority, self._clock(), hall_pending=self.hall is not None)

    @runs_on("read")
    def waiting(self) -> list[Ticket]:
        local = self._tickets.waiting(self._clock().date())
        answered, remote = self._via_hall(lambda h: h.waiting(self.categories))
        return local + (remote or []) if answered else local

    @runs_on("db")
    def call_next(self) -> Ticket | None:
        """Finish the current ticket (if any) and call the next one: tickets this window numbered itself first
        (their holders are in the hall), then the hall's queue."""
        if self.paused:
            raise DomainError(_("本窗口已暂停叫号，请先点“恢复叫号”"))
        now = self._clock()
        if self.current is not None and self.current_local:
            self._tickets.finish(self.current.id, TicketState.DONE)
        local = self._tickets.call_next(now.date(), self._window, now)
        if local is not None:
            if self.current is not None and not self.current_local:
                self._via_hall(lambda h: h.finish([]))
            self.current, self.current_local = local, True
            return local
        answered, ticket = self._via_hall(lambda h: h.call(self.categories))
        self.current, self.current_local = (ticket, False) if answered else (None, True)
        return self.current

    def _current(self) -> Ticket:
        if self.current is None:
            raise DomainError(_("当前没有正在叫的号"))
        return self.current

    @runs_on("db")
    def recall(self) -> Ticket:
        """重呼 the current ticket (the hall's display says it again)."""
        ticket = self._current()
        if not self.current_local:
            self._via_hall(lambda h: h.recall())
        return ticket

    @runs_on("db")
    def mark_no_show(self) -> Ticket | None:
        """过号: nobody came for the current ticket."""
        ticket = self.current
        if ticket is None:
            return None
        if self.current_local:
            self._tickets.finish(ticket.id, TicketState.NO_SHOW)
        else:
            self._via_hall(lambda h: h.no_show())
        self.current = None
        return replace(ticket, state=TicketState.NO_SHOW)

    @runs_on("db")
    def restore(self, number: str) -> Ticket:
        """A 过号 ticket's holder turned up: back in line (in the hall's queue)."""
        answered, ticket = self._via_hall(lambda h: h.restore(number.strip().upper()))
        if not answered:
            raise DomainError(_("叫号服务连接不上，不能恢复过号票；请为群众重新取号"))
        return ticket

    @runs_on("db")
    def pause(self, paused: bool) -> bool:
        """暂停 this window (nothing is called to it) or resume."""
        self._via_hall(lambda h: h.pause(paused))
        self.paused = paused
        return paused

    @runs_on("db")
    def transfer(self, category: str | None = None, window: str | None = None) -> Ticket:
        """转移 the current ticket to another category or window (it keeps its place in line)."""
        ticket = self._current()
        if self.current_local:
            raise DomainError(_("本窗口自己的号不能转移，请群众到对应窗口重新取号"))
        answered, moved = self._via_hall(lambda h: h.transfer(category, window))
        if not answered:
            raise DomainError(_("叫号服务连接不上，不能转移"))
        self.current = None
        return moved or ticket

    @runs_on("read")
    def categories(self) -> list[tuple[str, str]]:
        """(code, label) of the categories a ticket can be transferred to (none without the hall)."""
        answered, found = self._via_hall(lambda h: h.categories())
        return found if answered else []

    def times_of(self, number: str | None) -> tuple[datetime, datetime | None] | None:
        """When the ticket the citizen came with was taken and called (recorded on the cases it leads to)."""
        if not number:
            return None
        if self.current is not None and self.current.number == number:
            return self.current.taken_at, self.current.called_at
        return self._tickets.times(number, self._clock().date())
