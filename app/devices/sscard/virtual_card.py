"""A virtual social-security card (and a resident ID card seen by a plain contactless reader).

The card answers command APDUs like the chip; it is served to a real pcscd through vsmartcard-vpcd
(`VpcdConnection`) or, in training mode, straight to the reader driver (`LoopbackChannel`).
"""

from __future__ import annotations

import hashlib
import logging
import socket
import struct
import threading

from app.devices.sscard import apdu as a

log = logging.getLogger(__name__)

SSC_ATR = bytes.fromhex("3B6C00000A0B0C0D5353534530313031")     # fictional, T=0
ID_CARD_ATR = bytes.fromhex("3B8880010000000000718100F8")        # a type-B card behind a contactless reader


def _tlv(tag: int, value: bytes) -> bytes:
    return bytes([tag, len(value)]) + value


def _ok(data: bytes = b"") -> bytes:
    return data + b"\x90\x00"


def _sw(sw: int) -> bytes:
    return sw.to_bytes(2, "big")


class VirtualSocialSecurityCard:
    """Holds the basic files of one card holder and answers SELECT / READ RECORD as a T=0 chip does:
    SELECT of the environment answers 61xx (its FCI waits for GET RESPONSE), and a READ RECORD with
    the wrong Le answers 6Cxx naming the right one. Two card families met in the field are one switch away:
    `sfi_reads=False` reads records only in the file selected (READ RECORD by SFI answers 6A86), and `pin`
    guards EF06 (6982 until VERIFY with it; a wrong PIN spends a try, 63Cx says how many are left)."""

    atr = SSC_ATR

    def __init__(self, holder: dict, *, sfi_reads: bool = True, pin: str | None = None, pin_tries: int = 3):
        self.holder = holder
        self.sfi_reads, self.pin, self.pin_tries = sfi_reads, pin, pin_tries
        self._verified = pin is None
        self._in_ssse = False
        self._current_ef = None
        self._pending = b""
        self.fci = _tlv(0x6F, _tlv(0x84, a.SSSE_NAME))
        self.records = {
            (5, 0x07): _tlv(0x07, holder["card_number"].encode("ascii")),
            (6, 0x08): _tlv(0x08, holder["ss_number"].encode("ascii")),
            (6, 0x09): _tlv(0x09, holder["name"].encode("gbk").ljust(30, b"\x00")),
            (6, 0x0A): _tlv(0x0A, holder["sex"].encode("ascii")),
            (6, 0x0B): _tlv(0x0B, bytes.fromhex(holder["nation"])),
            (6, 0x0C): _tlv(0x0C, bytes.fromhex(holder["birthplace"])),
            (6, 0x0D): _tlv(0x0D, bytes.fromhex(holder["birth"])),
        }

    def reset(self) -> None:
        self._in_ssse, self._current_ef, self._pending = False, None, b""
        self._verified = self.pin is None

    def respond(self, command: bytes) -> bytes:
        if len(command) < 4:
            return _sw(0x6700)
        cla, ins, p1, p2 = command[:4]
        if ins == 0xA4 and p1 == 0x04:
            name = command[5:5 + command[4]] if len(command) > 5 else b""
            if name != a.SSSE_NAME:
                return _sw(0x6A82)
            self._in_ssse, self._current_ef, self._pending = True, None, self.fci
            return _sw(0x6100 | len(self.fci))
        if ins == 0xC0:
            if not self._pending:
                return _sw(0x6985)
            le = command[4] if len(command) > 4 else 0
            data, self._pending = self._pending[:le or 256], b""
            return _ok(data)
        if ins == 0xA4 and p1 == 0x02:
            if not self._in_ssse or command[5:7] not in (b"\xef\x05", b"\xef\x06"):
                return _sw(0x6A82)
            self._current_ef = command[6] & 0x0F
            return _ok()
        if ins == 0x20:
            return self._verify(command[5:5 + command[4]] if len(command) > 5 else b"")
        if ins == 0xB2:
            if not self._in_ssse:
                return _sw(0x6982)
            if p2 >> 3 and not self.sfi_reads:
                return _sw(0x6A86)
            ef = (p2 >> 3) if p2 & 0x04 and p2 >> 3 else self._current_ef
            if ef == 6 and not self._verified:
                return _sw(0x6982)
            record = self.records.get((ef, p1))
            if record is None:
                return _sw(0x6A83)
            le = command[4] if len(command) > 4 else 0
            if le != len(record):
                return _sw(0x6C00 | len(record))
            return _ok(record)
        if command[:2] == b"\xff\xca":
            return _ok(hashlib.sha256(self.holder["card_number"].encode()).digest()[:4])
        return _sw(0x6D00)


    def _verify(self, digits: bytes) -> bytes:
        if self.pin is None:
            return _sw(0x6A88)                       # no PIN on this card
        if self.pin_tries == 0:
            return _sw(0x6983)                       # blocked
        if not digits:
            return _sw(0x63C0 | self.pin_tries)      # how many tries are left; none spent
        if digits.hex().upper().rstrip("F") == self.pin:
            self._verified, self.pin_tries = True, 3
            return _ok()
        self.pin_tries -= 1
        return _sw(0x63C0 | self.pin_tries)


