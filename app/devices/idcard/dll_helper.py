"""Reaching a 32-bit vendor DLL from the 64-bit app: a helper process speaking JSON lines over stdin/stdout.

The helper (`python -m app.devices.idcard.dll_helper --api sdtapi --dll C:\\...\\sdtapi.dll`, frozen
as a 32-bit `zongchuang-idcard32.exe`) loads the DLL and runs one reader driver; the app talks to it
through `HelperProcessReader`, which is itself an ordinary reader driver. One request per line:

    {"id": 7, "op": "open" | "read" | "close"}

and one answer per line:

    {"id": 7, "ok": true, "card": {"identity": {...}, "photo_wlt": "<base64>", ...}}
    {"id": 7, "ok": false, "error": "no_card" | "card" | "device", "message": "请将身份证放在阅读器上"}

`--api simulator` serves the simulated module instead of a DLL (ops "present"/"lift" too), so the
protocol and the process handling are exercised on any OS.
"""

from __future__ import annotations

import argparse
import base64
import json
import logging
import queue
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from app.devices.errors import CardReadError, DeviceUnavailable, NoCard
from app.devices.idcard.base import CardRead
from app.domain.identity import Identity
from app.i18n import N_, _

log = logging.getLogger(__name__)

REQUEST_TIMEOUT = 8.0     # a read takes at most ~4 s on the module


# --- wire format ---------------------------------------------------------------------------------

def card_to_wire(card: CardRead) -> dict:
    b64 = lambda b: base64.b64encode(b).decode("ascii")  # noqa: E731
    return {"identity": card.identity.to_dict(), "photo_wlt": b64(card.photo_wlt),
            "appended_address": card.appended_address, "fingerprint": b64(card.fingerprint),
            "photo_image": b64(card.photo_image)}


def card_from_wire(d: dict) -> CardRead:
    return CardRead(Identity.from_dict(d["identity"]), base64.b64decode(d["photo_wlt"]), d["appended_address"],
                    base64.b64decode(d["fingerprint"]), base64.b64decode(d["photo_image"]))


ERROR_KINDS = ((NoCard, "no_card"), (CardReadError, "card"), (DeviceUnavailable, "device"))


def error_to_wire(e: Exception) -> dict:
    kind = next((k for cls, k in ERROR_KINDS if isinstance(e, cls)), "device")
    return {"error": kind, "message": str(e)}


def error_from_wire(d: dict) -> Exception:
    cls = {k: c for c, k in ERROR_KINDS}.get(d.get("error"), DeviceUnavailable)
    return cls(d.get("message") or _("身份证阅读器出错"))


# --- the helper process --------------------------------------------------------------------------

def serve(reader, stdin, stdout, extra_ops: dict[str, Callable[[dict], None]] | None = None) -> None:
    """Answer requests until stdin closes or a "quit" arrives."""
    for line in stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            op, rid = request["op"], request.get("id")
        except (ValueError, KeyError, TypeError):
            stdout.write(json.dumps({"id": None, "ok": False, "error": "device", "message": "helper: bad request"}) + "\n")
            stdout.flush()
            continue
        answer: dict = {"id": rid, "ok": True}
        try:
            if op == "open":
                reader.open()
                answer["name"] = reader.name
            elif op == "read":
                answer["card"] = card_to_wire(reader.read_card())
            elif op == "close":
                reader.close()
            elif op == "quit":
                stdout.write(json.dumps(answer) + "\n")
                stdout.flush()
                return
            elif extra_ops and op in extra_ops:
                extra_ops[op](request)
            else:
                answer = {"id": rid, "ok": False, "error": "device", "message": f"helper: unknown op {op}"}
        except Exception as e:  # every failure goes back to the app as an answer
            log.debug("helper op %s failed", op, exc_info=True)
            answer = {"id": rid, "ok": False, **error_to_wire(e)}
        stdout.write(json.dumps(answer, ensure_ascii=False) + "\n")
        stdout.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="ID-card reader helper process (JSON lines on stdin/stdout)")
    parser.add_argument("--api", required=True, help="sdtapi / termb / syn / simulator")
    parser.add_argument("--dll", default="", help="path of the vendor DLL")
    parser.add_argument("--port", type=int, default=0, help="reader port (0 = scan)")
    parser.add_argument("--roster", default="", help="simulator: folder holding roster/residents.json")
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(encoding="utf-8")
    sys.stdin.reconfigure(encoding="utf-8")
    extra: dict[str, Callable[[dict], None]] = {}
    if args.api == "simulator":
        from app.devices.idcard.simulator import SimulatedIdCardReader, load_roster

        reader = SimulatedIdCardReader(load_roster(Path(args.roster)))
        extra = {"present": lambda r: reader.present(int(r["index"])), "lift": lambda r: reader.lift()}
    else:
        from app.devices.idcard.vendor_dll import make_dll_reader

        reader = make_dll_reader(args.api, Path(args.dll), args.port)
    serve(reader, sys.stdin, sys.stdout, extra)
    return 0


