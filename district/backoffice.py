"""The back office: named officers sign in, see received cases and record the decision (办结).

The page: a session cookie (HttpOnly, SameSite=Strict) plus a CSRF token in every form, templates that
escape everything they are given (Jinja2), and a Content-Security-Policy that runs no script at all. The API
(`/backoffice/api/...`) for scripts and other systems: `POST /backoffice/api/login` gives a bearer token,
which a browser never sends by itself. Every action is audited with the officer's name and address.
"""


import hmac
import secrets
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Form, Header, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import DictLoader, Environment, select_autoescape
from pydantic import BaseModel, Field

from district.limits import RateLimit
from district.models import CaseRow, OfficerRow, OfficerSessionRow
from district.officers import OfficerService
from district.service import CANNOT_DO_OUTCOMES, DECISION_LABELS, DistrictService, Refused
from district.validation import Text

COOKIE = "zc_backoffice"

_TEMPLATES = {
    "base.html": """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>区级受理平台 · 后台</title>
<style nonce="{{ nonce }}">body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:4px 8px}form{display:inline}.error{color:#a93226}</style></head><body>
{% block body %}{% endblock %}</body></html>""",
    "login.html": """{% extends "base.html" %}{% block body %}<h1>{{ name }} · 后台登录</h1>
{% if error %}<p class="error">{{ error }}</p>{% endif %}
<form method="post" action="/backoffice/login"><input type="hidden" name="csrf" value="{{ csrf }}">
<p><label>用户名 <input name="username" autocomplete="username" required></label></p>
<p><label>密码 <input name="password" type="password" autocomplete="current-password" required></label></p>
<p><button>登录</button></p></form>{% endblock %}""",
    "cases.html": """{% extends "base.html" %}{% block body %}<h1>{{ name }} · 后台办理</h1>
<p>{{ officer }} 已登录。<form method="post" action="/backoffice/logout"><input type="hidden" name="csrf"
value="{{ csrf }}"><button>退出</button></form></p>
<p>共 {{ rows|length }} 件。待办结的办件可在此办结，结果将回传至受理窗口。</p>
<table><tr><th>办件编号</th><th>统一编号</th><th>事项</th><th>申请人</th><th>窗口状态</th><th>后台状态</th><th>办理</th></tr>
{% for r in rows %}<tr><td>{{ r.case.case_number }}</td><td>{{ r.case.official_number or "" }}</td>
<td>{{ r.case.item_name }}</td><td>{{ r.case.applicant_name }} {{ r.case.applicant_masked_id }}</td>
<td>{{ r.case.workstation_state }}</td><td>{{ r.label }}{% if r.case.decision_note %}：{{ r.case.decision_note }}{% endif %}</td>
<td>{% if r.decidable %}<form method="post" action="/backoffice/cases/{{ r.case.id }}/decision">
<input type="hidden" name="csrf" value="{{ csrf }}"><input name="note" placeholder="办理意见">
<button name="approved" value="1">准予</button> <button name="approved" value="0">不予</button></form>{% endif %}
{% if r.overdue %}<form method="post" action="/backoffice/cases/{{ r.case.id }}/termination">
<input type="hidden" name="csrf" value="{{ csrf }}"><button>容缺逾期，终止办理</button></form>{% endif %}
{% if r.escalated %}<form method="post" action="/backoffice/cases/{{ r.case.id }}/resolution">
<input type="hidden" name="csrf" value="{{ csrf }}"><select name="outcome">
{% for value, label in outcomes %}<option value="{{ value }}">{{ label }}</option>{% endfor %}</select>
<input name="note" placeholder="说明"> <input name="assignee" placeholder="帮办人">
<input name="guidance" placeholder="办理指引"> <button>办结</button></form>{% endif %}</td></tr>
{% endfor %}</table>{% endblock %}""",
}
_pages = Environment(loader=DictLoader(_TEMPLATES), autoescape=select_autoescape(default=True, default_for_string=True))


class Decision(BaseModel):
    approved: bool
    note: Text = Field("", max_length=500, description="shown to the citizen at handout")


class Termination(BaseModel):
    reason: Text = Field("", max_length=500, description="why the case ends (default: deferred materials overdue)")


class Resolution(BaseModel):
    outcome: Text = Field(max_length=20, description="coordinated (协调办理) | assisted (帮办代办) | impossible (无法办理)")
    note: Text = Field("", max_length=500, description="the explanation for the citizen")
    assignee: Text = Field("", max_length=60, description="who helps (帮办代办)")
    guidance: Text = Field("", max_length=500, description="where to go instead (无法办理)")


class Login(BaseModel):
    username: Text = Field(max_length=40)
    password: Text = Field(max_length=200)


class LoginResponse(BaseModel):
    token: str = Field(description="send as `Authorization: Bearer …` to /backoffice/api/…")
    expires_at: str
    officer: str