class VirtualIdCardUid:
    """A resident ID card laid on a plain contactless PC/SC reader: only its UID can be read."""

    atr = ID_CARD_ATR

    def __init__(self, uid: bytes):
        self.uid = uid

    def reset(self) -> None:
        pass

    def respond(self, command: bytes) -> bytes:
        if command[:4] == a.GET_ID_CARD_UID[:4]:
            return _ok(self.uid)
        return _sw(0x6D00)


def holder_from_resident(person: dict) -> dict:
    """A social-security card holder from a roster entry (the roster's cards carry the same person)."""
    return {
        "card_number": person.get("ss_card_number") or "Z" + str(int(hashlib.sha1(person["id"].encode()).hexdigest(), 16))[:8],
        "ss_number": person["id"], "name": person["name"], "sex": person["sex"],
        "nation": person.get("nation") or "97", "birthplace": person["id"][:6], "birth": person["birth"],
    }


class LoopbackChannel:
    """The driver's APDUs handed straight to a virtual card (training mode, any OS)."""

    def __init__(self, card):
        self.card = card
        self.atr = card.atr

    def transmit(self, command: bytes) -> tuple[bytes, int]:
        answer = self.card.respond(bytes(command))
        return answer[:-2], int.from_bytes(answer[-2:], "big")

    def close(self) -> None:
        pass


class VpcdConnection:
    """Inserts a virtual card into vsmartcard-vpcd's reader: a TCP client speaking its length-prefixed messages.

    Closing the connection removes the card from the reader.
    """

    def __init__(self, card, port: int = 35963, host: str = "127.0.0.1", connect_timeout: float = 5.0):
        self.card = card
        self.apdus: list[bytes] = []
        self._sock = socket.create_connection((host, port), timeout=connect_timeout)
        self._sock.settimeout(None)
        self._thread = threading.Thread(target=self._serve, name="vpcd-card", daemon=True)
        self._thread.start()

    def _recv(self, n: int) -> bytes:
        buf = b""
        while len(buf) < n:
            chunk = self._sock.recv(n - len(buf))
            if not chunk:
                raise ConnectionError("vpcd closed the connection")
            buf += chunk
        return buf

    def _send(self, payload: bytes) -> None:
        self._sock.sendall(struct.pack(">H", len(payload)) + payload)

    def _serve(self) -> None:
        try:
            while True:
                (length,) = struct.unpack(">H", self._recv(2))
                message = self._recv(length)
                if length == 1:
                    control = message[0]
                    if control in (0, 1, 2):      # power off / power on / reset
                        self.card.reset()
                    elif control == 4:            # ATR
                        self._send(self.card.atr)
                    continue
                self.apdus.append(message)
                self._send(self.card.respond(message))
        except (ConnectionError, OSError):
            return

    def remove(self) -> None:
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._sock.close()
        self._thread.join(timeout=2)
