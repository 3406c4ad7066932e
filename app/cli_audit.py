"""`zongchuang audit`: the audit log's chain checked, and its last entries listed (personal data masked)."""

from __future__ import annotations

import sys

from app.config.paths import Profile, resolve_paths
from app.i18n import _
from app.redaction import redact


def add_commands(sub) -> None:
    audit = sub.add_parser("audit", help=_("审计日志")).add_subparsers(dest="action", required=True)
    audit.add_parser("verify", help=_("校验审计日志的哈希链（完好退出码 0；否则 1，并指出第一条被改动的记录）"))
    show = audit.add_parser("list", help=_("最近的审计记录（证件号码等已遮挡）"))
    show.add_argument("--limit", type=int, default=50)


def run(args, profile: Profile) -> int:
    from app.store.database import open_audit
    from app.store.errors import StoreError

    paths = resolve_paths(profile)
    if not paths.database.exists():
        print(_("数据库尚未创建：{database}").format(database=paths.database), file=sys.stderr)
        return 1
    try:
        with open_audit(paths.database, paths.data) as audit:
            if args.action == "list":
                for e in reversed(audit.entries(max(1, args.limit))):
                    print(redact(f"{e.id:>7}  {e.at:%Y-%m-%d %H:%M:%S}  {e.clerk:<12} {e.action:<24} {e.target}"))
                return 0
            check = audit.verify()
    except StoreError as e:
        print(str(e), file=sys.stderr)
        return 1
    if check.ok:
        print(_("审计日志完好：{rows} 条记录，哈希链完整").format(rows=check.rows))
        return 0
    print(_("审计日志已被改动：{reason}（已校验 {rows} 条）").format(reason=check.reason, rows=check.rows), file=sys.stderr)
    return 1
