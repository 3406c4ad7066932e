"""The printer simulator: each job becomes a PDF file in a folder.

In the training profile's own printouts folder the files are sealed like the scans (`seal`, the workstation's
file cipher): ``….pdf.zce``, opened with `zongchuang --profile training print open FILE --out COPY.pdf`. A
folder the user names (the demo's and scripted visits' `--out`) gets plain PDFs: that is what was asked for."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from app.devices.errors import PrinterError
from app.devices.printer.base import PrintJob, PrintResult
from app.i18n import _

log = logging.getLogger(__name__)


SEALED_SUFFIX = ".zce"


class SimulatedPrinter:
    def __init__(self, out_dir: Path, name: str = "模拟打印机", seal: Callable[[bytes, str], bytes] | None = None):  # i18n: data
        self.out_dir = out_dir
        self.name = name
        self.seal = seal

    def print_pdf(self, job: PrintJob) -> PrintResult:
        safe = re.sub(r"[^\w\-]+", "_", job.title).strip("_")
        path = self.out_dir / f"{datetime.now():%Y%m%d-%H%M%S-%f}-{safe}.pdf"
        content = job.pdf
        if self.seal is not None:
            path = path.with_name(path.name + SEALED_SUFFIX)
            content = self.seal(job.pdf, path.name)
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(content)
        except OSError as e:
            log.error("simulated printer could not write %s: %s", path, e)
            raise PrinterError(_("打印失败：模拟打印机无法写入输出文件夹，打印任务已保留，可重试。")) from e
        return PrintResult(self.name, path)
