"""Sample documents for the simulated document camera: A4 pages and the two sides of an ID card.

Textures are drawn with Pillow (Chinese text needs a CJK TrueType font; without one the text is
drawn as grey bars) and cached, so a simulated frame costs only the warp onto the desk.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

PAGE_MM = (210.0, 297.0)
ID_CARD_MM = (85.6, 54.0)

_PHRASES = (
    "申请人承诺所提交的材料真实有效", "本人已阅读并知悉办理须知", "经审核符合办理条件",
    "特此证明", "以上情况属实", "参保人员基本信息如下", "户主姓名与申请人关系",
    "出生日期及出生地点", "婚姻状况登记", "残疾类别及等级", "居住地址及联系电话",
    "本证明有效期为三个月", "请于规定期限内办理", "所在社区居民委员会",
)


@dataclass(frozen=True)
class SampleDocument:
    """One thing a citizen lays under the camera."""

    title: str
    kind: str = "page"              # "page", "id_front" or "id_back"
    qr: str | None = None           # e.g. an e-certificate's verification code, printed as a QR
    holder: tuple[tuple[str, str], ...] = ()   # ID card front: (label, value) pairs
    name: str = ""                  # the person the page is about (a training citizen's name)
    valid_to: str = ""              # printed as 有效期至 (a training scenario's expired paper shows a past date)
    flaw: str = ""                  # how the paper is unfit: unsigned, illegible, copy_only (training scenarios)

    @property
    def size_mm(self) -> tuple[float, float]:
        return PAGE_MM if self.kind == "page" else ID_CARD_MM

    @property
    def aspect(self) -> float:
        """Width over height."""
        w, h = self.size_mm
        return w / h


def id_card_sides(name: str, sex: str, nation: str, birth: str, address: str, number: str,
                  authority: str = "杭州市公安局西湖分局", valid: str = "2020.01.01-2040.01.01"
                  ) -> tuple[SampleDocument, SampleDocument]:
    front = SampleDocument("居民身份证", "id_front", holder=(
        ("姓名", name), ("性别", sex), ("民族", nation), ("出生", birth), ("住址", address), ("公民身份号码", number)))
    back = SampleDocument("居民身份证", "id_back", holder=(("签发机关", authority), ("有效期限", valid)))
    return front, back


class _Pen:
    """Draws text in a CJK font, or grey bars standing in for it when no font is available."""

    def __init__(self, image: Image.Image, font_path: str | None):
        self.draw = ImageDraw.Draw(image)
        self.font_path = font_path

    @functools.cache  # noqa: B019 - one pen per texture; fonts are reused within it
    def font(self, size: int):
        return ImageFont.truetype(self.font_path, size) if self.font_path else None

    def text(self, xy: tuple[float, float], text: str, size: int, fill=(20, 20, 20), anchor: str = "la") -> None:
        font = self.font(size)
        if font is not None:
            self.draw.text(xy, text, font=font, fill=fill, anchor=anchor)
            return
        width = size * len(text)
        x, y = xy
        if anchor[0] == "m":
            x -= width / 2
        self.draw.rectangle((x, y + size * 0.2, x + width, y + size * 0.8), fill=tuple(int(c * 1.6) for c in fill))


def _seed(doc: SampleDocument) -> int:
    """The page's own randomness: the same document always looks the same."""
    key = repr((doc.title, doc.kind, doc.qr, doc.holder) + ((doc.name, doc.valid_to, doc.flaw) if (
        doc.name or doc.valid_to or doc.flaw) else ()))
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big")


