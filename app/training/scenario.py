"""Training scenarios: a citizen's visit with a known right answer (format in docs/training.md).

A scenario names the items asked for, the citizen (a roster person or a card of their own, an agent),
what they say, what they bring (each material present, missing, a copy only, or defective), what the
back office decides, who comes for the result, and what the right handling is. Parsing checks every
field against the catalogue and says what is wrong in a sentence naming the file and the field.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.domain.case import DEFECTS
from app.domain.catalog import Catalog, Material, merge_materials
from app.domain.documents import DocumentKind
from app.domain.errors import DomainError

LEVELS = ("入门", "熟练", "疑难")
DECISIONS = ("accept", "accept_deferred", "correction_notice", "refusal", "cannot_do", "supply", "handout")
DECISION_LABELS = {"accept": "受理", "accept_deferred": "容缺受理", "correction_notice": "一次性补正告知",
                   "refusal": "不予受理", "cannot_do": "办不成事登记", "supply": "补交材料", "handout": "出件"}
BRINGS = ("present", "missing", "copy_only", "defective")
COLLECTORS = ("applicant", "agent", "other_approved", "refused")
COLLECTOR_LABELS = {"applicant": "申请人本人", "agent": "登记的代办人", "other_approved": "他人（经值班负责人批准）",
                    "refused": "不予交付（来人不是申请人或代办人）"}
DEFAULT_PASS_MARK = 80


class ScenarioError(DomainError):
    """A scenario file that cannot be used; the message names the file and the field."""


@dataclass(frozen=True)
class Person:
    """Someone at the window: a roster index or an inline card (roster keys)."""

    roster: int | None = None
    identity: Mapping[str, Any] | None = None
    relation: str = ""                     # an agent's relation to the applicant

    def card(self, roster: list[dict]) -> dict:
        return dict(self.identity) if self.identity is not None else dict(roster[self.roster])

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"roster": self.roster} if self.identity is None else {"identity": dict(self.identity)}
        if self.relation:
            out["relation"] = self.relation
        return out


@dataclass(frozen=True)
class Brought:
    """How the citizen brings one material."""

    how: str                               # present / missing / copy_only / defective
    reason: str = ""                       # for defective: expired / wrong_name / illegible / unsigned

    def to_json(self) -> Any:
        return {"defective": self.reason} if self.how == "defective" else self.how


@dataclass(frozen=True)
class DistrictDecision:
    decision: str                          # approve / deny
    after_days: int
    note: str = ""


@dataclass(frozen=True)
class Expected:
    decision: str
    deferred: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()          # what the correction notice must list
    fields: Mapping[str, str] = field(default_factory=dict)
    documents: tuple[str, ...] = ()
    collector: str = ""


@dataclass(frozen=True)
class Mistake:
    """A wrong way to work the scenario and the kind of finding it must earn."""

    why: str
    actions: tuple[Mapping[str, Any], ...]
    finding: str


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    level: str
    tags: tuple[str, ...]
    time_limit_s: int
    item_codes: tuple[str, ...]
    bundle: str | None
    citizen: Person
    agent: Person | None
    says: Mapping[str, str]
    brings: Mapping[str, Brought]
    expected: Expected
    district: DistrictDecision | None = None
    collector: Person | None = None        # who comes for the result (default: the applicant)
    setup: tuple[Mapping[str, Any], ...] = ()     # desk-script steps run before the trainee takes over
    hints: tuple[str, ...] = ()
    pass_mark: int = DEFAULT_PASS_MARK
    model: tuple[Mapping[str, Any], ...] = ()     # the model answer, as desk-script steps
    mistakes: tuple[Mistake, ...] = ()            # wrong answers trainers show, each with the finding it earns
    source: str = ""

    @property
    def opening(self) -> str:
        return self.says.get("opening", "")

    def answer(self, key: str) -> str | None:
        """What the citizen answers when asked for a form field (None: they do not know)."""
        return self.says.get(key) if key != "opening" else None

    def materials(self, catalog: Catalog) -> list[Material]:
        items = catalog.bundle_items(self.bundle) if self.bundle else [catalog.item(c) for c in self.item_codes]
        return merge_materials(items)

    def brought(self, material: Material) -> Brought:
        """What the citizen brings of a material: as listed, else a required one (or one an agent needs when an
        agent comes) is present and an optional one is not."""
        listed = self.brings.get(material.code)
        if listed is not None:
            return listed
        needed = material.required or (material.when_agent and self.agent is not None)
        return Brought("present" if needed else "missing")

    def to_dict(self) -> dict[str, Any]:
        """The scenario as its file holds it."""
        citizen = self.citizen.to_dict()
        citizen["says"] = dict(self.says)
        if self.agent is not None:
            citizen["agent"] = self.agent.to_dict()
        e = self.expected
        expected: dict[str, Any] = {"decision": e.decision}
        for key in ("deferred", "missing", "documents"):
            if getattr(e, key):
                expected[key] = list(getattr(e, key))
        if e.fields:
            expected["fields"] = dict(e.fields)
        if e.collector:
            expected["collector"] = e.collector
        out: dict[str, Any] = {
            "id": self.id, "title": self.title, "level": self.level, "tags": list(self.tags),
            "time_limit_s": self.time_limit_s, "items": self.bundle or list(self.item_codes), "citizen": citizen,
            "brings": {code: b.to_json() for code, b in self.brings.items()}, "expected": expected}
        if self.district is not None:
            out["district"] = {"decision": self.district.decision, "after_days": self.district.after_days,
                               **({"note": self.district.note} if self.district.note else {})}
        if self.collector is not None:
            out["collector"] = self.collector.to_dict()
        if self.setup:
            out["setup"] = [dict(s) for s in self.setup]
        if self.hints:
            out["hints"] = list(self.hints)
        if self.pass_mark != DEFAULT_PASS_MARK:
            out["pass_mark"] = self.pass_mark
        if self.model:
            out["model"] = [dict(s) for s in self.model]
        if self.mistakes:
            out["mistakes"] = [{"why": m.why, "finding": m.finding, "actions": [dict(a) for a in m.actions]}
                               for m in self.mistakes]
        return out


class _Reader:
    """Field access that names the file and the path of whatever is wrong."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, where: str, what: str) -> ScenarioError:
        return ScenarioError(f"情景 {self.source}：{where} {what}")

    def get(self, d: Mapping, key: str, kind, where: str, default: Any = ...):
        if key not in d:
            if default is ...:
                raise self.fail(where + key, "缺失")
            return default
        value = d[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(where + key, "类型不对")
        return value

    def steps(self, d: Mapping, key: str, where: str = "") -> tuple[dict[str, Any], ...]:
        steps = self.get(d, key, list, where, [])
        if not all(isinstance(s, Mapping) and isinstance(s.get("step"), str) for s in steps):
            raise self.fail(where + key, "应为窗口操作脚本的步骤列表（docs/desk-script.md）")
        return tuple(dict(s) for s in steps)

    def person(self, d: Any, where: str, roster_size: int) -> Person:
        if not isinstance(d, Mapping):
            raise self.fail(where, "应为对象（roster 或 identity）")
        relation = self.get(d, "relation", str, where + ".", "")
        if "identity" in d:
            identity = self.get(d, "identity", Mapping, where + ".")
            for key in ("name", "id", "card"):
                if not isinstance(identity.get(key), str) or not identity[key].strip():
                    raise self.fail(f"{where}.identity.{key}", "缺失")
            return Person(identity=dict(identity), relation=relation)
        index = self.get(d, "roster", int, where + ".")
        if not 0 <= index < roster_size:
            raise self.fail(where + ".roster", f"超出花名册（0–{roster_size - 1}）")
        return Person(roster=index, relation=relation)


def parse_scenario(d: Any, catalog: Catalog, roster_size: int, source: str = "") -> Scenario:
    """A scenario from its JSON object, checked against the catalogue; raises ScenarioError naming the field."""
    r = _Reader(source or "（未命名）")
    if not isinstance(d, Mapping):
        raise r.fail("", "应为 JSON 对象")
    sid = r.get(d, "id", str, "")
    r.source = source or sid
    level = r.get(d, "level", str, "")
    if level not in LEVELS:
        raise r.fail("level", f"应为 {'/'.join(LEVELS)}")
    time_limit = r.get(d, "time_limit_s", int, "")
    if time_limit <= 0:
        raise r.fail("time_limit_s", "应为正数（秒）")
    items = d.get("items")
    bundle, codes = None, ()
    if isinstance(items, str):
        if items not in catalog.bundles:
            raise r.fail("items", f"不是目录中的一件事编码（{items}）")
        bundle = items
    elif isinstance(items, list) and all(isinstance(c, str) for c in items) and (
            items or d.get("expected", {}).get("decision") == "cannot_do"):   # 办不成事: nothing in the catalogue
        for c in items:
            if c not in catalog.items:
                raise r.fail("items", f"含有目录中没有的事项 {c}")
        codes = tuple(items)
    else:
        raise r.fail("items", "应为事项编码列表或一个一件事编码")
    citizen_d = r.get(d, "citizen", Mapping, "")
    citizen = r.person(citizen_d, "citizen", roster_size)
    agent = r.person(citizen_d["agent"], "citizen.agent", roster_size) if "agent" in citizen_d else None
    if agent is not None and not agent.relation.strip():
        raise r.fail("citizen.agent.relation", "缺失（代办人与申请人的关系）")
    says = r.get(citizen_d, "says", Mapping, "citizen.", {})
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in says.items()):
        raise r.fail("citizen.says", "应为“字段 → 回答”的文字")
    probe = Scenario(sid, "", level, (), time_limit, codes, bundle, citizen, agent, says, {}, Expected("accept"))
    materials = {m.code: m for m in probe.materials(catalog)}
    brings: dict[str, Brought] = {}
    for code, how in r.get(d, "brings", Mapping, "", {}).items():
        if code not in materials:
            raise r.fail(f"brings.{code}", "不是本次申请需要的材料")
        if isinstance(how, Mapping) and set(how) == {"defective"}:
            reason = how["defective"]
            if reason not in DEFECTS or reason == "copy_only":
                raise r.fail(f"brings.{code}.defective", f"应为 {'/'.join(k for k in DEFECTS if k != 'copy_only')}")
            brings[code] = Brought("defective", reason)
        elif how in BRINGS and how != "defective":
            brings[code] = Brought(how)
        else:
            raise r.fail(f"brings.{code}", "应为 present / missing / copy_only 或 {\"defective\": 原因}")
    expected = _expected(r, r.get(d, "expected", Mapping, ""), materials)
    district = None
    if "district" in d:
        dd = r.get(d, "district", Mapping, "")
        decision = r.get(dd, "decision", str, "district.")
        if decision not in ("approve", "deny"):
            raise r.fail("district.decision", "应为 approve 或 deny")
        after = r.get(dd, "after_days", int, "district.")
        if after < 0:
            raise r.fail("district.after_days", "不能为负数")
        district = DistrictDecision(decision, after, r.get(dd, "note", str, "district.", ""))
    collector = r.person(d["collector"], "collector", roster_size) if "collector" in d else None
    setup, model = r.steps(d, "setup"), r.steps(d, "model")
    mistakes = []
    for i, m in enumerate(r.get(d, "mistakes", list, "", [])):
        where = f"mistakes[{i}]."
        if not isinstance(m, Mapping):
            raise r.fail(where, "应为对象")
        mistakes.append(Mistake(r.get(m, "why", str, where), r.steps(m, "actions", where),
                                r.get(m, "finding", str, where)))
    hints = r.get(d, "hints", list, "", [])
    if not all(isinstance(h, str) for h in hints):
        raise r.fail("hints", "应为文字列表")
    pass_mark = r.get(d, "pass_mark", int, "", DEFAULT_PASS_MARK)
    if not 0 < pass_mark <= 100:
        raise r.fail("pass_mark", "应在 1–100 之间")
    tags = r.get(d, "tags", list, "", [])
    return Scenario(sid, r.get(d, "title", str, ""), level, tuple(str(t) for t in tags), time_limit, codes, bundle,
                    citizen, agent, dict(says), brings, expected, district, collector,
                    setup, tuple(hints), pass_mark, model, tuple(mistakes), source)


