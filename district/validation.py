"""Input the district stores must be storable: no lone UTF-16 surrogates (they cannot be written as UTF-8),
numbers within what the database holds. A request that breaks this is a 422 with a reason, never a 500."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator

MAX_INT = 2**53 - 1          # the largest integer JSON, SQLite and PostgreSQL all hold exactly
MAX_DEPTH = 32


def _has_surrogate(text: str) -> bool:
    return any("\ud800" <= c <= "\udfff" for c in text)


def clean_text(value: str) -> str:
    if _has_surrogate(value):
        raise ValueError("text contains an unpaired UTF-16 surrogate")
    return value


def clean_json(value: Any, depth: int = 0) -> Any:
    """Walk a JSON value: every key and string storable, every integer in range, not nested too deep."""
    if depth > MAX_DEPTH:
        raise ValueError("nested too deeply")
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        if abs(value) > MAX_INT:
            raise ValueError("integer out of range")
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("not a finite number")
        return value
    if isinstance(value, list):
        return [clean_json(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {clean_text(str(k)): clean_json(v, depth + 1) for k, v in value.items()}
    return value


Text = Annotated[str, AfterValidator(clean_text)]
Payload = Annotated[dict[str, Any], AfterValidator(clean_json)]


def printable(text: str, limit: int = 120) -> str:
    """`text` safe to put in a JSON reply or a log line."""
    return text.encode("utf-8", "replace").decode("utf-8")[:limit]
