"""An HTTP/1.1 proxy that misbehaves like a bad network or a broken middlebox, request by request.

Each request draws one behaviour: pass, delay, refuse the connection, reset in the middle of the request
or of the response, cut the response short, answer 500/503/429 itself, answer a bare `200 {}` (a
proxy's "success" with no receipt), or stall without answering. Bodies are framed by Content-Length,
which is how both httpx and uvicorn send them here."""

from __future__ import annotations

import asyncio
import random
import re
import threading
from collections import Counter

FAULTS = ("delay", "refuse", "reset_request", "reset_response", "truncate_response", "http_500", "http_503",
          "http_429", "bare_200", "stall")
_LENGTH = re.compile(rb"\r\ncontent-length:\s*(\d+)", re.IGNORECASE)


def _length(head: bytes) -> int:
    m = _LENGTH.search(head)
    return int(m.group(1)) if m else 0


class FaultProxy:
    def __init__(self, target_port: int, *, fault_rate: float = 0.3, seed: int = 0,
                 faults: tuple[str, ...] = FAULTS):
        self.target_port, self.fault_rate, self.faults = target_port, fault_rate, faults
        self.rng = random.Random(seed)
        self.seen: Counter[str] = Counter()
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="fault-proxy")
        self._server = None
        self._tasks: set[asyncio.Task] = set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FaultProxy:
        self._thread.start()
        self._ready.wait(10)
        return self

    def stop(self) -> None:
        async def shutdown():
            self._server.close()
            for t in list(self._tasks):
                t.cancel()
        asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0))
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._tasks.add(asyncio.current_task())
        upstream = None
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                mode = self.rng.choice(self.faults) if self.rng.random() < self.fault_rate else "pass"
                self.seen[mode] += 1
                if mode == "refuse":
                    return writer.transport.abort()
                if mode == "stall":
                    await asyncio.sleep(3600)
                request = head + await reader.readexactly(_length(head))
                if mode.startswith("http_") or mode == "bare_200":
                    return await self._answer_itself(mode, writer)
                if mode == "delay":
                    await asyncio.sleep(self.rng.uniform(0.05, 0.5))
                if upstream is None:
                    upstream = await asyncio.open_connection("127.0.0.1", self.target_port)
                up_reader, up_writer = upstream
                if mode == "reset_request":
                    up_writer.write(request[:self.rng.randrange(len(request))])
                    await up_writer.drain()
                    up_writer.transport.abort()
                    return writer.transport.abort()
                up_writer.write(request)
                await up_writer.drain()
                rhead = await up_reader.readuntil(b"\r\n\r\n")
                status = rhead.split(b" ", 2)[1]
                body_length = 0 if status in (b"204", b"304") or request.startswith(b"HEAD") else _length(rhead)
                response = rhead + await up_reader.readexactly(body_length)
                if mode in ("reset_response", "truncate_response"):
                    writer.write(response[:self.rng.randrange(len(response))])
                    await writer.drain()
                    if mode == "reset_response":
                        writer.transport.abort()
                    return
                writer.write(response)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, asyncio.CancelledError):
            pass
        finally:
            self._tasks.discard(asyncio.current_task())
            if upstream is not None:
                upstream[1].transport.abort()
            writer.close()

    @staticmethod
    async def _answer_itself(mode: str, writer: asyncio.StreamWriter) -> None:
        status = {"http_500": "500 Internal Server Error", "http_503": "503 Service Unavailable",
                  "http_429": "429 Too Many Requests", "bare_200": "200 OK"}[mode]
        body = b"{}" if mode == "bare_200" else b"<html>busy</html>"
        extra = "Retry-After: 0\r\n" if mode == "http_429" else ""
        kind = "application/json" if mode == "bare_200" else "text/html"
        writer.write(f"HTTP/1.1 {status}\r\nContent-Length: {len(body)}\r\n{extra}Content-Type: {kind}\r\n"
                     "Connection: close\r\n\r\n".encode() + body)
        await writer.drain()
