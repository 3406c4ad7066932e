"""`zongchuang stats`: a period's figures for IT and for checking — as text, JSON (English keys, each figure with
its Chinese label), an Excel workbook or a PDF."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

from app.config.paths import Profile
from app.i18n import _


def add_commands(sub) -> None:
    stats = sub.add_parser("stats", help=_("统计：办件量、即办率、容缺、不予受理、等候与办理时间、满意率等"))
    stats.add_argument("--from", dest="start", help=_("开始日期 YYYY-MM-DD（默认本月1日）"))
    stats.add_argument("--to", dest="end", help=_("结束日期 YYYY-MM-DD（默认今天）"))
    out = stats.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help=_("以 JSON 输出（英文键，每项附中文名称）"))
    out.add_argument("--xlsx", type=Path, help=_("导出 Excel 文件"))
    out.add_argument("--pdf", type=Path, help=_("导出 PDF 报表"))


def _day(text: str | None, default: date) -> date:
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise SystemExit(_("日期格式应为 YYYY-MM-DD：{text}").format(text=text)) from None


def run(args, profile: Profile) -> int:
    from app.domain.accounts import Clerk, Role
    from app.domain.errors import DomainError
    from app.domain.statistics import FIGURE_LABELS, GROUPINGS, shown
    from app.main import build_desk

    desk = build_desk(profile, idcard=None, camera=None, printer=None)
    try:
        today = desk.clock().date()
        try:
            start, end = _day(args.start, today.replace(day=1)), _day(args.end, today)
        except SystemExit as e:
            print(e, file=sys.stderr)
            return 2
        try:
            if args.xlsx or args.pdf:
                path = desk.statistics.export(start, end, args.xlsx or args.pdf, Clerk("stats", _("统计导出"), Role.CLERK))
                print(_("已导出 {start} 至 {end} 的统计：{path}").format(start=start, end=end, path=path))
                return 0
            report = desk.statistics.report(start, end, tuple(GROUPINGS))
        except DomainError as e:
            print(str(e), file=sys.stderr)
            return 2
        if args.json:
            json.dump(desk.statistics.as_json(report), sys.stdout, ensure_ascii=False, indent=1)
            print()
            return 0
        print(_("{centre_name} {window_name}　{start} 至 {end}").format(
                centre_name=desk.settings.centre_name, window_name=desk.settings.window_name, start=start, end=end))
        for key, label in FIGURE_LABELS.items():
            print(_("  {label}：{shown}").format(label=_(label), shown=shown(key, getattr(report.total, key))))
        return 0
    finally:
        desk.close()
