"""The district's rules, without HTTP: enrolment, receiving events and attachments, decisions, results."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, BinaryIO

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from district.blobs import HEX64, MAX_ATTACHMENT, BlobStore, HashMismatch, OffsetMismatch
from district.db import next_value
from district.errors import Refused
from district.figures import DistrictFigures
from district.models import (
    AttachmentRow,
    CaseRow,
    DeviceRow,
    EnrolmentCodeRow,
    EventRow,
    ResultEventRow,
    utcnow,
)
from district.ratings import RatingDeadlines, RatingDesk, rating_problem
from district.workdays import Workdays

log = logging.getLogger(__name__)

# A workstation event type -> the state it leads the case to (as the workstation's domain defines it).
STATE_AFTER = {
    "case_opened": "draft", "accepted": "accepted", "accepted_with_deferred": "accepted_deferred",
    "correction_notice_issued": "correction_notified", "correction_resumed": "draft",
    "refusal_requested": "refusal_requested", "refusal_approved": "refused", "refusal_rejected": "draft",
    "submitted": "submitted", "processing_started": "processing", "completed_at_window": "completed_approved",
    "handed_out": "handed_out", "withdrawn": "withdrawn", "terminated": "terminated",
    "cannot_do_registered": "registered", "cannot_do_escalated": "escalated", "cannot_do_resolved": "resolved",
}
OPENINGS = ("case_opened", "cannot_do_registered")
# a workstation event -> the outcome of the case at the window it records (for the figures)
OUTCOMES = {"accepted": "accepted", "accepted_with_deferred": "accepted_deferred",
            "correction_notice_issued": "correction", "correction_resumed": "", "refusal_requested": "",
            "refusal_approved": "refused", "refusal_rejected": "", "withdrawn": "withdrawn"}
WINDOW_DECISIONS = ("accepted", "accepted_with_deferred", "correction_notice_issued", "refusal_requested")
ACCEPTANCE = ("accepted", "accepted_with_deferred")
DECISION_LABELS = {"": "未受理", "received": "已接收", "processing": "办理中", "approved": "办结（准予）",
                   "denied": "办结（不予）", "terminated": "终止办理", "escalated": "待后台处理（办不成事）",
                   "resolved": "已处理（办不成事）"}
CANNOT_DO_OUTCOMES = {"coordinated": "协调办理", "assisted": "帮办代办", "impossible": "无法办理"}
# Result of one event in a receipt: status -> the HTTP status it would have had on its own.
STATUS_CODES = {"applied": 201, "duplicate": 200, "parked": 202, "conflict": 409, "rejected": 422}


@dataclass(frozen=True)
class ServerConfig:
    name: str = "区级受理平台"
    allow_training: bool = False
    official_prefix: str = "QX"
    token_days: int = 90            # a device token's lifetime; the workstation renews it in its last third
    partial_upload_days: int = 7    # an interrupted upload nobody continues is deleted after this
    callback_days: int = 1          # a 差评 is called back (回访) within this many working days
    rectify_days: int = 15          # and rectified (整改) within this many


PREFIX = re.compile(r"[A-Z][A-Z0-9]{1,7}")


def free_prefix(wished: str, taken: set[str], base: str = "ZC") -> str:
    """The workstation's wish when it is a proper prefix nobody has, else the first free ZC01, ZC02, …"""
    wished = wished.strip().upper()
    if PREFIX.fullmatch(wished) and wished not in taken:
        return wished
    n = 1
    while f"{base}{n:02d}" in taken:
        n += 1
    return f"{base}{n:02d}"


