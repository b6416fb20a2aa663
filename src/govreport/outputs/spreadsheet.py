"""CSV and Excel: the wide form under Chinese headers made from the form's labels.

A CSV is written as UTF-8 with a byte-order mark, which Excel needs to show
Chinese text. The workbook has the reports on sheet 报告 and, on sheet 字段,
each header beside its canonical key (FIELDS.md) for those who script against it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from govreport.outputs.rows import HEADERS, REPORT_COLUMNS, report_row

COLUMN_NAMES = tuple(name for name, _, _ in REPORT_COLUMNS)
REPORT_SHEET = "报告"
KEY_SHEET = "字段"


def _cells(record: dict[str, Any]) -> list[Any]:
    row = report_row(record)
    return [row[name] for name in COLUMN_NAMES]


def write_csv(records: Iterable[dict[str, Any]], path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS[name] for name in COLUMN_NAMES)
        for record in records:
            writer.writerow(_cells(record))


def write_xlsx(records: Iterable[dict[str, Any]], path: Path) -> None:
    book = Workbook(write_only=True)  # streams rows to disk: flat memory for any number of reports
    reports = book.create_sheet(REPORT_SHEET)
    reports.freeze_panes = "B2"
    reports.append([HEADERS[name] for name in COLUMN_NAMES])
    for record in records:
        reports.append(_cells(record))
    keys = book.create_sheet(KEY_SHEET)
    keys.append(["列名", "字段"])
    for name in COLUMN_NAMES:
        keys.append([HEADERS[name], name])
    book.save(path)
