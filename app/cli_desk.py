"""`zongchuang --profile training desk script FILE --out DIR`: a scripted clerk's day, headless."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from app.config.paths import Profile
from app.i18n import _


def add_commands(sub) -> None:
    desk = sub.add_parser("desk", help=_("窗口操作脚本（培训环境）")).add_subparsers(dest="action", required=True)
    script = desk.add_parser("script", help=_("按脚本逐步执行窗口操作（模拟设备），输出办件状态和打印的单据（JSON）"))
    script.add_argument("file", type=Path, help=_("脚本文件（JSON 步骤列表，见 docs/desk-script.md）"))
    script.add_argument("--out", type=Path, required=True, help=_("打印单据（PDF）的输出文件夹"))


def run(args, profile: Profile) -> int:
    if profile is not Profile.TRAINING:
        print(_("窗口脚本只能在培训环境运行：zongchuang --profile training desk script 脚本.json --out 输出文件夹"),
              file=sys.stderr)
        return 2
    return run_script(args.file, args.out)


def run_script(path: Path, out: Path) -> int:
    from app.main import build_printing_desk
    from app.services.desk_script import DeskScript, StepFailed

    try:
        steps = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        print(_("无法读取脚本 {path}：{e}").format(path=path, e=e), file=sys.stderr)
        return 2
    desk = build_printing_desk(out.resolve(), _("模拟打印机（脚本输出）"))
    try:
        report = DeskScript(desk).run(steps)
    except StepFailed as e:
        print(str(e), file=sys.stderr)
        return 1
    finally:
        desk.close()
    json.dump(report, sys.stdout, ensure_ascii=False, indent=1)
    print()
    return 0
