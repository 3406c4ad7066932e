"""`zongchuang-district`: run the reference district server and check a deployment from a shell."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from district.service import DECISION_LABELS, Refused, ServerConfig


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("zongchuang")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="zongchuang-district", description="综窗 区级受理平台（参考实现）")
    p.add_argument("--version", action="version", version=f"综窗 区级受理平台 {_version()}")
    sub = p.add_subparsers(dest="command", required=True)

    def command(name: str, help_: str) -> argparse.ArgumentParser:
        c = sub.add_parser(name, help=help_)
        c.add_argument("--data", type=Path, required=True, help="数据目录（数据库、材料文件）")
        c.add_argument("--database", help="数据库 URL（默认为数据目录下的 SQLite；"
                                          "PostgreSQL 如 postgresql://user:pass@host/db；也可用环境变量 "
                                          "ZONGCHUANG_DISTRICT_DATABASE）")
        return c

    serve = command("serve", "启动服务")
    serve.add_argument("--port", type=int, default=8600)
    serve.add_argument("--host", default="127.0.0.1", help="监听地址（对外服务用 0.0.0.0）")
    serve.add_argument("--name", default=ServerConfig.name, help="平台名称")
    serve.add_argument("--allow-training", action="store_true", help="培训服务器：接受培训模式的工作站")
    code = command("enrolment-code", "生成一个工作站注册码（一次有效）")
    code.add_argument("--hours", type=int, default=72, help="有效小时数")
    cases = command("cases", "列出已收到的办件")
    cases.add_argument("--json", action="store_true", help="以 JSON 输出（含事件和材料文件哈希）")
    ratings = command("ratings", "列出好差评（默认只列待回访、待整改的差评）")
    ratings.add_argument("--all", action="store_true", help="全部评价")
    ratings.add_argument("--json", action="store_true", help="以 JSON 输出")
    figures = command("figures", "各服务点统计（办件量、即办率、等候与办理时间、满意率等）")
    figures.add_argument("--from", dest="start", help="开始日期 YYYY-MM-DD（默认本月1日）")
    figures.add_argument("--to", dest="end", help="结束日期 YYYY-MM-DD（默认今天）")
    figures.add_argument("--json", action="store_true", help="以 JSON 输出")
    command("devices", "列出已注册的工作站")
    revoke = command("revoke", "停用一台工作站（其令牌立即失效）")
    revoke.add_argument("device_id")
    revoke.add_argument("--reason", default="管理员停用")
    officer = command("officer", "后台经办人账号")
    officer.add_argument("action", choices=["add", "list", "audit"], help="add 新建 / list 列出 / audit 后台操作记录")
    officer.add_argument("username", nargs="?")
    officer.add_argument("--name", help="显示姓名（add）")
    officer.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（add）")
    sub.add_parser("openapi", help="输出同步接口的 OpenAPI 文档（JSON）")
    return p


def _cases(district, as_json: bool) -> int:
    from district.backoffice import case_dict
    from district.ratings import rating_dict
    from district.service import referenced_attachments

    service = district.service
    rows = service.cases()
    if as_json:
        rated = {r.case_id: rating_dict(r, c, service.ratings.overdue(r)) for r, c in service.ratings.ratings()}
        out = []
        for c in rows:
            events = service.case_events(c.id)
            out.append({**case_dict(c), "rating": rated.get(c.id),
                        "event_list": [{"id": e.id, "seq": e.seq, "type": e.type, "parked": e.parked,
                                        "content_sha256": e.content_sha256} for e in events],
                        "attachments": sorted({h for e in events for h in referenced_attachments(e.payload)})})
        json.dump({"counts": service.counts(), "cases": out}, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    counts = service.counts()
    print(f"工作站 {counts['devices']} 台，办件 {counts['cases']} 件，事件 {counts['events']} 条"
          f"（暂存 {counts['parked']} 条），材料文件 {counts['attachments']} 个")
    for c in rows:
        print(f"  {c.case_number}  {c.official_number or '-'}  {c.item_name}  {c.applicant_name}  "
              f"{DECISION_LABELS.get(c.decision, c.decision)}")
    return 0


def _ratings(district, show_all: bool, as_json: bool) -> int:
    from district.ratings import rating_dict

    desk = district.service.ratings
    rows = [rating_dict(r, c, desk.overdue(r)) for r, c in desk.ratings(open_only=not show_all)]
    if as_json:
        json.dump({"ratings": rows}, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    print(f"{'评价' if show_all else '待处理差评'} {len(rows)} 条")
    for r in rows:
        late = f"  逾期：{'、'.join(r['overdue'])}" if r["overdue"] else ""
        due = f"  回访 {r['callback_due']} 整改 {r['rectify_due']}" if r["bad"] else ""
        print(f"  {r['case_number']}  {r['item_name']}  {r['label']}  {'、'.join(r['tags'])}{due}{late}")
    return 0


def _figures(district, args) -> int:
    from datetime import date

    from district.backoffice import FIGURE_COLUMNS, _shown

    today = date.today()
    try:
        start = date.fromisoformat(args.start) if args.start else today.replace(day=1)
        end = date.fromisoformat(args.end) if args.end else today
    except ValueError:
        print("日期格式应为 YYYY-MM-DD", file=sys.stderr)
        return 2
    f = district.service.figures.by_service_point(start, end)
    if args.json:
        json.dump(f, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    labels = f["labels"]
    print(f"{start} 至 {end}")
    for p in f["service_points"] + ([f["total"]] if f["total"] else []):
        print(f"  {p['centre']}：" + "，".join(f"{labels[k]} {_shown(k, p[k])}" for k in FIGURE_COLUMNS))
    return 0


def _officer(district, args) -> int:
    officers = district.officers
    if args.action == "list":
        for o in officers.officers():
            print(f"{o.username}  {o.display_name}  {'正常' if o.active else '停用'}")
        return 0
    if args.action == "audit":
        for e in reversed(officers.audit_entries()):
            print(f"{e.at:%Y-%m-%d %H:%M:%S}  {e.officer:<12} {e.action:<10} {e.case_id or '-'}  {e.address}  {e.detail}")
        return 0
    if not args.username or not args.name:
        print("用法：zongchuang-district officer add 用户名 --name 姓名 --data DIR", file=sys.stderr)
        return 2
    import getpass

    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("密码：")
    officers.add(args.username, args.name, password)
    print(f"已创建后台账号 {args.username}（{args.name}），登录 /backoffice")
    return 0


def openapi_document() -> dict:
    """The protocol's OpenAPI document, generated from the server's routes and models."""
    import tempfile

    from district.server import open_district

    with tempfile.TemporaryDirectory() as tmp:
        district = open_district(Path(tmp))
        try:
            return district.app().openapi()
        finally:
            district.close()


def _openapi() -> int:
    json.dump(openapi_document(), sys.stdout, ensure_ascii=False, indent=1, sort_keys=True)
    print()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "openapi":
        return _openapi()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    from district.server import open_district

    config = ServerConfig(name=getattr(args, "name", ServerConfig.name),
                          allow_training=getattr(args, "allow_training", False))
    district = open_district(args.data, args.database, config)
    try:
        if args.command == "serve":
            import uvicorn

            kind = "培训服务器（接受培训工作站）" if config.allow_training else "正式服务器"
            print(f"{config.name}：{kind}，http://{args.host}:{args.port}/ ，后台 /backoffice ，接口文档 /docs",
                  flush=True)
            uvicorn.run(district.app(), host=args.host, port=args.port, log_level="info", log_config=None)
            return 0
        if args.command == "enrolment-code":
            print(district.service.create_enrolment_code(args.hours))
            return 0
        if args.command == "cases":
            return _cases(district, args.json)
        if args.command == "figures":
            return _figures(district, args)
        if args.command == "ratings":
            return _ratings(district, args.all, args.json)
        if args.command == "devices":
            for d in district.service.devices():
                state = f"已停用（{d.revoked_reason}）" if d.revoked_at else "正常"
                print(f"{d.id}  {d.prefix}  {d.name}  {'培训' if d.training else '正式'}  {state}")
            return 0
        if args.command == "revoke":
            district.service.revoke(args.device_id, args.reason)
            print(f"已停用工作站 {args.device_id}")
            return 0
        if args.command == "officer":
            return _officer(district, args)
    except Refused as e:
        print(e.reason, file=sys.stderr)
        return 1
    finally:
        district.close()
    return 2
