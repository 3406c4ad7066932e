"""`zongchuang camera list` and `zongchuang imaging process`: checking a document camera and the page pipeline."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from app.devices.camera.formats import choose_format
from app.imaging.encode import ImageError
from app.imaging.enhance import ColourMode
from app.imaging.pipeline import NoPageFound, PageOptions, process_image_file


def add_commands(sub) -> None:
    cam = sub.add_parser("camera", help="高拍仪").add_subparsers(dest="action", required=True)
    cam.add_parser("list", help="列出摄像头及其输出格式，并标出将使用的格式")
    video = cam.add_parser("sample-video", help="生成一段模拟桌面录像（MJPEG .avi），供 camera_driver = video 回放培训")
    video.add_argument("output", type=Path)
    video.add_argument("--documents", default="居民户口簿,结婚证,出生医学证明",
                       help="依次放到桌上的材料名称，用逗号分隔")
    video.add_argument("--size", default="2592x1944", help="画面尺寸，如 2592x1944")
    img = sub.add_parser("imaging", help="材料图像处理").add_subparsers(dest="action", required=True)
    proc = img.add_parser("process", help="对一张照片做页面检测、透视校正、增强，输出 JPEG，并打印 JSON 结果")
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
        print(f"画面尺寸“{args.size}”应写作 宽x高，如 2592x1944", file=sys.stderr)
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
        print(f"无法写入 {args.output}：{e}", file=sys.stderr)
        return 2
    print(f"已生成 {args.output}：{len(documents)} 份材料，{frames} 帧，{width}×{height}。"
          f"在设置中填写 camera_driver = video、camera_video = {args.output.resolve()} 即可回放。")
    return 0


def _camera_list() -> int:
    os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia.*=false")
    from PySide6.QtCore import QCoreApplication

    from app.devices.camera.qt_devices import list_cameras

    _app = QCoreApplication.instance() or QCoreApplication(sys.argv[:1])
    cameras = list_cameras()
    if not cameras:
        print("未找到摄像头（高拍仪）。请检查 USB 连接和驱动；培训环境可使用模拟高拍仪（camera_driver = simulator）。")
        return 0
    for cam in cameras:
        chosen = choose_format(cam.formats)
        print(f"{'*' if cam.default else ' '} {cam.name}")
        print(f"    将使用：{chosen.describe() if chosen else '（无可用格式）'}")
        for f in sorted(cam.formats, key=lambda f: (-f.pixels, f.pixel_format)):
            print(f"    {f.describe()}")
    return 0


def _process(args) -> int:
    try:
        data = args.input.read_bytes()
    except OSError as e:
        print(f"无法读取文件 {args.input}：{e.strerror}", file=sys.stderr)
        return 2
    try:
        page = process_image_file(data, PageOptions(mode=ColourMode(args.mode), quality=args.quality,
                                                    require_page=True))
    except NoPageFound:
        print(f"{args.input}：画面中没有找到纸张边缘（可在界面中手动调整边角）", file=sys.stderr)
        return 1
    except ImageError as e:
        print(f"{args.input}：{e}", file=sys.stderr)
        return 1
    try:
        args.output.write_bytes(page.jpeg)
    except OSError as e:
        print(f"无法写入 {args.output}：{e.strerror}", file=sys.stderr)
        return 2
    result = page.to_dict()
    result["output"] = str(args.output)
    print(json.dumps(result, ensure_ascii=False))
    return 0
