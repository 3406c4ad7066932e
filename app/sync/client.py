"""The workstation's side of the sync protocol (docs/sync-protocol.md) over async httpx.

Every failure becomes a `SyncError` that says whether trying again later can help: network trouble,
5xx, 429 and replies without the expected content are retryable; a 4xx with the server's reason is not.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from typing import Any

import httpx

from app.i18n import _

log = logging.getLogger(__name__)

PROTOCOL = 1
RESULT_STATUSES = {"applied", "duplicate", "parked", "conflict", "rejected"}


class SyncError(Exception):
    def __init__(self, message: str, *, retryable: bool, code: str = "", retry_after: float | None = None,
                 status: int | None = None):
        super().__init__(message)
        self.message, self.retryable, self.code = message, retryable, code
        self.retry_after, self.status = retry_after, status

    @property
    def about_device(self) -> bool:
        """The server refuses this workstation as a whole (not registered, revoked, training): no case is
        at fault, so none is quarantined for it."""
        return self.status in (401, 403)


def retryable(message: str, **kw) -> SyncError:
    return SyncError(message, retryable=True, **kw)


@dataclass(frozen=True)
class Enrolment:
    server_url: str
    device_id: str
    token: str
    server_name: str
    prefix: str = ""          # the case-number prefix the district assigned ("" from a district that does not)


def _count(value: Any) -> int | None:
    """A non-negative integer from the wire (JSON true is not 1), or None."""
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**63 else None


def _result_event(e: Any) -> bool:
    return (isinstance(e, dict) and all(isinstance(e.get(k), str) for k in ("id", "case_id", "type"))
            and isinstance(e.get("payload"), dict))


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


class DistrictClient:
    """One connection pool to one district server; `token` is None only for enrolment."""

    def __init__(self, base_url: str, token: str | None = None, *, timeout: float = 30.0,
                 connect_timeout: float = 5.0):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.base_url = base_url.rstrip("/")
        self.http = httpx.AsyncClient(base_url=self.base_url, headers=headers,
                                      timeout=httpx.Timeout(timeout, connect=connect_timeout))
        # httpx's timeout is per read: a server trickling a byte at a time would hold a round for ever.
        self.deadline = max(4 * timeout, 2.0)
        self.renewal_due = False          # the server said the token is in the last third of its life

    async def close(self) -> None:
        await self.http.aclose()

    async def __aenter__(self) -> DistrictClient:
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    async def request(self, method: str, path: str, **kw) -> httpx.Response:
        try:
            async with asyncio.timeout(self.deadline):
                r = await self.http.request(method, path, **kw)
        except TimeoutError as e:
            raise retryable(_("区级平台响应过慢（超过时限），将重试"), code="timeout") from e
        except httpx.TimeoutException as e:
            raise retryable(_("区级平台响应超时"), code="timeout") from e
        except httpx.TransportError as e:
            raise retryable(_("无法连接区级平台（{error_type}）").format(error_type=type(e).__name__), code="network") from e
        except httpx.HTTPError as e:          # a malformed reply, a protocol violation, a decoding failure
            raise retryable(_("区级平台的回复无法识别（{error_type}），将重试").format(
                    error_type=type(e).__name__), code="no_receipt") from e
        if r.headers.get("X-Token-Renew") == "1":
            self.renewal_due = True
        if r.status_code == 429:
            raise retryable(_("区级平台繁忙，稍后重试"), code="busy", retry_after=_retry_after(r.headers.get("Retry-After")),
                            status=429)
        if r.status_code >= 500:
            raise retryable(_("区级平台暂时故障（HTTP {status_code}）").format(
                    status_code=r.status_code), code="server_error", status=r.status_code,
                            retry_after=_retry_after(r.headers.get("Retry-After")))
        if 400 <= r.status_code < 500:
            body = self._json_or_none(r)
            reason = body.get("reason") if isinstance(body, dict) else None
            code = body.get("error", "") if isinstance(body, dict) else ""
            if not reason:      # not the district speaking (a proxy or a wrong address): worth another try
                raise retryable(_("区级平台拒绝请求（HTTP {status_code}），回复无法识别").format(
                        status_code=r.status_code), status=r.status_code)
            raise SyncError(reason, retryable=False, code=code, status=r.status_code)
        return r

    @staticmethod
    def _json_or_none(r: httpx.Response) -> Any:
        try:
            return r.json()
        except ValueError:
            return None

    def expect(self, r: httpx.Response, *keys: str) -> dict[str, Any]:
        """The JSON body with the keys the protocol promises; anything else (an empty 200 from a proxy,
        a cut reply) proves nothing and is retried."""
        body = self._json_or_none(r)
        if not isinstance(body, dict) or any(k not in body for k in keys):
            raise retryable(_("区级平台的回复不完整（缺少回执），将重试"), code="no_receipt")
        return body

    # --- the protocol ---------------------------------------------------------------------------

    async def info(self) -> dict[str, Any]:
        return self.expect(await self.request("GET", "/api/v1/info"), "name", "protocol", "allow_training")

    async def enrol(self, code: str, name: str, prefix: str, training: bool, centre: str = "") -> Enrolment:
        body = self.expect(await self.request("POST", "/api/v1/enrol", json={
            "code": code, "name": name, "prefix": prefix, "training": training, "centre": centre}),
            "device_id", "token")
        prefix = body.get("prefix")
        if not isinstance(prefix, str) or not re.fullmatch(r"[A-Z][A-Z0-9~]{1,19}", prefix):
            prefix = ""               # an older district, or an answer that cannot be a prefix: keep our own
        return Enrolment(self.base_url, body["device_id"], body["token"], body.get("server_name", ""), prefix)

    async def renew(self) -> str:
        """A new token for this workstation (the old one works until the new one is first used)."""
        body = self.expect(await self.request("POST", "/api/v1/token"), "token")
        if not isinstance(body["token"], str) or not 20 <= len(body["token"]) <= 200:
            raise retryable(_("区级平台返回的新令牌无效，将重试"), code="no_receipt")
        return body["token"]

    async def missing(self, hashes: list[str]) -> dict[str, int]:
        """sha256 → bytes already received, for each attachment the server lacks."""
        if not hashes:
            return {}
        body = self.expect(await self.request("POST", "/api/v1/attachments/missing", json={"hashes": hashes}),
                           "missing")
        wanted = set(hashes)
        items = body["missing"]
        if not isinstance(items, list) or not all(
                isinstance(m, dict) and m.get("sha256") in wanted and _count(m.get("offset")) is not None
                for m in items):
            raise retryable(_("区级平台的缺失清单无法识别，将重试"), code="no_receipt")
        return {m["sha256"]: _count(m["offset"]) for m in items}

    async def upload(self, sha256: str, content: bytes, offset: int, chunk_size: int) -> int:
        """Send `content` from `offset` in chunks; returns bytes sent. Resumes at the server's offset
        when they disagree."""
        sent, total = 0, len(content)
        moves = stalls = 0
        while True:
            chunk = content[offset:offset + chunk_size]
            try:
                r = await self.request("PATCH", f"/api/v1/attachments/{sha256}", content=chunk, headers={
                    "Upload-Offset": str(offset), "Upload-Length": str(total),
                    "Content-Type": "application/octet-stream"})
            except SyncError as e:
                if e.code == "offset_mismatch" and moves < 3:
                    moves += 1
                    offset = (await self.missing([sha256])).get(sha256, total)
                    if offset >= total:
                        return sent
                    continue
                raise
            body = self.expect(r, "sha256", "offset", "complete")
            sent += len(chunk)
            if body["complete"] is True:
                return sent
            moved = _count(body["offset"])
            if moved is None or moved > total or body["complete"] is not False:
                raise retryable(_("区级平台的上传回执无法识别，将重试"), code="no_receipt")
            stalls = stalls + 1 if moved <= offset else 0
            if stalls >= 3:                    # the server keeps the upload where it was: try another round
                raise retryable(_("区级平台没有接收上传的内容（进度不前进），将重试"), code="no_progress")
            offset = moved

    async def push(self, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Send events; the receipt must account for every one of them."""
        body = self.expect(await self.request("POST", "/api/v1/events", json={"events": events}), "receipt")
        receipt = body["receipt"]
        results = receipt.get("results") if isinstance(receipt, dict) else None
        if not isinstance(results, list):
            raise retryable(_("区级平台的回执无法识别，将重试"), code="no_receipt")
        by_id = {r.get("id"): r for r in results if isinstance(r, dict) and r.get("status") in RESULT_STATUSES}
        if set(by_id) != {e["id"] for e in events}:
            raise retryable(_("区级平台的回执与所发事件不符，将重试"), code="no_receipt")
        return [by_id[e["id"]] for e in events]

    async def results(self, after: int, limit: int = 200) -> tuple[list[dict[str, Any]], int]:
        body = self.expect(await self.request("GET", "/api/v1/results", params={"after": after, "limit": limit}),
                           "events", "cursor")
        events, cursor = body["events"], _count(body["cursor"])
        if cursor is None or not isinstance(events, list) or not all(_result_event(e) for e in events):
            raise retryable(_("区级平台的办理结果无法识别，将重试"), code="no_receipt")
        return events, cursor

    async def published(self, path: str, etag: str | None) -> tuple[dict[str, Any] | None, str | None]:
        """A catalogue or calendar if it changed since `etag` (None when unchanged)."""
        r = await self.request("GET", path, headers={"If-None-Match": etag} if etag else {})
        if r.status_code == 304:
            return None, etag
        return self.expect(r, "version"), r.headers.get("ETag")
