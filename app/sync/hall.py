"""The window's side of the hall service (叫号): the centre's one queue over HTTP on the LAN, with short timeouts —
when it cannot be reached the window calls from its own queue instead (services.queue) and says so."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from urllib.parse import quote

import httpx

from app.domain.errors import DomainError
from app.domain.queue import Ticket, TicketState
from app.i18n import _

log = logging.getLogger(__name__)


class HallUnavailable(Exception):
    """The hall service did not answer (network, timeout, server error): fall back to the local queue."""


class HallRefusal(DomainError):
    """The hall service answered, and refused (its reason is for the clerk)."""


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text).astimezone() if text else None


def ticket_of(d: dict[str, Any]) -> Ticket:
    try:
        return Ticket(str(d["id"]), str(d["number"]), str(d.get("category", "")), bool(d.get("green")),
                      TicketState(d["state"]) if d.get("state") in set(TicketState) else TicketState.CALLED,
                      _moment(d["taken_at"]), _moment(d.get("called_at")), d.get("window"))
    except (KeyError, TypeError, ValueError) as e:
        raise HallUnavailable(f"unreadable ticket from the hall: {e}") from e


class HallClient:
    def __init__(self, url: str, window: str, key: str = "", timeout: float = 3.0):
        self.url, self.window = url.rstrip("/"), window
        self._http = httpx.Client(base_url=self.url, timeout=httpx.Timeout(timeout, connect=min(timeout, 2.0)),
                                  headers={"X-Hall-Key": key} if key else {})

    def _send(self, method: str, path: str, **kw) -> Any:
        try:
            r = self._http.request(method, path, **kw)
        except httpx.HTTPError as e:
            raise HallUnavailable(f"{type(e).__name__}: {e}") from e
        if r.status_code >= 500:
            raise HallUnavailable(f"hall answered {r.status_code}")
        if r.status_code == 204:
            return None
        try:
            body = r.json()
        except ValueError as e:
            raise HallUnavailable("hall answered without JSON") from e
        if r.status_code >= 400:
            reason = body.get("reason") if isinstance(body, dict) else None
            raise HallRefusal(str(reason or _("叫号服务拒绝了请求（{status_code}）").format(status_code=r.status_code)))
        return body

    def _path(self, action: str) -> str:
        return f"/api/hall/windows/{quote(self.window, safe='')}/{action}"

    def categories(self) -> list[tuple[str, str]]:
        """(code, label) of the hall's categories of business."""
        body = self._send("GET", "/api/hall/info")
        try:
            return [(str(c["code"]), str(c["label"])) for c in body["categories"]]
        except (KeyError, TypeError) as e:
            raise HallUnavailable("unreadable categories from the hall") from e

    def take(self, category: str, green: bool) -> Ticket:
        return ticket_of(self._send("POST", "/api/hall/tickets", json={"category": category, "green": green}))

    def waiting(self, categories: list[str]) -> list[Ticket]:
        body = self._send("GET", "/api/hall/waiting", params={"categories": ",".join(categories)})
        if not isinstance(body, list):
            raise HallUnavailable("hall answered a waiting list that is not a list")
        return [ticket_of(t) for t in body]

    def call(self, categories: list[str]) -> Ticket | None:
        body = self._send("POST", self._path("call"), json={"categories": categories})
        return ticket_of(body) if body is not None else None

    def recall(self) -> Ticket:
        return ticket_of(self._send("POST", self._path("recall")))

    def no_show(self) -> Ticket:
        return ticket_of(self._send("POST", self._path("no-show")))

    def restore(self, number: str) -> Ticket:
        return ticket_of(self._send("POST", f"/api/hall/tickets/{quote(number, safe='')}/restore"))

    def pause(self, paused: bool) -> None:
        self._send("POST", self._path("pause"), json={"paused": paused})

    def transfer(self, category: str | None, window: str | None) -> Ticket:
        return ticket_of(self._send("POST", self._path("transfer"), json={"category": category, "window": window}))

    def finish(self, case_numbers: list[str]) -> None:
        self._send("POST", self._path("finish"), json={"case_numbers": case_numbers})

    def catch_up(self, tickets: list[Ticket]) -> int:
        body = self._send("POST", self._path("catch-up"), json={"tickets": [
            {"id": t.id, "number": t.number, "category": t.category or "general", "green": t.priority,
             "taken_at": t.taken_at.isoformat(), "called_at": t.called_at.isoformat() if t.called_at else None}
            for t in tickets]})
        return int(body.get("recorded", 0)) if isinstance(body, dict) else 0

    def close(self) -> None:
        self._http.close()
