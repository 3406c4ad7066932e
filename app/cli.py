"""`zongchuang`: the window with no arguments; commands for installers and IT beside it."""

from __future__ import annotations

import argparse
import gc
import getpass
import json
import sys
from pathlib import Path

from app import cli_audit, cli_camera, cli_desk, cli_idcard, cli_print, cli_stats, cli_sync, cli_training
from app.config.paths import Profile, resolve_paths
from app.i18n import _
from app.version import version


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="zongchuang", description=_("综窗 — 综合窗口工作站"))
    p.add_argument("--version", action="version", version=_("综窗 {version}").format(version=version()))
    p.add_argument("--profile", choices=[x.value for x in Profile], default=Profile.PRODUCTION.value,
                   help=_("production（正式）或 training（培训）；各自使用独立的数据目录和数据库"))
    sub = p.add_subparsers(dest="command")

    cat = sub.add_parser("catalog", help=_("事项目录")).add_subparsers(dest="action", required=True)
    lst = cat.add_parser("list", help=_("列出事项和一件事及其办事指南要素"))
    lst.add_argument("--json", action="store_true", help=_("以 JSON 输出"))

    db = sub.add_parser("db", help=_("本地数据库")).add_subparsers(dest="action", required=True)
    db.add_parser("check", help=_("完整性检查、加密、文件权限、结构版本和数据量"))
    db.add_parser("purge", help=_("清除已过保存期限（retention_days）的已出件办件的个人信息"))

    demo = sub.add_parser("demo", help=_("无界面演示：在模拟设备上走完整个受理流程（培训环境）"))
    demo.add_argument("--out", type=Path, required=True, help=_("回执 PDF 和窗口截图的输出文件夹"))
    demo.add_argument("--cases", type=int, default=1, help=_("模拟的来访人次"))

    cli_idcard.add_commands(sub)
    cli_camera.add_commands(sub)
    cli_print.add_commands(sub)
    cli_sync.add_commands(sub)
    cli_desk.add_commands(sub)
    cli_training.add_commands(sub)
    cli_audit.add_commands(sub)
    cli_stats.add_commands(sub)

    clerk = sub.add_parser("clerk", help=_("工作人员账号")).add_subparsers(dest="action", required=True)
    add = clerk.add_parser("add", help=_("新建账号（密码从终端输入，或用 --password-stdin）"))
    add.add_argument("username")
    add.add_argument("--name", required=True, help=_("显示姓名"))
    add.add_argument("--role", choices=["clerk", "supervisor", "trainer", "admin"], default="clerk")
    add.add_argument("--password-stdin", action="store_true")
    unlock = clerk.add_parser("unlock", help=_("解除因连续输错密码造成的账号锁定"))
    unlock.add_argument("username")
    return p


def _catalog_list(as_json: bool) -> int:
    from app.config.paths import resources_dir
    from app.domain.errors import CatalogError
    from app.services.catalog import CatalogService
    from app.store.catalog_files import load_catalog, load_pinyin_initials

    try:
        service = CatalogService(load_catalog(resources_dir() / "catalog"), load_pinyin_initials(resources_dir()))
    except CatalogError as e:
        print(_("事项目录有误：{e}").format(e=e), file=sys.stderr)
        return 2
    data = service.describe()
    if as_json:
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    print(_("事项目录版本 {version}：{n_items} 个事项，{n_bundles} 个一件事").format(
            version=data['version'], n_items=len(data['items']), n_bundles=len(data['bundles'])))
    for it in data["items"]:
        g = it["guide"]
        limit = _("即办") if it["instant"] else _("承诺{promised_limit_days}/法定{legal_limit_days}个工作日").format(
                promised_limit_days=g['promised_limit_days'], legal_limit_days=g['legal_limit_days'])
        print(_("  {code}  {name}  [{agency}]  {limit}  {fee}  决定机关：{deciding_agency}  材料{n_materials}项").format(
                code=it['code'], name=it['name'], agency=it['agency'], limit=limit, fee=g['fee'], deciding_agency=g['deciding_agency'], n_materials=len(it['materials'])))
    for b in data["bundles"]:
        print(_("  {code}  {name}：{items}（合并后材料{n_materials}项）").format(
                code=b['code'], name=b['name'], items=_('、').join(b['items']), n_materials=len(b['materials'])))
    return 0


