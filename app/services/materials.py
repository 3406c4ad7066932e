"""A material's scanned pages: add, reorder, turn, delete, recapture, check against the original, export.

Every change stores the new page files first (content-addressed) and then records the material's
new page list in one event on every case of the application, so a failure (a full disk) leaves
the case exactly as it was.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import numpy as np

from app.documents.scanned_pages import scanned_pages_pdf
from app.domain.accounts import Clerk
from app.domain.case import EvidenceGrade, MaterialStatus
from app.domain.errors import DomainError
from app.i18n import _
from app.imaging.correct import turn
from app.imaging.encode import decode_image, encode_jpeg, thumbnail
from app.imaging.id_copy import compose_id_copy
from app.imaging.stamp import stamp_verified
from app.services.intake import Application, IntakeService
from app.services.workers import Workers, runs_on
from app.store.database import Store

log = logging.getLogger(__name__)

THUMBNAILS_KEPT = 400


class MaterialPagesService:
    def __init__(self, store: Store, intake: IntakeService, workers: Workers, font_path: str | None,
                 jpeg_quality: int = 85):
        self.store, self.intake, self.workers = store, intake, workers
        self.font_path = font_path
        self.quality = jpeg_quality
        self._thumbnails: dict[tuple[str, int], bytes] = {}

    def pages(self, app: Application, code: str) -> list[str]:
        return app.attachments_of(code)

    @runs_on("db")
    def add(self, app: Application, code: str, jpegs: list[bytes], clerk: Clerk) -> list[str]:
        """Append pages; returns the material's page hashes."""
        return self.intake.attach_pages(app, code, jpegs, clerk)

    def _set(self, app: Application, code: str, hashes: list[str], clerk: Clerk,
             grade: EvidenceGrade | None = None) -> list[str]:
        status = MaterialStatus.CAPTURED if hashes else MaterialStatus.MISSING
        self.intake.mark_material(app, code, status, clerk, attachments=hashes, grade=grade)
        return hashes

    def _index(self, app: Application, code: str, index: int) -> list[str]:
        hashes = self.pages(app, code)
        if not 0 <= index < len(hashes):
            raise DomainError(_("材料“{name}”没有第{index}页").format(name=app.material(code).name, index=index + 1))
        return hashes

    @runs_on("db")
    def move(self, app: Application, code: str, index: int, to: int, clerk: Clerk) -> list[str]:
        hashes = self._index(app, code, index)
        page = hashes.pop(index)
        hashes.insert(max(0, min(to, len(hashes))), page)
        return self._set(app, code, hashes, clerk)

    @runs_on("db")
    def reorder(self, app: Application, code: str, order: list[str], clerk: Clerk) -> list[str]:
        """Put the pages in the order the clerk dragged them to (the same pages, nothing added or lost)."""
        if sorted(order) != sorted(self.pages(app, code)):
            raise DomainError(_("页面已变化，请重新拖动排序"))
        return self._set(app, code, list(order), clerk)

    @runs_on("db")
    def delete(self, app: Application, code: str, index: int, clerk: Clerk) -> list[str]:
        hashes = self._index(app, code, index)
        del hashes[index]
        return self._set(app, code, hashes, clerk)

    @runs_on("cpu")
    def rotate(self, app: Application, code: str, index: int, quarter_turns: int, clerk: Clerk) -> list[str]:
        """Turn one page by 90° steps clockwise (the page is re-encoded at the configured quality)."""
        hashes = self._index(app, code, index)
        image = decode_image(self.store.attachments.get(hashes[index]))
        hashes[index] = self.store.attachments.put(encode_jpeg(turn(image, quarter_turns), self.quality))
        return self._set(app, code, hashes, clerk)

    @runs_on("db")
    def replace(self, app: Application, code: str, index: int, jpeg: bytes, clerk: Clerk) -> list[str]:
        """Recapture: the new page takes the old one's place."""
        hashes = self._index(app, code, index)
        hashes[index] = self.store.attachments.put(jpeg)
        return self._set(app, code, hashes, clerk)

    @runs_on("db")
    def set_grade(self, app: Application, code: str, grade: EvidenceGrade, clerk: Clerk) -> None:
        if grade is EvidenceGrade.B:
            raise DomainError(_("B 级须由“核验原件”加盖核对标记后获得"))
        status = app.status_of(code)
        if status is MaterialStatus.MISSING:
            raise DomainError(_("材料“{name}”尚未收取，不能定级").format(name=app.material(code).name))
        self.intake.mark_material(app, code, status, clerk, grade=grade)

    @runs_on("cpu")
    def verify_against_original(self, app: Application, code: str, clerk: Clerk, on: date) -> list[str]:
        """核验原件: every page gets the mark 此件经与原件核对无误 with the clerk and date; grade B."""
        hashes = self.pages(app, code)
        if not hashes:
            raise DomainError(_("材料“{name}”还没有拍摄页面，无法核验原件").format(name=app.material(code).name))
        if not self.font_path:
            raise DomainError(_("找不到中文字体，无法加盖核验标记"))
        stamped = []
        for h in hashes:
            image = stamp_verified(decode_image(self.store.attachments.get(h)), clerk.display_name, on, self.font_path)
            stamped.append(self.store.attachments.put(encode_jpeg(image, self.quality)))
        log.info("material %s verified against the original by %s (%d pages)", code, clerk.username, len(stamped))
        return self._set(app, code, stamped, clerk, grade=EvidenceGrade.B)

    @runs_on("cpu")
    def add_id_copy(self, app: Application, code: str, front: bytes, back: bytes, clerk: Clerk) -> list[str]:
        """身份证复印件: both sides composed at true size on one A4 page (300 dpi), appended to the material."""
        sheet = compose_id_copy(decode_image(front), decode_image(back))
        return self.add(app, code, [encode_jpeg(sheet, self.quality)], clerk)

    @runs_on("cpu")
    def pdf(self, app: Application, code: str) -> bytes:
        """The material's pages as one PDF (the stored JPEGs embedded as they are)."""
        hashes = self.pages(app, code)
        if not hashes:
            raise DomainError(_("材料“{name}”还没有拍摄页面").format(name=app.material(code).name))
        return scanned_pages_pdf(f"{app.primary.case_number} {app.material(code).name}",
                                 [self.store.attachments.get(h) for h in hashes])

    @runs_on("cpu")
    def thumbnail(self, sha256: str, side: int = 160) -> bytes:
        """A small JPEG of a stored page (kept in memory: pages never change under their hash)."""
        key = (sha256, side)
        if key not in self._thumbnails:
            if len(self._thumbnails) >= THUMBNAILS_KEPT:
                self._thumbnails.pop(next(iter(self._thumbnails)))
            image = decode_image(self.store.attachments.get(sha256))
            self._thumbnails[key] = encode_jpeg(thumbnail(image, side), 80)
        return self._thumbnails[key]

    @runs_on("cpu")
    def thumbnails(self, hashes: list[str], known: set[str], side: int = 160) -> list[tuple[str, np.ndarray | None]]:
        """Each page with its thumbnail decoded to pixels (None for the pages the caller already shows)."""
        return [(h, None if h in known else decode_image(self.thumbnail(h, side))) for h in hashes]

    @runs_on("cpu")
    def export_pdf(self, app: Application, code: str, path: Path) -> Path:
        """Write the material's pages as one PDF file."""
        path.write_bytes(self.pdf(app, code))
        return path