def content_sha256(event: dict[str, Any]) -> str:
    """The hash that decides whether two events with one UUID are the same event."""
    keys = ("id", "case_id", "seq", "type", "payload", "clerk", "occurred_at")
    canonical = json.dumps({k: event[k] for k in keys}, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def referenced_attachments(payload: dict[str, Any]) -> list[str]:
    refs = payload.get("attachments") or []
    return [h for h in refs if isinstance(h, str)] if isinstance(refs, list) else []


# What the district reads from an event's payload, and the type each must have (anything else is kept as sent).
_PAYLOAD_TYPES: dict[str, tuple[type, ...]] = {
    "case_number": (str,), "registration_number": (str,), "item_code": (str,), "item_name": (str,),
    "what": (str,), "why": (str,), "reason": (str,), "applicant": (dict, type(None)), "deferred": (list,),
    "deferred_deadline": (str, type(None)), "code": (str,), "to": (str,), "approved": (bool,),
    "attachments": (list,), "official_number": (str, type(None)),
}
REJECTED = "rejected: "


def payload_problem(event_type: str, payload: dict[str, Any]) -> str | None:
    """Why the district cannot use an event's payload (a sentence), or None."""
    for key, types in _PAYLOAD_TYPES.items():
        if key in payload and not isinstance(payload[key], types):
            return f"事件内容的字段 {key} 类型不正确。"
    for h in payload.get("attachments") or []:
        if not isinstance(h, str) or not HEX64.match(h):
            return f"事件引用的材料文件编号无效：{str(h)[:70]}"
    applicant = payload.get("applicant") or {}
    if any(not isinstance(applicant.get(k, ""), str) for k in ("name", "id_number")):
        return "事件内容的申请人姓名或证件号码类型不正确。"
    if any(not isinstance(c, str) for c in payload.get("deferred") or []):
        return "事件内容的容缺材料编号类型不正确。"
    if event_type == "rated":
        return rating_problem(payload)
    if event_type in OPENINGS and not isinstance(
            payload.get("registration_number" if event_type == "cannot_do_registered" else "case_number"), str):
        return "开立事件缺少办件编号。"
    return None


def aware(moment: datetime) -> datetime:
    """SQLite hands timestamps back without their zone; the server writes them all in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def mask_id(number: str) -> str:
    n = (number or "").strip()
    return "*" * len(n) if len(n) <= 8 else n[:6] + "*" * (len(n) - 10) + n[-4:]


def _moment(text) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(text)) if text else None
    except ValueError:
        return None
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)


def _date(text) -> date | None:
    try:
        return date.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _new_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"     # no 0/O, 1/I: read aloud over the phone
    raw = "".join(secrets.choice(alphabet) for _ in range(16))
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


class DistrictService:
    def __init__(self, sessions: sessionmaker[Session], blobs: BlobStore, config: ServerConfig, clock=utcnow,
                 workdays: Workdays | None = None):
        self.sessions, self.blobs, self.config, self.clock = sessions, blobs, config, clock
        self.ratings = RatingDesk(sessions, workdays or Workdays(),
                                  RatingDeadlines(config.callback_days, config.rectify_days), clock)
        self.figures = DistrictFigures(sessions, clock)
        self._last_sweep = datetime.min.replace(tzinfo=UTC)

    # --- enrolment and authentication -----------------------------------------------------------

    def create_enrolment_code(self, hours: int = 72) -> str:
        code = _new_code()
        now = self.clock()
        with self.sessions.begin() as s:
            s.add(EnrolmentCodeRow(code_sha256=_sha(code), created_at=now, expires_at=now + timedelta(hours=hours)))
        return code

    def enrol(self, code: str, name: str, prefix: str, training: bool, centre: str = "") -> tuple[str, str, str]:
        """Exchange a one-time code for (device ID, token, case-number prefix). The prefix is the one the
        workstation asks for when no other workstation has it, else the district's next free one: two PCs
        never number their cases alike."""
        if training and not self.config.allow_training:
            raise Refused(403, "training_device_refused", "这是正式服务器，不接受培训模式的工作站注册。")
        for attempt in range(5):       # another enrolment may take the same free prefix at the same moment
            try:
                return self._enrol_once(code, name, prefix, training, centre)
            except IntegrityError:
                log.info("prefix taken by a concurrent enrolment; choosing again (%d)", attempt + 1)
        raise Refused(503, "enrolment_busy", "注册繁忙，请稍后重试。", retry_after=5)

    def _enrol_once(self, code: str, name: str, wished: str, training: bool, centre: str) -> tuple[str, str, str]:
        now = self.clock()
        with self.sessions.begin() as s:
            row = s.get(EnrolmentCodeRow, _sha(code.strip().upper()), with_for_update=True)
            if row is None or row.used_by is not None or aware(row.expires_at) < now:
                raise Refused(403, "enrolment_code_invalid", "注册码无效、已使用或已过期，请向管理员重新申请。")
            prefix = free_prefix(wished, set(s.scalars(select(DeviceRow.prefix))))
            device_id, token = str(uuid.uuid4()), secrets.token_urlsafe(32)
            s.add(DeviceRow(id=device_id, name=name[:80], prefix=prefix, training=training, centre=centre[:80],
                            token_sha256=_sha(token), enrolled_at=now,
                            token_expires_at=now + timedelta(days=self.config.token_days)))
            row.used_by = device_id
        log.info("device %s (%s, asked for %s) enrolled%s", device_id, prefix, wished[:20],
                 " for training" if training else "")
        return device_id, token, prefix

    def authenticate(self, token: str) -> DeviceRow:
        digest = _sha(token)
        with self.sessions() as s:
            device = s.scalars(select(DeviceRow).where(DeviceRow.token_sha256 == digest)).first()
            if device is None:     # the previous token stays good until the renewed one is first used
                device = s.scalars(select(DeviceRow).where(DeviceRow.previous_token_sha256 == digest)).first()
        if device is None:
            raise Refused(401, "unknown_device", "服务器不认识本工作站（未注册或令牌无效），请重新注册。")
        if device.token_expires_at is not None and aware(device.token_expires_at) < self.clock():
            raise Refused(401, "token_expired", "本工作站的令牌已过期（长期未同步）。本机数据保留；请向管理员申请注册码，"
                                                "用 zongchuang enrol 重新注册。")
        if device.token_sha256 == digest and device.previous_token_sha256:
            with self.sessions.begin() as s:
                s.get(DeviceRow, device.id).previous_token_sha256 = None
        if device.revoked_at is not None:
            raise Refused(403, "device_revoked", f"本工作站已被区级平台停用：{device.revoked_reason or '未说明原因'}。"
                                                 "本机数据保留，请联系管理员。")
        if device.training and not self.config.allow_training:
            raise Refused(403, "training_device_refused", "这是正式服务器，不接受培训模式的工作站。")
        return device

    def renewal_due(self, device: DeviceRow) -> bool:
        """Whether the token is in the last third of its lifetime (the workstation should renew it)."""
        if device.token_expires_at is None:
            return True
        left = aware(device.token_expires_at) - self.clock()
        return left < timedelta(days=self.config.token_days) / 3

    def renew(self, device: DeviceRow) -> tuple[str, datetime]:
        """A new token for an authenticated device; the old one works until the new one is first used."""
        token, now = secrets.token_urlsafe(32), self.clock()
        expires = now + timedelta(days=self.config.token_days)
        with self.sessions.begin() as s:
            row = s.get(DeviceRow, device.id)
            row.previous_token_sha256, row.token_sha256, row.token_expires_at = row.token_sha256, _sha(token), expires
        log.info("device %s renewed its token", device.id)
        return token, expires

    def revoke(self, device_id: str, reason: str) -> None:
        with self.sessions.begin() as s:
            device = s.get(DeviceRow, device_id)
            if device is None:
                raise Refused(404, "unknown_device", f"没有编号为 {device_id} 的工作站。")
            device.revoked_at, device.revoked_reason = self.clock(), reason or "管理员停用"

    def devices(self) -> list[DeviceRow]:
        with self.sessions() as s:
            return list(s.scalars(select(DeviceRow).order_by(DeviceRow.enrolled_at)))

    # --- attachments ------------------------------------------------------------------------------

    def missing(self, device: DeviceRow, hashes: list[str]) -> list[dict[str, Any]]:
        """The hashes the server lacks, each with how much of it has already arrived."""
        bad = [h for h in hashes if not HEX64.match(h)]
        if bad:
            raise Refused(422, "bad_hash", f"不是有效的 SHA-256：{bad[0][:70]}")
        return [{"sha256": h, "offset": self.blobs.offset(device.id, h)}
                for h in dict.fromkeys(hashes) if not self.blobs.has(h)]

    def sweep_partial_uploads(self) -> int:
        removed = self.blobs.sweep_partials(self.config.partial_upload_days * 86400)
        if removed:
            log.info("deleted %d abandoned partial uploads", removed)
        return removed

    def upload(self, device: DeviceRow, sha256: str, offset: int, total: int, chunk: bytes | BinaryIO,
               size: int | None = None) -> dict[str, Any]:
        """A chunk of an attachment (bytes, or a file positioned at its start holding `size` bytes)."""
        if self.clock() - self._last_sweep > timedelta(hours=1):
            self._last_sweep = self.clock()
            self.sweep_partial_uploads()
        if not HEX64.match(sha256):
            raise Refused(422, "bad_hash", "不是有效的 SHA-256。")
        if total <= 0 or total > MAX_ATTACHMENT:
            raise Refused(413, "attachment_too_large", f"材料文件大小 {total} 字节超出上限 {MAX_ATTACHMENT}。")
        if self.blobs.has(sha256):
            self._record_attachment(device, sha256, total)
            return {"sha256": sha256, "offset": total, "complete": True}
        try:
            received, complete = self.blobs.append(device.id, sha256, offset, total, chunk, size)
        except OffsetMismatch as e:
            raise Refused(409, "offset_mismatch", f"续传位置应为 {e.current}") from e
        except HashMismatch as e:
            raise Refused(422, "hash_mismatch", "材料文件内容与其 SHA-256 不符，已丢弃，请重新上传。") from e
        except ValueError as e:
            raise Refused(422, "bad_chunk", str(e)) from e
        if complete:
            self._record_attachment(device, sha256, total)
        return {"sha256": sha256, "offset": received, "complete": complete}

    def _record_attachment(self, device: DeviceRow, sha256: str, size: int) -> None:
        """Note the attachment, and apply the events that were waiting for it (one transaction)."""
        with self.sessions.begin() as s:
            if s.get(AttachmentRow, sha256) is None:
                s.add(AttachmentRow(sha256=sha256, size=size, device_id=device.id, stored_at=self.clock()))
            self._apply_ready(s, device, self._parked_cases(s, device.id))

    # --- case events --------------------------------------------------------------------------------

    def receive(self, device: DeviceRow, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Store each event once by UUID, apply what is ready, and say what became of every one."""
        outcome: dict[str, tuple[str, str]] = {}
        new: set[str] = set()
        with self.sessions.begin() as s:
            batch = _Batch.load(s, events)
            touched: list[str] = []
            for ev in events:
                verdict = self._store(s, device, ev, batch)
                if verdict is None:
                    new.add(ev["id"])
                    touched.append(ev["case_id"])
                else:
                    outcome[ev["id"]] = verdict
            s.flush()
            self._apply_ready(s, device, list(dict.fromkeys(touched)), batch)
            for ev in events:
                if ev["id"] in outcome:
                    continue
                row = batch.events[ev["id"]]
                if row.parked and (row.parked_reason or "").startswith(REJECTED):
                    outcome[ev["id"]] = ("rejected", row.parked_reason.removeprefix(REJECTED))
                elif row.parked:
                    outcome[ev["id"]] = ("parked", row.parked_reason or "")
                else:
                    outcome[ev["id"]] = ("applied" if ev["id"] in new else "duplicate", "")
        return [{"id": ev["id"], "status": outcome[ev["id"]][0], "code": STATUS_CODES[outcome[ev["id"]][0]],
                 "reason": outcome[ev["id"]][1]} for ev in events]

    def _store(self, s: Session, device: DeviceRow, ev: dict[str, Any], batch: _Batch) -> tuple[str, str] | None:
        digest = content_sha256(ev)
        existing = batch.events.get(ev["id"])
        if existing is not None:
            if existing.content_sha256 != digest or existing.device_id != device.id:
                log.warning("event %s conflicts with the stored one", ev["id"])
                return "conflict", ("本机的办件记录与已上报的内容不一致（同一事件、内容不同）；区级平台保留先收到的内容，"
                                    "请联系技术支持核对。")
            if existing.parked and (existing.parked_reason or "").startswith(REJECTED):
                return "rejected", existing.parked_reason.removeprefix(REJECTED)
            return None if existing.parked else ("duplicate", "")
        case = batch.cases.get(ev["case_id"])
        if case is not None and case.device_id != device.id:
            return "rejected", "该办件由另一台工作站创建，不能由本工作站修改。"
        if ev["seq"] < 1:
            return "rejected", "事件序号必须从 1 开始。"
        if ev["seq"] == 1 and ev["type"] not in OPENINGS:
            return "rejected", "办件的第一条事件必须是开立事件（或办不成事登记）。"
        other = batch.at.get((ev["case_id"], ev["seq"]))
        if other is not None:
            return "conflict", f"办件第 {ev['seq']} 条事件已是另一条事件（{other.id}），不能覆盖。"
        problem = payload_problem(ev["type"], ev["payload"])
        if problem:
            return "rejected", problem
        row = EventRow(id=ev["id"], case_id=ev["case_id"], device_id=device.id, seq=ev["seq"], type=ev["type"],
                       payload=ev["payload"], clerk=ev["clerk"], occurred_at=ev["occurred_at"],
                       content_sha256=digest, received_at=self.clock(), parked=True, parked_reason="待处理")
        s.add(row)
        batch.add(row)
        return None

    @staticmethod
    def _parked_cases(s: Session, device_id: str) -> list[str]:
        return list(s.scalars(select(EventRow.case_id).where(EventRow.device_id == device_id, EventRow.parked)
                              .distinct()))

    def _apply_ready(self, s: Session, device: DeviceRow, case_ids: list[str], batch: _Batch | None = None) -> None:
        """Apply each case's parked events in order while the next one is present and complete."""
        if not case_ids:
            return
        batch = batch or _Batch.for_cases(s, case_ids)
        for case_id in case_ids:
            parked = {e.seq: e for e in batch.parked(case_id)}
            case = batch.cases.get(case_id)
            last = case.last_seq if case else 0
            while parked:
                ev = parked.pop(last + 1, None)
                if ev is None:
                    gap = f"等待办件的第 {last + 1} 条事件"
                    for e in parked.values():
                        e.parked_reason = gap
                    break
                lacking = [h for h in referenced_attachments(ev.payload) if not self.blobs.has(h)]
                if lacking:
                    ev.parked_reason = f"缺少材料文件 {lacking[0][:12]}…"
                    for e in parked.values():
                        e.parked_reason = f"等待办件的第 {ev.seq} 条事件（缺少材料文件）"
                    break
                try:
                    with s.begin_nested():          # one event the district cannot use stops its case only
                        applied = self._apply(s, device, case, ev)
                except Exception as e:  # noqa: BLE001 — any failure quarantines this case, never the batch
                    log.error("event %s of case %s cannot be applied: %s: %s", ev.id, case_id, type(e).__name__, e)
                    ev.parked_reason = REJECTED + "区级平台无法处理这条事件，请联系技术支持。"
                    break
                case = applied
                batch.cases[case_id] = case
                ev.parked, ev.parked_reason = False, None
                last = ev.seq

    def _apply(self, s: Session, device: DeviceRow, case: CaseRow | None, ev: EventRow) -> CaseRow:
        p, now = ev.payload, self.clock()
        if case is None:
            registration = ev.type == "cannot_do_registered"
            case = CaseRow(id=ev.case_id, device_id=device.id,
                           case_number=str(p.get("registration_number" if registration else "case_number", ""))[:40],
                           item_code=str(p.get("item_code", ""))[:20],
                           item_name=str(p.get("what" if registration else "item_name", ""))[:80],
                           applicant_name="", applicant_masked_id="", workstation_state="draft", last_seq=0,
                           decision="", decision_note="", received_at=now,
                           kind="cannot_do" if registration else "case",
                           request={"what": p.get("what", ""), "why": p.get("why", ""), "reason": p.get("reason", "")}
                           if registration else None)
            s.add(case)
        self._note_figures(case, ev)
        if ev.type in ("applicant_set", "cannot_do_registered"):
            applicant = p.get("applicant") or {}
            case.applicant_name = str(applicant.get("name", ""))[:60]
            case.applicant_masked_id = mask_id(str(applicant.get("id_number", "")))[:18]
        if ev.type == "accepted_with_deferred":
            case.deferred_open = [str(c) for c in p.get("deferred") or []]
            case.deferred_deadline = _date(p.get("deferred_deadline"))
        elif ev.type == "material_supplied" and case.deferred_open:
            case.deferred_open = [c for c in case.deferred_open if c != p.get("code")]
        elif ev.type == "cannot_do_escalated" and p.get("to") == "district" and not case.decision:
            case.decision = "escalated"
        elif ev.type == "rated":
            self.ratings.record(s, case, ev)
        if ev.type == "completed":
            case.workstation_state = "completed_approved" if p.get("approved") else "completed_denied"
        elif ev.type in STATE_AFTER:
            case.workstation_state = STATE_AFTER[ev.type]
        case.last_seq = ev.seq
        if ev.type in ACCEPTANCE and not case.decision:
            case.official_number = (f"{self.config.official_prefix}{now:%Y}"
                                    f"{next_value(s, f'official:{now:%Y}'):08d}")
            case.decision = "received"
            self._result(s, case, "received", {"official_number": case.official_number}, "district")
        return case

    @staticmethod
    def _note_figures(case: CaseRow, ev: EventRow) -> None:
        """What the figures across service points need, as the case's events arrive."""
        p, at = ev.payload, _moment(ev.occurred_at)
        if ev.type == "case_opened":
            case.opened_at, case.instant = at, bool(p.get("instant"))
            taken, called = _moment(p.get("ticket_taken_at")), _moment(p.get("ticket_called_at"))
            case.started_at = called or at
            case.wait_s = int((called - taken).total_seconds()) if taken and called and called >= taken else None
        elif ev.type in OUTCOMES:
            case.outcome = OUTCOMES[ev.type]
            promised = _date(p.get("promised_date")) if ev.type in ACCEPTANCE else None
            if promised is not None:     # the end of the promised day, in the service points' time (UTC+8)
                case.promised_by = datetime.combine(promised + timedelta(days=1), datetime.min.time(),
                                                    tzinfo=UTC) - timedelta(hours=8)
            if ev.type in WINDOW_DECISIONS and at is not None and case.started_at is not None:
                case.handling_s = max(0, int((at - aware(case.started_at)).total_seconds()))

    def _result(self, s: Session, case: CaseRow, type_: str, payload: dict[str, Any], by: str) -> None:
        s.add(ResultEventRow(cursor=next_value(s, "results"), id=str(uuid.uuid4()), case_id=case.id,
                             device_id=case.device_id, type=type_, payload=payload, by=by, occurred_at=self.clock()))

    # --- the results feed -----------------------------------------------------------------------

    def results(self, device: DeviceRow, after: int, limit: int = 200) -> tuple[list[dict[str, Any]], int]:
        with self.sessions() as s:
            rows = s.scalars(select(ResultEventRow).where(ResultEventRow.device_id == device.id,
                                                          ResultEventRow.cursor > after)
                             .order_by(ResultEventRow.cursor).limit(max(1, min(limit, 1000)))).all()
        events = [{"cursor": r.cursor, "id": r.id, "case_id": r.case_id, "type": r.type, "payload": r.payload,
                   "by": r.by, "occurred_at": aware(r.occurred_at).isoformat()} for r in rows]
        return events, (rows[-1].cursor if rows else after)

    # --- the back office ------------------------------------------------------------------------

    def cases(self, decision: str | None = None) -> list[CaseRow]:
        q = select(CaseRow).order_by(CaseRow.received_at.desc(), CaseRow.case_number.desc())
        if decision is not None:
            q = q.where(CaseRow.decision == decision)
        with self.sessions() as s:
            return list(s.scalars(q))

    def case_events(self, case_id: str) -> list[EventRow]:
        with self.sessions() as s:
            return list(s.scalars(select(EventRow).where(EventRow.case_id == case_id).order_by(EventRow.seq)))

    def start_processing(self, case_id: str, by: str) -> CaseRow:
        with self.sessions.begin() as s:
            case = self._decidable(s, case_id)
            if case.decision == "received":
                case.decision = "processing"
                self._result(s, case, "processing", {}, by)
            return case

    def decide(self, case_id: str, approved: bool, note: str, by: str) -> CaseRow:
        """办结: the back office's decision, sent to the workstation through the results feed."""
        with self.sessions.begin() as s:
            case = self._decidable(s, case_id)
            case.decision = "approved" if approved else "denied"
            case.decision_note, case.decided_at = note.strip(), self.clock()
            self._result(s, case, "completed", {"approved": approved, "note": note.strip(),
                                                "official_number": case.official_number}, by)
            return case

    def terminate(self, case_id: str, reason: str, by: str) -> CaseRow:
        """终止办理 of a 容缺 case whose deferred materials did not arrive by their deadline."""
        with self.sessions.begin() as s:
            case = self._decidable(s, case_id)
            if not case.deferred_open:
                raise Refused(409, "nothing_outstanding", f"办件 {case.case_number} 没有待补交的容缺材料，不能终止办理。")
            today = self.clock().astimezone().date()
            if case.deferred_deadline is None or today <= case.deferred_deadline:
                raise Refused(409, "deadline_not_passed",
                              f"办件 {case.case_number} 的补交期限（{case.deferred_deadline}）未过，不能终止办理。")
            text = reason.strip() or f"容缺材料逾期（{case.deferred_deadline}）未补交"
            case.decision, case.decision_note, case.decided_at = "terminated", text, self.clock()
            self._result(s, case, "terminated", {"reason": text}, by)
            return case

    def resolve(self, case_id: str, outcome: str, note: str, by: str, *, assignee: str = "",
                guidance: str = "") -> CaseRow:
        """The back office's outcome for a 办不成事 escalated to it."""
        if outcome not in CANNOT_DO_OUTCOMES:
            raise Refused(422, "bad_outcome", f"处理结果应为 {' / '.join(CANNOT_DO_OUTCOMES)} 之一。")
        if outcome == "impossible" and not (note.strip() and guidance.strip()):
            raise Refused(422, "explanation_missing", "无法办理须写明原因和办理指引。")
        if outcome == "assisted" and not assignee.strip():
            raise Refused(422, "assignee_missing", "帮办代办须写明负责的人员。")
        with self.sessions.begin() as s:
            case = s.get(CaseRow, case_id, with_for_update=True)
            if case is None or case.kind != "cannot_do":
                raise Refused(404, "unknown_request", "没有这个办不成事登记。")
            if case.decision != "escalated":
                raise Refused(409, "not_escalated", f"登记 {case.case_number} 不在待后台处理状态。")
            case.decision, case.decision_note, case.decided_at = "resolved", note.strip(), self.clock()
            self._result(s, case, "resolved", {"outcome": outcome, "note": note.strip(), "assignee": assignee.strip(),
                                               "guidance": guidance.strip()}, by)
            return case

    def overdue(self) -> list[CaseRow]:
        """容缺 cases past their deadline with materials still outstanding (the back office may terminate them)."""
        today = self.clock().astimezone().date()
        return [c for c in self.cases() if c.decision in ("received", "processing") and c.deferred_open
                and c.deferred_deadline is not None and c.deferred_deadline < today]

    @staticmethod
    def _decidable(s: Session, case_id: str) -> CaseRow:
        case = s.get(CaseRow, case_id, with_for_update=True)
        if case is None or case.kind != "case":
            raise Refused(404, "unknown_case", "没有这个办件。")
        if case.decision not in ("received", "processing"):
            raise Refused(409, "not_decidable", f"办件 {case.case_number} 当前为“{DECISION_LABELS[case.decision]}”，"
                                                "不能办结。")
        return case

    def counts(self) -> dict[str, int]:
        with self.sessions() as s:
            return {"devices": s.scalar(select(func.count()).select_from(DeviceRow)) or 0,
                    "cases": s.scalar(select(func.count()).select_from(CaseRow)) or 0,
                    "events": s.scalar(select(func.count()).select_from(EventRow)) or 0,
                    "parked": s.scalar(select(func.count()).select_from(EventRow).where(EventRow.parked)) or 0,
                    "attachments": s.scalar(select(func.count()).select_from(AttachmentRow)) or 0}


class _Batch:
    """The rows a batch of events needs, loaded with a few queries instead of several per event."""

    def __init__(self, events: list[EventRow], cases: list[CaseRow]):
        self.events: dict[str, EventRow] = {}
        self.at: dict[tuple[str, int], EventRow] = {}
        self.cases = {c.id: c for c in cases}
        for e in events:
            self.add(e)

    def add(self, row: EventRow) -> None:
        self.events[row.id] = row
        self.at[(row.case_id, row.seq)] = row

    def parked(self, case_id: str) -> list[EventRow]:
        return [e for (c, _), e in self.at.items() if c == case_id and e.parked]

    @classmethod
    def load(cls, s: Session, events: list[dict[str, Any]]) -> _Batch:
        ids = [e["id"] for e in events]
        case_ids = list(dict.fromkeys(e["case_id"] for e in events))
        rows = list(s.scalars(select(EventRow).where(EventRow.id.in_(ids))))
        rows += s.scalars(select(EventRow).where(EventRow.case_id.in_(case_ids),
                                                 (EventRow.parked) | (EventRow.seq.in_(sorted({e["seq"] for e in events})))))
        return cls(rows, list(s.scalars(select(CaseRow).where(CaseRow.id.in_(case_ids)))))

    @classmethod
    def for_cases(cls, s: Session, case_ids: list[str]) -> _Batch:
        rows = s.scalars(select(EventRow).where(EventRow.case_id.in_(case_ids), EventRow.parked))
        return cls(list(rows), list(s.scalars(select(CaseRow).where(CaseRow.id.in_(case_ids)))))
