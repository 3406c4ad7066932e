"""The sync protocol over HTTP (FastAPI); the OpenAPI document at /openapi.json is generated from here."""

import base64
import hmac
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.requests import ClientDisconnect

from district.catalog import Published, etag_matches, load_calendar, load_catalog
from district.models import DeviceRow
from district.service import DistrictService, Refused

log = logging.getLogger(__name__)
PROTOCOL = 1
MAX_CHUNK = 8 * 1024 * 1024


class ErrorBody(BaseModel):
    error: str = Field(description="machine-readable code, e.g. device_revoked")
    reason: str = Field(description="what happened, in words a clerk can act on (Chinese)")


class ServerInfo(BaseModel):
    name: str
    protocol: int
    allow_training: bool


class EnrolRequest(BaseModel):
    code: str = Field(max_length=40, description="one-time enrolment code from the administrator")
    name: str = Field(max_length=80, description="the workstation's window name")
    prefix: str = Field(max_length=20, description="the workstation's case-number prefix")
    training: bool = Field(False, description="true for a workstation in the training profile")


class EnrolResponse(BaseModel):
    device_id: str
    token: str = Field(description="bearer token for every later request; revocable by the district")
    server_name: str
    allow_training: bool


class MissingRequest(BaseModel):
    hashes: list[str] = Field(max_length=2000, description="SHA-256 (hex) of attachments the events reference")


class MissingItem(BaseModel):
    sha256: str
    offset: int = Field(description="bytes already received of an interrupted upload; continue from here")


class MissingResponse(BaseModel):
    missing: list[MissingItem]


class UploadResponse(BaseModel):
    sha256: str
    offset: int
    complete: bool = Field(description="true once the whole file arrived and its SHA-256 was verified")


class CaseEvent(BaseModel):
    id: str = Field(min_length=36, max_length=36, description="UUID; the event is applied at most once by it")
    case_id: str = Field(min_length=36, max_length=36)
    seq: int = Field(ge=1, description="position of the event in its case, from 1 without gaps")
    type: str = Field(max_length=40)
    payload: dict[str, Any]
    clerk: str = Field(max_length=40)
    occurred_at: str = Field(max_length=40, description="ISO 8601 with offset, as the workstation wrote it")


class EventsRequest(BaseModel):
    events: list[CaseEvent] = Field(max_length=1000, description="in order of seq within each case")


class EventResult(BaseModel):
    id: str
    status: str = Field(description="applied | duplicate | parked | conflict | rejected")
    code: int = Field(description="201 applied, 200 duplicate, 202 parked, 409 conflict, 422 rejected")
    reason: str = ""


class Receipt(BaseModel):
    server: str
    received_at: str
    results: list[EventResult]


class EventsResponse(BaseModel):
    receipt: Receipt


class ResultEvent(BaseModel):
    cursor: int
    id: str
    case_id: str
    type: str = Field(description="received | processing | completed | terminated; for a 办不成事: resolved")
    payload: dict[str, Any]
    by: str
    occurred_at: str


class ResultsResponse(BaseModel):
    events: list[ResultEvent]
    cursor: int = Field(description="pass as `after` next time")


class PublishedCatalog(BaseModel):
    version: str
    files: dict[str, Any]


class PublishedCalendar(BaseModel):
    version: str
    days: dict[str, str] = Field(description="YYYY-MM-DD -> holiday | workday")


ERRORS = {401: {"model": ErrorBody}, 403: {"model": ErrorBody}, 409: {"model": ErrorBody},
          422: {"model": ErrorBody}}


def _refused(_request: Request, exc: Refused) -> JSONResponse:
    response = JSONResponse({"error": exc.code, "reason": exc.reason}, status_code=exc.status)
    if exc.code == "back_office_login":      # the browser asks for the back-office password
        response.headers["WWW-Authenticate"] = 'Basic realm="zongchuang-district", charset="UTF-8"'
    return response


