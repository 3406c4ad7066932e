"""The workstation's entry point run as the windowed build runs it — with no stdout and no stderr at all
(the test starts it with both closed) — recording each dialog it shows into the JSON file named by the
first argument and answering it (OK for a message, cancel for the login), so the run ends by itself."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from app.ui.application import ensure_qapplication

out = Path(sys.argv[1])
seen = {"stdout": sys.stdout is not None, "stderr": sys.stderr is not None, "dialogs": []}


def record() -> None:
    out.write_text(json.dumps(seen, ensure_ascii=False), encoding="utf-8")


def answer() -> None:
    for w in QApplication.topLevelWidgets():
        if isinstance(w, QDialog) and w.isVisible():
            message = isinstance(w, QMessageBox)
            seen["dialogs"].append({"kind": type(w).__name__, "name": w.objectName(), "title": w.windowTitle(),
                                    "text": w.text() if message else ""})
            record()
            w.accept() if message else w.reject()


ensure_qapplication()
timer = QTimer()
timer.timeout.connect(answer)
timer.start(150)

from app.cli import main  # noqa: E402

seen["exit"] = main(sys.argv[2:])
record()
