"""The ID-card reader Protocol and what a read returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from app.domain.identity import Identity


@dataclass(frozen=True)
class CardRead:
    identity: Identity
    photo_wlt: bytes           # raw WLT bytes; decoding needs the licensed vendor decoder
    appended_address: str = ""  # 追加住址, when the card carries one


class IdCardReader(Protocol):
    name: str

    def open(self) -> None:
        """Connect to the reader; raises DeviceUnavailable."""

    def read_card(self) -> CardRead:
        """One full read (find → select → read); raises NoCard, CardReadError or DeviceUnavailable."""

    def close(self) -> None: ...