def create_app(service: DistrictService, catalog_dir: Path, calendar_file: Path | None,
               admin_token: str) -> FastAPI:
    app = FastAPI(title="综窗区级受理平台同步接口 (Zongchuang district sync protocol)", version=f"{PROTOCOL}.0",
                  description="Workstations push case events and attachments exactly once and pull the "
                              "district's results. See docs/sync-protocol.md.")
    app.add_exception_handler(Refused, _refused)

    def device(authorization: Annotated[str | None, Header()] = None) -> DeviceRow:
        if not authorization or not authorization.startswith("Bearer "):
            raise Refused(401, "no_token", "请求没有携带工作站令牌，请先注册本工作站。")
        return service.authenticate(authorization.removeprefix("Bearer ").strip())

    Device = Annotated[DeviceRow, Depends(device)]

    @app.get("/api/v1/info", response_model=ServerInfo)
    def info() -> dict:
        return {"name": service.config.name, "protocol": PROTOCOL, "allow_training": service.config.allow_training}

    @app.post("/api/v1/enrol", response_model=EnrolResponse, responses=ERRORS)
    def enrol(body: EnrolRequest) -> dict:
        device_id, token = service.enrol(body.code, body.name, body.prefix, body.training)
        return {"device_id": device_id, "token": token, "server_name": service.config.name,
                "allow_training": service.config.allow_training}

    @app.post("/api/v1/attachments/missing", response_model=MissingResponse, responses=ERRORS)
    def missing(body: MissingRequest, dev: Device) -> dict:
        return {"missing": service.missing(dev, body.hashes)}

    @app.patch("/api/v1/attachments/{sha256}", response_model=UploadResponse, responses=ERRORS,
               openapi_extra={"requestBody": {"required": True, "content": {
                   "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}})
    async def upload(sha256: str, request: Request, dev: Device,
                     upload_offset: Annotated[int, Header(ge=0, description="where this chunk starts")],
                     upload_length: Annotated[int, Header(ge=1, description="size of the whole file")]) -> dict:
        try:
            chunk = await request.body()
        except ClientDisconnect:             # the workstation went away mid-chunk: nothing is written
            log.info("upload of %s cut off by the client", sha256[:12])
            return Response(status_code=400)
        if len(chunk) > MAX_CHUNK:
            raise Refused(413, "chunk_too_large", f"每块不超过 {MAX_CHUNK} 字节。")
        return await run_in_threadpool(service.upload, dev, sha256, upload_offset, upload_length, chunk)

    @app.post("/api/v1/events", response_model=EventsResponse, responses=ERRORS)
    def events(body: EventsRequest, dev: Device) -> dict:
        results = service.receive(dev, [e.model_dump() for e in body.events])
        return {"receipt": {"server": service.config.name, "received_at": datetime.now(UTC).isoformat(),
                            "results": results}}

    @app.get("/api/v1/results", response_model=ResultsResponse, responses=ERRORS)
    def results(dev: Device, after: Annotated[int, Query(ge=0)] = 0,
                limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> dict:
        evs, cursor = service.results(dev, after, limit)
        return {"events": evs, "cursor": cursor}

    def conditional(published: Published, if_none_match: str | None) -> Response:
        headers = {"ETag": published.etag, "Cache-Control": "no-cache"}
        if etag_matches(if_none_match, published.etag):
            return Response(status_code=304, headers=headers)
        return JSONResponse(published.body, headers=headers)

    @app.get("/api/v1/catalog", response_model=PublishedCatalog, responses={304: {"description": "unchanged"}})
    def catalog(dev: Device, if_none_match: Annotated[str | None, Header()] = None) -> Response:
        return conditional(load_catalog(catalog_dir), if_none_match)

    @app.get("/api/v1/calendar", response_model=PublishedCalendar, responses={304: {"description": "unchanged"}})
    def calendar(dev: Device, if_none_match: Annotated[str | None, Header()] = None) -> Response:
        return conditional(load_calendar(calendar_file), if_none_match)

    def back_office(authorization: Annotated[str | None, Header()] = None) -> str:
        given = ""
        if authorization and authorization.startswith("Bearer "):
            given = authorization.removeprefix("Bearer ").strip()
        elif authorization and authorization.startswith("Basic "):
            try:
                given = base64.b64decode(authorization[6:]).decode("utf-8").partition(":")[2]
            except ValueError:
                given = ""
        if not given or not hmac.compare_digest(given.encode(), admin_token.encode()):
            raise Refused(401, "back_office_login", "请使用后台口令登录（zongchuang-district admin-token 可查看）。")
        return "后台"

    from district.backoffice import add_back_office

    add_back_office(app, service, back_office)
    return app

