"""好差评 at the window: when to invite a rating, the evaluator's picture of the clerk, and recording the
citizen's one rating of a visit (every case of it) as a case event that syncs like any other."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from app.domain.accounts import Clerk
from app.domain.case import Case
from app.domain.errors import DomainError
from app.domain.rating import LEVEL_LABELS, OFFLINE_INDICATORS, KeyMap, Rating, RatingLevel, RatingStage
from app.i18n import N_, _
from app.services.clock import Clock
from app.services.workers import Workers, runs_on
from app.store.database import Store

log = logging.getLogger(__name__)

PROMPT = N_("请您对本次服务进行评价")


@dataclass(frozen=True)
class EvaluatorCard:
    """What the citizen-facing screen shows while a case is worked (the 评价器 convention)."""

    name: str
    staff_number: str
    window: str
    centre: str

    @property
    def initial(self) -> str:
        """The clerk's surname on the picture when no photo is kept."""
        return self.name[:1] or _("窗")


class RatingService:
    LEVELS = tuple((level, LEVEL_LABELS[level]) for level in RatingLevel)    # 非常满意 first, as evaluators show
    TAGS = OFFLINE_INDICATORS

    def __init__(self, store: Store, clock: Clock, workers: Workers, *, stages: frozenset[RatingStage],
                 keys: KeyMap, screen: str, window: str, centre: str):
        self.store, self.clock, self.workers = store, clock, workers
        self.stages, self.keys, self.screen = stages, keys, screen
        self.window, self.centre = window, centre

    def card(self, clerk: Clerk) -> EvaluatorCard:
        return EvaluatorCard(clerk.display_name, clerk.username, self.window, self.centre)

    def invited(self, stage: RatingStage, cases: Sequence[Case]) -> bool:
        """Whether the citizen is asked now: the moment is configured and some case of the visit can still be
        rated (a case rated after 受理 is not asked again at 出件)."""
        return stage in self.stages and any(c.rating is None and c.allows("rated") for c in cases)

    @runs_on("db")
    def rate(self, case_ids: Sequence[str], level: int, clerk: Clerk, *, tags: Sequence[str] = (),
             comment: str = "", stage: RatingStage | str = RatingStage.ACCEPT) -> list[Case]:
        """The citizen's rating of the visit, recorded on each of its cases not rated yet (a bundle is one
        service); refused when every case was rated already (一事一评)."""
        rating = Rating.of(level, list(tags), comment, stage)
        if not case_ids:
            raise DomainError(_("没有可评价的办件"))
        now = self.clock()

        def command(cases: list[Case]) -> None:
            open_ = [c for c in cases if c.rating is None]
            if not open_:
                cases[0].rate(rating, clerk.username, now)      # refused with the sentence naming the rating
            for case in open_:
                case.rate(rating, clerk.username, now)

        cases, _unused = self.store.cases.change(list(case_ids), command)
        log.info("rating %d (%s) recorded on %d case(s) at %s", rating.level, rating.stage.value, len(cases),
                 rating.stage.label)
        return cases

    @runs_on("read")
    def load(self, case_ids: Sequence[str]) -> list[Case]:
        return [self.store.cases.get(i) for i in case_ids]
