"""A real CUPS server with a cups-pdf queue for printing tests (started here when the machine allows it)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

QUEUE = "ZC_TEST_PDF"
PPD = "lsb/usr/cups-pdf/CUPS-PDF_opt.ppd"


@dataclass(frozen=True)
class CupsPdfPrinter:
    name: str
    output: Path          # where cups-pdf writes each job (the printing user's ~/PDF)

    def disable(self) -> None:
        subprocess.run(["cupsdisable", self.name], check=True)

    def enable(self) -> None:
        subprocess.run(["cupsenable", self.name], check=True)

    def wait_for_pdf(self, before: set[Path], timeout: float = 30) -> Path:
        """The next PDF cups-pdf writes (its name is the job title, escaped and cut short)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            new = [p for p in self.output.glob("*.pdf") if p not in before]
            if new and subprocess.run(["pdfinfo", str(new[0])], capture_output=True).returncode == 0:
                return new[0]
            time.sleep(0.2)
        raise TimeoutError(f"cups-pdf wrote no PDF into {self.output}")


def _scheduler_running() -> bool:
    return subprocess.run(["lpstat", "-r"], capture_output=True, text=True).stdout.startswith("scheduler is running")


def start_cups_pdf() -> CupsPdfPrinter | str:
    """The test queue, or the reason it cannot exist on this machine."""
    if not all(shutil.which(t) for t in ("cupsd", "lpadmin", "lpstat", "cupsenable")):
        return "CUPS is not installed (apt install cups printer-driver-cups-pdf)"
    if not Path("/usr/lib/cups/backend/cups-pdf").exists():
        return "the cups-pdf backend is not installed (apt install printer-driver-cups-pdf)"
    if not _scheduler_running():
        if os.geteuid() != 0:
            return "the CUPS scheduler is not running and only root can start it"
        subprocess.run(["cupsd"], check=True)
        for _ in range(50):
            if _scheduler_running():
                break
            time.sleep(0.1)
    added = subprocess.run(["lpadmin", "-p", QUEUE, "-E", "-v", "cups-pdf:/", "-m", PPD],
                           capture_output=True, text=True)
    if added.returncode != 0:
        return f"lpadmin could not add the cups-pdf queue: {added.stderr.strip()}"
    subprocess.run(["cupsenable", QUEUE], check=False)
    output = Path.home() / "PDF"
    output.mkdir(exist_ok=True)
    return CupsPdfPrinter(QUEUE, output)
