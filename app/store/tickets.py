"""Queue tickets, stored locally so calling works with the network down."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from app.domain.queue import Ticket, TicketState, next_to_call, ticket_number
from app.store.counters import next_value
from app.store.models import TicketRow


def _ticket(r: TicketRow) -> Ticket:
    return Ticket(r.id, r.number, r.category, r.priority, TicketState(r.state), r.taken_at, r.called_at, r.window)


class TicketRepository:
    def __init__(self, sessions: sessionmaker):
        self._sessions = sessions

    def take(self, prefix: str, category: str, priority: bool, at: datetime, *, hall_pending: bool = False) -> Ticket:
        with self._sessions.begin() as s:
            seq = next_value(s, f"ticket:{prefix}:{at:%Y%m%d}")
            row = TicketRow(id=str(uuid.uuid4()), number=ticket_number(prefix, seq), day=at.date(),
                            category=category, priority=priority, state=TicketState.WAITING.value, taken_at=at,
                            hall_pending=hall_pending)
            s.add(row)
        return _ticket(row)

    def waiting(self, day: date) -> list[Ticket]:
        with self._sessions() as s:
            rows = s.scalars(select(TicketRow).where(TicketRow.day == day,
                                                     TicketRow.state == TicketState.WAITING.value)
                             .order_by(TicketRow.taken_at)).all()
            return [_ticket(r) for r in rows]

    def call_next(self, day: date, window: str, at: datetime) -> Ticket | None:
        """Mark the next waiting ticket called to this window (green channel first)."""
        with self._sessions.begin() as s:
            rows = s.scalars(select(TicketRow).where(TicketRow.day == day,
                                                     TicketRow.state == TicketState.WAITING.value)).all()
            chosen = next_to_call([_ticket(r) for r in rows])
            if chosen is None:
                return None
            row = s.get(TicketRow, chosen.id)
            row.state, row.called_at, row.window = TicketState.CALLED.value, at, window
            return _ticket(row)

    def called(self, day: date, window: str) -> list[Ticket]:
        """Tickets of `day` called to `window` (for the daily report's waiting time)."""
        with self._sessions() as s:
            rows = s.scalars(select(TicketRow).where(TicketRow.day == day, TicketRow.window == window,
                                                     TicketRow.called_at.is_not(None))).all()
            return [_ticket(r) for r in rows]

    def times(self, number: str, day: date) -> tuple[datetime, datetime | None] | None:
        """When the ticket of that number was taken and called on `day` (None when this window never issued it)."""
        with self._sessions() as s:
            row = s.scalars(select(TicketRow).where(TicketRow.day == day, TicketRow.number == number)
                            .order_by(TicketRow.taken_at.desc())).first()
            return (row.taken_at, row.called_at) if row else None

    def hall_pending(self) -> list[Ticket]:
        """Tickets taken while the hall was unreachable and called since: what the hall is told when it is back."""
        with self._sessions() as s:
            rows = s.scalars(select(TicketRow).where(TicketRow.hall_pending, TicketRow.called_at.is_not(None))
                             .order_by(TicketRow.taken_at)).all()
            return [_ticket(r) for r in rows]

    def hall_told(self, ids: list[str]) -> None:
        with self._sessions.begin() as s:
            for row in s.scalars(select(TicketRow).where(TicketRow.id.in_(ids))):
                row.hall_pending = False

    def finish(self, ticket_id: str, state: TicketState) -> None:
        with self._sessions.begin() as s:
            s.get(TicketRow, ticket_id).state = state.value
