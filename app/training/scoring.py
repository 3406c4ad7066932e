"""Scoring a trainee's run of a scenario from the events the cases recorded — never from the widgets.

`score_run` is a pure function of the scenario, the catalogue and what the run left behind (the cases it
touched with their events, the 办不成事 registrations, the time taken, the hints used). Every finding
names the rule it is about and where the guide says so; a wrong decision fails the run whatever the points.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from app.domain.case import PRESENT, Case, MaterialStatus, defect_text
from app.domain.catalog import Catalog, FieldType, MaterialForm, merge_fields
from app.domain.documents import DocumentKind
from app.domain.events import CaseEvent
from app.training.scenario import COLLECTOR_LABELS, DECISION_LABELS, Scenario

DECISION_POINTS = -40
HINT_POINTS = -5
OVERTIME_POINTS = -10

# what each decision prints unless the scenario says otherwise
DEFAULT_DOCUMENTS: dict[str, tuple[str, ...]] = {
    "accept": (DocumentKind.ACCEPTANCE_RECEIPT,),
    "accept_deferred": (DocumentKind.ACCEPTANCE_RECEIPT, DocumentKind.DEFERRED_COMMITMENT,
                        DocumentKind.DEFERRED_NOTICE),
    "correction_notice": (DocumentKind.CORRECTION_NOTICE,),
    "refusal": (DocumentKind.REFUSAL_NOTICE,),
    "supply": (DocumentKind.SUPPLEMENT_RECEIPT,),
    "handout": (DocumentKind.HANDOUT_SLIP,),
    "cannot_do": (),
}
DECISION_GUIDE = {
    "accept": "办事指南·受理条件与申请材料目录", "accept_deferred": "办事指南·申请材料目录（可容缺）；容缺受理承诺制",
    "correction_notice": "一次性告知制度：缺什么、错什么一次讲清", "refusal": "办事指南·受理条件；不予受理须书面告知并经审批",
    "cannot_do": "“办不成事”反映窗口工作规范", "supply": "容缺受理承诺制：补交材料出具补交回执",
    "handout": "出件规范：核验领取人身份",
}
ID_NUMBER_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


@dataclass(frozen=True)
class Finding:
    kind: str          # decision, material, notice, deferred, field, document, applicant, agent, privacy, time, hint, collector
    message: str
    points: int        # 0 for a check that held, negative for a deduction
    guide: str = ""    # where the rule is written

    @property
    def ok(self) -> bool:
        return self.points == 0

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.message, "points": self.points, "guide": self.guide}


@dataclass(frozen=True)
class RunRecord:
    """What a trainee's run left behind."""

    trainee: str
    cases: list[Case]                                 # as stored at the end, in the order first touched
    events: dict[str, list[CaseEvent]]                # per case id
    registrations: list[list[CaseEvent]] = field(default_factory=list)   # 办不成事 the trainee registered
    elapsed_s: float = 0.0
    hints: int = 0


@dataclass(frozen=True)
class ScoreSheet:
    scenario_id: str
    title: str
    score: int
    passed: bool
    findings: list[Finding]
    elapsed_s: float
    hints: int
    pass_mark: int

    @property
    def deductions(self) -> list[Finding]:
        return [f for f in self.findings if not f.ok]

    def to_dict(self) -> dict[str, Any]:
        return {"scenario": self.scenario_id, "title": self.title, "score": self.score, "passed": self.passed,
                "pass_mark": self.pass_mark, "elapsed_s": round(self.elapsed_s, 1), "hints": self.hints,
                "findings": [f.to_dict() for f in self.findings]}


def _by(events: Iterable[CaseEvent], trainee: str) -> list[CaseEvent]:
    return [e for e in events if e.clerk == trainee]


