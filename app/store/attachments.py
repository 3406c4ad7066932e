"""Content-addressed attachment files (the one place they are read and written)."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import logging
import os
from pathlib import Path

from app.store.errors import StoreError

log = logging.getLogger(__name__)


class AttachmentStore:
    """Stores each distinct content once, under its SHA-256; writes are atomic and fsynced."""

    def __init__(self, root: Path):
        self.root = root

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, content: bytes) -> str:
        digest = hashlib.sha256(content).hexdigest()
        target = self.path(digest)
        if target.exists():
            return digest
        tmp = target.with_name(target.name + ".part")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(tmp, "wb") as f:
                f.write(content)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)
        except OSError as e:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
            log.error("attachment write failed in %s: %s", self.root, e)
            if e.errno == errno.ENOSPC:
                raise StoreError("磁盘空间已满，材料未能保存。请清理磁盘后重新拍摄。") from e
            raise StoreError("材料文件未能保存，请重试；如仍失败请联系技术支持。") from e
        return digest

    def get(self, sha256: str) -> bytes:
        try:
            content = self.path(sha256).read_bytes()
        except OSError as e:
            log.error("attachment %s unreadable: %s", sha256, e)
            raise StoreError("材料文件缺失或无法读取。") from e
        if hashlib.sha256(content).hexdigest() != sha256:
            log.error("attachment %s is corrupt", sha256)
            raise StoreError("材料文件已损坏（校验不符）。")
        return content

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def count(self) -> int:
        """How many scans are stored (half-written files are not counted)."""
        if not self.root.exists():
            return 0
        return sum(1 for p in self.root.glob("??/??/*") if len(p.name) == 64)
