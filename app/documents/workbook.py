"""Excel workbooks the window exports (openpyxl): a sheet per table, bold white headers on blue, columns wide
enough for their longest cell, the header row frozen."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter


def write_sheet(ws, headers: Sequence[str], rows: Sequence[Sequence]) -> None:
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F618D")
    for row in rows:
        ws.append(list(row))
    for i, header in enumerate(headers, 1):
        longest = max([len(str(header))] + [len(str(r[i - 1])) for r in rows])
        ws.column_dimensions[get_column_letter(i)].width = min(50, 4 + longest * 2)
    ws.freeze_panes = "A2"


def workbook_bytes(sheets: Sequence[tuple[str, Sequence[str], Sequence[Sequence]]]) -> bytes:
    """A workbook of (title, headers, rows) sheets, in order."""
    wb = Workbook()
    for n, (title, headers, rows) in enumerate(sheets):
        ws = wb.active if n == 0 else wb.create_sheet()
        ws.title = title
        write_sheet(ws, headers, rows)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
