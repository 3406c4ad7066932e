"""Form rules for an item's (or a bundle's merged) fields: pre-fill from identity, validation."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date

from app.domain.catalog import FieldType, FormField
from app.domain.identity import Agent, CardType, Identity, check_document_number
from app.i18n import _

_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def prefill_value(source: str, applicant: Identity | None, agent: Agent | None) -> str:
    """The value a field's pre-fill source (e.g. 'applicant.id_number') points at, or ''."""
    who, _unused, attr = source.partition(".")
    person = applicant if who == "applicant" else (agent.identity if agent else None)
    if person is None:
        return ""
    if who == "agent" and attr == "relation":
        return agent.relation if agent else ""
    value = getattr(person, attr, "")
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "label"):
        return value.label
    return str(value or "")


def prefill(fields: Iterable[FormField], applicant: Identity | None, agent: Agent | None,
            current: Mapping[str, str] | None = None) -> dict[str, str]:
    """Values for the form: what the clerk typed wins over what the card supplies."""
    values = dict(current or {})
    for f in fields:
        if f.prefill and not values.get(f.key):
            v = prefill_value(f.prefill, applicant, agent)
            if v:
                values[f.key] = v
    return values


def field_error(f: FormField, raw: str | None, documents: Mapping[str, CardType] | None = None) -> str | None:
    """The clerk-facing problem with one value, or None when it is acceptable.

    `documents` maps the numbers of documents read for this case (applicant, agent) to their card
    type, so a foreigner's permit number is checked by its own rule, not as a resident ID number.
    """
    value = (raw or "").strip()
    if not value:
        return _("请填写“{label}”").format(label=f.label) if f.required else None
    if f.max_length and len(value) > f.max_length:
        return _("“{label}”不能超过{max_length}个字").format(label=f.label, max_length=f.max_length)
    if f.type is FieldType.DATE:
        try:
            date.fromisoformat(value)
        except ValueError:
            return _("“{label}”应为日期，格式如 2026-01-31").format(label=f.label)
    elif f.type is FieldType.PHONE and not _PHONE.match(value):
        return _("“{label}”不是有效的电话号码").format(label=f.label)
    elif f.type is FieldType.ID_NUMBER:
        check = check_document_number((documents or {}).get(value.upper(), CardType.RESIDENT), value)
        if check.error:
            return _("“{label}”：{error}").format(label=f.label, error=check.error)
    elif f.type is FieldType.NUMBER:
        try:
            float(value)
        except ValueError:
            return _("“{label}”应为数字").format(label=f.label)
    elif f.type is FieldType.CHOICE and value not in f.choices:
        return _("“{label}”应为以下之一：{choices}").format(label=f.label, choices=_('、').join(f.choices))
    if f.pattern and not re.fullmatch(f.pattern, value):
        return _("“{label}”格式不正确").format(label=f.label) + (_("（{hint}）").format(hint=f.hint) if f.hint else "")
    return None


def documents_of(*people: Identity | None) -> dict[str, CardType]:
    return {p.id_number.upper(): p.card_type for p in people if p is not None}


def validate_form(fields: Iterable[FormField], values: Mapping[str, str],
                  documents: Mapping[str, CardType] | None = None) -> dict[str, str]:
    """Every problem of the form, keyed by field key; empty when the form may be submitted."""
    errors = {}
    for f in fields:
        problem = field_error(f, values.get(f.key), documents)
        if problem:
            errors[f.key] = problem
    return errors
