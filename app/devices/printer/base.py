"""The printer Protocol: a document's PDF in, a job on paper (or in the simulator's folder) out."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from app.domain.documents import Paper


@dataclass(frozen=True)
class PrintJob:
    title: str        # e.g. "受理回执 ZC01-20261124-0001" (the spooler shows it as the document name)
    pdf: bytes
    paper: Paper = Paper.A4
    copies: int = 1


@dataclass(frozen=True)
class PrintResult:
    printer: str
    output: Path | None = None   # where the simulator wrote the PDF


class Printer(Protocol):
    name: str

    def print_pdf(self, job: PrintJob) -> PrintResult:
        """Print the job; raises PrinterError with a message for the clerk (the caller keeps the job)."""
