"""The back office: named officers sign in, see received cases and record the decision (办结).

The page: a session cookie (HttpOnly, SameSite=Strict) plus a CSRF token in every form, templates that
escape everything they are given (Jinja2), and a Content-Security-Policy that runs no script at all. The API
(`/backoffice/api/...`) for scripts and other systems: `POST /backoffice/api/login` gives a bearer token,
which a browser never sends by itself. Every action is audited with the officer's name and address.
"""


import hmac
import secrets
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Form, Header, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import DictLoader, Environment, select_autoescape
from pydantic import BaseModel, Field

from district.limits import RateLimit
from district.models import CaseRow, OfficerRow, OfficerSessionRow
from district.officers import OfficerService
from district.ratings import LEVELS, rating_dict
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
<p>共 {{ rows|length }} 件。待办结的办件可在此办结，结果将回传至受理窗口。
<a href="/backoffice/ratings">好差评：待处理差评 {{ open_bad }} 件{% if late_bad %}（{{ late_bad }} 件逾期）{% endif %}</a>
· <a href="/backoffice/figures">各服务点统计</a></p>
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
    "figures.html": """{% extends "base.html" %}{% block body %}<h1>{{ name }} · 各服务点统计</h1>
<p>{{ officer }} 已登录。<a href="/backoffice">返回办件</a></p>
<form method="get" action="/backoffice/figures"><label>从 <input type="date" name="start" value="{{ f['from'] }}"></label>
<label>到 <input type="date" name="end" value="{{ f['to'] }}"></label> <button>统计</button></form>
<table><tr><th>服务点</th><th>窗口</th>{% for k in columns %}<th>{{ f.labels[k] }}</th>{% endfor %}</tr>
{% for p in f.service_points %}<tr><th>{{ p.centre }}</th><td>合计</td>{% for k in columns %}<td>{{ shown(k, p[k]) }}</td>
{% endfor %}</tr>{% for w in f.windows if w.centre == p.centre %}<tr><td></td><td>{{ w.window }}</td>
{% for k in columns %}<td>{{ shown(k, w[k]) }}</td>{% endfor %}</tr>{% endfor %}{% endfor %}
{% if f.total %}<tr><th>全区</th><td></td>{% for k in columns %}<th>{{ shown(k, f.total[k]) }}</th>{% endfor %}</tr>{% endif %}
</table>{% endblock %}""",
    "ratings.html": """{% extends "base.html" %}{% block body %}<h1>{{ name }} · 好差评</h1>
<p>{{ officer }} 已登录。<a href="/backoffice">返回办件</a></p>
<p>差评（不满意、非常不满意）须在 {{ callback_days }} 个工作日内回访、{{ rectify_days }} 个工作日内整改并反馈群众；
整改后群众可追评一次。{% if show_all %}<a href="/backoffice/ratings">只看待处理差评</a>{% else %}
<a href="/backoffice/ratings?all=1">全部评价</a>{% endif %}</p>
<p>共 {{ rows|length }} 条。</p>
<table><tr><th>办件编号</th><th>事项</th><th>窗口人员</th><th>评价</th><th>评价时间</th><th>回访期限</th>
<th>整改期限</th><th>回访</th><th>整改</th><th>追评</th></tr>
{% for r in rows %}<tr><td>{{ r.case_number }}<br>{{ r.official_number or "" }}</td><td>{{ r.item_name }}</td>
<td>{{ r.clerk }}</td><td>{{ r.label }}{% if r.tags %}<br>{{ r.tags|join("、") }}{% endif %}
{% if r.comment %}<br>“{{ r.comment }}”{% endif %}</td><td>{{ r.rated_at[:16]|replace("T", " ") }}</td>
<td{% if "回访" in r.overdue %} class="error"{% endif %}>{{ r.callback_due or "" }}{% if "回访" in r.overdue %} 已逾期{% endif %}</td>
<td{% if "整改" in r.overdue %} class="error"{% endif %}>{{ r.rectify_due or "" }}{% if "整改" in r.overdue %} 已逾期{% endif %}</td>
<td>{% if r.callback_at %}{{ r.callback_at[:10] }} {{ r.callback_by }}：{{ r.callback_note }}{% elif r.bad %}
<form method="post" action="/backoffice/ratings/{{ r.case_id }}/callback"><input type="hidden" name="csrf"
value="{{ csrf }}"><input name="note" placeholder="回访情况" required> <button>登记回访</button></form>{% endif %}</td>
<td>{% if r.rectified_at %}{{ r.rectified_at[:10] }} {{ r.rectified_by }}：{{ r.rectified_note }}{% elif r.callback_at %}
<form method="post" action="/backoffice/ratings/{{ r.case_id }}/rectification"><input type="hidden" name="csrf"
value="{{ csrf }}"><input name="note" placeholder="整改情况及反馈" required> <button>登记整改</button></form>{% endif %}</td>
<td>{% if r.follow_up_at %}{{ r.follow_up_label }}{% if r.follow_up_comment %}：{{ r.follow_up_comment }}{% endif %}
{% elif r.rectified_at %}<form method="post" action="/backoffice/ratings/{{ r.case_id }}/follow-up">
<input type="hidden" name="csrf" value="{{ csrf }}"><select name="level">{% for value, label in levels %}
<option value="{{ value }}">{{ label }}</option>{% endfor %}</select> <input name="comment" placeholder="意见">
<button>登记追评</button></form>{% endif %}</td></tr>
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


class CallBack(BaseModel):
    note: Text = Field(max_length=500, description="what the citizen said when called back (回访)")


class Rectification(BaseModel):
    note: Text = Field(max_length=500, description="what was verified and put right, and how the citizen was told")


class FollowUp(BaseModel):
    level: int = Field(ge=1, le=5, description="the citizen's follow-up rating (追评): 5 非常满意 … 1 非常不满意")
    comment: Text = Field("", max_length=500)


class Login(BaseModel):
    username: Text = Field(max_length=40)
    password: Text = Field(max_length=200)


class LoginResponse(BaseModel):
    token: str = Field(description="send as `Authorization: Bearer …` to /backoffice/api/…")
    expires_at: str
    officer: str


FIGURE_COLUMNS = ("cases", "accepted", "instant_rate", "deferred", "refusals", "overdue", "cannot_do_registered",
                  "cannot_do_resolved", "wait_avg_min", "handling_avg_min", "ratings", "satisfaction_rate",
                  "bad_ratings")


def _shown(key: str, value) -> str:
    if value is None:
        return "—"
    if key.endswith("_rate"):
        return f"{value:.1%}"
    return f"{value:.1f}" if isinstance(value, float) else str(value)


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

    def rating_rows(show_all: bool = False) -> list[dict[str, Any]]:
        desk = service.ratings
        return [rating_dict(r, c, desk.overdue(r)) for r, c in desk.ratings(open_only=not show_all)]

    @app.get("/backoffice/api/ratings", tags=["back office"])
    def list_ratings(officer: Officer, all: bool = False) -> list[dict[str, Any]]:
        """差评 still to be called back or rectified, with their deadlines (`all=true`: every rating)."""
        return rating_rows(all)

    def rating_action(officer: OfficerRow, request: Request, action: str, case_id: str, detail: str, do):
        row = do()
        officers.audit(officer.username, action, case_id, detail, _address(request))
        return [r for r in rating_rows(True) if r["case_id"] == row.case_id][0]

    @app.post("/backoffice/api/ratings/{case_id}/callback", tags=["back office"])
    def call_back(case_id: str, body: CallBack, officer: Officer, request: Request) -> dict[str, Any]:
        """回访 of a 差评."""
        return rating_action(officer, request, "rating_callback", case_id, body.note,
                             lambda: service.ratings.call_back(case_id, body.note, named(officer)))

    @app.post("/backoffice/api/ratings/{case_id}/rectification", tags=["back office"])
    def rectify(case_id: str, body: Rectification, officer: Officer, request: Request) -> dict[str, Any]:
        """整改 of a 差评 that was called back."""
        return rating_action(officer, request, "rating_rectified", case_id, body.note,
                             lambda: service.ratings.rectify(case_id, body.note, named(officer)))

    @app.post("/backoffice/api/ratings/{case_id}/follow-up", tags=["back office"])
    def follow_up(case_id: str, body: FollowUp, officer: Officer, request: Request) -> dict[str, Any]:
        """追评: the citizen's one rating after the rectification, kept beside the first."""
        return rating_action(officer, request, "rating_follow_up", case_id, f"{body.level} {body.comment}",
                             lambda: service.ratings.follow_up(case_id, body.level, body.comment, named(officer)))

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

    def signed_in_page(request: Request, template: str, values) -> Response:
        """A page for a signed-in officer (the login form otherwise); `values(officer)` fills the template."""
        found = page_session(request)
        if found is None:
            return login_page(request)
        officer, session = found
        nonce = secrets.token_urlsafe(12)
        html = _pages.get_template(template).render(name=service.config.name, officer=named(officer),
                                                    csrf=session.csrf, nonce=nonce, **values(officer))
        return _page(html, nonce)

    @app.get("/backoffice", response_class=HTMLResponse, include_in_schema=False)
    def page(request: Request) -> Response:
        return signed_in_page(request, "cases.html", lambda officer: cases_values())

    def cases_values() -> dict[str, Any]:
        overdue = {c.id for c in service.overdue()}
        rows = [{"case": c, "label": DECISION_LABELS.get(c.decision, c.decision),
                 "decidable": c.kind == "case" and c.decision in ("received", "processing"),
                 "overdue": c.id in overdue, "escalated": c.kind == "cannot_do" and c.decision == "escalated"}
                for c in service.cases()]
        open_bad = rating_rows()
        return {"rows": rows, "outcomes": list(CANNOT_DO_OUTCOMES.items()), "open_bad": len(open_bad),
                "late_bad": sum(1 for r in open_bad if r["overdue"])}

    def period(start: str, end: str) -> tuple[date, date]:
        today = service.clock().astimezone().date()
        try:
            first = date.fromisoformat(start) if start else today.replace(day=1)
            last = date.fromisoformat(end) if end else today
        except ValueError:
            raise Refused(422, "bad_date", "日期格式应为 YYYY-MM-DD。") from None
        if last < first:
            raise Refused(422, "bad_period", "结束日期早于开始日期。")
        return first, last

    @app.get("/backoffice/api/figures", tags=["back office"])
    def figures(officer: Officer, start: str = "", end: str = "") -> dict[str, Any]:
        """The figures of each service point and window for the period (`start`, `end`: YYYY-MM-DD; default this
        month)."""
        return service.figures.by_service_point(*period(start, end))

    @app.get("/backoffice/figures", response_class=HTMLResponse, include_in_schema=False)
    def figures_page(request: Request, start: str = "", end: str = "") -> Response:
        return signed_in_page(request, "figures.html", lambda officer: {
            "f": service.figures.by_service_point(*period(start, end)), "columns": FIGURE_COLUMNS, "shown": _shown})

    @app.get("/backoffice/ratings", response_class=HTMLResponse, include_in_schema=False)
    def ratings_page(request: Request, all: str = "") -> Response:
        return signed_in_page(request, "ratings.html", lambda officer: {
            "rows": rating_rows(all == "1"), "show_all": all == "1", "levels": sorted(LEVELS.items(), reverse=True),
            "callback_days": service.config.callback_days, "rectify_days": service.config.rectify_days})

    @app.post("/backoffice/ratings/{case_id}/{action}", include_in_schema=False)
    def rating_form(case_id: str, action: str, request: Request, note: Annotated[str, Form(max_length=500)] = "",
                    level: Annotated[int, Form(ge=1, le=5)] = 5, comment: Annotated[str, Form(max_length=500)] = "",
                    csrf: Annotated[str, Form(max_length=64)] = "") -> Response:
        officer, _ = checked(request, csrf)
        ratings, by = service.ratings, named(officer)
        actions = {"callback": ("rating_callback", note, lambda: ratings.call_back(case_id, note, by)),
                   "rectification": ("rating_rectified", note, lambda: ratings.rectify(case_id, note, by)),
                   "follow-up": ("rating_follow_up", f"{level} {comment}",
                                 lambda: ratings.follow_up(case_id, level, comment, by))}
        if action not in actions:
            raise Refused(404, "unknown_action", "没有这个操作。")
        name, detail, do = actions[action]
        rating_action(officer, request, name, case_id, detail, do)
        return RedirectResponse("/backoffice/ratings", status_code=303)

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
