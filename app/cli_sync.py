"""`zongchuang sync status|now` and `zongchuang enrol`: the sync from a shell."""

from __future__ import annotations

import asyncio
import sys

from app.config.paths import Profile
from app.i18n import _


def add_commands(sub) -> None:
    sync = sub.add_parser("sync", help=_("与区级平台同步")).add_subparsers(dest="action", required=True)
    sync.add_parser("status", help=_("注册情况、待上报/已上报/被拒办件数、上次成功同步时间"))
    now = sync.add_parser("now", help=_("立即上报全部待上报办件并获取办理结果；仍有未上报的则返回非零"))
    now.add_argument("--rounds", type=int, default=8, help=_("网络故障时最多重试的轮数"))
    enrol = sub.add_parser("enrol", help=_("用管理员提供的注册码把本工作站注册到区级平台"))
    enrol.add_argument("--server", required=True, help=_("区级平台地址，如 http://10.1.2.3:8600"))
    enrol.add_argument("--code", required=True, help=_("注册码（zongchuang-district enrolment-code 生成）"))
    enrol.add_argument("--training-server-ok", action="store_true",
                       help=_("正式环境确需接入培训服务器时才用（默认拒绝并提示）"))


def _desk(profile: Profile):
    from app.main import build_desk

    return build_desk(profile, idcard=None, camera=None, printer=None, receipt_printer=None, sscard=None)


def _print_status(desk) -> int:
    status = desk.sync.status()
    c = status.counts
    print(_("区级平台：{server}").format(
            server=status.server or _('（未注册）')) if status.enrolled else _("区级平台：未注册。{hint}").format(hint=_hint(desk)))
    print(_("待上报 {pending} 件，已上报 {synced} 件，被拒 {quarantined} 件").format(
            pending=c['pending'] + c['uploading'], synced=c['synced'], quarantined=c['quarantined']))
    print(_("上次成功同步：{last_success:%Y-%m-%d %H:%M:%S}").format(
            last_success=status.last_success) if status.last_success else _("上次成功同步：无"))
    if status.last_error:
        print(_("上次同步问题：{last_error}").format(last_error=status.last_error))
    for q in desk.sync.quarantined():
        print(_("  被拒 {case_number} {item_name}：{reason}").format(
                case_number=q.case_number, item_name=q.item_name, reason=q.reason))
    return 0


def _hint(desk) -> str:
    if desk.training:
        return ""
    from app.config.paths import resolve_paths

    training = resolve_paths(Profile.TRAINING)
    if training.database.exists():
        return _("（培训数据请用 zongchuang --profile training sync now）")
    return ""


def _sync_now(desk, rounds: int) -> int:
    report = asyncio.run(desk.sync.drain(rounds=rounds))
    print(_("上报办件 {cases_synced} 件（事件 {events_sent} 条），上传材料文件 {attachments_uploaded} 个（{bytes_uploaded:.1f} MB），获取办理结果 {results_applied} 件").format(
            cases_synced=report.cases_synced, events_sent=report.events_sent, attachments_uploaded=report.attachments_uploaded, bytes_uploaded=report.bytes_uploaded / 1e6, results_applied=report.results_applied))
    if report.catalog_updated:
        print(_("已获取区级平台发布的事项目录 {catalog_updated}（比本机的新时，下次启动生效）").format(catalog_updated=report.catalog_updated))
    for case_id, reason in report.quarantined:
        print(_("  被拒：{case_id}：{reason}").format(case_id=case_id, reason=reason), file=sys.stderr)
    if report.error:
        print(_("同步未完成：{message}").format(
                message=report.error.message) + (_hint(desk) if report.error.code == "not_enrolled" else ""),
              file=sys.stderr)
    if report.left:
        print(_("仍有 {left} 件待上报").format(left=report.left), file=sys.stderr)
    held = desk.sync.status().counts.get("quarantined", 0)
    if held:
        print(_("有 {held} 件被区级平台拒收（见上；在窗口的同步面板中查看原因并重试）").format(held=held), file=sys.stderr)
    return 1 if report.left or held or (report.error and report.error.code == "not_enrolled") else 0


def _enrol(desk, server: str, code: str, training_ok: bool) -> int:
    from app.sync.client import SyncError

    try:
        enrolment = asyncio.run(desk.sync.enrol(server, code, accept_training_server=training_ok))
    except SyncError as e:
        print(_("注册失败：{message}").format(message=e.message), file=sys.stderr)
        return 1
    print(_("已注册到 {server_name}，工作站编号 {device_id}，办件编号前缀 {prefix}").format(
            server_name=enrolment.server_name or enrolment.server_url, device_id=enrolment.device_id, prefix=desk.sync.prefix))
    return 0


def run(args, profile: Profile) -> int:
    desk = _desk(profile)
    try:
        if args.command == "enrol":
            return _enrol(desk, args.server, args.code, args.training_server_ok)
        if args.action == "status":
            return _print_status(desk)
        return _sync_now(desk, args.rounds)
    finally:
        desk.close()
