"""The social-security card reader as an identity reader: a card inserted gives the holder's identity.

A contactless card that is not a social-security card (e.g. a resident ID card on a plain PC/SC
reader) yields only its UID; that is reported as such, never as an identity.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from app.devices.errors import CardReadError, DeviceUnavailable, NoCard
from app.devices.idcard.base import CardRead
from app.devices.sscard.apdu import SocialSecurityCard
from app.devices.sscard.card import Channel, NotSocialSecurityCard, read_social_security_card, read_uid
from app.domain.identity import NATIONS, CardType, Identity, Sex
from app.i18n import _

log = logging.getLogger(__name__)


class UidOnlyCard(CardReadError):
    """The card answered with a UID only: its personal data is not readable here."""

    def __init__(self, uid: str):
        self.uid = uid
        super().__init__(_("此卡只能读取序列号（{uid}），不能读取身份信息。身份证请放在身份证阅读器上。").format(uid=uid))


def identity_of(card: SocialSecurityCard) -> Identity:
    return Identity(
        name=card.name, id_number=card.ss_number, sex=Sex.of_code(card.sex),
        nation=NATIONS.get(card.nation, ""), birth_date=card.birth_date, card_type=CardType.SOCIAL_SECURITY,
    )


def read_identity(channel: Channel, atr: bytes) -> CardRead:
    try:
        card = read_social_security_card(channel, atr)
    except NotSocialSecurityCard:
        raise UidOnlyCard(read_uid(channel)) from None
    return CardRead(identity_of(card), b"")


class PcscCardReader:
    """The first PC/SC reader holding a card (or the configured one); caches the read while it stays inserted."""

    def __init__(self, reader_name: str = "", context_factory=None):
        from app.devices.sscard.pcsc import PcscContext

        self.reader_name = reader_name
        self.name = reader_name or _("社保卡读卡器")
        self._context_factory = context_factory or PcscContext
        self._context = None
        self._last: tuple[str, int, CardRead] | None = None   # reader, insertion counter, what it held

    def open(self) -> None:
        if self._context is None:
            self._context = self._context_factory()

    def close(self) -> None:
        if self._context is not None:
            try:
                self._context.close()
            finally:
                self._context = None
                self._last = None

    def readers(self) -> list[str]:
        self.open()
        return self._context.readers()

    def read_card(self, on_found: Callable[[], None] | None = None) -> CardRead:
        self.open()
        readers = [r for r in self._context.readers() if not self.reader_name or r == self.reader_name]
        if not readers:
            raise DeviceUnavailable(_("未找到社保卡读卡器"))
        slot = next((s for s in self._context.states(readers) if s.present), None)
        if slot is None:
            self._last = None
            raise NoCard(_("请插入社保卡"))
        counter = self._context.last_event_states.get(slot.reader, 0) >> 16
        if self._last and self._last[:2] == (slot.reader, counter):
            return self._last[2]
        if on_found:
            on_found()
        channel = self._context.connect(slot.reader)
        try:
            card = read_identity(channel, channel.atr)
        finally:
            channel.close()
        self._last = (slot.reader, counter, card)
        log.info("social-security card read on %s", slot.reader)
        return card
