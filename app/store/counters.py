"""Never-decreasing named sequences, incremented inside the caller's transaction."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.store.models import CounterRow


def next_value(session: Session, name: str) -> int:
    updated = session.execute(update(CounterRow).where(CounterRow.name == name)
                              .values(value=CounterRow.value + 1)).rowcount
    if not updated:
        session.add(CounterRow(name=name, value=1))
        session.flush()
        return 1
    return session.scalar(select(CounterRow.value).where(CounterRow.name == name))
