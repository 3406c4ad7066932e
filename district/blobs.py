"""Attachment files on disk, stored by SHA-256, received in resumable chunks and verified before use."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
from pathlib import Path
from typing import BinaryIO

HEX64 = re.compile(r"^[0-9a-f]{64}$")
MAX_ATTACHMENT = 64 * 1024 * 1024


class OffsetMismatch(Exception):
    def __init__(self, current: int):
        super().__init__(f"upload continues at {current}")
        self.current = current


class HashMismatch(Exception):
    pass


class BlobStore:
    """`attachments/ab/cd/<sha256>` once complete; `uploads/<device>/<sha256>.part` while arriving."""

    def __init__(self, root: Path):
        self.root = root
        self.done = root / "attachments"
        self.uploads = root / "uploads"

    def path(self, sha256: str) -> Path:
        return self.done / sha256[:2] / sha256[2:4] / sha256

    def partial(self, device_id: str, sha256: str) -> Path:
        return self.uploads / device_id / f"{sha256}.part"

    def has(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def offset(self, device_id: str, sha256: str) -> int:
        try:
            return self.partial(device_id, sha256).stat().st_size
        except FileNotFoundError:
            return 0

    def append(self, device_id: str, sha256: str, offset: int, total: int, chunk: bytes | BinaryIO,
               size: int | None = None) -> tuple[int, bool]:
        """Add a chunk (bytes, or a file of `size` bytes) at `offset`; returns (bytes received, complete). The
        last chunk verifies the hash."""
        length = len(chunk) if isinstance(chunk, bytes | bytearray) else int(size or 0)
        part = self.partial(device_id, sha256)
        current = self.offset(device_id, sha256)
        if offset != current:
            raise OffsetMismatch(current)
        if offset + length > total:
            raise ValueError("chunk runs past the declared length")
        part.parent.mkdir(parents=True, exist_ok=True)
        # A chunk is not synced to disk on its own: after a crash the file keeps whatever prefix survived,
        # the upload resumes from its size, and the hash check below catches anything else.
        with open(part, "ab") as f:
            if isinstance(chunk, bytes | bytearray):
                f.write(chunk)
            else:
                shutil.copyfileobj(chunk, f, 1 << 20)
        received = offset + length
        if received < total:
            return received, False
        digest = hashlib.sha256()
        with open(part, "r+b") as f:
            while block := f.read(1 << 20):
                digest.update(block)
            os.fsync(f.fileno())            # durable before it is published under its hash
        if digest.hexdigest() != sha256:
            part.unlink(missing_ok=True)
            raise HashMismatch(sha256)
        target = self.path(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(part, target)
        with contextlib.suppress(OSError):
            fd = os.open(target.parent, os.O_RDONLY)
            os.fsync(fd)
            os.close(fd)
        return received, True

    def sweep_partials(self, older_than_s: float) -> int:
        """Delete interrupted uploads nobody continued for `older_than_s` seconds; returns how many."""
        import time

        if not self.uploads.exists():
            return 0
        limit, removed = time.time() - older_than_s, 0
        for part in self.uploads.glob("*/*.part"):
            with contextlib.suppress(OSError):
                if part.stat().st_mtime < limit:
                    part.unlink()
                    removed += 1
        return removed

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()
