"""`zongchuang-hall`: the hall service (叫号) for a service centre's LAN."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("zongchuang")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="zongchuang-hall", description="综窗 叫号服务（一个服务中心的各窗口共用一个队列）")
    p.add_argument("--version", action="version", version=f"综窗 叫号服务 {_version()}")
    sub = p.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="启动叫号服务")
    serve.add_argument("--data", type=Path, required=True, help="数据目录（数据库、hall.json 设置）")
    serve.add_argument("--host", default="0.0.0.0", help="监听地址（大厅局域网）")
    serve.add_argument("--port", type=int, default=8700)
    serve.add_argument("--name", help="服务中心名称（显示在取号机和叫号屏上）")
    serve.add_argument("--key", help="窗口的接入密钥（窗口设置 hall_key；默认取 hall.json 的 key，空为不校验）")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    import uvicorn

    from hall.server import load_config, open_hall

    hall = open_hall(args.data, load_config(args.data / "hall.json", args.name, args.key))
    print(f"{hall.service.config.name} 叫号服务：http://{args.host}:{args.port}/ ，取号机 /kiosk ，叫号屏 /display",
          flush=True)
    try:
        uvicorn.run(hall.app(), host=args.host, port=args.port, log_level="info", log_config=None)
    finally:
        hall.close()
    return 0
