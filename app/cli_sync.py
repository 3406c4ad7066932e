"""`zongchuang sync status|now` and `zongchuang enrol`: the sync from a shell."""

from __future__ import annotations

import asyncio
import sys

from app.config.paths import Profile


def add_commands(sub) -> None:
    sync = sub.add_parser("sync", help="与区级平台同步").add_subparsers(dest="action", required=True)
    sync.add_parser("status", help="注册情况、待上报/已上报/被拒办件数、上次成功同步时间")
    now = sync.add_parser("now", help="立即上报全部待上报办件并获取办理结果；仍有未上报的则返回非零")
    now.add_argument("--rounds", type=int, default=8, help="网络故障时最多重试的轮数")
    enrol = sub.add_parser("enrol", help="用管理员提供的注册码把本工作站注册到区级平台")
    enrol.add_argument("--server", required=True, help="区级平台地址，如 http://10.1.2.3:8600")
    enrol.add_argument("--code", required=True, help="注册码（zongchuang-district enrolment-code 生成）")
    enrol.add_argument("--training-server-ok", action="store_true",
                       help="正式环境确需接入培训服务器时才用（默认拒绝并提示）")


def _desk(profile: Profile):
    from app.main import build_desk

    return build_desk(profile, idcard=None, camera=None, printer=None, receipt_printer=None, sscard=None)


def _print_status(desk) -> int:
    status = desk.sync.status()
    c = status.counts
    print(f"区级平台：{status.server or '（未注册）'}" if status.enrolled else f"区级平台：未注册。{_hint(desk)}")
    print(f"待上报 {c['pending'] + c['uploading']} 件，已上报 {c['synced']} 件，被拒 {c['quarantined']} 件")
    print(f"上次成功同步：{status.last_success:%Y-%m-%d %H:%M:%S}" if status.last_success else "上次成功同步：无")
    if status.last_error:
        print(f"上次同步问题：{status.last_error}")
    for q in desk.sync.quarantined():
        print(f"  被拒 {q.case_number} {q.item_name}：{q.reason}")
    return 0


def _hint(desk) -> str:
    if desk.training:
        return ""
    from app.config.paths import resolve_paths

    training = resolve_paths(Profile.TRAINING)
    if training.database.exists():
        return "（培训数据请用 zongchuang --profile training sync now）"
    return ""


def _sync_now(desk, rounds: int) -> int:
    report = asyncio.run(desk.sync.drain(rounds=rounds))
    print(f"上报办件 {report.cases_synced} 件（事件 {report.events_sent} 条），上传材料文件 "
          f"{report.attachments_uploaded} 个（{report.bytes_uploaded / 1e6:.1f} MB），获取办理结果 "
          f"{report.results_applied} 件")
    if report.catalog_updated:
        print(f"已获取区级平台发布的事项目录 {report.catalog_updated}（比本机的新时，下次启动生效）")
    for case_id, reason in report.quarantined:
        print(f"  被拒：{case_id}：{reason}", file=sys.stderr)
    if report.error:
        print(f"同步未完成：{report.error.message}" + (_hint(desk) if report.error.code == "not_enrolled" else ""),
              file=sys.stderr)
    if report.left:
        print(f"仍有 {report.left} 件待上报", file=sys.stderr)
    held = desk.sync.status().counts.get("quarantined", 0)
    if held:
        print(f"有 {held} 件被区级平台拒收（见上；在窗口的同步面板中查看原因并重试）", file=sys.stderr)
    return 1 if report.left or held or (report.error and report.error.code == "not_enrolled") else 0


def _enrol(desk, server: str, code: str, training_ok: bool) -> int:
    from app.sync.client import SyncError

    try:
        enrolment = asyncio.run(desk.sync.enrol(server, code, accept_training_server=training_ok))
    except SyncError as e:
        print(f"注册失败：{e.message}", file=sys.stderr)
        return 1
    print(f"已注册到 {enrolment.server_name or enrolment.server_url}，工作站编号 {enrolment.device_id}，"
          f"办件编号前缀 {desk.sync.prefix}")
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
