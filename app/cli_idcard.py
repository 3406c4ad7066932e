"""`zongchuang idcard …`: what an installer needs to bring up an identity-card reader."""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

from app.config.paths import Profile, resolve_paths
from app.config.settings import Settings
from app.devices import registry
from app.devices.errors import DeviceError, NoCard
from app.devices.idcard import sam_frame as sf
from app.devices.idcard.captures import read_capture
from app.devices.idcard.text_block import (
    decode_appended_address,
    decode_text_block,
    nationality_label,
)
from app.domain.identity import Identity, mask_id_number, mask_name
from app.i18n import _


def add_commands(sub) -> None:
    idc = sub.add_parser("idcard", help=_("身份证阅读器：检测端口、试读、解码")).add_subparsers(dest="action", required=True)
    idc.add_parser("ports", help=_("列出可用的串口和 PC/SC 读卡器"))
    read = idc.add_parser("read", help=_("读一次卡（输出已脱敏）"))
    read.add_argument("--driver", help=_("sam / sdtapi / termb / syn / simulator（默认取设置）"))
    read.add_argument("--port", help=_("串口名（如 COM3、/dev/ttyUSB0）或动态库端口号（如 1001）"))
    read.add_argument("--baud", type=int, help=_("串口波特率（默认自动检测）"))
    read.add_argument("--dll", help=_("厂家动态库路径"))
    read.add_argument("--wait", type=float, default=5.0, help=_("等待放卡的秒数（默认 5）"))
    dec = idc.add_parser("decode", help=_("解码保存的阅读器数据：应答帧（可带外层包装或多余字节）、读卡数据（01 00 04 00 …）或 "
                                          "256 字节文字信息；二进制、十六进制或 Base64 文本"))
    dec.add_argument("file", type=Path)
    dec.add_argument("--full", "--unmasked", dest="unmasked", action="store_true",
                     help=_("显示完整的姓名、号码和住址（默认遮挡；输出可能被终端或日志记录，仅在必要时使用）"))


def run(args, profile: Profile) -> int:
    if args.action == "ports":
        return ports()
    if args.action == "read":
        return read(args, profile)
    return decode(args.file, masked=not args.unmasked)


# --- ports ---------------------------------------------------------------------------------------

def ports() -> int:
    from app.devices.idcard.serial_sam import serial_ports
    from app.devices.sscard.pcsc import PcscContext

    found = serial_ports()
    print(_("串口（sam 驱动，--port）：{n_found} 个").format(n_found=len(found)))
    for p in found:
        print(f"  {p.device}  {p.description}")
    try:
        context = PcscContext()
        readers = context.readers()
        context.close()
        print(_("PC/SC 读卡器（社保卡，sscard_reader）：{n_readers} 个").format(n_readers=len(readers)))
        for r in readers:
            print(f"  {r}")
    except DeviceError as e:
        print(_("PC/SC 读卡器：{e}").format(e=e))
    if os.name == "nt":
        print(_("厂家动态库（sdtapi / termb / syn）：端口 1001–1016 为 USB，1–16 为串口；--port 留空则逐个扫描"))
    return 0


# --- read ----------------------------------------------------------------------------------------

def read(args, profile: Profile) -> int:
    paths = resolve_paths(profile)
    settings = Settings.load(paths.settings)
    overrides = {k: v for k, v in (("idcard_driver", args.driver), ("idcard_port", args.port),
                                   ("idcard_baud", args.baud), ("idcard_dll", args.dll)) if v is not None}
    settings = replace(settings, **overrides)
    try:
        reader = registry.make_idcard_reader(settings, profile, paths.resources)
        if reader is None:
            print(_("未配置身份证阅读器（idcard_driver = none）"), file=sys.stderr)
            return 2
        reader.open()
    except DeviceError as e:
        print(_("阅读器不可用：{e}").format(e=e), file=sys.stderr)
        return 2
    try:
        deadline = time.monotonic() + args.wait
        print(_("已连接 {name}").format(
                name=reader.name) + (_("，安全模块号 {module_id}").format(module_id=reader.module_id) if getattr(reader, "module_id", "") else ""))
        print(_("请放卡…"))
        while True:
            try:
                card = reader.read_card()
                break
            except NoCard:
                if time.monotonic() >= deadline:
                    print(_("未检测到卡片"), file=sys.stderr)
                    return 1
                time.sleep(0.5)
            except DeviceError as e:
                print(_("读卡失败：{e}").format(e=e), file=sys.stderr)
                return 1
    finally:
        reader.close()
    print(json.dumps(_masked(card.identity, card.appended_address, len(card.photo_wlt)), ensure_ascii=False, indent=2))
    return 0


