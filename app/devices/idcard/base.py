"""The ID-card reader Protocol, what a read returns, and the pluggable photo decoder."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol

from app.domain.identity import Identity
from app.i18n import N_, _

PHOTO_UNAVAILABLE = N_("照片不可用")


@dataclass(frozen=True)
class CardRead:
    identity: Identity
    photo_wlt: bytes           # raw WLT bytes; decoding needs the licensed vendor decoder
    appended_address: str = ""  # 追加住址, when the card carries one
    fingerprint: bytes = b""
    photo_image: bytes = b""   # an already decoded photo (BMP/JPEG), from DLLs that decode themselves

    @property
    def holder(self) -> Identity:
        """The identity to record: an appended address (a move after issue) is kept beside the printed one."""
        if not self.appended_address:
            return self.identity
        return replace(self.identity, address=_("{address}（追加住址：{appended_address}）").format(
                address=self.identity.address, appended_address=self.appended_address))


class IdCardReader(Protocol):
    name: str

    def open(self) -> None:
        """Connect to the reader (idempotent); raises DeviceUnavailable."""

    def read_card(self, on_found: Callable[[], None] | None = None) -> CardRead:
        """One full read (find → select → read); calls `on_found` once a card is in the field.

        Raises NoCard, CardReadError or DeviceUnavailable.
        """

    def close(self) -> None: ...


class PhotoDecoder(Protocol):
    """Turns WLT photo bytes into an image file (BMP/JPEG); the licensed decoder is a vendor DLL."""

    def decode(self, wlt: bytes) -> bytes: ...


def photo_of(card: CardRead, decoder: PhotoDecoder | None) -> bytes | None:
    """The card's photo as an image file, or None when it cannot be shown (照片不可用)."""
    if card.photo_image:
        return card.photo_image
    if decoder is None or not card.photo_wlt:
        return None
    try:
        return decoder.decode(card.photo_wlt) or None
    except Exception:  # a vendor decoder failing must never break the read
        logging.getLogger(__name__).warning("photo decoder failed", exc_info=True)
        return None