def _db_check(profile: Profile) -> int:
    from app.store.database import check_database
    from app.store.errors import StoreError
    from app.store.keys import load_key

    paths = resolve_paths(profile)
    if not paths.database.exists():
        print(_("数据库尚未创建：{database}").format(database=paths.database), file=sys.stderr)
        return 1
    try:
        key = load_key(paths.data)
    except StoreError as e:
        print(str(e), file=sys.stderr)
        return 1
    check = check_database(paths.database, paths.migrations, paths.attachments, key)
    print(_("数据库：{database}").format(database=paths.database))
    print(_("加密：{encrypted}").format(encrypted=_('是') if check.encrypted else _('否（个人信息未加密）'))
          + (_("（数据密钥 {method}，指纹 {key_fingerprint}）").format(
                  method=key.method, key_fingerprint=check.key_fingerprint) if key else _("（没有数据密钥）")))
    print(_("完整性：{integrity}").format(integrity=check.integrity))
    print(_("结构版本：{revision}（程序需要 {head}）").format(revision=check.revision, head=check.head))
    for table, n in check.counts.items():
        print(f"  {table}: {n}")
    if check.plain_attachments:
        print(_("未加密的材料文件：{plain_attachments} 个（启动综窗时会自动加密）").format(plain_attachments=check.plain_attachments))
    if check.exposed:
        print(_("其他账号可读的文件：{n_exposed} 个（如 {exposed}），应为仅本账号可读（0600）").format(
                n_exposed=len(check.exposed), exposed=check.exposed[0]))
    if check.missing_attachments:
        print(_("缺失的材料文件：{n_missing_attachments} 个（如 {missing_attachments}…），请从备份恢复 {attachments}").format(
                n_missing_attachments=len(check.missing_attachments), missing_attachments=check.missing_attachments[0][:16], attachments=paths.attachments))
    return 0 if check.ok else 1


def _on_desk(profile: Profile, action) -> int:
    """`action(desk)` on a desk without devices; prints what it returns, or its refusal (exit 2)."""
    from app.domain.errors import DomainError
    from app.main import build_desk

    desk = build_desk(profile, idcard=None, camera=None, printer=None)
    try:
        print(action(desk))
    except DomainError as e:
        print(str(e), file=sys.stderr)
        return 2
    finally:
        desk.close()
    return 0


def _db_purge(profile: Profile) -> int:
    return _on_desk(profile, lambda desk: desk.retention.purge_expired().message)


def _clerk_add(profile: Profile, args) -> int:
    from app.domain.accounts import Role

    if args.action == "unlock":
        def unlock(desk) -> str:
            desk.accounts.unlock(args.username, by="cli")
            return _("已解除 {username} 的锁定").format(username=args.username)

        return _on_desk(profile, unlock)
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass(_("密码："))

    def create(desk) -> str:
        clerk = desk.accounts.create(args.username, args.name, Role(args.role), password)
        return _("已创建账号 {username}（{display_name}，{label}）").format(
                username=clerk.username, display_name=clerk.display_name, label=clerk.role.label)

    return _on_desk(profile, create)


def main(argv: list[str] | None = None) -> int:
    """Every command ends in a sentence, never a traceback: what went wrong is said in Chinese on stderr (or in
    a dialog for the window) and the details go to the log, masked."""
    try:
        if _windowed() and _has_command(argv):
            return _run_in_dialog(argv)
        return _run(argv)
    except KeyboardInterrupt:
        return 130
    except SystemExit:
        raise
    except BaseException as e:  # noqa: BLE001 — the last line of defence
        return _failed(e)


def _windowed() -> bool:
    """A windowed build (zongchuang.exe) has no console: Python gives it no stdout or stderr at all."""
    return sys.stdout is None or sys.stderr is None


def _has_command(argv: list[str] | None) -> bool:
    args = sys.argv[1:] if argv is None else argv
    rest = [a for a in args if not a.startswith("--profile")]
    return any(a not in Profile._value2member_map_ for a in rest)


def _run_in_dialog(argv: list[str] | None) -> int:
    """A command given to the windowed build still says what it has to say: its output goes to a dialog,
    with a pointer to the console build for scripts."""
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            code = _run(argv)
        except SystemExit as e:            # --help, --version, a usage error
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
    text = out.getvalue().strip() or (_("已完成。") if code == 0 else _("命令未完成。"))
    from app.ui.application import show_output

    show_output(_("{text}\n\n（命令行工具请使用 zongchuang-cli.exe，它的输出显示在命令提示符窗口中。）").format(text=text), code == 0)
    return code


