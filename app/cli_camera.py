"""`zongchuang camera list` and `zongchuang imaging process`: checking a document camera and the page pipeline."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from app.devices.camera.formats import choose_format
from app.i18n import _
from app.imaging.encode import ImageError
from app.imaging.enhance import ColourMode
from app.imaging.pipeline import NoPageFound, PageOptions, process_image_file


def add_commands(sub) -> None:
    cam = sub.add_parser("camera", help=_("高拍仪")).add_subparsers(dest="action", required=True)
    cam.add_parser("list", help=_("列出摄像头及其输出格式，并标出将使用的格式"))
    video = cam.add_parser("sample-video", help=_("生成一段模拟桌面录像（MJPEG .avi），供 camera_driver = video 回放培训"))
    video.add_argument("output", type=Path)
    video.add_argument("--documents", default=_("居民户口簿,结婚证,出生医学证明"),
                       help=_("依次放到桌上的材料名称，用逗号分隔"))
    video.add_argument("--size", default="2592x1944", help=_("画面尺寸，如 2592x1944"))
    img = sub.add_parser("imaging", help=_("材料图像处理")).add_subparsers(dest="action", required=True)
    proc = img.add_parser("process", help=_("对一张照片做页面检测、透视校正、增强，输出 JPEG，并打印 JSON 结果"))
    proc.add_argument("input", type=Path)
    proc.add_argument("output", type=Path)
    proc.add_argument("--mode", choices=[m.value for m in ColourMode], default=ColourMode.COLOUR.value)
    proc.add_argument("--quality", type=int, default=85)


def run(args) -> int:
    if args.command == "camera":
        return _sample_video(args) if args.action == "sample-video" else _camera_list()
    return _process(args)


def _sample_video(args) -> int:
    from app.config.paths import resources_dir
    from app.devices.camera.desk_video import write_desk_video
    from app.documents.fonts import FontNotFound, ensure_cjk_font

    try:
        width, height = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        print(_("画面尺寸“{size}”应写作 宽x高，如 2592x1944").format(size=args.size), file=sys.stderr)
        return 2
    try:
        font = str(ensure_cjk_font("", resources_dir()).path)
    except FontNotFound as e:
        print(str(e), file=sys.stderr)
        return 2
    documents = [d.strip() for d in args.documents.split(",") if d.strip()]
    try:
        frames = write_desk_video(args.output, documents, size=(width, height), font_path=font)
    except OSError as e:
        print(_("无法写入 {output}：{e}").format(output=args.output, e=e), file=sys.stderr)
        return 2
    print(_("已生成 {output}：{n_documents} 份材料，{frames} 帧，{width}×{height}。在设置中填写 camera_driver = video、camera_video = {resolve} 即可回放。").format(
            output=args.output, n_documents=len(documents), frames=frames, width=width, height=height, resolve=args.output.resolve()))
    return 0


def _camera_list() -> int:
    os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia.*=false")
    from PySide6.QtCore import QCoreApplication

    from app.devices.camera.qt_devices import list_cameras

    _app = QCoreApplication.instance() or QCoreApplication(sys.argv[:1])
    cameras = list_cameras()
    if not cameras:
        print(_("未找到摄像头（高拍仪）。请检查 USB 连接和驱动；培训环境可使用模拟高拍仪（camera_driver = simulator）。"))
        return 0
    for cam in cameras:
        chosen = choose_format(cam.formats)
        print(f"{'*' if cam.default else ' '} {cam.name}")
        print(_("    将使用：{describe}").format(describe=chosen.describe() if chosen else _('（无可用格式）')))
        for f in sorted(cam.formats, key=lambda f: (-f.pixels, f.pixel_format)):
            print(f"    {f.describe()}")
    return 0


def _process(args) -> int:
    try:
        data = args.input.read_bytes()
    except OSError as e:
        print(_("无法读取文件 {input}：{strerror}").format(input=args.input, strerror=e.strerror), file=sys.stderr)
        return 2
    try:
        page = process_image_file(data, PageOptions(mode=ColourMode(args.mode), quality=args.quality,
                                                    require_page=True))
    except NoPageFound:
        print(_("{input}：画面中没有找到纸张边缘（可在界面中手动调整边角）").format(input=args.input), file=sys.stderr)
        return 1
    except ImageError as e:
        print(_("{input}：{e}").format(input=args.input, e=e), file=sys.stderr)
        return 1
    try:
        args.output.write_bytes(page.jpeg)
    except OSError as e:
        print(_("无法写入 {output}：{strerror}").format(output=args.output, strerror=e.strerror), file=sys.stderr)
        return 2
    if page.off_frame:
        print(_("{input}：页面超出画面，只保存了画面内的部分").format(input=args.input), file=sys.stderr)
    result = page.to_dict()
    result["output"] = str(args.output)
    print(json.dumps(result, ensure_ascii=False))
    return 0
