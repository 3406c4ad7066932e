"""The sync protocol over HTTP (FastAPI); the OpenAPI document at /openapi.json is generated from here."""

import logging
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi import Path as FastPath
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.requests import ClientDisconnect

from district.catalog import Published, etag_matches, load_calendar, published_catalog
from district.guard import MAX_CHUNK, Guard
from district.limits import RateLimit
from district.models import DeviceRow
from district.officers import OfficerService
from district.service import DistrictService, Refused
from district.validation import MAX_INT, Payload, Text, printable

log = logging.getLogger(__name__)
PROTOCOL = 1
UUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"


class ErrorBody(BaseModel):
    error: str = Field(description="machine-readable code, e.g. device_revoked")
    reason: str = Field(description="what happened, in words a clerk can act on (Chinese)")


class ServerInfo(BaseModel):
    name: str
    protocol: int
    allow_training: bool


class EnrolRequest(BaseModel):
    code: Text = Field(max_length=40, description="one-time enrolment code from the administrator")
    name: Text = Field(max_length=80, description="the workstation's window name")
    prefix: Text = Field(max_length=20, description="the case-number prefix the workstation asks for; the district "
                                                    "assigns another when a workstation has it already")
    training: bool = Field(False, description="true for a workstation in the training profile")
    centre: Text = Field("", max_length=80, description="the service centre (service point) the workstation is at")


class EnrolResponse(BaseModel):
    device_id: str
    token: str = Field(description="bearer token for every later request; revocable by the district")
    server_name: str
    allow_training: bool
    prefix: str = Field(description="the case-number prefix assigned to this workstation, unique in the district")


class TokenResponse(BaseModel):
    token: str = Field(description="the new bearer token; the old one works until this one is first used")
    expires_at: str


class MissingRequest(BaseModel):
    hashes: list[Text] = Field(max_length=2000, description="SHA-256 (hex) of attachments the events reference")


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
    id: str = Field(pattern=UUID, description="UUID; the event is applied at most once by it")
    case_id: str = Field(pattern=UUID)
    seq: int = Field(ge=1, le=2**31 - 1, description="position of the event in its case, from 1 without gaps")
    type: Text = Field(max_length=40)
    payload: Payload
    clerk: Text = Field(max_length=40)
    occurred_at: Text = Field(max_length=40, description="ISO 8601 with offset, as the workstation wrote it")


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
          413: {"model": ErrorBody}, 422: {"model": ErrorBody}, 429: {"model": ErrorBody}}


def _refused(_request: Request, exc: Refused) -> JSONResponse:
    response = JSONResponse({"error": exc.code, "reason": exc.reason}, status_code=exc.status)
    if exc.status == 429 and exc.retry_after:
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
    """422 with the first problem in words, never echoing the input back."""
    first = exc.errors()[0] if exc.errors() else {}
    where = ".".join(printable(str(p), 40) for p in first.get("loc", ()))
    reason = f"请求格式有误：{where}：{printable(str(first.get('msg', '')))}" if where else "请求格式有误。"
    return JSONResponse({"error": "invalid_request", "reason": reason}, status_code=422)