def _page(doc: SampleDocument, ppm: float, font_path: str | None) -> Image.Image:
    rng = np.random.default_rng(_seed(doc))
    w, h = int(PAGE_MM[0] * ppm), int(PAGE_MM[1] * ppm)
    tone = int(rng.integers(238, 252))
    image = Image.new("RGB", (w, h), (tone, tone, max(0, tone - int(rng.integers(0, 8)))))
    pen = _Pen(image, font_path)
    margin = 25 * ppm
    pen.text((w / 2, 30 * ppm), doc.title[:20], int(8 * ppm), anchor="ma")
    y = 52 * ppm
    for label, value in (("姓名", doc.name), ("有效期至", doc.valid_to)):
        if value:
            pen.text((margin, y), f"{label}：{value}", int(5 * ppm))
            y += 8 * ppm
    line = int(4.2 * ppm)
    lines = int(rng.integers(12, 20))
    if doc.qr or doc.name:          # the table ends above the QR code and the signature line
        lines = min(lines, int((h - 64 * ppm - 49 * ppm - y) / (line * 2.1)))
    for _ in range(lines):
        sentence = "，".join(rng.choice(_PHRASES, int(rng.integers(1, 4)))) + "。"
        pen.text((margin, y), sentence[: int((w - 2 * margin) / line)], line)
        y += line * 2.1
    top = y + 4 * ppm
    rows, cols = 5, 4
    cell_h, cell_w = 9 * ppm, (w - 2 * margin) / cols
    for r in range(rows + 1):
        pen.draw.line((margin, top + r * cell_h, w - margin, top + r * cell_h), fill=(40, 40, 40), width=max(1, int(ppm / 3)))
    for c in range(cols + 1):
        pen.draw.line((margin + c * cell_w, top, margin + c * cell_w, top + rows * cell_h), fill=(40, 40, 40),
                      width=max(1, int(ppm / 3)))
    for r in range(rows):
        for c in range(cols):
            pen.text((margin + c * cell_w + ppm * 2, top + r * cell_h + ppm * 2.5), rng.choice(_PHRASES)[:4], int(3.6 * ppm))
    if doc.qr:
        import segno

        qr = segno.make(doc.qr, error="m")
        scale = max(2, round(28 * ppm / qr.symbol_size(scale=1, border=2)[0]))
        image.paste(_qr_image(qr, scale).convert("RGB"), (int(margin), int(h - 62 * ppm)))
        pen.text((margin, h - 28 * ppm), "扫码核验电子证照", int(3.6 * ppm))
    centre = (w - 60 * ppm, h - 50 * ppm)
    radius = 20 * ppm
    pen.draw.ellipse((centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius),
                     outline=(200, 40, 40), width=int(1.2 * ppm))
    pen.text(centre, "★", int(12 * ppm), fill=(200, 40, 40), anchor="mm")
    pen.text((w / 2, h - 12 * ppm), f"第 1 页 共 {int(rng.integers(1, 4))} 页", int(3.2 * ppm), anchor="ma")
    if doc.name:                                           # a page about someone carries their signature
        sx, sy = margin + 70 * ppm, h - 36 * ppm
        pen.text((margin + 45 * ppm, sy), "本人签名：", int(4.2 * ppm))
        pen.draw.line((sx, sy + 6 * ppm, sx + 45 * ppm, sy + 6 * ppm), fill=(40, 40, 40), width=max(1, int(ppm / 3)))
        if doc.flaw != "unsigned":
            points = [(sx + 3 * ppm + i * 2.6 * ppm, sy + (1 + 3.5 * ((i * 7) % 5) / 4) * ppm) for i in range(15)]
            pen.draw.line(points, fill=(20, 30, 120), width=max(1, int(ppm / 2)), joint="curve")
    return _flawed(image, doc.flaw, ppm, font_path)


def _flawed(image: Image.Image, flaw: str, ppm: float, font_path: str | None) -> Image.Image:
    """A page as a defect makes it look: faded and blurred (illegible), or a grey photocopy (copy_only)."""
    from PIL import ImageEnhance, ImageFilter

    if flaw == "illegible":
        image = image.filter(ImageFilter.GaussianBlur(radius=max(2.0, 1.1 * ppm)))
        return ImageEnhance.Contrast(image).enhance(0.35)
    if flaw == "copy_only":
        image = ImageEnhance.Contrast(image.convert("L")).enhance(1.4).convert("RGB")
        _Pen(image, font_path).text((image.width / 2, 14 * ppm), "— 复印件 —", int(6 * ppm), fill=(90, 90, 90),
                                    anchor="ma")
    return image


def _qr_image(qr, scale: int) -> Image.Image:
    import io

    buf = io.BytesIO()
    qr.save(buf, kind="png", scale=scale, border=2)
    buf.seek(0)
    return Image.open(buf)