def case_dict(c: CaseRow) -> dict[str, Any]:
    return {"id": c.id, "case_number": c.case_number, "official_number": c.official_number,
            "item_code": c.item_code, "item_name": c.item_name, "applicant_name": c.applicant_name,
            "applicant_id": c.applicant_masked_id, "workstation_state": c.workstation_state,
            "decision": c.decision, "decision_note": c.decision_note, "device_id": c.device_id,
            "received_at": c.received_at.isoformat(), "events": c.last_seq, "kind": c.kind,
            "deferred_deadline": c.deferred_deadline.isoformat() if c.deferred_deadline else None,
            "deferred_open": list(c.deferred_open or []), "request": c.request}


def _address(request: Request) -> str:
    return request.client.host if request.client else ""


def _page(html: str, nonce: str, status: int = 200) -> HTMLResponse:
    response = HTMLResponse(html, status_code=status)
    response.headers["Content-Security-Policy"] = (
        f"default-src 'none'; style-src 'nonce-{nonce}'; form-action 'self'; frame-ancestors 'none'; "
        "base-uri 'none'")
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


def _same_origin(request: Request) -> bool:
    """A browser names the page a form came from; it must be this server's."""
    origin = request.headers.get("origin")
    if origin is None:                   # not sent by every client; the CSRF token still has to match
        return True
    host = request.headers.get("host", "")
    return origin in (f"http://{host}", f"https://{host}")