def create_app(service: DistrictService, officers: OfficerService, catalog_dir: Path,
               calendar_file: Path | None) -> FastAPI:
    app = FastAPI(title="综窗区级受理平台同步接口 (Zongchuang district sync protocol)", version=f"{PROTOCOL}.0",
                  description="Workstations push case events and attachments exactly once and pull the "
                              "district's results. See docs/sync-protocol.md.")
    app.add_exception_handler(Refused, _refused)
    app.add_exception_handler(RequestValidationError, _invalid)
    enrol_limit = RateLimit(attempts=10, seconds=600)          # per client address
    enrol_limit_all = RateLimit(attempts=60, seconds=600)      # and for everyone together

    def device(request: Request, authorization: Annotated[str | None, Header()] = None) -> DeviceRow:
        known = getattr(request.state, "device", None)       # checked by the guard before the body was read
        if known is not None:
            return known
        if not authorization or not authorization.startswith("Bearer "):
            raise Refused(401, "no_token", "请求没有携带工作站令牌，请先注册本工作站。")
        return service.authenticate(authorization.removeprefix("Bearer ").strip())

    Device = Annotated[DeviceRow, Depends(device)]

    @app.get("/api/v1/info", response_model=ServerInfo)
    def info() -> dict:
        return {"name": service.config.name, "protocol": PROTOCOL, "allow_training": service.config.allow_training}

    @app.post("/api/v1/enrol", response_model=EnrolResponse, responses=ERRORS)
    def enrol(body: EnrolRequest, request: Request) -> dict:
        address = request.client.host if request.client else ""
        wait = enrol_limit.hit(address) or enrol_limit_all.hit("*")
        if wait:
            raise Refused(429, "too_many_attempts", f"注册尝试过于频繁，请 {wait} 秒后再试。", retry_after=wait)
        device_id, token, prefix = service.enrol(body.code, body.name, body.prefix, body.training, body.centre)
        return {"device_id": device_id, "token": token, "server_name": service.config.name,
                "allow_training": service.config.allow_training, "prefix": prefix}

    @app.post("/api/v1/token", response_model=TokenResponse, responses=ERRORS)
    def renew(dev: Device) -> dict:
        """A new token before the current one expires (responses carry `X-Token-Renew: 1` when it is time)."""
        token, expires = service.renew(dev)
        return {"token": token, "expires_at": expires.isoformat()}

    @app.post("/api/v1/attachments/missing", response_model=MissingResponse, responses=ERRORS)
    def missing(body: MissingRequest, dev: Device) -> dict:
        return {"missing": service.missing(dev, body.hashes)}

    @app.patch("/api/v1/attachments/{sha256}", response_model=UploadResponse, responses=ERRORS,
               openapi_extra={"requestBody": {"required": True, "content": {
                   "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}})
    async def upload(sha256: Annotated[str, FastPath(pattern=r"^[0-9a-f]{64}$")], request: Request, dev: Device,
                     upload_offset: Annotated[int, Header(ge=0, le=MAX_INT, description="where this chunk starts")],
                     upload_length: Annotated[int, Header(ge=1, le=MAX_INT,
                                                          description="size of the whole file")]) -> dict:
        # The chunk streams through a spool that goes to disk past 256 KiB: a few uploads at once cost the
        # server kilobytes of memory, not megabytes each.
        with tempfile.SpooledTemporaryFile(max_size=256 * 1024) as spool:
            size = 0
            try:
                async for piece in request.stream():
                    size += len(piece)
                    if size > MAX_CHUNK:
                        raise Refused(413, "chunk_too_large", f"每块不超过 {MAX_CHUNK} 字节。")
                    spool.write(piece)
            except ClientDisconnect:         # the workstation went away mid-chunk: nothing is written
                log.info("upload of %s cut off by the client", sha256[:12])
                return Response(status_code=400)
            spool.seek(0)
            return await run_in_threadpool(service.upload, dev, sha256, upload_offset, upload_length, spool, size)

    @app.post("/api/v1/events", response_model=EventsResponse, responses=ERRORS)
    def events(body: EventsRequest, dev: Device) -> dict:
        results = service.receive(dev, [e.model_dump() for e in body.events])
        return {"receipt": {"server": service.config.name, "received_at": datetime.now(UTC).isoformat(),
                            "results": results}}

    @app.get("/api/v1/results", response_model=ResultsResponse, responses=ERRORS)
    def results(dev: Device, after: Annotated[int, Query(ge=0, le=MAX_INT)] = 0,
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
        return conditional(published_catalog(catalog_dir), if_none_match)

    @app.get("/api/v1/calendar", response_model=PublishedCalendar, responses={304: {"description": "unchanged"}})
    def calendar(dev: Device, if_none_match: Annotated[str | None, Header()] = None) -> Response:
        return conditional(load_calendar(calendar_file), if_none_match)

    from district.backoffice import add_back_office

    add_back_office(app, service, officers)
    app.add_middleware(Guard, service=service)
    return app

