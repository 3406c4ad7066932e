"""The workstation's data key: generated once per profile, protected by the operating system.

One random 256-bit master key per profile; the database key (SQLCipher, raw) and the file key (AES-GCM for
scans and printouts) are derived from it with HKDF, so neither is ever stored. Where the master key lives:

- ``dpapi`` (Windows): encrypted with DPAPI for the Windows account (`CryptProtectData`, pywin32);
- ``keyring`` (Linux desktops): in the Secret Service (GNOME Keyring, KWallet) through `keyring`;
- ``file``: a 0600 file in the profile's folder — the documented fallback where neither exists (servers,
  CI, a Linux box without a desktop keyring). It protects against other accounts, not against someone who
  can read the clerk's own files.

`key.json` in the profile's folder always says which one holds the key, so a key that cannot be found is an
error ("the data cannot be opened"), never a reason to make a new one over existing data.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import logging
import os
import secrets
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.i18n import _
from app.store.errors import StoreError
from app.store.files import write_private

log = logging.getLogger(__name__)

KEY_FILE = "key.json"
KEYRING_SERVICE = "Zongchuang"
METHODS = ("auto", "dpapi", "keyring", "file")


class KeyUnavailable(StoreError):
    """The profile's key exists but cannot be read (another Windows account, keyring locked or lost)."""


@dataclass(frozen=True)
class WorkstationKey:
    master: bytes
    method: str

    def _derive(self, purpose: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"zongchuang " + purpose).derive(self.master)

    @property
    def database(self) -> str:
        """SQLCipher's raw-key form (no passphrase stretching: the key is already random)."""
        return f"x'{self._derive(b'database').hex()}'"

    @property
    def files(self) -> bytes:
        return self._derive(b"files")

    @property
    def audit(self) -> bytes:
        """Keys the audit log's hash chain."""
        return self._derive(b"audit")

    @property
    def fingerprint(self) -> str:
        """Names the key without revealing it (shown by `db check`)."""
        return hmac.new(self.master, b"fingerprint", hashlib.sha256).hexdigest()[:12]


def _dpapi_protect(secret: bytes) -> bytes:
    import win32crypt  # pywin32, Windows only

    return win32crypt.CryptProtectData(secret, "Zongchuang workstation key", None, None, None, 0)


def _dpapi_unprotect(blob: bytes) -> bytes:
    import win32crypt

    return win32crypt.CryptUnprotectData(blob, None, None, None, 0)[1]


def _usable_keyring():
    """The system keyring backend, or None where there is only keyring's "fail" or a plaintext file backend."""
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
    except Exception as e:   # a broken D-Bus session must not stop the workstation from starting
        log.info("no keyring: %s", e)
        return None
    name = type(backend).__module__
    if isinstance(backend, fail.Keyring) or "plaintext" in name.lower() or getattr(backend, "priority", 0) <= 0:
        return None
    return backend


def _account(data_dir: Path) -> str:
    """One keyring entry per profile folder."""
    return hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:24]


def _choose(method: str) -> str:
    if method != "auto":
        return method
    if sys.platform == "win32":
        return "dpapi"
    return "keyring" if _usable_keyring() is not None else "file"


def _unavailable(detail: str) -> KeyUnavailable:
    log.error("workstation key unavailable: %s", detail)
    return KeyUnavailable(_("无法读取本工作站的数据密钥，已保存的办件无法打开。请用创建数据的同一 Windows 账号登录，"
                          "或联系技术支持（详见日志）。"))


def _read(data_dir: Path, record: dict) -> WorkstationKey:
    method = record.get("method")
    try:
        if method == "file":
            master = base64.b64decode(record["key"])
        elif method == "dpapi":
            master = _dpapi_unprotect(base64.b64decode(record["blob"]))
        elif method == "keyring":
            backend = _usable_keyring()
            if backend is None:
                raise _unavailable("the key is in the keyring but no keyring is available")
            stored = backend.get_password(KEYRING_SERVICE, record.get("account") or _account(data_dir))
            if stored is None:
                raise _unavailable("the keyring has no entry for this profile")
            master = base64.b64decode(stored)
        else:
            raise _unavailable(f"unknown key method {method!r}")
    except KeyUnavailable:
        raise
    except Exception as e:
        raise _unavailable(f"{method}: {type(e).__name__}: {e}") from e
    key = WorkstationKey(master, method)
    if len(master) != 32 or (record.get("fingerprint") and record["fingerprint"] != key.fingerprint):
        raise _unavailable(f"{method}: the stored key does not match its fingerprint")
    return key


def _create(data_dir: Path, method: str) -> WorkstationKey:
    master = secrets.token_bytes(32)
    key = WorkstationKey(master, method)
    record: dict = {"version": 1, "method": method, "fingerprint": key.fingerprint}
    if method == "file":
        record["key"] = base64.b64encode(master).decode()
    elif method == "dpapi":
        record["blob"] = base64.b64encode(_dpapi_protect(master)).decode()
    elif method == "keyring":
        backend = _usable_keyring()
        if backend is None:
            raise StoreError(_("系统密钥环不可用，无法保存数据密钥（可在设置中将 key_store 设为 file）。"))
        record["account"] = _account(data_dir)
        backend.set_password(KEYRING_SERVICE, record["account"], base64.b64encode(master).decode())
    else:
        raise StoreError(_("密钥保存方式“{method}”无效：应为 {methods}").format(method=method, methods=' / '.join(METHODS)))
    write_private(data_dir / KEY_FILE, json.dumps(record, indent=2).encode())
    log.info("created the workstation key (%s, fingerprint %s)", method, key.fingerprint)
    return key


def load_key(data_dir: Path) -> WorkstationKey | None:
    """The profile's key if it has one (for `db check`: never creates a key)."""
    path = data_dir / KEY_FILE
    if not path.exists():
        return None
    return _read(data_dir, _load_record(path))


def _load_record(path: Path) -> dict:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise _unavailable(f"{path} unreadable: {e}") from e
    if not isinstance(record, dict):
        raise _unavailable(f"{path} is not a key record")
    return record


def open_key(data_dir: Path, method: str = "auto", *, has_data: Callable[[], bool] = lambda: False) -> WorkstationKey:
    """The profile's key, created on first use. `has_data` says whether encrypted data already exists: then a
    missing key is an error rather than a new key."""
    path = data_dir / KEY_FILE
    if path.exists():
        return _read(data_dir, _load_record(path))
    if has_data():
        raise _unavailable(f"{path} is missing but the profile holds encrypted data")
    data_dir.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(data_dir, 0o700)
    return _create(data_dir, _choose(method))