def _expected(r: _Reader, e: Mapping, materials: dict[str, Material]) -> Expected:
    decision = r.get(e, "decision", str, "expected.")
    if decision not in DECISIONS:
        raise r.fail("expected.decision", f"应为 {'/'.join(DECISIONS)}")

    def codes(key: str) -> tuple[str, ...]:
        listed = r.get(e, key, list, "expected.", [])
        for c in listed:
            if c not in materials:
                raise r.fail(f"expected.{key}", f"含有本次申请不需要的材料 {c}")
        return tuple(listed)

    deferred, missing = codes("deferred"), codes("missing")
    if decision == "accept_deferred" and not deferred:
        raise r.fail("expected.deferred", "容缺受理须列出容缺的材料")
    if decision == "correction_notice" and not missing:
        raise r.fail("expected.missing", "一次性补正告知须列出缺少或不合格的材料")
    fields = r.get(e, "fields", Mapping, "expected.", {})
    documents = r.get(e, "documents", list, "expected.", [])
    kinds = {k.value for k in DocumentKind}
    for doc in documents:
        if doc not in kinds:
            raise r.fail("expected.documents", f"含有未知的单据 {doc}")
    collector = r.get(e, "collector", str, "expected.", "")
    if collector and collector not in COLLECTORS:
        raise r.fail("expected.collector", f"应为 {'/'.join(COLLECTORS)}")
    if decision == "handout" and not collector:
        raise r.fail("expected.collector", "出件须写明应交给谁")
    return Expected(decision, deferred, missing, {str(k): str(v) for k, v in fields.items()}, tuple(documents),
                    collector)


def load_scenario_file(path: Path, catalog: Catalog, roster_size: int) -> Scenario:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise ScenarioError(f"无法读取情景文件 {path.name}：{e}") from e
    return parse_scenario(data, catalog, roster_size, path.name)


def load_scenarios(folder: Path, catalog: Catalog, roster_size: int) -> tuple[list[Scenario], list[str]]:
    """Every scenario in the folder (by id order) and a sentence for each file that could not be used."""
    scenarios: dict[str, Scenario] = {}
    problems: list[str] = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            s = load_scenario_file(path, catalog, roster_size)
        except ScenarioError as e:
            problems.append(str(e))
            continue
        if s.id in scenarios:
            problems.append(f"情景 {path.name}：id “{s.id}” 与 {scenarios[s.id].source} 重复")
            continue
        scenarios[s.id] = s
    return sorted(scenarios.values(), key=lambda s: (LEVELS.index(s.level), s.id)), problems
