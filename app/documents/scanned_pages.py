"""A material's scanned pages as one PDF: each JPEG embedded as it is stored (no re-encoding)."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas


def scanned_pages_pdf(title: str, pages: list[bytes]) -> bytes:
    """One PDF page per JPEG, fitted to A4 (portrait or landscape by the image), centred.

    reportlab writes a JPEG source straight into the file as a DCT stream, so the PDF holds
    exactly the stored bytes and its pages are as sharp as the scans."""
    if not pages:
        raise ValueError("no pages")
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, pageCompression=1)
    pdf.setTitle(title)
    pdf.setCreator("综窗")
    for jpeg in pages:
        image = ImageReader(io.BytesIO(jpeg))
        w, h = image.getSize()
        page_w, page_h = landscape(A4) if w > h else A4
        pdf.setPageSize((page_w, page_h))
        scale = min(page_w / w, page_h / h)
        draw_w, draw_h = w * scale, h * scale
        pdf.drawImage(image, (page_w - draw_w) / 2, (page_h - draw_h) / 2, draw_w, draw_h)
        pdf.showPage()
    pdf.save()
    return out.getvalue()
