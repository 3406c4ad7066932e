"""Event-sourced records (a case, a 办不成事 registration): commands check a transition table, then record
an event and apply it; `replay` rebuilds the record from its events alone."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

from app.domain.errors import DomainError, IllegalTransition
from app.i18n import _


@dataclass(frozen=True)
class CaseEvent:
    """One change to a record; the audit trail, the sync payload and the source of the projection."""

    id: str
    case_id: str
    seq: int
    type: str
    payload: dict[str, Any]
    clerk: str
    occurred_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "case_id": self.case_id, "seq": self.seq, "type": self.type,
                "payload": self.payload, "clerk": self.clerk, "occurred_at": self.occurred_at.isoformat()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> CaseEvent:
        return cls(d["id"], d["case_id"], d["seq"], d["type"], d["payload"], d["clerk"],
                   datetime.fromisoformat(d["occurred_at"]))


class EventSourced:
    """The recording half of a record; subclasses are dataclasses with `id`, `number`, `state`,
    `version` and `pending`, and define TRANSITIONS, ACTION_LABELS, OPENING and `_apply`."""

    # event type -> (states it may happen in, state it leads to or None when the state is kept)
    TRANSITIONS: ClassVar[dict[str, tuple[frozenset, StrEnum | None]]]
    ACTION_LABELS: ClassVar[dict[str, str]]
    OPENING: ClassVar[str]
    KIND: ClassVar[str]

    id: str
    state: StrEnum
    version: int
    pending: list[CaseEvent]

    @property
    def number(self) -> str:
        raise NotImplementedError

    def allows(self, type_: str) -> bool:
        """Whether an event of this type may happen now (what the window enables buttons from)."""
        allowed, _unused = self.TRANSITIONS[type_]
        return self.state in allowed

    def _record(self, type_: str, payload: dict[str, Any], clerk: str, at: datetime) -> CaseEvent:
        if type_ != self.OPENING and not self.allows(type_):
            raise IllegalTransition(
                _("{number} 当前状态为“{label}”，不能{action}").format(
                        number=self.number, label=self.state.label, action=_(self.ACTION_LABELS.get(type_, type_))))
        event = CaseEvent(str(uuid.uuid4()), self.id, self.version + 1, type_, payload, clerk, at)
        self._apply(event)
        self.pending.append(event)
        return event

    def take_pending(self) -> list[CaseEvent]:
        """The events recorded since the last save, handing them to the store."""
        out, self.pending = self.pending, []
        return out

    def _apply(self, e: CaseEvent) -> None:
        raise NotImplementedError

    def _apply_all(self, events: list[CaseEvent]) -> None:
        for e in events:
            if e.seq != self.version + 1:
                raise DomainError(_("{number} 的事件序号不连续（{version} 之后是 {seq}）").format(
                        number=self.number, version=self.version, seq=e.seq))
            self._apply(e)

    def row_fields(self) -> dict[str, Any]:
        """What the store's list row of this record holds (the projection's searchable part)."""
        raise NotImplementedError
