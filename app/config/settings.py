"""Settings declared once — type, default, description, group and what values are allowed — read from and
written to settings.json.

Reading is loud: a value that is not allowed falls back to its default for this run and is named (key,
value, why) for the start-up dialog, and the file is left as it is for someone to correct. A file that is
not JSON at all is named with its line and column. Writing keeps only what differs from the defaults (so
a later version's better default reaches the PC) and any keys this version does not know. Files of an
older format are upgraded step by step on reading (`UPGRADES`), the old file kept beside it.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from app.i18n import N_, _

log = logging.getLogger(__name__)

SETTINGS_VERSION = 2
VERSION_KEY = "settings_version"

GROUPS = (N_("服务中心"), N_("设备"), N_("打印"), N_("叫号与评价"), N_("办件"), N_("安全"), N_("同步"), N_("其他"))


def setting(default: Any, description: str, *, group: str, choices: tuple[str, ...] = (), many: bool = False,
            minimum: float | None = None, maximum: float | None = None, pattern: str = "", secret: bool = False):
    """One declared setting. `choices` are the allowed values of a text setting (with `many`, a comma list of
    them); `minimum`/`maximum` bound a number; `pattern` is a regular expression the whole text must match."""
    assert group in GROUPS, group
    return field(default=default, metadata={
        "description": description, "group": group, "choices": choices, "many": many, "minimum": minimum,
        "maximum": maximum, "pattern": pattern, "secret": secret})


DRIVERS_IDCARD = ("", "sam", "sdtapi", "termb", "syn", "simulator", "none")
DRIVERS_SSCARD = ("", "pcsc", "simulator", "none")
DRIVERS_CAMERA = ("", "qt", "simulator", "video")
DRIVERS_PRINTER = ("", "spooler", "simulator")


@dataclass
class Settings:
    centre_name: str = setting("", N_("服务中心名称（打印在所有单据上；首次运行时在设置向导中填写）"), group=N_("服务中心"))
    centre_address: str = setting("", N_("服务中心地址"), group=N_("服务中心"))
    centre_phone: str = setting("", N_("咨询电话"), group=N_("服务中心"))
    window_name: str = setting(N_("1号综合窗口"), N_("本窗口名称"), group=N_("服务中心"))
    workstation_prefix: str = setting("ZC01", N_("办件编号前缀（每台工作站唯一；注册到区级平台时由平台分配）"), group=N_("办件"),
                                      pattern=r"[A-Z][A-Z0-9]{1,7}")
    ticket_prefix: str = setting("A", N_("本窗口自己取号的前缀（没有叫号服务或它连接不上时）"), group=N_("叫号与评价"),
                                 pattern=r"[A-Z]{1,2}")
    hall_url: str = setting("", N_("大厅叫号服务地址（如 http://192.168.1.10:8700；空为只用本窗口排队）"), group=N_("叫号与评价"),
                            pattern=r"(https?://[^\s/]+(/\S*)?)?")
    hall_key: str = setting("", N_("叫号服务的窗口接入密钥（与叫号服务 hall.json 的 key 相同；空为不校验）"),
                            group=N_("叫号与评价"), secret=True)
    hall_categories: str = setting("", N_("本窗口叫哪些业务类别的号（逗号分隔，如 general,social；空为全部）"),
                                   group=N_("叫号与评价"), pattern=r"[\w,\s-]*")
    defer_days: int = setting(5, N_("容缺材料补交期限（工作日，不超过事项承诺时限）"), group=N_("办件"), minimum=1, maximum=60)
    withdraw_after_days: int = setting(20, N_("一次性告知后多少个工作日未补正的办件可按逾期撤回"), group=N_("办件"),
                                       minimum=1, maximum=365)
    idle_lock_minutes: int = setting(10, N_("无操作多少分钟后锁屏（0 为不锁屏）"), group=N_("安全"), minimum=0, maximum=240)
    lockout_attempts: int = setting(5, N_("连续输错密码多少次后锁定账号"), group=N_("安全"), minimum=1, maximum=20)
    lockout_minutes: int = setting(15, N_("账号锁定多少分钟"), group=N_("安全"), minimum=1, maximum=1440)
    retention_days: int = setting(180, N_("已出件且已上报的办件保留个人信息的天数，期满清除（只留统计信息）"), group=N_("安全"),
                                  minimum=30, maximum=3650)
    key_store: str = setting("auto", N_("数据密钥保存方式：auto（Windows 用 DPAPI，Linux 用系统密钥环，都没有时用文件）"
                                     " / dpapi / keyring / file"), group=N_("安全"),
                             choices=("auto", "dpapi", "keyring", "file"))
    idcard_driver: str = setting("", N_("身份证阅读器驱动：sam / sdtapi / termb / syn / none；空为自动（正式环境 sam，"
                                     "培训环境 simulator 模拟）"), group=N_("设备"), choices=DRIVERS_IDCARD)
    idcard_port: str = setting("", N_("身份证阅读器端口：sam 为串口名（如 COM3），厂家动态库为端口号（如 1001）；空为自动检测"),
                               group=N_("设备"))
    idcard_baud: int = setting(0, N_("sam 串口波特率（0 为自动检测 115200/57600/38400/19200/9600）"), group=N_("设备"),
                               minimum=0, maximum=921600)
    idcard_dll: str = setting("", N_("厂家动态库路径（sdtapi.dll / termb.dll / SynIDCardAPI.dll；空为按名称查找）"), group=N_("设备"))
    idcard_helper: str = setting("", N_("32位接口程序路径（空为程序目录下的 zongchuang-idcard32.exe）"), group=N_("设备"))
    idcard_photo_dll: str = setting("", N_("身份证照片解码库路径（厂家授权的 WltRS.dll；空为不解码，显示“照片不可用”）"),
                                    group=N_("设备"))
    idcard_poll: bool = setting(True, N_("自动读卡：放卡即读（每0.7秒检测一次）"), group=N_("设备"))
    sscard_driver: str = setting("", N_("社保卡读卡器驱动：pcsc / none；空为自动（培训环境用模拟读卡器，正式环境不用）"),
                                 group=N_("设备"), choices=DRIVERS_SSCARD)
    sscard_reader: str = setting("", N_("社保卡读卡器名称（空为第一个插有卡的读卡器）"), group=N_("设备"))
    camera_driver: str = setting("", N_("高拍仪驱动：qt（USB 高拍仪）/ video（培训：回放录像）；空为自动（正式环境 qt，"
                                     "培训环境 simulator 模拟）"), group=N_("设备"), choices=DRIVERS_CAMERA)
    camera_name: str = setting("", N_("高拍仪名称（空为系统默认摄像头；在拍摄窗口中选择后记住）"), group=N_("设备"))
    camera_video: str = setting("", N_("回放录像路径（camera_driver = video：用 MJPEG .avi 录像代替高拍仪）"), group=N_("设备"))
    capture_auto: bool = setting(True, N_("自动拍摄：材料放稳后自动拍摄一次"), group=N_("设备"))
    capture_continuous: bool = setting(True, N_("连续拍摄：拍完一页后等待下一页（多页材料）"), group=N_("设备"))
    capture_still_ms: int = setting(800, N_("自动拍摄前画面须保持静止的时间（毫秒）"), group=N_("设备"), minimum=100, maximum=10000)
    capture_mode: str = setting("colour", N_("材料图片色彩：colour 彩色 / grey 灰度 / bw 黑白 / original 原图"), group=N_("设备"),
                                choices=("colour", "grey", "bw", "original"))
    capture_sound: bool = setting(True, N_("拍摄时播放提示音"), group=N_("设备"))
    printer_driver: str = setting("", N_("打印机驱动：spooler（系统打印机）/ simulator（培训：输出PDF文件）；"
                                      "空为自动（正式环境 spooler，培训环境 simulator）"), group=N_("打印"),
                                  choices=DRIVERS_PRINTER)
    a4_printer: str = setting("", N_("A4打印机名称（告知书、承诺书、出件单、复印件、日报；空为系统默认打印机）"), group=N_("打印"))
    receipt_printer: str = setting("", N_("回执打印机：空为同A4打印机；系统打印机名称；或热敏打印机 tcp://IP:9100、"
                                       "serial:COM3、usb:0416:5011、win32:打印机名"), group=N_("打印"))
    receipt_paper: str = setting("a4", N_("回执纸张：a4 / 80mm（热敏卷纸）"), group=N_("打印"), choices=("a4", "80mm"))
    receipt_preview: bool = setting(False, N_("打印回执前先预览"), group=N_("打印"))
    document_preview: bool = setting(True, N_("打印告知书等其他单据前先预览"), group=N_("打印"))
    rating_at: str = setting("accept,handout", N_("邀请群众评价（好差评）的环节：accept 受理后、handout 出件时（逗号分隔；"
                                               "受理后已评价的办件出件时不再邀请；空为不邀请）"), group=N_("叫号与评价"),
                             choices=("accept", "handout"), many=True)
    rating_screen: str = setting("auto", N_("评价界面：auto（有第二块屏幕时全屏显示在其上，否则弹出对话框转向群众）/ "
                                         "screen / dialog"), group=N_("叫号与评价"), choices=("auto", "screen", "dialog"))
    rating_keys: str = setting("5=5,4=4,3=3,2=2,1=1", N_("评价器按键与评价等级（5 非常满意 … 1 非常不满意），如厂家键盘"
                                                      " F1=5,F2=4,F3=3,F4=2,F5=1"), group=N_("叫号与评价"))
    archive_full_id: bool = setting(True, N_("存档联和身份证件复印件上显示完整证件号码（否则一律遮挡）"), group=N_("打印"))
    sync_interval_s: int = setting(120, N_("自动上报间隔（秒）；网络故障时按指数退避延长，最长10分钟"), group=N_("同步"),
                                   minimum=10, maximum=3600)
    sync_timeout: float = setting(30.0, N_("与区级平台通信的超时（秒）"), group=N_("同步"), minimum=1, maximum=600)
    font_path: str = setting("", N_("中文字体文件路径（TrueType；空为自动查找）"), group=N_("其他"))
    jpeg_quality: int = setting(85, N_("材料图片 JPEG 质量 (1–100)"), group=N_("其他"), minimum=1, maximum=100)
    language: str = setting("zh_CN", N_("界面语言：zh_CN 中文 / en English"), group=N_("其他"), choices=("zh_CN", "en"))

    # Not settings: what reading the file found, for the start-up dialog.
    problems: list[str] = field(default_factory=list, repr=False, compare=False, metadata={"internal": True})
    unreadable: str = field(default="", repr=False, compare=False, metadata={"internal": True})

    @classmethod
    def declared(cls) -> list[Declared]:
        return [Declared.of(f) for f in fields(cls) if not f.metadata.get("internal")]

    @classmethod
    def describe(cls) -> list[tuple[str, Any, str]]:
        """(name, default, description) of every setting, for the CLI."""
        return [(d.name, d.default, d.description) for d in cls.declared()]

    def values(self) -> dict[str, Any]:
        return {d.name: getattr(self, d.name) for d in self.declared()}

    @classmethod
    def load(cls, path: Path) -> Settings:
        """Settings from a file. Never raises: what could not be used is told in `problems` (one sentence per
        key) or `unreadable` (the whole file), and the file is not touched — except an older format, which
        is upgraded and written back with the original kept as settings.json.v<N>."""
        if not path.exists():
            return cls()
        raw, unreadable = read_file(path)
        if unreadable:
            log.warning("settings file %s unusable: %s", path, unreadable)
            return cls(unreadable=unreadable)
        raw = _upgraded(path, raw)
        settings, problems = cls.from_mapping(raw)
        for p in problems:
            log.warning("setting rejected: %s", p)
        settings.problems = problems
        return settings

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> tuple[Settings, list[str]]:
        """The settings a mapping gives, and a sentence for each key whose value is refused (its default is used)."""
        known = {d.name: d for d in cls.declared()}
        values, problems = {}, []
        for key, value in raw.items():
            if key == VERSION_KEY:
                continue
            d = known.get(key)
            if d is None:
                problems.append(_("设置文件中的“{key}”不是综窗的设置项（拼写有误，或属于更新的版本），已忽略。").format(key=key))
                continue
            accepted, reason = d.accept(value)
            if reason:
                problems.append(_("设置“{key}”的值 {shown} 无效：{reason}。本次使用默认值 {shown2}（设置文件未改动，请改正）。").format(
                        key=key, shown=_shown(value, d), reason=reason, shown2=_shown(d.default, d)))
            else:
                values[key] = accepted
        return cls(**values), problems

    def with_values(self, **changes: Any) -> Settings:
        return replace(self, **changes)

    def for_training(self) -> Settings:
        """The training profile prints on its watermarked documents the sample centre wherever the centre
        is not set."""
        blanks = {k: v for k, v in TRAINING_CENTRE.items() if not getattr(self, k)}
        return replace(self, **blanks) if blanks else self

    @property
    def centre_missing(self) -> bool:
        return not self.centre_name.strip()


TRAINING_CENTRE = {"centre_name": N_("示范街道社区事务受理服务中心"), "centre_address": N_("示范市示范区人民路1号"),
                   "centre_phone": "0571-12345678"}


class SettingsError(Exception):
    """The settings file cannot be used at all, in a profile where guessing is not allowed."""


@dataclass(frozen=True)
class Declared:
    """What one setting is: for validation, the settings screen and the CLI."""

    name: str
    kind: type
    default: Any
    description: str
    group: str
    choices: tuple[str, ...]
    many: bool
    minimum: float | None
    maximum: float | None
    pattern: str
    secret: bool

    @classmethod
    def of(cls, f) -> Declared:
        m = f.metadata
        default = f.default if f.default is not MISSING else None
        return cls(f.name, type(default), default, m["description"], m["group"], m["choices"], m["many"],
                   m["minimum"], m["maximum"], m["pattern"], m["secret"])

    def accept(self, value: Any) -> tuple[Any, str]:
        """(the value as this setting holds it, "") or (None, why it is refused, in Chinese)."""
        if self.kind is bool:
            if not isinstance(value, bool):
                return None, _("应为 true 或 false")
            return value, ""
        if self.kind in (int, float):
            if isinstance(value, bool) or not isinstance(value, int | float):
                return None, _("应为数字")
            if self.kind is int:
                if isinstance(value, float) and not value.is_integer():
                    return None, _("应为整数")
                value = int(value)
            else:
                value = float(value)          # 60 where 60.0 is declared is the same number
            if self.minimum is not None and value < self.minimum or self.maximum is not None and value > self.maximum:
                return None, _("应在 {number} 到 {number2} 之间").format(
                        number=_number(self.minimum), number2=_number(self.maximum))
            return value, ""
        if not isinstance(value, str):
            return None, _("应为文字（用英文双引号括起来）")
        if self.choices:
            wanted = [v.strip() for v in value.split(",")] if self.many else [value]
            wrong = [v for v in wanted if v and v not in self.choices]
            if wrong:
                allowed = " / ".join(c if c else _("（空）") for c in self.choices)
                return None, _("“{wrong}”不是可选的值（可选：{allowed}）").format(wrong=wrong[0], allowed=allowed)
            value = ",".join(v for v in wanted if v) if self.many else value
        if self.pattern and value and not re.fullmatch(self.pattern, value):
            return None, _("格式不对（应如默认值 {shown}）").format(shown=_shown(self.default, self) if self.default else _('的说明'))
        return value, ""


def _number(n: float | None) -> str:
    return "∞" if n is None else f"{n:g}"


def _shown(value: Any, d: Declared) -> str:
    if d.secret and value:
        return "“******”"
    if isinstance(value, str):
        return f"“{value}”" if value else _("（空）")
    return json.dumps(value, ensure_ascii=False)


_JSON_ERRORS = (
    ("Expecting property name", N_("这里应是用英文双引号括起来的设置项名（常见原因：最后一项后面多了逗号）")),
    ("Expecting ',' delimiter", N_("两项之间缺少逗号")),
    ("Expecting ':' delimiter", N_("设置项名后面缺少英文冒号")),
    ("Expecting value", N_("缺少值（或用了中文引号）")),
    ("Extra data", N_("文件结尾的 } 后面还有多余的内容")),
    ("Unterminated string", N_("文字缺少结尾的英文双引号")),
    ("Invalid control character", N_("文字中间不能换行")),
    ("Invalid \\escape", N_("反斜杠 \\ 须写成两个（如 C:\\\\Windows）")),
)


def read_file(path: Path) -> tuple[dict[str, Any], str]:
    """The file's object of settings, or ({}, the sentence that says where and why it cannot be read)."""
    try:
        text = path.read_text(encoding="utf-8-sig")        # Notepad's UTF-8 starts with a BOM
    except UnicodeDecodeError:
        return {}, _("设置文件 {path} 不是 UTF-8 编码（请用记事本“另存为”UTF-8）。").format(path=path)
    except OSError as e:
        return {}, _("设置文件 {path} 无法读取（{strerror}）。").format(path=path, strerror=e.strerror or type(e).__name__)
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as e:
        log.info("settings file %s: %s", path, e)
        why = next((_(said) for start, said in _JSON_ERRORS if e.msg.startswith(start)), _("不是正确的 JSON"))
        return {}, _("设置文件 {path} 第 {lineno} 行第 {colno} 列有误：{why}。").format(
                path=path, lineno=e.lineno, colno=e.colno, why=why)
    if not isinstance(raw, dict):
        kind = {list: _("一个列表"), str: _("一段文字"), bool: "true/false", type(None): "null"}.get(type(raw), _("一个数字"))
        return {}, _("设置文件 {path} 应为一组“设置项: 值”（{{ … }}），而不是{kind}。").format(path=path, kind=kind)
    return raw, ""


