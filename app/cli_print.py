"""`zongchuang print list|test` and `zongchuang documents samples`: checking printers and layouts on site."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from app.config.paths import Profile, resolve_paths
from app.config.settings import Settings
from app.i18n import _


def add_commands(sub) -> None:
    prn = sub.add_parser("print", help=_("打印机")).add_subparsers(dest="action", required=True)
    prn.add_parser("list", help=_("列出系统打印机及其状态，并显示本机设置的A4打印机和回执打印机"))
    opened = prn.add_parser("open", help=_("解密培训环境打印输出文件夹中的一个文件（….pdf.zce）为普通 PDF"))
    opened.add_argument("file", type=Path)
    opened.add_argument("--out", type=Path, required=True, help=_("解密后的 PDF 文件"))
    test = prn.add_parser("test", help=_("打印测试页（中文、二维码、距纸边10毫米的边框）"))
    test.add_argument("--printer", default="", help=_("打印机名称或热敏打印机地址（如 tcp://192.168.1.50:9100）；"
                                                  "不填为设置中的打印机"))
    test.add_argument("--receipt", action="store_true", help=_("用回执打印机（及其纸张）打印"))
    docs = sub.add_parser("documents", help=_("单据")).add_subparsers(dest="action", required=True)
    samples = docs.add_parser("samples", help=_("用示例数据生成每种单据的PDF（普通数据和极端数据各一份）"))
    samples.add_argument("--out", type=Path, required=True)
    samples.add_argument("--training", action="store_true", help=_("加培训水印"))


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
        print(_("无法读取文件 {path}：{strerror}").format(path=path, strerror=e.strerror), file=sys.stderr)
        return 1
    if key is None:
        print(_("本环境还没有数据密钥（尚未运行过），无法解密。"), file=sys.stderr)
        return 1
    try:
        pdf = FileCipher(key.files).open(sealed, path.name)
    except DecryptError:
        print(_("{name} 不是本工作站此环境打印输出的加密文件，或已损坏。").format(name=path.name), file=sys.stderr)
        return 1
    try:
        write_private(out, pdf)
    except OSError as e:
        print(_("无法写入 {out}：{strerror}").format(out=out, strerror=e.strerror), file=sys.stderr)
        return 1
    print(_("已解密到 {out}（仅本账号可读；用完请删除）").format(out=out))
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
                path = out / f"{name}-{'极端数据' if extreme else '示例'}.pdf"  # i18n: data (file names)
                path.write_bytes(pdf)
                written.append(path)
    except OSError as e:
        print(_("无法写入 {out}：{e}").format(out=out, e=e), file=sys.stderr)
        return 2
    print(_("已生成 {n_written} 份单据样张（每种单据的示例数据和极端数据各一份）：").format(n_written=len(written)))
    for path in written:
        print(f"  {path}")
    return 0


def _list(profile: Profile) -> int:
    from app.devices.printer.spooler import list_printers

    settings = Settings.load(resolve_paths(profile).settings)
    printers = list_printers()
    if not printers:
        print(_("系统中没有打印机。请先在操作系统中安装打印机驱动。"))
    for p in printers:
        print(f"  {'*' if p.default else ' '} {p.name}  [{p.state}]")
    print(_("A4打印机：{a4_printer}").format(a4_printer=settings.a4_printer or _('系统默认打印机')))
    receipt = settings.receipt_printer or _("同A4打印机")
    print(_("回执打印机：{receipt}（纸张 {paper}）").format(
            receipt=receipt, paper=_('80毫米卷纸') if settings.receipt_paper == '80mm' else 'A4'))
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
        page = TestPage(Issue(letterhead, now, _("打印测试"), profile is Profile.TRAINING), printer.name,
                        f"ZC-TEST-{now:%Y%m%d-%H%M%S}", roll)
        result = printer.print_pdf(PrintJob(_("打印测试页"), render_test_page(page, font),
                                            Paper.ROLL_80 if roll else Paper.A4))
    except DeviceError as e:
        print(str(e), file=sys.stderr)
        return 1
    where = _("，输出文件 {output}").format(output=result.output) if result.output else ""
    print(_("测试页已发送到“{printer}”{where}。请检查：中文清晰、二维码可扫出测试编号 {code}、边框距纸边10毫米。").format(
            printer=result.printer, where=where, code=page.code))
    return 0