def _failed(error: BaseException, dialog: bool = False) -> int:
    import logging

    message = _message(error)
    logging.getLogger("app.cli").error("command failed: %s", message, exc_info=error)
    _say(message, dialog)
    return 1


def _message(error: BaseException) -> str:
    import errno

    from app.config.settings import SettingsError
    from app.domain.errors import DomainError
    from app.store.errors import StoreError

    if isinstance(error, StoreError | DomainError | SettingsError):
        return str(error)
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return _("磁盘空间已满，操作未完成；数据未改动。请清理磁盘后重试。")
    if isinstance(error, OSError):
        return _("文件无法读写（{strerror}），操作未完成。").format(strerror=error.strerror or type(error).__name__)
    return _("发生意外错误，操作未完成；详情已写入日志，请联系技术支持。")


def _say(message: str, dialog: bool = False) -> None:
    """On stderr, and in a dialog for the window (or when a windowed build has no console)."""
    stream = sys.stderr
    if stream is not None and not getattr(stream, "closed", False):
        try:
            print(message, file=stream)
            if not dialog:
                return
        except (OSError, ValueError):
            pass
    try:
        from app.ui.application import show_fatal

        show_fatal(message)
    except Exception:  # noqa: BLE001, S110 — nothing left to tell
        pass


def _log_to_profile(profile: Profile) -> None:
    """Commands log into the profile's own log file (masked) once the profile exists, and nowhere else:
    never onto the terminal, where Python would otherwise print unmasked errors."""
    import logging

    paths = resolve_paths(profile)
    if paths.data.exists():
        from app.logging_setup import configure_logging

        configure_logging(paths.logs)
    else:
        logging.getLogger().addHandler(logging.NullHandler())


def _speak_language_of(argv: list[str] | None) -> None:
    """Commands, their help and the window speak the language the profile's settings choose."""
    from app import i18n
    from app.config.paths import resources_dir
    from app.config.settings import Settings

    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--profile", choices=[x.value for x in Profile], default=Profile.PRODUCTION.value)
    known, _rest = pre.parse_known_args(argv)
    settings = resolve_paths(Profile(known.profile)).settings
    i18n.install(Settings.load(settings).language, resources_dir())


def _run(argv: list[str] | None) -> int:
    _speak_language_of(argv)
    args = _parser().parse_args(argv)
    profile = Profile(args.profile)
    _log_to_profile(profile)
    if args.command == "catalog":
        return _catalog_list(args.json)
    if args.command == "db":
        return _db_check(profile) if args.action == "check" else _db_purge(profile)
    if args.command == "clerk":
        return _clerk_add(profile, args)
    if args.command == "idcard":
        return cli_idcard.run(args, profile)
    if args.command in ("camera", "imaging"):
        return cli_camera.run(args)
    if args.command in ("print", "documents"):
        return cli_print.run(args, profile)
    if args.command in ("sync", "enrol"):
        return cli_sync.run(args, profile)
    if args.command == "audit":
        return cli_audit.run(args, profile)
    if args.command == "desk":
        return cli_desk.run(args, profile)
    if args.command == "training":
        return cli_training.run(args, profile)
    if args.command == "stats":
        return cli_stats.run(args, profile)
    if args.command == "demo":
        from app.demo import run_demo_command

        return run_demo_command(args.out, args.cases)
    from app.main import build_desk
    from app.ui.application import ensure_qapplication, run_gui

    ensure_qapplication()            # before the devices: the camera driver lives on the Qt main thread
    try:
        desk = build_desk(profile)
    except Exception as e:  # noqa: BLE001 — told in a dialog: the window is what the user started
        return _failed(e, dialog=True)
    # What start-up created lives as long as the process: keep it out of the cyclic collector's full
    # passes, which otherwise scan all of it and hold every thread (the GUI's too) for tens of ms.
    gc.freeze()
    try:
        if desk.setup.needed():          # a production PC nobody has set up: the wizard, then the window
            from app.ui.setup_wizard import run_setup_wizard

            if not run_setup_wizard(desk):
                return 0
            finished, desk = desk, None
            finished.close()
            try:
                desk = build_desk(profile)   # with the devices and the prefix the wizard chose
            except Exception as e:  # noqa: BLE001 — told in a dialog, as at start-up
                return _failed(e, dialog=True)
        otp = desk.accounts.ensure_first_admin() if profile is Profile.TRAINING else None
        return run_gui(desk, otp)
    finally:
        if desk is not None:
            desk.close()


if __name__ == "__main__":
    raise SystemExit(main())
