"""`zongchuang print list|test` and `zongchuang documents samples`: checking printers and layouts on site."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from app.config.paths import Profile, resolve_paths
from app.config.settings import Settings


def add_commands(sub) -> None:
    prn = sub.add_parser("print", help="打印机").add_subparsers(dest="action", required=True)
    prn.add_parser("list", help="列出系统打印机及其状态，并显示本机设置的A4打印机和回执打印机")
    opened = prn.add_parser("open", help="解密培训环境打印输出文件夹中的一个文件（….pdf.zce）为普通 PDF")
    opened.add_argument("file", type=Path)
    opened.add_argument("--out", type=Path, required=True, help="解密后的 PDF 文件")
    test = prn.add_parser("test", help="打印测试页（中文、二维码、距纸边10毫米的边框）")
    test.add_argument("--printer", default="", help="打印机名称或热敏打印机地址（如 tcp://192.168.1.50:9100）；"
                                                  "不填为设置中的打印机")
    test.add_argument("--receipt", action="store_true", help="用回执打印机（及其纸张）打印")
    docs = sub.add_parser("documents", help="单据").add_subparsers(dest="action", required=True)
    samples = docs.add_parser("samples", help="用示例数据生成每种单据的PDF（普通数据和极端数据各一份）")
    samples.add_argument("--out", type=Path, required=True)
    samples.add_argument("--training", action="store_true", help="加培训水印")


def run(args, profile: Profile) -> int:
    if args.command == "documents":
        return _samples(args.out, args.training)
    if args.action == "list":
        return _list(profile)
    if args.action == "open":
        return _open(args.file, args.out, profile)
    return _test(args, profile)


def _open(path: Path, out: Path, profile: Profile) -> int:
    """A sealed printout of this profile as a plain PDF the user can look at."""
    from app.store.errors import StoreError
    from app.store.files import DecryptError, FileCipher, write_private
    from app.store.keys import load_key

    try:
        key = load_key(resolve_paths(profile).data)
        sealed = path.read_bytes()
    except StoreError as e:
        print(str(e), file=sys.stderr)
        return 1
    except OSError as e:
        print(f"无法读取文件 {path}：{e.strerror}", file=sys.stderr)
        return 1
    if key is None:
        print("本环境还没有数据密钥（尚未运行过），无法解密。", file=sys.stderr)
        return 1
    try:
        pdf = FileCipher(key.files).open(sealed, path.name)
    except DecryptError:
        print(f"{path.name} 不是本工作站此环境打印输出的加密文件，或已损坏。", file=sys.stderr)
        return 1
    try:
        write_private(out, pdf)
    except OSError as e:
        print(f"无法写入 {out}：{e.strerror}", file=sys.stderr)
        return 1
    print(f"已解密到 {out}（仅本账号可读；用完请删除）")
    return 0


def _font(configured: str = "") -> str | None:
    from app.config.paths import resources_dir
    from app.documents.fonts import FontNotFound, ensure_cjk_font

    try:
        return ensure_cjk_font(configured, resources_dir()).name
    except FontNotFound as e:
        print(str(e), file=sys.stderr)
        return None


def _samples(out: Path, training: bool) -> int:
    from app.documents.samples import render_samples

    font = _font()
    if font is None:
        return 2
    try:
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for extreme in (False, True):
            for name, pdf in render_samples(font, extreme, training=training).items():
                path = out / f"{name}-{'极端数据' if extreme else '示例'}.pdf"
                path.write_bytes(pdf)
                written.append(path)
    except OSError as e:
        print(f"无法写入 {out}：{e}", file=sys.stderr)
        return 2
    print(f"已生成 {len(written)} 份单据样张（每种单据的示例数据和极端数据各一份）：")
    for path in written:
        print(f"  {path}")
    return 0


def _list(profile: Profile) -> int:
    from app.devices.printer.spooler import list_printers

    settings = Settings.load(resolve_paths(profile).settings)
    printers = list_printers()
    if not printers:
        print("系统中没有打印机。请先在操作系统中安装打印机驱动。")
    for p in printers:
        print(f"  {'*' if p.default else ' '} {p.name}  [{p.state}]")
    print(f"A4打印机：{settings.a4_printer or '系统默认打印机'}")
    receipt = settings.receipt_printer or "同A4打印机"
    print(f"回执打印机：{receipt}（纸张 {'80毫米卷纸' if settings.receipt_paper == '80mm' else 'A4'}）")
    return 0


def _test(args, profile: Profile) -> int:
    from app.devices import registry
    from app.devices.errors import DeviceError
    from app.devices.printer.base import PrintJob
    from app.documents.layout import Issue, Letterhead
    from app.documents.test_page import TestPage, render_test_page
    from app.domain.documents import Paper

    paths = resolve_paths(profile)
    settings = Settings.load(paths.settings)
    if profile is Profile.TRAINING:
        settings = settings.for_training()
    font = _font(settings.font_path)
    if font is None:
        return 2
    try:
        if args.printer:
            printer = registry.printer_by_name(args.printer)
        else:
            a4 = registry.make_printer(settings, profile, paths.printouts)
            printer = registry.make_receipt_printer(settings, a4) if args.receipt else a4
        roll = args.receipt and settings.receipt_paper == "80mm" or args.printer.startswith(registry.ESC_POS_TARGETS)
        now = datetime.now().astimezone()
        letterhead = Letterhead(settings.centre_name, settings.centre_address, settings.centre_phone,
                                settings.window_name)
        page = TestPage(Issue(letterhead, now, "打印测试", profile is Profile.TRAINING), printer.name,
                        f"ZC-TEST-{now:%Y%m%d-%H%M%S}", roll)
        result = printer.print_pdf(PrintJob("打印测试页", render_test_page(page, font),
                                            Paper.ROLL_80 if roll else Paper.A4))
    except DeviceError as e:
        print(str(e), file=sys.stderr)
        return 1
    where = f"，输出文件 {result.output}" if result.output else ""
    print(f"测试页已发送到“{result.printer}”{where}。请检查：中文清晰、二维码可扫出测试编号 {page.code}、"
          f"边框距纸边10毫米。")
    return 0
