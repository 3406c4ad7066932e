"""Quizzes on the guides (问卷测试): multiple-choice questions generated from the catalogue.

Each question asks one thing the guide of an item says — a material it needs, the one that may be
deferred, the promised time limit, the deciding agency, the fee — with the right answer and three
plausible wrong ones taken from other items. The same seed gives the same quiz.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from app.domain.catalog import Catalog, ServiceItem, time_limit_text
from app.domain.errors import DomainError

OPTIONS = 4
LETTERS = "ABCD"
# fees a window meets, for a question on an item that charges nothing (the catalogue's items rarely differ)
_FEES = ("不收费", "按工本费每证 20 元收取", "每件收取 10 元", "减半收取工本费", "按办理人数每人 5 元收取")


@dataclass(frozen=True)
class Question:
    topic: str                     # materials, deferrable, time_limit, deciding_agency, fee
    item_code: str
    text: str
    options: tuple[str, ...]
    answer: int                    # index of the right option
    guide: str                     # where the guide says so

    def to_dict(self, with_answer: bool = False) -> dict[str, Any]:
        d: dict[str, Any] = {"topic": self.topic, "item": self.item_code, "text": self.text,
                             "options": [f"{LETTERS[i]}. {o}" for i, o in enumerate(self.options)]}
        if with_answer:
            d["answer"] = LETTERS[self.answer]
            d["guide"] = self.guide
        return d


@dataclass(frozen=True)
class QuizResult:
    correct: int
    total: int
    wrong: list[tuple[int, Question, int | None]]     # question number (1-based), question, answer given

    @property
    def score(self) -> int:
        return round(100 * self.correct / self.total) if self.total else 0


def _pick(rng: random.Random, right: str, pool: Sequence[str]) -> tuple[tuple[str, ...], int] | None:
    """The right answer among three distinct wrong ones from `pool`, shuffled (None: not enough)."""
    wrong = sorted({p for p in pool if p != right})
    if len(wrong) < OPTIONS - 1:
        return None
    options = [right, *rng.sample(wrong, OPTIONS - 1)]
    rng.shuffle(options)
    return tuple(options), options.index(right)


def _materials(rng: random.Random, item: ServiceItem, catalog: Catalog):
    own = [m for m in item.materials if m.required and not m.from_id_card]
    if not own:
        return None
    right = rng.choice(own)
    names = {m.name for m in item.materials}
    pool = [m.name for it in catalog.items.values() for m in it.materials if m.name not in names]
    return f"办理“{item.name}”，群众须提交下列哪一项材料？", _pick(rng, right.name, pool), "办事指南·申请材料目录"


def _deferrable(rng: random.Random, item: ServiceItem, catalog: Catalog):
    if item.instant:
        return None
    deferrable = [m for m in item.materials if m.deferrable]
    if len(deferrable) != 1:
        return None
    # wrong answers: materials no item lets be deferred (a name deferrable elsewhere would be a trick question)
    sometimes = {m.name for it in catalog.items.values() for m in it.materials if m.deferrable}
    pool = [m.name for it in catalog.items.values() for m in it.materials
            if m.name not in sometimes and not m.when_agent]
    return (f"办理“{item.name}”时，下列哪一项材料可以容缺受理（先受理、后补交）？",
            _pick(rng, deferrable[0].name, pool), "办事指南·申请材料目录（可容缺）")


def _time_limit(rng: random.Random, item: ServiceItem, catalog: Catalog):
    pool = [time_limit_text(it) for it in catalog.items.values()]
    pool += [f"承诺件：承诺 {d} 个工作日办结（法定 {d * 2} 个工作日）" for d in (3, 7, 15, 30)]
    return f"“{item.name}”的办结时限是？", _pick(rng, time_limit_text(item), pool), "办事指南·办结时限"


def _deciding(rng: random.Random, item: ServiceItem, catalog: Catalog):
    pool = [it.guide.deciding_agency for it in catalog.items.values()]
    return f"“{item.name}”由哪个机构作出决定？", _pick(rng, item.guide.deciding_agency, pool), "办事指南·决定机构"


def _fee(rng: random.Random, item: ServiceItem, catalog: Catalog):
    pool = [it.guide.fee for it in catalog.items.values()] + list(_FEES)
    return f"办理“{item.name}”是否收费？", _pick(rng, item.guide.fee, pool), "办事指南·收费依据及标准"


TOPICS: dict[str, Callable] = {"materials": _materials, "deferrable": _deferrable, "time_limit": _time_limit,
                               "deciding_agency": _deciding, "fee": _fee}


def make_quiz(catalog: Catalog, count: int, seed: int) -> list[Question]:
    """`count` questions, each on a different (item, topic), deterministic for the seed."""
    if count < 1:
        raise DomainError("题目数量至少为 1")
    rng = random.Random(seed)
    pairs = [(code, topic) for code in sorted(catalog.items) for topic in TOPICS]
    rng.shuffle(pairs)
    questions: list[Question] = []
    for code, topic in pairs:
        item = catalog.items[code]
        made = TOPICS[topic](rng, item, catalog)
        if made is None or made[1] is None:
            continue
        text, (options, answer), guide = made
        questions.append(Question(topic, code, text, options, answer, guide))
        if len(questions) == count:
            return questions
    raise DomainError(f"目录中的事项只够出 {len(questions)} 道题")


def answer_index(given: Any) -> int | None:
    """An answer as given: a letter A–D (or 'a'), a 0-based index, or None when not answered."""
    if isinstance(given, bool) or given is None:
        return None
    if isinstance(given, int):
        return given if 0 <= given < OPTIONS else None
    if isinstance(given, str) and given.strip().upper()[:1] in LETTERS and given.strip():
        return LETTERS.index(given.strip().upper()[0])
    return None


def grade(questions: Sequence[Question], answers: Sequence[Any]) -> QuizResult:
    """How many answers are right; an answer missing or unreadable counts as wrong."""
    wrong = []
    for n, q in enumerate(questions, 1):
        given = answer_index(answers[n - 1]) if n - 1 < len(answers) else None
        if given != q.answer:
            wrong.append((n, q, given))
    return QuizResult(len(questions) - len(wrong), len(questions), wrong)
