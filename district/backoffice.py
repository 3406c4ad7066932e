"""The back office: a page and an API to see received cases and record the decision (办结)."""

from collections.abc import Callable
from html import escape
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Form
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field

from district.models import CaseRow
from district.service import DECISION_LABELS, DistrictService


class Decision(BaseModel):
    approved: bool
    note: str = Field("", max_length=500, description="shown to the citizen at handout")


class Termination(BaseModel):
    reason: str = Field("", max_length=500, description="why the case ends (default: deferred materials overdue)")


class Resolution(BaseModel):
    outcome: str = Field(description="coordinated (协调办理) | assisted (帮办代办) | impossible (无法办理)")
    note: str = Field("", max_length=500, description="the explanation for the citizen")
    assignee: str = Field("", max_length=60, description="who helps (帮办代办)")
    guidance: str = Field("", max_length=500, description="where to go instead (无法办理)")


def case_dict(c: CaseRow) -> dict[str, Any]:
    return {"id": c.id, "case_number": c.case_number, "official_number": c.official_number,
            "item_code": c.item_code, "item_name": c.item_name, "applicant_name": c.applicant_name,
            "applicant_id": c.applicant_masked_id, "workstation_state": c.workstation_state,
            "decision": c.decision, "decision_note": c.decision_note, "device_id": c.device_id,
            "received_at": c.received_at.isoformat(), "events": c.last_seq, "kind": c.kind,
            "deferred_deadline": c.deferred_deadline.isoformat() if c.deferred_deadline else None,
            "deferred_open": list(c.deferred_open or []), "request": c.request}


_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>区级受理平台 · 后台</title>
<style>body{{font-family:sans-serif;margin:1.5em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:4px 8px}}form{{display:inline}}</style></head><body>
<h1>{name} · 后台办理</h1><p>共 {count} 件。待办结的办件可在此办结，结果将回传至受理窗口。</p>
<table><tr><th>办件编号</th><th>统一编号</th><th>事项</th><th>申请人</th><th>窗口状态</th><th>后台状态</th><th>办理</th></tr>
{rows}</table></body></html>"""


def add_back_office(app: FastAPI, service: DistrictService, login: Callable[..., str]) -> None:
    Officer = Annotated[str, Depends(login)]

    @app.get("/backoffice/api/cases", tags=["back office"])
    def list_cases(_: Officer, decision: str | None = None) -> list[dict[str, Any]]:
        return [case_dict(c) for c in service.cases(decision)]

    @app.post("/backoffice/api/cases/{case_id}/processing", tags=["back office"])
    def processing(case_id: str, officer: Officer) -> dict[str, Any]:
        return case_dict(service.start_processing(case_id, officer))

    @app.post("/backoffice/api/cases/{case_id}/decision", tags=["back office"])
    def decide(case_id: str, body: Decision, officer: Officer) -> dict[str, Any]:
        return case_dict(service.decide(case_id, body.approved, body.note, officer))

    @app.post("/backoffice/api/cases/{case_id}/termination", tags=["back office"])
    def terminate(case_id: str, body: Termination, officer: Officer) -> dict[str, Any]:
        """终止办理: only a 容缺 case whose deferral deadline passed with materials outstanding."""
        return case_dict(service.terminate(case_id, body.reason, officer))

    @app.post("/backoffice/api/cases/{case_id}/resolution", tags=["back office"])
    def resolve(case_id: str, body: Resolution, officer: Officer) -> dict[str, Any]:
        """The outcome of a 办不成事 a window escalated to the district."""
        return case_dict(service.resolve(case_id, body.outcome, body.note, officer, assignee=body.assignee,
                                         guidance=body.guidance))

    @app.get("/backoffice", response_class=HTMLResponse, include_in_schema=False)
    def page(_: Officer) -> str:
        rows = []
        overdue = {c.id for c in service.overdue()}
        for c in service.cases():
            action = ""
            if c.kind == "case" and c.decision in ("received", "processing"):
                action = (f'<form method="post" action="/backoffice/cases/{c.id}/decision">'
                          '<input name="note" placeholder="办理意见"> '
                          '<button name="approved" value="1">准予</button> '
                          '<button name="approved" value="0">不予</button></form>')
            if c.id in overdue:
                action += (f' <form method="post" action="/backoffice/cases/{c.id}/termination">'
                           '<button>容缺逾期，终止办理</button></form>')
            if c.kind == "cannot_do" and c.decision == "escalated":
                action = (f'<form method="post" action="/backoffice/cases/{c.id}/resolution">'
                          '<select name="outcome"><option value="coordinated">协调办理</option>'
                          '<option value="assisted">帮办代办</option><option value="impossible">无法办理</option></select> '
                          '<input name="note" placeholder="说明"> <input name="assignee" placeholder="帮办人"> '
                          '<input name="guidance" placeholder="办理指引"> <button>办结</button></form>')
            rows.append(f"<tr><td>{escape(c.case_number)}</td><td>{escape(c.official_number or '')}</td>"
                        f"<td>{escape(c.item_name)}</td><td>{escape(c.applicant_name)} {escape(c.applicant_masked_id)}</td>"
                        f"<td>{escape(c.workstation_state)}</td><td>{DECISION_LABELS.get(c.decision, c.decision)}"
                        f"{'：' + escape(c.decision_note) if c.decision_note else ''}</td><td>{action}</td></tr>")
        return _PAGE.format(name=escape(service.config.name), count=len(rows), rows="\n".join(rows))

    @app.post("/backoffice/cases/{case_id}/termination", include_in_schema=False)
    def terminate_form(case_id: str, officer: Officer) -> RedirectResponse:
        service.terminate(case_id, "", officer)
        return RedirectResponse("/backoffice", status_code=303)

    @app.post("/backoffice/cases/{case_id}/resolution", include_in_schema=False)
    def resolve_form(case_id: str, officer: Officer, outcome: Annotated[str, Form()],
                     note: Annotated[str, Form()] = "", assignee: Annotated[str, Form()] = "",
                     guidance: Annotated[str, Form()] = "") -> RedirectResponse:
        service.resolve(case_id, outcome, note, officer, assignee=assignee, guidance=guidance)
        return RedirectResponse("/backoffice", status_code=303)

    @app.post("/backoffice/cases/{case_id}/decision", include_in_schema=False)
    def decide_form(case_id: str, officer: Officer, approved: Annotated[str, Form()],
                    note: Annotated[str, Form()] = "") -> RedirectResponse:
        service.decide(case_id, approved == "1", note, officer)
        return RedirectResponse("/backoffice", status_code=303)