def save_changes(path: Path, changes: Mapping[str, Any]) -> None:
    """Write `changes` into the file: a value equal to its default is taken out, keys this version does not
    know are kept, and the file is replaced whole (never half-written)."""
    known = {d.name: d for d in Settings.declared()}
    raw, unreadable = read_file(path) if path.exists() else ({}, "")
    if unreadable:
        raise ValueError(unreadable)
    raw = _upgraded(path, raw) if path.exists() else raw
    for key, value in changes.items():
        d = known[key]
        accepted, reason = d.accept(value)
        if reason:
            raise ValueError(f"{key}: {reason}")
        if accepted == d.default:
            raw.pop(key, None)
        else:
            raw[key] = accepted
    raw[VERSION_KEY] = SETTINGS_VERSION
    _write(path, raw)


def _write(path: Path, raw: Mapping[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(dict(raw), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)


# --- upgrades of the file's format ----------------------------------------------------------------

# Version 1 wrote every setting into the file, defaults included, and its defaults for the centre and the
# devices were the training profile's (a sample centre, simulated devices).
_V1_DEFAULTS = {
    "centre_name": N_("示范街道社区事务受理服务中心"), "centre_address": N_("示范市示范区人民路1号"), "centre_phone": "0571-12345678",
    "window_name": N_("1号综合窗口"), "workstation_prefix": "ZC01", "ticket_prefix": "A", "hall_url": "", "hall_key": "",
    "hall_categories": "", "defer_days": 5, "withdraw_after_days": 20, "idle_lock_minutes": 10, "lockout_attempts": 5,
    "lockout_minutes": 15, "retention_days": 180, "key_store": "auto", "idcard_driver": "simulator", "idcard_port": "",
    "idcard_baud": 0, "idcard_dll": "", "idcard_helper": "", "idcard_photo_dll": "", "idcard_poll": True,
    "sscard_driver": "", "sscard_reader": "", "camera_driver": "simulator", "camera_name": "", "camera_video": "",
    "capture_auto": True, "capture_continuous": True, "capture_still_ms": 800, "capture_mode": "colour",
    "capture_sound": True, "printer_driver": "", "a4_printer": "", "receipt_printer": "", "receipt_paper": "a4",
    "receipt_preview": False, "document_preview": True, "rating_at": "accept,handout", "rating_screen": "auto",
    "rating_keys": "5=5,4=4,3=3,2=2,1=1", "archive_full_id": True, "sync_interval_s": 120, "sync_timeout": 30.0,
    "font_path": "", "jpeg_quality": 85, "language": "zh_CN",
}


def _from_1(raw: dict[str, Any]) -> dict[str, Any]:
    """Only what someone changed stays: a default of version 1 written into the file is taken out, so the
    sample centre and the simulated devices no longer reach a production PC and today's defaults apply."""
    return {k: v for k, v in raw.items() if k not in _V1_DEFAULTS or _V1_DEFAULTS[k] != v}


UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _from_1}


def _upgraded(path: Path, raw: dict[str, Any]) -> dict[str, Any]:
    """The file's settings in today's format; an older file is written back upgraded, the original kept."""
    found = raw.get(VERSION_KEY, SETTINGS_VERSION)      # version 1 always wrote it; a hand-made file is today's
    if not isinstance(found, int) or isinstance(found, bool) or found >= SETTINGS_VERSION:
        return raw
    upgraded = dict(raw)
    for version in range(max(found, 1), SETTINGS_VERSION):
        upgraded = UPGRADES[version](upgraded)
    upgraded[VERSION_KEY] = SETTINGS_VERSION
    try:
        backup = path.with_name(f"{path.name}.v{found}")
        if not backup.exists():
            backup.write_bytes(path.read_bytes())
        _write(path, upgraded)
        log.info("settings file upgraded from version %s to %s (original kept as %s)", found, SETTINGS_VERSION,
                 backup.name)
    except OSError as e:
        log.warning("settings file could not be upgraded on disk (%s); upgraded in memory", e)
    return upgraded
