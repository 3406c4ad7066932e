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
    return _value(data, sw, what)


def _value(data: bytes, sw: int, what: str) -> bytes:
    if sw != a.SW_OK:
        log.info("reading %s answered %04X", what, sw)
        raise CardReadError(_("读取社保卡{what}失败（{sw:04X}），请重新插卡").format(what=what, sw=sw))
    try:
        return a.tlv_value(data)
    except a.CardDataError as e:
        log.warning("social-security card %s malformed: %s", what, e)
        raise CardReadError(_("社保卡{what}数据格式异常").format(what=what)) from e


def _card_number(channel: Channel) -> bytes:
    """EF05's record 07, by short file identifier, or — on cards that only read the file selected — after
    selecting EF05."""
    data, sw = exchange(channel, a.READ_CARD_NUMBER)
    if sw != a.SW_OK:
        log.info("card number by SFI answered %04X; selecting EF05", sw)
        _unused, selected = exchange(channel, a.SELECT_EF05)
        if selected == a.SW_OK:
            data, sw = exchange(channel, a.READ_CARD_NUMBER_SELECTED)
    return _value(data, sw, _("卡号"))


def _open_personal_records(channel: Channel) -> None:
    """Some cards show EF06 only after the PIN: the initial one is tried when, and only when, the card says no
    try has been spent (a PIN the holder changed is never guessed, so no try is lost)."""
    _unused, sw = exchange(channel, a.PIN_TRIES)
    if sw != 0x63C0 | a.PIN_TRIES_FULL:
        log.info("PIN tries answered %04X; the initial PIN is not tried", sw)
        raise CardReadError(_("这张社保卡需要持卡人密码才能读取个人信息，请用身份证或手工录入"))
    _unused, sw = exchange(channel, a.verify_pin(a.DEFAULT_PIN))
    if sw != a.SW_OK:
        log.info("the initial PIN answered %04X", sw)
        raise CardReadError(_("这张社保卡需要持卡人密码才能读取个人信息，请用身份证或手工录入"))


def read_social_security_card(channel: Channel, atr: bytes = b"") -> a.SocialSecurityCard:
    _unused, sw = exchange(channel, a.SELECT_SSSE)
    if sw != a.SW_OK:
        raise NotSocialSecurityCard()
    card_number = a.gbk_text(_card_number(channel))
    _unused, sw = exchange(channel, a.SELECT_EF06)
    if sw != a.SW_OK:
        raise CardReadError(_("社保卡个人信息文件无法选择（{sw:04X}）").format(sw=sw))
    labels = (_("社会保障号码"), _("姓名"), _("性别"), _("民族"), _("出生地"), _("出生日期"))
    values = {}
    for (key, (rec, le)), label in zip(a.EF06_RECORDS.items(), labels, strict=True):
        data, sw = exchange(channel, a.read_record(rec, le))
        if sw == a.SW_SECURITY_NOT_SATISFIED and not values:
            _open_personal_records(channel)
            data, sw = exchange(channel, a.read_record(rec, le))
        values[key] = _value(data, sw, label)
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
