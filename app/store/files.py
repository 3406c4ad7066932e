"""Files that hold personal data: written atomically, readable by the owner only, optionally encrypted.

The encrypted format (scans, printouts) is ``ZCE1`` + a 12-byte nonce + AES-256-GCM ciphertext and tag; the
associated data is the file's name (a scan's SHA-256), so a file copied over another one fails to open.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"ZCE1"
_NONCE = 12
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


class DecryptError(Exception):
    """The file was encrypted with another key, or changed since."""


class FileCipher:
    def __init__(self, key: bytes):
        self._aead = AESGCM(key)

    def seal(self, content: bytes, name: str) -> bytes:
        nonce = os.urandom(_NONCE)
        return MAGIC + nonce + self._aead.encrypt(nonce, content, name.encode())

    def open(self, sealed: bytes, name: str) -> bytes:
        if not is_sealed(sealed):
            raise DecryptError("not an encrypted file")
        nonce = sealed[len(MAGIC):len(MAGIC) + _NONCE]
        try:
            return self._aead.decrypt(nonce, sealed[len(MAGIC) + _NONCE:], name.encode())
        except InvalidTag as e:
            raise DecryptError("authentication failed") from e


def is_sealed(content: bytes) -> bool:
    return content[:len(MAGIC)] == MAGIC


def private_umask() -> None:
    """Everything this process creates from now on is readable by its own account only (POSIX)."""
    if os.name == "posix":
        os.umask(0o077)


def make_private(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.chmod(path, PRIVATE_DIR if path.is_dir() else PRIVATE_FILE)


def write_private(path: Path, content: bytes) -> None:
    """Atomically replace `path` with `content`, fsynced, mode 0600; the temporary file never outlives a failure."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), PRIVATE_FILE)
        with os.fdopen(fd, "wb") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise


def exposed(paths: Iterable[Path]) -> list[Path]:
    """The files and folders among `paths` that another account can read (always empty on Windows, where the
    profile lives under the user's own folder and its ACL)."""
    if os.name != "posix":
        return []
    out = []
    for p in paths:
        with contextlib.suppress(OSError):
            if p.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
                out.append(p)
    return out
