"""Rotating log files (0600) with personal data masked in every line, tracebacks included."""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

from app.redaction import redact


class MaskingFormatter(logging.Formatter):
    """Masks the whole formatted record: the message, its arguments and any traceback or stack."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def configure_logging(log_dir: Path, level: int = logging.INFO) -> None:
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / "zongchuang.log"
    if not path.exists():
        path.touch(mode=0o600)
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    os.chmod(path, 0o600)
    handler.setFormatter(MaskingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    # A log that cannot be written (a full disk) must not pour tracebacks onto the terminal instead.
    logging.raiseExceptions = False
    root = logging.getLogger()
    root.setLevel(level)
    for h in list(root.handlers):
        if getattr(h, "_zongchuang", False):
            root.removeHandler(h)
    handler._zongchuang = True
    root.addHandler(handler)