def _id_front(doc: SampleDocument, ppm: float, font_path: str | None) -> Image.Image:
    w, h = int(ID_CARD_MM[0] * ppm), int(ID_CARD_MM[1] * ppm)
    image = Image.new("RGB", (w, h), (236, 240, 246))
    pen = _Pen(image, font_path)
    for i in range(0, w, max(2, int(ppm * 1.5))):
        pen.draw.line((i, 0, i + h // 2, h), fill=(226, 232, 242), width=1)
    fields = dict(doc.holder)
    label, value = (40, 90, 140), (15, 15, 15)
    x0, x1 = 6 * ppm, 17 * ppm
    rows = (("姓名", 7), ("性别", 14), ("出生", 21), ("住址", 28))
    for name, y in rows:
        pen.text((x0, y * ppm), name, int(2.6 * ppm), fill=label)
    pen.text((x1, 7 * ppm), fields.get("姓名", ""), int(3.6 * ppm), fill=value)
    pen.text((x1, 14 * ppm), fields.get("性别", ""), int(2.8 * ppm), fill=value)
    pen.text((30 * ppm, 14 * ppm), "民族", int(2.6 * ppm), fill=label)
    pen.text((39 * ppm, 14 * ppm), fields.get("民族", ""), int(2.8 * ppm), fill=value)
    pen.text((x1, 21 * ppm), fields.get("出生", ""), int(2.8 * ppm), fill=value)
    address = fields.get("住址", "")
    for i in range(0, min(len(address), 33), 11):
        pen.text((x1, (28 + i // 11 * 4.2) * ppm), address[i:i + 11], int(2.8 * ppm), fill=value)
    pen.text((x0, 45 * ppm), "公民身份号码", int(2.6 * ppm), fill=label)
    pen.text((25 * ppm, 44.6 * ppm), fields.get("公民身份号码", ""), int(3.2 * ppm), fill=value)
    px, py = 57 * ppm, 8 * ppm                               # the holder's photo area
    pen.draw.rectangle((px, py, px + 24 * ppm, py + 30 * ppm), fill=(222, 228, 236))
    pen.draw.ellipse((px + 7 * ppm, py + 5 * ppm, px + 17 * ppm, py + 17 * ppm), fill=(90, 90, 100))
    pen.draw.ellipse((px + 2 * ppm, py + 17 * ppm, px + 22 * ppm, py + 40 * ppm), fill=(70, 70, 80))
    pen.draw.rectangle((px, py + 30 * ppm, px + 24 * ppm, py + 40 * ppm), fill=(236, 240, 246))
    return image


def _id_back(doc: SampleDocument, ppm: float, font_path: str | None) -> Image.Image:
    w, h = int(ID_CARD_MM[0] * ppm), int(ID_CARD_MM[1] * ppm)
    image = Image.new("RGB", (w, h), (240, 238, 228))
    pen = _Pen(image, font_path)
    for i in range(0, h, max(2, int(ppm * 1.2))):
        pen.draw.line((0, i, w, i + h // 6), fill=(232, 226, 214), width=1)
    cx, cy, r = 14 * ppm, 14 * ppm, 9 * ppm                 # the emblem area
    pen.draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(200, 40, 40))
    pen.text((cx, cy), "★", int(9 * ppm), fill=(240, 200, 60), anchor="mm")
    pen.text((30 * ppm, 9 * ppm), "中华人民共和国", int(4.4 * ppm))
    pen.text((30 * ppm, 18 * ppm), "居民身份证", int(6.2 * ppm))
    fields = dict(doc.holder)
    pen.text((18 * ppm, 38 * ppm), "签发机关", int(2.6 * ppm), fill=(60, 60, 60))
    pen.text((32 * ppm, 38 * ppm), fields.get("签发机关", ""), int(2.8 * ppm))
    pen.text((18 * ppm, 45 * ppm), "有效期限", int(2.6 * ppm), fill=(60, 60, 60))
    pen.text((32 * ppm, 45 * ppm), fields.get("有效期限", ""), int(2.8 * ppm))
    return image


_RENDERERS = {"page": _page, "id_front": _id_front, "id_back": _id_back}


@functools.lru_cache(maxsize=16)
def render_document(doc: SampleDocument, px_per_mm: float, font_path: str | None = None) -> np.ndarray:
    """The document as a flat BGR image at `px_per_mm` (cached; treat as read-only)."""
    image = _RENDERERS[doc.kind](doc, px_per_mm, font_path if font_path and Path(font_path).exists() else None)
    out = cv2.cvtColor(np.asarray(image), cv2.COLOR_RGB2BGR)
    out.setflags(write=False)
    return out
