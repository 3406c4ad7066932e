"""Receipt generation against a bare reportlab page with the same text and the same embedded font.

Run: .venv/bin/python bench/bench_documents.py [--runs N]
The baseline, measured in the same run and interleaved with the receipt: one canvas, the embedded CJK
font, every line of the receipt's text drawn with drawString, saved to bytes. The receipt is what the
window prints on acceptance (letterhead, QR code, ruled tables, wrapped paragraphs, page furniture,
numbered pages). Target: the A4 receipt ≤ 2× the baseline. The 80 mm roll receipt and the extreme
receipt (8 items, 15 materials, 2 pages) are printed for information.
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

from app.documents import samples  # noqa: E402
from app.documents.fonts import ensure_cjk_font  # noqa: E402
from app.documents.receipt import render_acceptance_receipt, render_acceptance_receipt_roll  # noqa: E402


def text_lines(pdf: bytes) -> list[str]:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        out = subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True, text=True, check=True).stdout
    return [line.strip() for line in out.splitlines() if line.strip()]


def bare_page(lines: list[str], font: str) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont(font, 10.5)
    y = A4[1] - 50
    for line in lines:
        c.drawString(50, y, line)
        y -= 15
        if y < 50:
            c.showPage()
            c.setFont(font, 10.5)
            y = A4[1] - 50
    c.showPage()
    c.save()
    return buf.getvalue()


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=60)
    args = ap.parse_args()
    font = ensure_cjk_font().name
    receipt, extreme = samples.acceptance_receipt(), samples.acceptance_receipt(extreme=True)
    lines = text_lines(render_acceptance_receipt(receipt, font))
    for _ in range(5):                                  # warm-up: font parsing, imports, caches
        render_acceptance_receipt(receipt, font)
        bare_page(lines, font)
    base, a4, ratios, roll, big = [], [], [], [], []
    for k in range(args.runs):
        numbered = replace(receipt, case_number=f"ZC01-20261124-{k + 100:04d}")   # a new case every time
        b = timed(lambda: bare_page(lines, font))
        r = timed(lambda n=numbered: render_acceptance_receipt(n, font))
        base.append(b)
        a4.append(r)
        ratios.append(r / b)
        roll.append(timed(lambda: render_acceptance_receipt_roll(receipt, font)))
        big.append(timed(lambda: render_acceptance_receipt(extreme, font)))
    med = statistics.median
    print(f"bare reportlab page, same {len(lines)} lines and font: median {med(base):.1f} ms")
    print(f"A4 receipt:                  median {med(a4):.1f} ms")
    print(f"ratio receipt / baseline:    {med(a4) / med(base):.2f}× (median of per-run ratios "
          f"{med(ratios):.2f}×; target ≤ 2×)")
    print(f"80 mm roll receipt:          median {med(roll):.1f} ms  ({med(roll) / med(base):.2f}×)")
    print(f"extreme receipt (2 pages):   median {med(big):.1f} ms  ({med(big) / med(base):.2f}×)")


if __name__ == "__main__":
    main()
