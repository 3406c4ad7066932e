"""Parsers meet what nobody planned: any bytes as an image file, images one pixel high, a small PNG that
declares a 30000×30000 image, ID numbers written with superscript or fullwidth digits. The answer is always
a sentence (ImageError, NoPageFound, an ID check's error), never a crash, a hang or gigabytes of memory."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import cv2
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.identity import CardType, check_document_number, check_id_number
from app.imaging.encode import ImageError, decode_image
from app.imaging.header import image_size
from app.imaging.pipeline import NoPageFound, PageOptions, process_image_file

ROOT = Path(__file__).resolve().parents[1]
UNICODE_DIGITS = "0123456789Xx²³¹⁰٣۴߅०১੨૩୪௫౬೭൮๙໐༡၂႓០᠑０１２３４５６７８９Ｘ𝟎𝟗"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=4096))
def test_any_bytes_are_an_image_or_an_image_error(data):
    try:
        image = decode_image(data)
    except ImageError as e:
        assert str(e)
    else:
        assert image.ndim == 3 and min(image.shape[:2]) >= 16


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 40), st.integers(1, 900), st.sampled_from([".png", ".jpg", ".bmp", ".tiff"]),
       st.integers(0, 255))
def test_tiny_and_thin_images_are_refused_or_processed_never_crash(height, width, ext, value):
    image = np.full((height, width, 3), value, np.uint8)
    image[:, width // 4: 3 * width // 4] = 255 - value
    data = cv2.imencode(ext, image)[1].tobytes()
    assert image_size(data) == (width, height)
    try:
        page = process_image_file(data, PageOptions(require_page=False))
    except (ImageError, NoPageFound) as e:
        assert str(e)
    else:
        assert page.jpeg[:2] == b"\xff\xd8"


def png_bomb(side: int) -> bytes:
    """A greyscale PNG of zeros: under 1 MB on disk, side² bytes once decoded."""
    row = b"\x00" * (side + 1)
    raw = zlib.compressobj(9)
    body = b"".join(raw.compress(row) for _ in range(side)) + raw.flush()

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", body) + chunk(b"IEND", b""))


def test_a_png_bomb_is_refused_from_its_header_without_decoding_it(tmp_path):
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(png_bomb(30000))
    assert bomb.stat().st_size < 1_100_000
    env = {**os.environ, "ZONGCHUANG_HOME": str(tmp_path / "home")}
    # VmHWM, not ru_maxrss: the latter keeps the forking test process's own peak across exec.
    command = ("import sys\nfrom app.cli import main\n"
               f"code = main(['imaging', 'process', {str(bomb)!r}, {str(tmp_path / 'o.jpg')!r}])\n"
               "peak = next(l for l in open('/proc/self/status') if l.startswith('VmHWM'))\n"
               "print('PEAK', peak.split()[1], file=sys.stderr)\n"
               "sys.exit(code)")
    run = subprocess.run([sys.executable, "-c", command], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    peak_mb = int(run.stderr.split("PEAK")[-1]) / 1024               # the command's own peak
    assert run.returncode != 0 and "图像尺寸过大（30000×30000 像素）" in run.stderr + run.stdout
    assert "Traceback" not in run.stderr and peak_mb < 1000, run.stderr   # 900 MB if it had been decoded


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=UNICODE_DIGITS, min_size=15, max_size=19))
def test_id_numbers_in_any_digits_are_checked_never_crash_and_only_ascii_passes(number):
    check = check_id_number(number)
    if check.valid:
        assert number.strip().upper().isascii()
    for kind in CardType:
        assert check_document_number(kind, number).number is not None


def test_fullwidth_digits_get_their_own_sentence():
    assert "全角" in check_id_number("３３０１０６１９６５０３１２０３１Ｘ").error
    assert not check_id_number("33010619650312031²").valid