def _masked(identity: Identity, appended: str, photo_bytes: int) -> dict:
    return {
        "card_type": identity.card_type.value, "card_type_label": identity.card_type.label,
        "name": mask_name(identity.name), "id_number": mask_id_number(identity.id_number),
        "valid_to": _("长期") if identity.long_term else (identity.valid_to.isoformat() if identity.valid_to else None),
        "has_appended_address": bool(appended), "photo_bytes": photo_bytes,
        "warnings": identity.warnings(date.today()),
    }


# --- decode --------------------------------------------------------------------------------------

def decode(path: Path, masked: bool = True) -> int:
    try:
        raw = path.read_bytes()
    except OSError as e:
        print(_("无法读取文件 {path}：{strerror}").format(path=path, strerror=e.strerror), file=sys.stderr)
        return 2
    try:
        result = decode_bytes(raw, masked)
    except sf.FrameError as e:
        print(_("无法解码：数据不是有效的应答帧或文字信息（{e}）").format(e=e), file=sys.stderr)
        return 1
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0 if result.get("outcome") in (None, "success", "found", "no_content") else 1


def decode_bytes(raw: bytes, masked: bool = True) -> dict:
    """What a saved capture holds (see `captures`); raises FrameError when it is none of the known forms."""
    capture = read_capture(raw)
    out: dict = {"kind": capture.kind}
    if capture.encoding != "binary":
        out["encoding"] = capture.encoding
    if capture.skipped_before or capture.skipped_after:
        out["skipped_bytes"] = {"before": capture.skipped_before, "after": capture.skipped_after}
    if capture.kind == "request_frame":
        out["request"] = capture.request
        out["message"] = _("这是发给阅读器的指令，不是阅读器的应答")
        return out
    if capture.response is not None:
        response = capture.response
        out.update(sw3=f"{response.sw3:02X}", outcome=response.outcome.value, message=response.message)
        if capture.card is None and response.data and not (capture.module_id or capture.appended_address):
            out["data_bytes"] = len(response.data)
    if capture.appended_address:
        address = decode_appended_address(capture.appended_address)
        out["appended_address"] = _mask_address(address) if masked else address
    if capture.module_id:
        out["module_id"] = capture.module_id
    if capture.card is not None:
        out.update(_identity(capture.card.text, masked))
        if capture.kind != "text_block":
            out["photo_bytes"], out["fingerprint_bytes"] = len(capture.card.photo), len(capture.card.fingerprint)
    return out


def _mask_address(address: str) -> str:
    return address[:3] + "*" * min(max(len(address) - 3, 0), 8) if address else address


def _identity(text: bytes, masked: bool) -> dict:
    identity = decode_text_block(text)
    fields = identity.to_dict()
    fields.pop("phone", None)
    if masked:
        fields.update(name=mask_name(identity.name), id_number=mask_id_number(identity.id_number),
                      address=_mask_address(identity.address), english_name=mask_name(identity.english_name),
                      pass_number=mask_id_number(identity.pass_number))
    if identity.nationality:
        fields["nationality_label"] = nationality_label(identity.nationality)
    fields["sex_label"] = identity.sex.label if identity.sex else None
    return {"card_type": identity.card_type.value, "card_type_label": identity.card_type.label,
            "fields": fields, "warnings": identity.warnings(date.today())}
