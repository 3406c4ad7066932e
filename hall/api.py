"""The hall service over HTTP: the windows' API (`/api/hall/...`, with the hall key when one is set), the kiosk
page (取号) and the calling display page — plain pages whose script comes from this server only."""

from __future__ import annotations

import hmac
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel, Field

from hall.service import HallRefused, HallService

STATIC = Path(__file__).resolve().parent / "static"
_PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
                               "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Cache-Control": "no-store",
}
_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
          ".css": "text/css; charset=utf-8"}


class TakeBody(BaseModel):
    category: str = Field(max_length=20)
    green: bool = False
    id_number: str = Field("", max_length=20, description="read at the kiosk (kept masked only)")


class BookBody(BaseModel):
    category: str = Field(max_length=20)
    slot_start: datetime
    slot_end: datetime
    name: str = Field("", max_length=40)


class CallBody(BaseModel):
    categories: list[str] = Field(default_factory=list, max_length=20, description="empty: every category")


class PauseBody(BaseModel):
    paused: bool


class TransferBody(BaseModel):
    category: str | None = Field(None, max_length=20)
    window: str | None = Field(None, max_length=40)


class FinishBody(BaseModel):
    case_numbers: list[str] = Field(default_factory=list, max_length=50)


class ServedTicket(BaseModel):
    id: str = Field(max_length=36)
    number: str = Field(max_length=12)
    category: str = Field("general", max_length=20)
    green: bool = False
    taken_at: datetime
    called_at: datetime | None = None
    finished_at: datetime | None = None


class CatchUpBody(BaseModel):
    tickets: list[ServedTicket] = Field(max_length=2000)


def create_hall_app(service: HallService) -> FastAPI:
    app = FastAPI(title="综窗叫号服务 (Zongchuang hall queue)", version="1.0",
                  description="One queue for the windows of a service centre: the kiosk takes tickets, the windows "
                              "call them, the display shows and speaks the calls.")

    @app.exception_handler(HallRefused)
    def refused(_request: Request, e: HallRefused) -> JSONResponse:
        return JSONResponse({"error": e.code, "reason": e.reason}, status_code=e.status)

    @app.exception_handler(RequestValidationError)
    def invalid(_request: Request, e: RequestValidationError) -> JSONResponse:
        first = (e.errors() or [{}])[0]
        where = ".".join(str(p) for p in first.get("loc", ())[1:])
        return JSONResponse({"error": "invalid_request", "reason": f"请求格式有误：{where}"}, status_code=422)

    def window_key(x_hall_key: Annotated[str | None, Header()] = None) -> None:
        key = service.config.key
        if key and not hmac.compare_digest((x_hall_key or "").encode(), key.encode()):
            raise HallRefused(401, "hall_key", "叫号服务拒绝了本窗口：X-Hall-Key 不正确（见叫号服务的设置）。")

    Window = Depends(window_key)

    # --- for everyone on the hall's LAN: the kiosk and the display ------------------------------------------

    @app.get("/api/hall/info")
    def info() -> dict[str, Any]:
        c = service.config
        return {"name": c.name, "categories": [{"code": x.code, "prefix": x.prefix, "label": x.label}
                                               for x in c.categories], "green_prefix": c.green_prefix}

    @app.post("/api/hall/tickets")
    def take(body: TakeBody) -> dict[str, Any]:
        return service.take(body.category, body.green, body.id_number)

    @app.post("/api/hall/appointments/{code}/check-in")
    def check_in(code: str) -> dict[str, Any]:
        return service.check_in(code[:12])

    @app.get("/api/hall/display")
    def display() -> dict[str, Any]:
        return service.display()

    @app.get("/api/hall/tickets/{number}")
    def ticket(number: str) -> dict[str, Any]:
        return service.ticket(number[:12])

    # --- for the windows ------------------------------------------------------------------------------

    @app.post("/api/hall/appointments", dependencies=[Window])
    def book(body: BookBody) -> dict[str, Any]:
        return service.book(body.category, body.slot_start, body.slot_end, body.name)

    @app.get("/api/hall/waiting", dependencies=[Window])
    def waiting(categories: str = "") -> list[dict[str, Any]]:
        return service.waiting([c for c in categories.split(",") if c])

    @app.post("/api/hall/windows/{window}/call", dependencies=[Window])
    def call(window: str, body: CallBody) -> Response:
        t = service.call(window[:40], body.categories)
        return JSONResponse(t) if t is not None else Response(status_code=204)

    @app.post("/api/hall/windows/{window}/recall", dependencies=[Window])
    def recall(window: str) -> dict[str, Any]:
        return service.recall(window[:40])

    @app.post("/api/hall/windows/{window}/no-show", dependencies=[Window])
    def no_show(window: str) -> dict[str, Any]:
        return service.no_show(window[:40])

    @app.post("/api/hall/tickets/{number}/restore", dependencies=[Window])
    def restore(number: str) -> dict[str, Any]:
        return service.restore(number[:12])

    @app.post("/api/hall/windows/{window}/pause", dependencies=[Window])
    def pause(window: str, body: PauseBody) -> dict[str, Any]:
        return service.pause(window[:40], body.paused)

    @app.post("/api/hall/windows/{window}/transfer", dependencies=[Window])
    def transfer(window: str, body: TransferBody) -> dict[str, Any]:
        return service.transfer(window[:40], body.category, body.window)

    @app.post("/api/hall/windows/{window}/finish", dependencies=[Window])
    def finish(window: str, body: FinishBody) -> Response:
        t = service.finish(window[:40], body.case_numbers)
        return JSONResponse(t) if t is not None else Response(status_code=204)

    @app.post("/api/hall/windows/{window}/catch-up", dependencies=[Window])
    def catch_up(window: str, body: CatchUpBody) -> dict[str, Any]:
        return {"recorded": service.catch_up(window[:40], [t.model_dump() for t in body.tickets])}

    # --- the pages ---------------------------------------------------------------------------------------

    def static(name: str) -> Response:
        path = STATIC / name
        return FileResponse(path, media_type=_TYPES[path.suffix], headers=_PAGE_HEADERS)

    @app.get("/", include_in_schema=False)
    def home() -> Response:
        return static("index.html")

    @app.get("/kiosk", include_in_schema=False)
    def kiosk() -> Response:
        return static("kiosk.html")

    @app.get("/display", include_in_schema=False)
    def display_page() -> Response:
        return static("display.html")

    @app.get("/static/{name}", include_in_schema=False)
    def asset(name: str) -> Response:
        if name not in {p.name for p in STATIC.iterdir()} or Path(name).suffix not in _TYPES:
            raise HallRefused(404, "not_found", "没有这个文件。")
        return static(name)

    return app
