"""A TCP proxy that misbehaves like a bad network or a broken middlebox, between client and server.

Each connection draws one behaviour: pass through, delay, refuse, reset in the middle of the request
or of the response, cut the response short, answer 500/503/429 itself, answer a bare `200 {}` (a
proxy's "success" with no receipt), or stall without answering."""

from __future__ import annotations

import asyncio
import random
import threading
from collections import Counter

FAULTS = ("delay", "refuse", "reset_request", "reset_response", "truncate_response", "http_500", "http_503",
          "http_429", "bare_200", "stall")


class FaultProxy:
    def __init__(self, target_port: int, *, fault_rate: float = 0.35, seed: int = 0,
                 faults: tuple[str, ...] = FAULTS, max_cut: int = 300_000):
        self.target_port, self.fault_rate, self.faults = target_port, fault_rate, faults
        self.rng = random.Random(seed)
        self.max_cut = max_cut
        self.seen: Counter[str] = Counter()
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="fault-proxy")
        self._server: asyncio.base_events.Server | None = None
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
        task = asyncio.current_task()
        self._tasks.add(task)
        mode = self.rng.choice(self.faults) if self.rng.random() < self.fault_rate else "pass"
        self.seen[mode] += 1
        try:
            await self._serve(mode, reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            self._tasks.discard(task)
            if mode in ("reset_request", "reset_response"):
                writer.transport.abort()
            else:
                writer.close()

    async def _serve(self, mode: str, reader, writer) -> None:
        if mode == "refuse":
            writer.transport.abort()
            return
        if mode == "stall":
            await asyncio.sleep(3600)
        if mode.startswith("http_") or mode == "bare_200":
            await reader.readuntil(b"\r\n\r\n")
            status = {"http_500": "500 Internal Server Error", "http_503": "503 Service Unavailable",
                      "http_429": "429 Too Many Requests", "bare_200": "200 OK"}[mode]
            body = b"{}" if mode == "bare_200" else b"<html>busy</html>"
            extra = "Retry-After: 0\r\n" if mode == "http_429" else ""
            writer.write(f"HTTP/1.1 {status}\r\nContent-Length: {len(body)}\r\n{extra}"
                         f"Content-Type: {'application/json' if mode == 'bare_200' else 'text/html'}\r\n"
                         "Connection: close\r\n\r\n".encode() + body)
            await writer.drain()
            return
        if mode == "delay":
            await asyncio.sleep(self.rng.uniform(0.05, 0.6))
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        cut = self.rng.randint(0, self.max_cut)
        up_limit = cut if mode == "reset_request" else None
        down_limit = cut if mode in ("reset_response", "truncate_response") else None
        try:
            await asyncio.gather(self._pipe(reader, up_writer, up_limit), self._pipe(up_reader, writer, down_limit))
        finally:
            up_writer.transport.abort() if mode != "pass" else up_writer.close()

    @staticmethod
    async def _pipe(src, dst, limit: int | None) -> None:
        passed = 0
        while True:
            data = await src.read(65536)
            if not data:
                break
            if limit is not None and passed + len(data) >= limit:
                dst.write(data[:max(0, limit - passed)])
                await dst.drain()
                raise ConnectionResetError("fault injected")
            passed += len(data)
            dst.write(data)
            await dst.drain()
        if dst.can_write_eof():
            dst.write_eof()
