"""Reading a social-security card, or a contactless card's UID, over any APDU channel."""

from __future__ import annotations

import logging
from typing import Protocol

from app.devices.errors import CardReadError
from app.devices.sscard import apdu as a
from app.i18n import _

log = logging.getLogger(__name__)


class Channel(Protocol):
    def transmit(self, command: bytes) -> tuple[bytes, int]:
        """Send a command APDU; the response data and the status word (e.g. 0x9000)."""


class NotSocialSecurityCard(CardReadError):
    def __init__(self):
        super().__init__(_("这张卡不是社会保障卡（或不支持读取），请核对"))


def exchange(channel: Channel, command: bytes) -> tuple[bytes, int]:
    """Transmit, following 61xx (GET RESPONSE) and 6Cxx (resend with the right Le) as T=0 cards ask."""
    data, sw = channel.transmit(command)
    if sw >> 8 == 0x6C:
        data, sw = channel.transmit(command[:4] + bytes([sw & 0xFF]))
    while sw >> 8 == 0x61:
        more, sw = channel.transmit(bytes([0x00, 0xC0, 0x00, 0x00, sw & 0xFF]))
        data += more
    return data, sw


def _record(channel: Channel, command: bytes, what: str) -> bytes:
    data, sw = exchange(channel, command)
    if sw != a.SW_OK:
        log.info("reading %s answered %04X", what, sw)
        raise CardReadError(_("读取社保卡{what}失败（{sw:04X}），请重新插卡").format(what=what, sw=sw))
    try:
        return a.tlv_value(data)
    except a.CardDataError as e:
        log.warning("social-security card %s malformed: %s", what, e)
        raise CardReadError(_("社保卡{what}数据格式异常").format(what=what)) from e


def read_social_security_card(channel: Channel, atr: bytes = b"") -> a.SocialSecurityCard:
    _unused, sw = exchange(channel, a.SELECT_SSSE)
    if sw != a.SW_OK:
        raise NotSocialSecurityCard()
    card_number = a.gbk_text(_record(channel, a.READ_CARD_NUMBER, _("卡号")))
    _unused, sw = exchange(channel, a.SELECT_EF06)
    if sw != a.SW_OK:
        raise CardReadError(_("社保卡个人信息文件无法选择（{sw:04X}）").format(sw=sw))
    values = {key: _record(channel, a.read_record(rec, le), label)
              for (key, (rec, le)), label in zip(a.EF06_RECORDS.items(),
                                                 (_("社会保障号码"), _("姓名"), _("性别"), _("民族"), _("出生地"), _("出生日期")),
                                                 strict=True)}
    return a.SocialSecurityCard(
        card_number=card_number, ss_number=a.gbk_text(values["ss_number"]).upper(), name=a.gbk_text(values["name"]),
        sex=a.sex_code(values["sex"]), nation=a.nation_code(values["nation"]), birthplace=a.bcd(values["birthplace"]),
        birth_date=a.bcd_date(values["birth"]), atr=atr.hex(" ").upper(),
    )


def read_uid(channel: Channel) -> str:
    """The card's UID: PC/SC GET DATA, or the resident ID card's own command. Hex, upper case."""
    for command in (a.GET_UID, a.GET_ID_CARD_UID):
        data, sw = exchange(channel, command)
        if sw == a.SW_OK and data:
            return data.hex().upper()
    raise CardReadError(_("无法读取卡片序列号"))
