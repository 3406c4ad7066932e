"""好差评: the citizen's rating of a case — five levels, the offline indicators a bad rating names, and the
key map of a window evaluator (评价器) keypad."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum, StrEnum
from typing import Any

from app.domain.errors import DomainError, ValidationError
from app.i18n import N_, _


class RatingLevel(IntEnum):
    VERY_SATISFIED = 5
    SATISFIED = 4
    BASICALLY_SATISFIED = 3
    DISSATISFIED = 2
    VERY_DISSATISFIED = 1

    @property
    def label(self) -> str:
        return _(LEVEL_LABELS[self])

    @property
    def bad(self) -> bool:
        """差评: 不满意 and 非常不满意 — asked for a reason, called back and rectified."""
        return self <= RatingLevel.DISSATISFIED

    @property
    def satisfied(self) -> bool:
        """Counted in the satisfaction rate (非常满意 + 满意 + 基本满意)."""
        return self >= RatingLevel.BASICALLY_SATISFIED


LEVEL_LABELS = {RatingLevel.VERY_SATISFIED: N_("非常满意"), RatingLevel.SATISFIED: N_("满意"),
                RatingLevel.BASICALLY_SATISFIED: N_("基本满意"), RatingLevel.DISSATISFIED: N_("不满意"),
                RatingLevel.VERY_DISSATISFIED: N_("非常不满意")}

# The offline (hall) second-level indicators a bad rating names (国办发〔2019〕51号).
OFFLINE_INDICATORS: tuple[str, ...] = (N_("整体满意度"), N_("服务效率"), N_("服务水平"), N_("服务态度"))
COMMENT_LIMIT = 200


class RatingStage(StrEnum):
    """When the citizen was asked: after 受理, or at 出件."""

    ACCEPT = "accept"
    HANDOUT = "handout"

    @property
    def label(self) -> str:
        return {"accept": _("受理后"), "handout": _("出件时")}[self.value]


@dataclass(frozen=True)
class Rating:
    level: RatingLevel
    tags: tuple[str, ...] = ()
    comment: str = ""
    stage: RatingStage = RatingStage.ACCEPT

    @classmethod
    def of(cls, level: int, tags: list[str] | tuple[str, ...] = (), comment: str = "",
           stage: RatingStage | str = RatingStage.ACCEPT) -> Rating:
        """A checked rating: a level 1–5; tags only from the offline indicators and only for a 差评, which needs
        at least one tag or a comment."""
        if isinstance(level, bool) or not isinstance(level, int) or level not in set(RatingLevel):
            raise ValidationError(_("评价等级应为 1（非常不满意）到 5（非常满意）"), "level")
        chosen = RatingLevel(level)
        unknown = [t for t in tags if t not in OFFLINE_INDICATORS]
        if unknown:
            raise ValidationError(_("评价标签应为 {offline_indicators} 之一（收到：{unknown}）").format(
                    offline_indicators=_('、').join(OFFLINE_INDICATORS), unknown=unknown[0]), "tags")
        text = " ".join(str(comment).split())
        if len(text) > COMMENT_LIMIT:
            raise ValidationError(_("评价意见不超过 {limit} 字").format(limit=COMMENT_LIMIT), "comment")
        if not chosen.bad and tags:
            raise ValidationError(_("只有“不满意”“非常不满意”需要选择不满意的方面"), "tags")
        if chosen.bad and not tags and not text:
            raise ValidationError(_("差评请选择不满意的方面或写下意见"), "tags")
        try:
            when = RatingStage(stage)
        except ValueError as e:
            raise ValidationError(_("评价环节应为 accept（受理后）或 handout（出件时）"), "stage") from e
        return cls(chosen, tuple(dict.fromkeys(tags)), text, when)

    def to_payload(self) -> dict[str, Any]:
        return {"level": int(self.level), "label": self.level.label, "tags": list(self.tags),
                "comment": self.comment, "stage": self.stage.value}

    @classmethod
    def from_payload(cls, p: dict[str, Any]) -> Rating:
        return cls(RatingLevel(int(p["level"])), tuple(p.get("tags") or ()), p.get("comment", ""),
                   RatingStage(p.get("stage", "accept")))


@dataclass(frozen=True)
class RecordedRating:
    """A rating as the case holds it: what the citizen said, when, at whose window."""

    rating: Rating
    at: datetime
    clerk: str


def rating_stages(text: str) -> frozenset[RatingStage]:
    """The configured moments to invite a rating ("accept,handout", "handout", "" for none)."""
    stages = set()
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            stages.add(RatingStage(part))
        except ValueError as e:
            raise DomainError(_("评价环节设置有误：{part}（应为 accept / handout）").format(part=part)) from e
    return frozenset(stages)


class KeyMap:
    """Which key of an evaluator keypad means which level: "1=1,2=2,…" or a vendor's "F1=5,F2=4,…"; a USB keypad
    types like a keyboard, so a key is named as Qt names it (QKeySequence text)."""

    DEFAULT = "5=5,4=4,3=3,2=2,1=1"

    def __init__(self, keys: dict[str, RatingLevel]):
        self.keys = keys

    @classmethod
    def parse(cls, text: str) -> KeyMap:
        keys: dict[str, RatingLevel] = {}
        for part in (p.strip() for p in (text or cls.DEFAULT).split(",")):
            if not part:
                continue
            key, sep, level = part.rpartition("=")
            if not sep or not key.strip() or not level.strip().isdigit() or int(level) not in set(RatingLevel):
                raise DomainError(_("评价器按键设置有误：{part}（应为 按键=等级，如 F1=5）").format(part=part))
            if key.strip().upper() in keys:
                raise DomainError(_("评价器按键 {key} 设置了两次").format(key=key.strip()))
            keys[key.strip().upper()] = RatingLevel(int(level))
        if not keys:
            raise DomainError(_("评价器按键设置为空"))
        return cls(keys)

    def level_of(self, key: str) -> RatingLevel | None:
        return self.keys.get(key.strip().upper())
