"""Settings declared once: type, default and description, read from and written to settings.json."""

from __future__ import annotations

import json
import logging
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def setting(default: Any, description: str):
    return field(default=default, metadata={"description": description})


@dataclass
class Settings:
    centre_name: str = setting("示范街道社区事务受理服务中心", "服务中心名称（打印在所有单据上）")
    centre_address: str = setting("示范市示范区人民路1号", "服务中心地址")
    centre_phone: str = setting("0571-12345678", "咨询电话")
    window_name: str = setting("1号综合窗口", "本窗口名称")
    workstation_prefix: str = setting("ZC01", "办件编号前缀（每台工作站唯一）")
    ticket_prefix: str = setting("A", "本窗口自己取号的前缀（没有叫号服务或它连接不上时）")
    hall_url: str = setting("", "大厅叫号服务地址（如 http://192.168.1.10:8700；空为只用本窗口排队）")
    hall_key: str = setting("", "叫号服务的窗口接入密钥（与叫号服务 hall.json 的 key 相同；空为不校验）")
    hall_categories: str = setting("", "本窗口叫哪些业务类别的号（逗号分隔，如 general,social；空为全部）")
    defer_days: int = setting(5, "容缺材料补交期限（工作日，不超过事项承诺时限）")
    withdraw_after_days: int = setting(20, "一次性告知后多少个工作日未补正的办件可按逾期撤回")
    idle_lock_minutes: int = setting(10, "无操作多少分钟后锁屏（0 为不锁屏）")
    lockout_attempts: int = setting(5, "连续输错密码多少次后锁定账号")
    lockout_minutes: int = setting(15, "账号锁定多少分钟")
    retention_days: int = setting(180, "已出件且已上报的办件保留个人信息的天数，期满清除（只留统计信息）")
    key_store: str = setting("auto", "数据密钥保存方式：auto（Windows 用 DPAPI，Linux 用系统密钥环，都没有时用文件）"
                                     " / dpapi / keyring / file")
    idcard_driver: str = setting("simulator", "身份证阅读器驱动：simulator / sam / sdtapi / termb / syn / none")
    idcard_port: str = setting("", "身份证阅读器端口：sam 为串口名（如 COM3），厂家动态库为端口号（如 1001）；空为自动检测")
    idcard_baud: int = setting(0, "sam 串口波特率（0 为自动检测 115200/57600/38400/19200/9600）")
    idcard_dll: str = setting("", "厂家动态库路径（sdtapi.dll / termb.dll / SynIDCardAPI.dll；空为按名称查找）")
    idcard_helper: str = setting("", "32位接口程序路径（空为程序目录下的 zongchuang-idcard32.exe）")
    idcard_photo_dll: str = setting("", "身份证照片解码库路径（厂家授权的 WltRS.dll；空为不解码，显示“照片不可用”）")
    idcard_poll: bool = setting(True, "自动读卡：放卡即读（每0.7秒检测一次）")
    sscard_driver: str = setting("", "社保卡读卡器驱动：none / pcsc / simulator（空：培训环境用模拟读卡器，正式环境不用）")
    sscard_reader: str = setting("", "社保卡读卡器名称（空为第一个插有卡的读卡器）")
    camera_driver: str = setting("simulator", "高拍仪驱动：qt（USB 高拍仪）/ simulator（培训模拟）/ video（培训：回放录像）")
    camera_name: str = setting("", "高拍仪名称（空为系统默认摄像头；在拍摄窗口中选择后记住）")
    camera_video: str = setting("", "回放录像路径（camera_driver = video：用 MJPEG .avi 录像代替高拍仪）")
    capture_auto: bool = setting(True, "自动拍摄：材料放稳后自动拍摄一次")
    capture_continuous: bool = setting(True, "连续拍摄：拍完一页后等待下一页（多页材料）")
    capture_still_ms: int = setting(800, "自动拍摄前画面须保持静止的时间（毫秒）")
    capture_mode: str = setting("colour", "材料图片色彩：colour 彩色 / grey 灰度 / bw 黑白 / original 原图")
    capture_sound: bool = setting(True, "拍摄时播放提示音")
    printer_driver: str = setting("", "打印机驱动：spooler（系统打印机）/ simulator（培训：输出PDF文件）；"
                                      "空为自动（正式环境 spooler，培训环境 simulator）")
    a4_printer: str = setting("", "A4打印机名称（告知书、承诺书、出件单、复印件、日报；空为系统默认打印机）")
    receipt_printer: str = setting("", "回执打印机：空为同A4打印机；系统打印机名称；或热敏打印机 tcp://IP:9100、"
                                       "serial:COM3、usb:0416:5011、win32:打印机名")
    receipt_paper: str = setting("a4", "回执纸张：a4 / 80mm（热敏卷纸）")
    receipt_preview: bool = setting(False, "打印回执前先预览")
    document_preview: bool = setting(True, "打印告知书等其他单据前先预览")
    rating_at: str = setting("accept,handout", "邀请群众评价（好差评）的环节：accept 受理后、handout 出件时（逗号分隔；"
                                               "受理后已评价的办件出件时不再邀请；空为不邀请）")
    rating_screen: str = setting("auto", "评价界面：auto（有第二块屏幕时全屏显示在其上，否则弹出对话框转向群众）/ "
                                         "screen / dialog")
    rating_keys: str = setting("5=5,4=4,3=3,2=2,1=1", "评价器按键与评价等级（5 非常满意 … 1 非常不满意），如厂家键盘"
                                                      " F1=5,F2=4,F3=3,F4=2,F5=1")
    archive_full_id: bool = setting(True, "存档联和身份证件复印件上显示完整证件号码（否则一律遮挡）")
    sync_interval_s: int = setting(120, "自动上报间隔（秒）；网络故障时按指数退避延长，最长10分钟")
    sync_timeout: float = setting(30.0, "与区级平台通信的超时（秒）")
    font_path: str = setting("", "中文字体文件路径（TrueType；空为自动查找）")
    jpeg_quality: int = setting(85, "材料图片 JPEG 质量 (1–100)")
    language: str = setting("zh_CN", "界面语言：zh_CN / en")
    settings_version: int = setting(1, "设置文件格式版本")

    @classmethod
    def describe(cls) -> list[tuple[str, Any, str]]:
        """(name, default, description) of every setting, for the CLI and the settings screen."""
        return [(f.name, f.default if f.default is not MISSING else None, f.metadata["description"])
                for f in fields(cls)]

    @classmethod
    def load(cls, path: Path) -> Settings:
        """Settings from a file; unknown keys are ignored, wrongly typed ones fall back to defaults."""
        if not path.exists():
            return cls()
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            log.warning("settings file %s unreadable (%s); using defaults", path, e)
            return cls._unusable(path)
        if not isinstance(raw, dict):
            log.warning("settings file %s holds %s, not an object of settings; using defaults", path,
                        type(raw).__name__)
            return cls._unusable(path)
        known = {f.name: f for f in fields(cls)}
        values = {}
        for k, v in raw.items():
            f = known.get(k)
            if f is None:
                log.info("ignoring unknown setting %s", k)
            elif type(v) is not type(f.default):
                log.warning("setting %s has the wrong type (%r); using the default", k, v)
            else:
                values[k] = v
        return cls(**values)

    @classmethod
    def _unusable(cls, path: Path) -> Settings:
        settings = cls()
        settings.load_problem = f"设置文件 {path.name} 无法读取，本次使用默认设置（原文件未改动，请检查或删除它）。"
        return settings

    load_problem = ""           # a sentence for the clerk when the file could not be used (not a setting)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({f.name: getattr(self, f.name) for f in fields(self)},
                                  ensure_ascii=False, indent=2), encoding="utf-8")
        tmp.replace(path)
