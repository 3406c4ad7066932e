"""The printer simulator: each job becomes a PDF file in a folder."""

from __future__ import annotations

import logging
import re
from datetime import datetime
from pathlib import Path

from app.devices.errors import PrinterError
from app.devices.printer.base import PrintJob, PrintResult

log = logging.getLogger(__name__)


class SimulatedPrinter:
    def __init__(self, out_dir: Path, name: str = "模拟打印机"):
        self.out_dir = out_dir
        self.name = name

    def print_pdf(self, job: PrintJob) -> PrintResult:
        safe = re.sub(r"[^\w\-]+", "_", job.title).strip("_")
        path = self.out_dir / f"{datetime.now():%Y%m%d-%H%M%S-%f}-{safe}.pdf"
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            path.write_bytes(job.pdf)
        except OSError as e:
            log.error("simulated printer could not write %s: %s", path, e)
            raise PrinterError("打印失败：模拟打印机无法写入输出文件夹，打印任务已保留，可重试。") from e
        return PrintResult(self.name, path)