# --- the app's side ------------------------------------------------------------------------------

class HelperProcessReader:
    """A reader driver whose driver runs in a helper process; the process is restarted if it dies."""

    def __init__(self, command: list[str], name: str = N_("身份证阅读器（32位接口）")):
        self.command, self.name = command, _(name)
        self._process: subprocess.Popen | None = None
        self._answers: queue.Queue = queue.Queue()
        self._next_id = 0

    def _start(self) -> None:
        if self._process is not None and self._process.poll() is None:
            return
        try:
            self._process = subprocess.Popen(
                self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                text=True, encoding="utf-8", bufsize=1)
        except OSError as e:
            log.warning("cannot start the reader helper %s: %s", self.command[0], e)
            raise DeviceUnavailable(_("无法启动身份证阅读器接口程序，请检查安装")) from e
        self._answers = queue.Queue()
        threading.Thread(target=self._pump, args=(self._process, self._answers), daemon=True,
                         name="idcard-helper").start()

    @staticmethod
    def _pump(process: subprocess.Popen, answers: queue.Queue) -> None:
        for line in process.stdout:
            try:
                answers.put(json.loads(line))
            except ValueError:
                log.warning("reader helper wrote a line that is not JSON")
        answers.put(None)   # the process ended

    def request(self, op: str, **fields) -> dict:
        self._start()
        self._next_id += 1
        rid = self._next_id
        try:
            self._process.stdin.write(json.dumps({"id": rid, "op": op, **fields}) + "\n")
            self._process.stdin.flush()
        except OSError as e:
            self._kill()
            raise DeviceUnavailable(_("身份证阅读器接口程序已退出，将自动重启")) from e
        while True:
            try:
                answer = self._answers.get(timeout=REQUEST_TIMEOUT)
            except queue.Empty:
                self._kill()
                raise DeviceUnavailable(_("身份证阅读器接口程序无响应，已重启")) from None
            if answer is None:
                self._kill()
                raise DeviceUnavailable(_("身份证阅读器接口程序已退出，将自动重启"))
            if answer.get("id") == rid:
                break
        if not answer.get("ok"):
            raise error_from_wire(answer)
        return answer

    def _kill(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait(timeout=5)
            self._process = None

    def open(self) -> None:
        answer = self.request("open")
        self.name = answer.get("name", self.name)

    def read_card(self, on_found: Callable[[], None] | None = None) -> CardRead:
        return card_from_wire(self.request("read")["card"])

    def close(self) -> None:
        if self._process is None or self._process.poll() is not None:
            self._process = None
            return
        try:
            self.request("quit")
        except DeviceUnavailable:
            pass
        if self._process is not None:
            try:
                self._process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self._process.kill()
            self._process = None


def helper_command(api: str, dll: Path, port: int, helper_exe: Path | None) -> list[str]:
    """How to start the helper: the frozen 32-bit helper if installed, else this Python."""
    args = ["--api", api, "--dll", str(dll), "--port", str(port)]
    if helper_exe is not None:
        return [str(helper_exe), *args]
    return [sys.executable, "-m", "app.devices.idcard.dll_helper", *args]


if __name__ == "__main__":
    sys.exit(main())