def add_back_office(app: FastAPI, service: DistrictService, officers: OfficerService) -> None:
    login_limit = RateLimit(attempts=20, seconds=600)           # per address, on top of the account lockout

    # --- the API: bearer sessions ---------------------------------------------------------------

    def api_officer(request: Request, authorization: Annotated[str | None, Header()] = None) -> OfficerRow:
        if not authorization or not authorization.startswith("Bearer "):
            raise Refused(401, "back_office_login", "请先登录后台：POST /backoffice/api/login。")
        officer, _ = officers.session(authorization.removeprefix("Bearer ").strip())
        return officer

    Officer = Annotated[OfficerRow, Depends(api_officer)]

    def limited(request: Request) -> None:
        wait = login_limit.hit(_address(request))
        if wait:
            raise Refused(429, "too_many_attempts", f"登录尝试过于频繁，请 {wait} 秒后再试。", retry_after=wait)

    @app.post("/backoffice/api/login", tags=["back office"], response_model=LoginResponse)
    def api_login(body: Login, request: Request) -> dict[str, Any]:
        limited(request)
        token, row = officers.login(body.username, body.password, _address(request))
        return {"token": token, "expires_at": row.expires_at.isoformat(), "officer": row.username}

    @app.get("/backoffice/api/cases", tags=["back office"])
    def list_cases(officer: Officer, decision: str | None = None) -> list[dict[str, Any]]:
        return [case_dict(c) for c in service.cases(decision)]

    def act(officer: OfficerRow, request: Request, action: str, case_id: str, detail: str, do) -> CaseRow:
        row = do()
        officers.audit(officer.username, action, case_id, detail, _address(request))
        return row

    def named(officer: OfficerRow) -> str:
        return f"{officer.display_name}（{officer.username}）"

    @app.post("/backoffice/api/cases/{case_id}/processing", tags=["back office"])
    def processing(case_id: str, officer: Officer, request: Request) -> dict[str, Any]:
        return case_dict(act(officer, request, "processing", case_id, "",
                             lambda: service.start_processing(case_id, named(officer))))

    @app.post("/backoffice/api/cases/{case_id}/decision", tags=["back office"])
    def decide(case_id: str, body: Decision, officer: Officer, request: Request) -> dict[str, Any]:
        return case_dict(act(officer, request, "approve" if body.approved else "deny", case_id, body.note,
                             lambda: service.decide(case_id, body.approved, body.note, named(officer))))

    @app.post("/backoffice/api/cases/{case_id}/termination", tags=["back office"])
    def terminate(case_id: str, body: Termination, officer: Officer, request: Request) -> dict[str, Any]:
        """终止办理: only a 容缺 case whose deferral deadline passed with materials outstanding."""
        return case_dict(act(officer, request, "terminate", case_id, body.reason,
                             lambda: service.terminate(case_id, body.reason, named(officer))))

    @app.post("/backoffice/api/cases/{case_id}/resolution", tags=["back office"])
    def resolve(case_id: str, body: Resolution, officer: Officer, request: Request) -> dict[str, Any]:
        """The outcome of a 办不成事 a window escalated to the district."""
        return case_dict(act(officer, request, "resolve", case_id, f"{body.outcome} {body.note}",
                             lambda: service.resolve(case_id, body.outcome, body.note, named(officer),
                                                     assignee=body.assignee, guidance=body.guidance)))

    # --- the page: cookie sessions with CSRF tokens ---------------------------------------------

    def page_session(request: Request) -> tuple[OfficerRow, OfficerSessionRow] | None:
        token = request.cookies.get(COOKIE, "")
        try:
            return officers.session(token) if token else None
        except Refused:
            return None

    def login_page(request: Request, error: str = "", status: int = 200) -> Response:
        nonce, csrf = secrets.token_urlsafe(12), secrets.token_urlsafe(24)
        html = _pages.get_template("login.html").render(name=service.config.name, error=error, csrf=csrf,
                                                        nonce=nonce)
        response = _page(html, nonce, status)
        # Before signing in there is no session: the login form's token is tied to a cookie of its own.
        response.set_cookie(f"{COOKIE}_login", csrf, httponly=True, samesite="strict", path="/backoffice",
                            secure=request.url.scheme == "https")
        return response

    def checked(request: Request, csrf: str) -> tuple[OfficerRow, OfficerSessionRow]:
        found = page_session(request)
        if found is None:
            raise Refused(401, "back_office_login", "请先登录后台。")
        if not _same_origin(request) or not csrf or not hmac.compare_digest(csrf, found[1].csrf):
            raise Refused(403, "csrf", "表单已失效或来自其他网站，请刷新后台页面后重试。")
        return found

    @app.get("/backoffice", response_class=HTMLResponse, include_in_schema=False)
    def page(request: Request) -> Response:
        found = page_session(request)
        if found is None:
            return login_page(request)
        officer, session = found
        overdue = {c.id for c in service.overdue()}
        rows = [{"case": c, "label": DECISION_LABELS.get(c.decision, c.decision),
                 "decidable": c.kind == "case" and c.decision in ("received", "processing"),
                 "overdue": c.id in overdue, "escalated": c.kind == "cannot_do" and c.decision == "escalated"}
                for c in service.cases()]
        nonce = secrets.token_urlsafe(12)
        html = _pages.get_template("cases.html").render(
            name=service.config.name, officer=named(officer), rows=rows, csrf=session.csrf, nonce=nonce,
            outcomes=list(CANNOT_DO_OUTCOMES.items()))
        return _page(html, nonce)

    @app.post("/backoffice/login", include_in_schema=False)
    def login_form(request: Request, username: Annotated[str, Form(max_length=40)],
                   password: Annotated[str, Form(max_length=200)],
                   csrf: Annotated[str, Form(max_length=64)] = "") -> Response:
        expected = request.cookies.get(f"{COOKIE}_login", "")
        if not _same_origin(request) or not csrf or not hmac.compare_digest(csrf, expected):
            return login_page(request, "登录表单已失效，请重新输入。", 403)
        try:
            limited(request)
            token, _ = officers.login(username, password, _address(request))
        except Refused as e:
            return login_page(request, e.reason, e.status)
        response = RedirectResponse("/backoffice", status_code=303)
        response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/backoffice",
                            secure=request.url.scheme == "https")
        response.delete_cookie(f"{COOKIE}_login", path="/backoffice")
        return response

    @app.post("/backoffice/logout", include_in_schema=False)
    def logout_form(request: Request, csrf: Annotated[str, Form(max_length=64)] = "") -> Response:
        checked(request, csrf)
        officers.logout(request.cookies.get(COOKIE, ""))
        response = RedirectResponse("/backoffice", status_code=303)
        response.delete_cookie(COOKIE, path="/backoffice")
        return response

    @app.post("/backoffice/cases/{case_id}/termination", include_in_schema=False)
    def terminate_form(case_id: str, request: Request, csrf: Annotated[str, Form(max_length=64)] = "") -> Response:
        officer, _ = checked(request, csrf)
        act(officer, request, "terminate", case_id, "", lambda: service.terminate(case_id, "", named(officer)))
        return RedirectResponse("/backoffice", status_code=303)

    @app.post("/backoffice/cases/{case_id}/resolution", include_in_schema=False)
    def resolve_form(case_id: str, request: Request, outcome: Annotated[str, Form(max_length=20)],
                     note: Annotated[str, Form(max_length=500)] = "",
                     assignee: Annotated[str, Form(max_length=60)] = "",
                     guidance: Annotated[str, Form(max_length=500)] = "",
                     csrf: Annotated[str, Form(max_length=64)] = "") -> Response:
        officer, _ = checked(request, csrf)
        act(officer, request, "resolve", case_id, f"{outcome} {note}",
            lambda: service.resolve(case_id, outcome, note, named(officer), assignee=assignee, guidance=guidance))
        return RedirectResponse("/backoffice", status_code=303)

    @app.post("/backoffice/cases/{case_id}/decision", include_in_schema=False)
    def decide_form(case_id: str, request: Request, approved: Annotated[str, Form(max_length=1)],
                    note: Annotated[str, Form(max_length=500)] = "",
                    csrf: Annotated[str, Form(max_length=64)] = "") -> Response:
        officer, _ = checked(request, csrf)
        act(officer, request, "approve" if approved == "1" else "deny", case_id, note,
            lambda: service.decide(case_id, approved == "1", note, named(officer)))
        return RedirectResponse("/backoffice", status_code=303)