class _Scorer:
    def __init__(self, scenario: Scenario, catalog: Catalog, run: RunRecord):
        self.s, self.catalog, self.run = scenario, catalog, run
        self.findings: list[Finding] = []
        self.mine = [e for c in run.cases for e in _by(run.events.get(c.id, []), run.trainee)]
        self.everyone = [e for c in run.cases for e in run.events.get(c.id, [])]
        self.materials = {m.code: m for m in scenario.materials(catalog)}

    def add(self, kind: str, message: str, points: int = 0, guide: str = "") -> None:
        self.findings.append(Finding(kind, message, points, guide))

    def types(self) -> list[str]:
        return [e.type for e in self.mine]

    # --- the decision ---------------------------------------------------------------------------

    def made(self) -> str | None:
        """The decision the trainee's events show: the one expected of a visit that continues a case (补交,
        出件) when it happened, else the first one made at intake."""
        expected = self.s.expected.decision
        follow_up = {"supply": "material_supplied", "handout": "handed_out"}
        if expected in follow_up and any(e.type == follow_up[expected] for e in self.mine):
            return expected
        intake = {"accepted": "accept", "accepted_with_deferred": "accept_deferred",
                  "correction_notice_issued": "correction_notice", "refusal_requested": "refusal",
                  "material_supplied": "supply", "handed_out": "handout"}
        made = next((intake[e.type] for e in self.mine if e.type in intake), None)
        if made == "accept" and any(e.type == "accepted_with_deferred" for e in self.mine):
            made = "accept_deferred"          # a bundle's cases without deferred materials are accepted as usual
        if made is None and any(_by(r, self.run.trainee) for r in self.run.registrations):
            return "cannot_do"
        return made

    def decision(self) -> bool:
        expected = self.s.expected.decision
        made = self.made()
        guide = DECISION_GUIDE[expected]
        if expected == "handout" and self.s.expected.collector == "refused":
            return self.refused_handout()
        if made != expected:
            said = DECISION_LABELS.get(made, "未作出任何决定") if made else "未作出任何决定"
            self.add("decision", f"应{DECISION_LABELS[expected]}，实际为：{said}", DECISION_POINTS, guide)
            return False
        if expected == "refusal" and not any(e.type == "refusal_approved" for e in self.everyone):
            self.add("decision", "不予受理已提出但尚未经值班负责人审批，告知书未出具", -20, guide)
            return False
        self.add("decision", f"决定正确：{DECISION_LABELS[expected]}", 0, guide)
        if expected == "handout":
            return self.collector()
        return True

    def refused_handout(self) -> bool:
        guide = DECISION_GUIDE["handout"]
        handed = [e for e in self.mine if e.type == "handed_out"]
        if handed:
            role = handed[0].payload.get("collector_role", "")
            self.add("collector", f"结果交给了{'他人' if role == 'other' else role}：来人不是申请人或登记的代办人，"
                     "又无委托，不应交付", DECISION_POINTS, guide)
            return False
        self.add("collector", "正确：来人不是申请人或登记的代办人，未交付办理结果", 0, guide)
        return True

    def collector(self) -> bool:
        want = self.s.expected.collector
        handed = next(e for e in self.mine if e.type == "handed_out")
        role = handed.payload.get("collector_role", "applicant" if handed.payload.get("method") != "window" else "")
        got = "other_approved" if role == "other" else role
        guide = DECISION_GUIDE["handout"]
        if got != want:
            self.add("collector", f"办理结果应交给{COLLECTOR_LABELS[want]}，实际交给了{COLLECTOR_LABELS.get(got, got)}",
                     -30, guide)
            return False
        self.add("collector", f"领取人正确：{COLLECTOR_LABELS[want]}", 0, guide)
        return True

    # --- who -------------------------------------------------------------------------------------

    def people(self, citizen_id: str, agent_id: str | None) -> None:
        if self.s.expected.decision in ("cannot_do", "handout", "supply") or not self.run.cases:
            return
        case = self.run.cases[0]
        if case.applicant is None or case.applicant.id_number != citizen_id:
            self.add("applicant", "申请人不是窗口前的这位群众：请读取群众本人的证件", -20, "窗口规范·核验申请人身份")
        else:
            self.add("applicant", "申请人身份已读卡核验", 0, "窗口规范·核验申请人身份")
        if agent_id is not None:
            if case.agent is None or case.agent.identity.id_number != agent_id:
                self.add("agent", "未登记代办人：代为办理须读取代办人证件并收取授权委托书", -15,
                         "办事指南·申请材料目录（代办时提供）")
            else:
                self.add("agent", "代办人已登记", 0, "办事指南·申请材料目录（代办时提供）")

    # --- materials ---------------------------------------------------------------------------------

    def status_of(self, code: str) -> MaterialStatus:
        for case in self.run.cases:
            if code in case.materials:
                return case.materials[code].status
        return MaterialStatus.MISSING

    def materials_handled(self) -> None:
        if self.s.expected.decision not in ("accept", "accept_deferred", "correction_notice", "refusal"):
            return
        deciding = self.s.expected.decision in ("accept", "accept_deferred")
        for code, m in self.materials.items():
            if m.when_agent and self.s.agent is None:
                continue
            brought = self.s.brought(m)
            status = self.status_of(code)
            where = f"办事指南·申请材料目录（{m.name}" + (f"：{m.requirements}）" if m.requirements else "）")
            taken = status in (MaterialStatus.RECEIVED, MaterialStatus.CAPTURED)
            if brought.how == "present" or (brought.how == "copy_only" and m.form is not MaterialForm.ORIGINAL):
                if status is MaterialStatus.DEFECTIVE:
                    self.add("material", f"{m.name}符合要求，不应判为不合格", -10, where)
                elif status is MaterialStatus.DEFERRED:
                    self.add("material", f"{m.name}群众已带来，应当收取，不应容缺", -10, where)
                elif deciding and status not in PRESENT and (m.required or m.when_agent):
                    self.add("material", f"{m.name}群众已带来，但未收取", -10, where)
                elif status in PRESENT:
                    self.add("material", f"{m.name}：{status.label}", 0, where)
            elif brought.how == "missing":
                if taken:
                    self.add("material", f"群众没有带{m.name}，不能登记为{status.label}", -15, where)
                elif status is MaterialStatus.DEFERRED and not m.deferrable:
                    self.add("material", f"{m.name}不可容缺", -15, where)
            elif brought.how == "copy_only":
                if taken:
                    self.add("material", f"{m.name}只有复印件，原件无法核验，不能作为原件收取（应判不合格并告知）", -15, where)
                else:
                    self.add("material", f"{m.name}只有复印件，未作为原件收取", 0, where)
            else:
                defect = defect_text(brought.reason)
                if taken:
                    self.add("material", f"{m.name}{defect}，应判为不合格退回并一次性告知，而不是{status.label}", -15, where)
                elif status is MaterialStatus.DEFECTIVE:
                    self.add("material", f"{m.name}{defect}，已判为不合格", 0, where)

    def notice(self) -> None:
        if self.s.expected.decision != "correction_notice":
            return
        listed: list[str] = []
        for e in self.mine:
            if e.type == "correction_notice_issued":
                listed += [m.get("code", "") for m in e.payload.get("missing", [])]
        guide = DECISION_GUIDE["correction_notice"]
        for code in self.s.expected.missing:
            name = self.materials[code].name
            if code in listed:
                self.add("notice", f"告知书列出了{name}", 0, guide)
            else:
                self.add("notice", f"告知书漏列{name}：一次性告知须列全，群众不必再跑第二次", -25, guide)
        for code in dict.fromkeys(listed):
            if code and code not in self.s.expected.missing:
                name = self.materials[code].name if code in self.materials else code
                self.add("notice", f"{name}不需要补正，不应列入告知书", -5, guide)

    def deferred(self) -> None:
        expected = self.s.expected
        if expected.decision not in ("accept_deferred", "supply"):
            return
        kind = "accepted_with_deferred" if expected.decision == "accept_deferred" else "material_supplied"
        got: set[str] = set()
        for e in self.mine:
            if e.type == kind:
                got |= set(e.payload.get("deferred", [])) if kind == "accepted_with_deferred" else {e.payload.get("code")}
        for code in expected.deferred:
            m = self.materials[code]
            where = f"办事指南·申请材料目录（{m.name}{'，可容缺' if m.deferrable else ''}）"
            if code in got:
                self.add("deferred", f"{m.name}{'已容缺' if kind == 'accepted_with_deferred' else '已补交'}", 0, where)
            elif kind == "accepted_with_deferred":
                self.add("deferred", f"{m.name}可容缺，应容缺受理（群众签承诺书后补交）", -10, where)
            else:
                self.add("deferred", f"{m.name}的补交未登记", -15, where)

    # --- form, documents, privacy, time ----------------------------------------------------------

    def fields(self) -> None:
        if not self.s.expected.fields:
            return
        labels = {f.key: f.label for f in merge_fields(self._items())}
        values: dict[str, str] = {}
        for case in reversed(self.run.cases):
            values.update(case.fields)
        for key, want in self.s.expected.fields.items():
            got = values.get(key, "")
            label = labels.get(key, key)
            if "".join(got.split()) == "".join(want.split()):
                self.add("field", f"{label}填写正确", 0, "办事指南·申请表")
            else:
                self.add("field", f"{label}应为“{want}”，填写的是“{got or '（空）'}”", -5, "办事指南·申请表")

    def _items(self):
        s = self.s
        return self.catalog.bundle_items(s.bundle) if s.bundle else [self.catalog.item(c) for c in s.item_codes]

    def documents(self) -> None:
        expected = self.s.expected
        wanted = expected.documents or DEFAULT_DOCUMENTS[expected.decision]
        if expected.decision == "handout" and expected.collector == "refused":
            return
        printed = {e.payload.get("document") for e in self.mine if e.type == "document_printed"}
        for r in self.run.registrations:
            printed |= {e.payload.get("document") for e in _by(r, self.run.trainee) if e.type == "document_printed"}
        for kind in wanted:
            label = DocumentKind(kind).label
            if kind in printed:
                self.add("document", f"已打印{label}", 0, "窗口规范·应出具的单据")
            else:
                self.add("document", f"未打印{label}", -5, "窗口规范·应出具的单据")

    def privacy(self, known_ids: set[str]) -> None:
        free = {f.key for f in merge_fields(self._items()) if f.type in (FieldType.TEXT, FieldType.TEXTAREA)}
        texts: list[tuple[str, str]] = []
        for e in self.mine:
            p = e.payload
            if e.type == "fields_filled":
                texts += [(k, str(v)) for k, v in p.get("values", {}).items() if k in free]
            elif e.type == "refusal_requested":
                texts += [("reason", p.get("reason", "")), ("guidance", p.get("guidance", ""))]
            elif e.type == "correction_notice_issued":
                texts += [("requirement", m.get("requirement", "")) for m in p.get("missing", [])]
        for r in self.run.registrations:
            for e in _by(r, self.run.trainee):
                texts += [(k, str(e.payload.get(k, ""))) for k in ("what", "why", "note", "guidance")]
        leaked = sorted({k for k, text in texts if ID_NUMBER_IN_TEXT.search(text)
                         or any(i and i in text for i in known_ids)})
        guide = "个人信息保护：身份证号只填在证件号码栏"
        if leaked:
            self.add("privacy", f"在自由填写的栏目（{'、'.join(leaked)}）中写入了完整的证件号码", -10, guide)
        else:
            self.add("privacy", "自由填写的栏目中没有完整的证件号码", 0, guide)

    def time_and_hints(self) -> None:
        limit, used = self.s.time_limit_s, self.run.elapsed_s
        if used > limit:
            self.add("time", f"用时 {used:.0f} 秒，超过限时 {limit} 秒", OVERTIME_POINTS, "窗口服务规范·办理时效")
        else:
            self.add("time", f"用时 {used:.0f} 秒（限时 {limit} 秒）", 0, "窗口服务规范·办理时效")
        if self.run.hints:
            self.add("hint", f"使用提示 {self.run.hints} 次", HINT_POINTS * self.run.hints, "")


def score_run(scenario: Scenario, catalog: Catalog, run: RunRecord, citizen_id: str,
              agent_id: str | None = None) -> ScoreSheet:
    """The score sheet of one run: 100 less the deductions (never below 0); passed when the decision is right
    and the score reaches the scenario's pass mark."""
    scorer = _Scorer(scenario, catalog, run)
    right = scorer.decision()
    scorer.people(citizen_id, agent_id)
    scorer.materials_handled()
    scorer.notice()
    scorer.deferred()
    scorer.fields()
    scorer.documents()
    scorer.privacy({i for i in (citizen_id, agent_id) if i})
    scorer.time_and_hints()
    score = max(0, 100 + sum(f.points for f in scorer.findings))
    return ScoreSheet(scenario.id, scenario.title, score, right and score >= scenario.pass_mark, scorer.findings,
                      run.elapsed_s, run.hints, scenario.pass_mark)

