"""CSV and Excel: the wide form under Chinese headers made from the form's labels.

A CSV is written as UTF-8 with a byte-order mark, which Excel needs to show
Chinese text. The workbook has the reports on sheet 报告, the values to check by
hand filled in amber there and listed, most risky first, on sheet 待核
(``review_list``), and, on sheet 字段, each header beside its canonical key
(FIELDS.md) for those who script against it; the reports and keys sheets have an
autofilter on their header row and set column widths.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from govreport.outputs.review_list import append_review_sheet, by_risk, record_entries
from govreport.outputs.rows import HEADERS, REPORT_COLUMNS, report_row, review_keys

COLUMN_NAMES = tuple(name for name, _, _ in REPORT_COLUMNS)
REPORT_SHEET = "报告"
KEY_SHEET = "字段"
REVIEW_FILL = PatternFill("solid", start_color="FFD966", end_color="FFD966")  # amber: a value to check


def _cells(record: dict[str, Any]) -> list[Any]:
    row = report_row(record)
    return [row[name] for name in COLUMN_NAMES]


def _marked(sheet: Any, record: dict[str, Any]) -> list[Any]:
    """The report's row, the cells of its values to check filled."""
    review = set(review_keys(record))
    cells: list[Any] = []
    for name, value in zip(COLUMN_NAMES, _cells(record), strict=True):
        if name in review:
            value = WriteOnlyCell(sheet, value=value)
            value.fill = REVIEW_FILL
        cells.append(value)
    return cells


def write_csv(records: Iterable[dict[str, Any]], path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS[name] for name in COLUMN_NAMES)
        for record in records:
            writer.writerow(_cells(record))


_WIDTHS = {"doc": 40, "error": 30, "broken_identities": 30, "content_sha256": 16, "meta.agency": 28}
_KEY_WIDTH = 14  # a number column: its Chinese header wraps, the figures fit


def _header(sheet: Any, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    cell.font = Font(bold=True)
    return cell


def _widths(sheet: Any, widths: list[float]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def write_xlsx(records: Iterable[dict[str, Any]], path: Path) -> None:
    book = Workbook(write_only=True)  # streams rows to disk: flat memory for any number of reports
    reports = book.create_sheet(REPORT_SHEET)
    reports.freeze_panes = "B2"
    _widths(reports, [_WIDTHS.get(name, _KEY_WIDTH) for name in COLUMN_NAMES])  # set before the first row
    reports.append([_header(reports, HEADERS[name]) for name in COLUMN_NAMES])
    rows = 1
    entries = []
    for record in records:
        reports.append(_marked(reports, record))
        entries += record_entries(record)
        rows += 1
    reports.auto_filter.ref = f"A1:{get_column_letter(len(COLUMN_NAMES))}{rows}"
    append_review_sheet(book, by_risk(entries))
    keys = book.create_sheet(KEY_SHEET)
    _widths(keys, [60, 40])
    keys.append(["列名", "字段"])
    for name in COLUMN_NAMES:
        keys.append([HEADERS[name], name])
    keys.auto_filter.ref = f"A1:B{len(COLUMN_NAMES) + 1}"
    book.save(path)
