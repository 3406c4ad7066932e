"""Authoring a scenario from a case a trainer worked once correctly at the window ("record as model answer").

The draft takes the items, the applicant (a roster person when the card is one of the roster's, else the card
itself), the agent, what was typed (as the citizen's answers), what became of each material (as what the
citizen brought), the decision, and the trainer's own actions as the model answer in the desk-script
vocabulary. The trainer then edits what the citizen says and brings, and saves it.
"""

from __future__ import annotations

import re
from typing import Any

from app.devices.idcard.simulator import card_of
from app.domain.case import Case, MaterialStatus
from app.domain.catalog import Catalog, merge_fields
from app.domain.errors import DomainError
from app.domain.events import CaseEvent
from app.domain.identity import Identity

TRAINEE_LOGIN = {"step": "login", "user": "xueyuan", "password": "trainee-pass-1", "name": "学员"}
SUPERVISOR_LOGIN = {"step": "login", "user": "zhaozr", "password": "leader-pass-9", "role": "supervisor",
                    "name": "赵主任"}
_FROM_CARD = {"name", "id_number", "address"}       # filled from the card read, not told by the citizen


def _person(identity: Identity, roster: list[dict]) -> dict[str, Any]:
    index = next((i for i, p in enumerate(roster) if p.get("id") == identity.id_number), None)
    return {"roster": index} if index is not None else {"identity": card_of(identity)}


def draft_scenario(cases: list[Case], events: dict[str, list[CaseEvent]], catalog: Catalog,
                   roster: list[dict]) -> dict[str, Any]:
    """A scenario (as its file holds it) from the cases of one application and their events."""
    if not cases or cases[0].applicant is None:
        raise DomainError("该办件还没有申请人，不能作为情景")
    first = cases[0]
    author = first.clerk
    mine = [e for c in cases for e in events.get(c.id, []) if e.clerk == author]
    decision_types = {"accepted": "accept", "accepted_with_deferred": "accept_deferred",
                      "correction_notice_issued": "correction_notice", "refusal_requested": "refusal"}
    decided = next((e for e in mine if e.type in decision_types), None)
    if decided is None:
        raise DomainError("该办件还没有作出受理、容缺受理、一次性告知或不予受理的决定，不能作为情景")
    decision = decision_types[decided.type]
    if decision == "accept" and any(e.type == "accepted_with_deferred" for e in mine):
        decision = "accept_deferred"
    items = [catalog.item(c.item_code) for c in cases]
    codes = first.bundle_code or [c.item_code for c in cases]

    citizen: dict[str, Any] = _person(first.applicant, roster)
    if first.agent is not None:
        citizen["agent"] = {**_person(first.agent.identity, roster), "relation": first.agent.relation}
    values: dict[str, str] = {}
    for c in cases:
        values.update(c.fields)
    labels = {f.key for f in merge_fields(items)}
    says = {"opening": f"你好，我想办{first.bundle_code and catalog.bundle(first.bundle_code).name or first.item_name}。"}
    says.update({k: v for k, v in values.items() if k in labels and k not in _FROM_CARD and v})

    brings: dict[str, Any] = {}
    statuses: dict[str, Any] = {}
    for c in cases:
        for code, rec in c.materials.items():
            statuses.setdefault(code, rec)
    for m in {m.code: m for it in items for m in it.materials}.values():
        rec = statuses.get(m.code)
        status = rec.status if rec else MaterialStatus.MISSING
        if status is MaterialStatus.DEFECTIVE:
            brings[m.code] = "copy_only" if rec.note == "copy_only" else {"defective": rec.note}
        elif status in (MaterialStatus.MISSING, MaterialStatus.DEFERRED) and (m.required or (
                m.when_agent and first.agent is not None)):
            brings[m.code] = "missing"
        elif status in (MaterialStatus.RECEIVED, MaterialStatus.CAPTURED) and not m.required and not m.when_agent:
            brings[m.code] = "present"

    expected: dict[str, Any] = {"decision": decision}
    if decision == "accept_deferred":
        expected["deferred"] = sorted({code for e in mine if e.type == "accepted_with_deferred"
                                       for code in e.payload.get("deferred", [])})
    if decision == "correction_notice":
        expected["missing"] = [m.get("code") for m in decided.payload.get("missing", [])]
    told = {k: v for k, v in says.items() if k != "opening"}
    if told:
        expected["fields"] = told

    model = [dict(TRAINEE_LOGIN), {"step": "read_card"}]
    model.append({"step": "choose", "bundle": first.bundle_code} if first.bundle_code
                 else {"step": "choose", "items": list(codes)})
    if first.agent is not None:
        model.append({"step": "agent"})
    if told:
        model.append({"step": "ask", "fields": list(told)})
    model += _material_steps(mine)
    setup: list[dict[str, Any]] = []
    if decision == "refusal":
        p = decided.payload
        model.append({"step": "request_refusal", "reason": p.get("reason", ""), "basis": p.get("legal_basis", ""),
                      "guidance": p.get("guidance", "")})
        model.append({"step": "approve_refusal", "user": SUPERVISOR_LOGIN["user"],
                      "password": SUPERVISOR_LOGIN["password"]})
        setup.append(dict(SUPERVISOR_LOGIN))
    elif decision == "correction_notice":
        model.append({"step": "correction_notice", "missing": expected["missing"]})
    else:
        model.append({"step": decision})

    slug = re.sub(r"[^a-z0-9]+", "-", first.case_number.lower()).strip("-")
    draft: dict[str, Any] = {
        "id": f"custom-{slug}", "title": f"{first.bundle_code and catalog.bundle(first.bundle_code).name or first.item_name}"
        "（自编情景）", "level": "熟练", "tags": [it.code for it in items] + [decision], "time_limit_s": 300,
        "items": codes, "citizen": {**citizen, "says": says}, "brings": brings, "expected": expected, "model": model}
    if setup:
        draft["setup"] = setup
    return draft


def _material_steps(events: list[CaseEvent]) -> list[dict[str, Any]]:
    """The trainer's material actions, last one per material, in the order they were first made."""
    last: dict[str, dict[str, Any]] = {}
    for e in events:
        if e.type != "material_marked" or e.payload.get("source") == "id_card":
            continue
        p = e.payload
        code, status = p["code"], p["status"]
        step = {"captured": {"step": "capture", "material": code}, "received": {"step": "receive", "material": code},
                "deferred": {"step": "defer", "material": code},
                "defective": {"step": "reject", "material": code, "reason": p.get("note", "")},
                "e_certificate": {"step": "e_certificate", "material": code,
                                  "number": (p.get("certificate") or {}).get("number", ""),
                                  "agency": (p.get("certificate") or {}).get("agency", "")}}.get(status)
        if step is None:
            last.pop(code, None)
        else:
            last[code] = step
    return list(last.values())
