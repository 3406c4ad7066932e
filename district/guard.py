"""Before any endpoint reads a request: the device token is checked (a stranger's body is never read), and
no body may be larger than its endpoint needs. Responses to a device whose token nears its end say so."""

from __future__ import annotations

import json

from starlette.concurrency import run_in_threadpool

from district.service import DistrictService, Refused

MAX_CHUNK = 8 * 1024 * 1024
OPEN_PATHS = ("/api/v1/info", "/api/v1/enrol")
RENEW_HEADER = b"x-token-renew"


def body_limit(method: str, path: str) -> int:
    if method == "PATCH" and path.startswith("/api/v1/attachments/"):
        return MAX_CHUNK + 64 * 1024
    if path == "/api/v1/events":
        return 16 * 1024 * 1024
    return 256 * 1024


async def _reply(send, status: int, code: str, reason: str, headers: list[tuple[bytes, bytes]] = ()) -> None:
    body = json.dumps({"error": code, "reason": reason}, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), *headers]})
    await send({"type": "http.response.body", "body": body})


class Guard:
    def __init__(self, app, service: DistrictService):
        self.app, self.service = app, service

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path, method = scope["path"], scope["method"]
        headers = {k.lower(): v for k, v in scope.get("headers") or []}
        device = None
        if path.startswith("/api/v1/") and path not in OPEN_PATHS:
            auth = headers.get(b"authorization", b"").decode("latin-1")
            if not auth.startswith("Bearer "):
                return await _reply(send, 401, "no_token", "请求没有携带工作站令牌，请先注册本工作站。")
            try:
                device = await run_in_threadpool(self.service.authenticate, auth.removeprefix("Bearer ").strip())
            except Refused as e:
                return await _reply(send, e.status, e.code, e.reason)
            scope.setdefault("state", {})["device"] = device
        limit = body_limit(method, path)
        try:
            declared = int(headers.get(b"content-length", b"0"))
        except ValueError:
            return await _reply(send, 400, "bad_request", "Content-Length 无效。")
        if declared > limit:
            return await _reply(send, 413, "body_too_large", f"请求体超过上限 {limit} 字节。")
        if method == "PATCH" and path.startswith("/api/v1/attachments/"):
            # streamed to disk by the endpoint, which stops it at the chunk limit
            return await self.app(scope, receive, self._renewing(send, device))
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                return await _reply(send, 413, "body_too_large", f"请求体超过上限 {limit} 字节。")
            chunks.append(chunk)
            more = message.get("more_body", False)
        body, replayed = b"".join(chunks), False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return await self.app(scope, replay, self._renewing(send, device))

    def _renewing(self, send, device):
        """Responses to a device whose token is in its last third say so."""
        renew = device is not None and self.service.renewal_due(device)

        async def sending(message):
            if renew and message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), (RENEW_HEADER, b"1")]}
            await send(message)

        return sending
