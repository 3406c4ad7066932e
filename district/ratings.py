"""好差评 at the district: ratings arrive with the case events; a 差评 (不满意, 非常不满意) is called back within
`callback_days` working days and rectified within `rectify_days`; the back office records both, and the citizen's
one follow-up rating (追评) once the rectification was made."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from district.errors import Refused
from district.models import CaseRow, EventRow, RatingRow, utcnow
from district.workdays import Workdays

log = logging.getLogger(__name__)

LEVELS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
INDICATORS = ("整体满意度", "服务效率", "服务水平", "服务态度")


def rating_problem(payload: dict[str, Any]) -> str | None:
    """Why a `rated` event cannot be kept (a sentence), or None."""
    level = payload.get("level")
    if isinstance(level, bool) or not isinstance(level, int) or level not in LEVELS:
        return "评价等级应为 1 到 5 的整数。"
    tags = payload.get("tags") or []
    if not isinstance(tags, list) or any(t not in INDICATORS for t in tags):
        return "评价标签应为线下评价指标（整体满意度、服务效率、服务水平、服务态度）。"
    if not isinstance(payload.get("comment", ""), str) or len(payload.get("comment", "")) > 500:
        return "评价意见应为不超过 500 字的文字。"
    return None


@dataclass(frozen=True)
class RatingDeadlines:
    callback_days: int = 1
    rectify_days: int = 15


def _rated_at(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return utcnow()
    return moment if moment.tzinfo else moment.astimezone()


class RatingDesk:
    def __init__(self, sessions: sessionmaker[Session], workdays: Workdays, deadlines: RatingDeadlines, clock):
        self.sessions, self.workdays, self.deadlines, self.clock = sessions, workdays, deadlines, clock

    def record(self, s: Session, case: CaseRow, ev: EventRow) -> None:
        """A `rated` event of a case (one per case: a second one is kept as an event but changes nothing)."""
        if s.get(RatingRow, case.id) is not None:
            log.warning("case %s sent a second rating (event %s); the first is kept", case.case_number, ev.id)
            return
        p = ev.payload
        at = _rated_at(ev.occurred_at)
        bad = p["level"] <= 2
        day = at.date()
        s.add(RatingRow(case_id=case.id, event_id=ev.id, device_id=case.device_id, level=p["level"],
                        tags=list(p.get("tags") or []), comment=str(p.get("comment", "")),
                        stage=str(p.get("stage", "accept"))[:20], clerk=ev.clerk[:40], rated_at=at, bad=bad,
                        callback_due=self.workdays.add(day, self.deadlines.callback_days) if bad else None,
                        rectify_due=self.workdays.add(day, self.deadlines.rectify_days) if bad else None))

    def _today(self) -> date:
        return self.clock().astimezone().date()

    def ratings(self, *, bad_only: bool = False, open_only: bool = False) -> list[tuple[RatingRow, CaseRow]]:
        """Ratings newest first with their cases; `open_only`: 差评 not yet called back, rectified and re-rated."""
        q = select(RatingRow, CaseRow).join(CaseRow, CaseRow.id == RatingRow.case_id)
        if bad_only or open_only:
            q = q.where(RatingRow.bad)
        if open_only:
            q = q.where(RatingRow.rectified_at.is_(None) | RatingRow.callback_at.is_(None))
        with self.sessions() as s:
            return [(r, c) for r, c in s.execute(q.order_by(RatingRow.rated_at.desc())).all()]

    def overdue(self, row: RatingRow) -> list[str]:
        """Which of a 差评's deadlines have passed undone: 回访, 整改."""
        today, late = self._today(), []
        if row.bad and row.callback_at is None and row.callback_due and row.callback_due < today:
            late.append("回访")
        if row.bad and row.rectified_at is None and row.rectify_due and row.rectify_due < today:
            late.append("整改")
        return late

    def _bad(self, s: Session, case_id: str) -> RatingRow:
        row = s.get(RatingRow, case_id, with_for_update=True)
        if row is None:
            raise Refused(404, "unknown_rating", "这个办件没有评价。")
        if not row.bad:
            raise Refused(409, "not_bad", f"这个办件的评价是“{LEVELS[row.level]}”，不是差评，无需回访整改。")
        return row

    @staticmethod
    def _note(note: str, what: str) -> str:
        text = " ".join(note.split())
        if not text:
            raise Refused(422, "note_missing", f"请写明{what}。")
        return text

    def call_back(self, case_id: str, note: str, by: str) -> RatingRow:
        """回访: the citizen was called and heard; what they said."""
        text = self._note(note, "回访情况")
        with self.sessions.begin() as s:
            row = self._bad(s, case_id)
            if row.callback_at is not None:
                raise Refused(409, "called_back", "这个差评已回访。")
            row.callback_at, row.callback_by, row.callback_note = self.clock(), by[:80], text
            return row

    def rectify(self, case_id: str, note: str, by: str) -> RatingRow:
        """整改: what was verified and put right (after the call-back), fed back to the citizen."""
        text = self._note(note, "整改情况")
        with self.sessions.begin() as s:
            row = self._bad(s, case_id)
            if row.callback_at is None:
                raise Refused(409, "not_called_back", "请先回访群众，再登记整改。")
            if row.rectified_at is not None:
                raise Refused(409, "rectified", "这个差评已登记整改。")
            row.rectified_at, row.rectified_by, row.rectified_note = self.clock(), by[:80], text
            return row

    def follow_up(self, case_id: str, level: int, comment: str, by: str) -> RatingRow:
        """追评: the citizen's one rating after the rectification, kept beside the first (which never changes)."""
        if isinstance(level, bool) or level not in LEVELS:
            raise Refused(422, "bad_level", "追评等级应为 1（非常不满意）到 5（非常满意）。")
        with self.sessions.begin() as s:
            row = self._bad(s, case_id)
            if row.rectified_at is None:
                raise Refused(409, "not_rectified", "整改完成并反馈群众后，群众才能追评。")
            if row.follow_up_at is not None:
                raise Refused(409, "followed_up", "群众已追评过一次，不能再次追评。")
            row.follow_up_level, row.follow_up_comment = level, " ".join(comment.split())[:500]
            row.follow_up_at, row.follow_up_by = self.clock(), by[:80]
            return row


def rating_dict(row: RatingRow, case: CaseRow, late: list[str]) -> dict[str, Any]:
    def iso(v):
        return v.isoformat() if v else None

    return {"case_id": row.case_id, "case_number": case.case_number, "official_number": case.official_number,
            "item_name": case.item_name, "device_id": row.device_id, "clerk": row.clerk, "level": row.level,
            "label": LEVELS[row.level], "tags": list(row.tags or []), "comment": row.comment, "stage": row.stage,
            "rated_at": iso(row.rated_at), "bad": row.bad, "callback_due": iso(row.callback_due),
            "rectify_due": iso(row.rectify_due), "callback_at": iso(row.callback_at), "callback_by": row.callback_by,
            "callback_note": row.callback_note, "rectified_at": iso(row.rectified_at),
            "rectified_by": row.rectified_by, "rectified_note": row.rectified_note,
            "follow_up_level": row.follow_up_level,
            "follow_up_label": LEVELS.get(row.follow_up_level or 0, ""), "follow_up_comment": row.follow_up_comment,
            "follow_up_at": iso(row.follow_up_at), "overdue": late}
