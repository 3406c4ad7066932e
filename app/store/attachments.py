"""Content-addressed attachment files (the one place they are read and written).

Each scan is stored once under the SHA-256 of its plain content, so deduplication and sync work as before,
and (with a cipher) encrypted at rest with AES-GCM. A plain file left from before encryption still reads
(its hash is checked) until `encrypt_existing` seals it.
"""

from __future__ import annotations

import errno
import hashlib
import logging
from collections.abc import Iterator
from pathlib import Path

from app.i18n import _
from app.store.errors import StoreError
from app.store.files import DecryptError, FileCipher, is_sealed, write_private

log = logging.getLogger(__name__)
SEALED_MARKER = ".sealed"


class AttachmentStore:
    """Stores each distinct content once, under its SHA-256; writes are atomic, fsynced and 0600."""

    def __init__(self, root: Path, cipher: FileCipher | None = None):
        self.root = root
        self.cipher = cipher

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def _write(self, target: Path, digest: str, content: bytes) -> None:
        data = self.cipher.seal(content, digest) if self.cipher else content
        try:
            write_private(target, data)
        except OSError as e:
            log.error("attachment write failed in %s: %s", self.root, e)
            if e.errno == errno.ENOSPC:
                raise StoreError(_("磁盘空间已满，材料未能保存。请清理磁盘后重新拍摄。")) from e
            raise StoreError(_("材料文件未能保存，请重试；如仍失败请联系技术支持。")) from e

    def put(self, content: bytes) -> str:
        digest = hashlib.sha256(content).hexdigest()
        target = self.path(digest)
        if not target.exists():
            self._write(target, digest, content)
        return digest

    def get(self, sha256: str) -> bytes:
        try:
            stored = self.path(sha256).read_bytes()
        except OSError as e:
            log.error("attachment %s unreadable: %s", sha256, e)
            raise StoreError(_("材料文件缺失或无法读取。")) from e
        content = stored
        if is_sealed(stored):
            if self.cipher is None:
                raise StoreError(_("材料文件已加密，但没有本工作站的数据密钥。"))
            try:
                content = self.cipher.open(stored, sha256)
            except DecryptError as e:
                log.error("attachment %s does not decrypt: %s", sha256, e)
                raise StoreError(_("材料文件已损坏或不属于本工作站（无法解密）。")) from e
        if hashlib.sha256(content).hexdigest() != sha256:
            log.error("attachment %s is corrupt", sha256)
            raise StoreError(_("材料文件已损坏（校验不符）。"))
        return content

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def delete(self, sha256: str) -> None:
        self.path(sha256).unlink(missing_ok=True)

    def files(self) -> Iterator[Path]:
        """Every stored scan (half-written files are not counted)."""
        if self.root.exists():
            yield from (p for p in self.root.glob("??/??/*") if len(p.name) == 64)

    def count(self) -> int:
        return sum(1 for _unused in self.files())

    def plain_files(self) -> list[Path]:
        """Scans stored without encryption (from before encryption was turned on)."""
        out = []
        for p in self.files():
            with open(p, "rb") as f:
                if not is_sealed(f.read(4)):
                    out.append(p)
        return out

    def encrypt_existing(self) -> int:
        """Seal every plain scan in place (each file replaced atomically: plain or sealed, never half). Once
        all are sealed a marker says so, and later starts do not walk the scans again."""
        marker = self.root / SEALED_MARKER
        if self.cipher is None or marker.exists():
            return 0
        done = 0
        for p in self.plain_files():
            content = p.read_bytes()
            if hashlib.sha256(content).hexdigest() != p.name:
                log.error("attachment %s is corrupt; left as it is", p.name)
                continue
            self._write(p, p.name, content)
            done += 1
        write_private(marker, b"every scan in this folder is sealed\n")
        return done
