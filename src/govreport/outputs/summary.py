"""``govreport summary OUT``: what an auditing office reads first about a batch.

Counts per form version, report year and agency; the failures, grouped by
message; the broken identities, by kind and by report; how many values are to be
checked by hand (the review list) and in which reports. It reads any output
written by ``extract``: a JSONL journal, Parquet (the ``.wide.parquet`` beside a
long ``.parquet``), CSV, Excel or DuckDB; every format gives the same report
rows (``rows.report_row``), so the summary is the same whichever is read.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from govreport.outputs.rows import HEADERS, report_row

SUMMARY_COLUMNS = ("doc", "error", "broken_identities", "review", "meta.agency", "meta.year", "meta.template")
_BY_HEADER = {header: name for name, header in HEADERS.items()}


class BrokenReport(BaseModel):
    doc: str
    agency: str | None
    identities: list[list[str]]


class Summary(BaseModel):
    reports: int = 0
    failed: int = 0
    templates: Counter[str] = Field(default_factory=Counter)
    years: Counter[str] = Field(default_factory=Counter)
    agencies: Counter[str] = Field(default_factory=Counter)
    errors: Counter[str] = Field(default_factory=Counter)  # failure message -> documents
    failed_docs: list[tuple[str, str]] = Field(default_factory=list)
    identity_kinds: Counter[str] = Field(default_factory=Counter)  # "t3 row_total" -> broken instances
    broken_reports: list[BrokenReport] = Field(default_factory=list)
    warnings: int = 0  # prose vs table (identity 6), soft
    to_check: int = 0  # values on the review lists
    review_reports: list[tuple[str, int]] = Field(default_factory=list)  # report -> values to check

    def add(self, row: dict[str, Any]) -> None:
        self.reports += 1
        if row.get("error"):
            self.failed += 1
            self.errors[row["error"]] += 1
            self.failed_docs.append((row["doc"], row["error"]))
            return
        self.templates[str(row.get("meta.template") or "none")] += 1
        self.years[str(row.get("meta.year") or "unknown")] += 1
        self.agencies[str(row.get("meta.agency") or "unknown")] += 1
        identities = json.loads(row["broken_identities"]) if row.get("broken_identities") else []
        hard = [i for i in identities if i[1] != "prose_table"]
        self.warnings += len(identities) - len(hard)
        self.identity_kinds.update(f"{i[0]} {i[1]}" for i in hard)
        if hard:
            self.broken_reports.append(BrokenReport(doc=row["doc"], agency=row.get("meta.agency"), identities=hard))
        review = json.loads(row["review"]) if row.get("review") else []
        if review:
            self.to_check += len(review)
            self.review_reports.append((row["doc"], len(review)))


# ---------------------------------------------------------------- reading any output
def _from_jsonl(path: Path, columns: Sequence[str]) -> Iterator[dict[str, Any]]:
    from govreport.corrections import corrected_records

    return (report_row(record) for record in corrected_records(path))


def _from_parquet(path: Path, columns: Sequence[str]) -> Iterator[dict[str, Any]]:
    import pyarrow.parquet as pq

    from govreport.outputs.parquet import wide_path

    if "key" in pq.read_schema(path).names:
        path = wide_path(path)  # the long form was named: its wide companion has one row per report
    for batch in pq.ParquetFile(path).iter_batches(columns=list(columns)):
        yield from batch.to_pylist()


def _from_duckdb(path: Path, columns: Sequence[str]) -> Iterator[dict[str, Any]]:
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        selected = ", ".join(f'"{name}"' for name in columns)
        cursor = con.execute(f"SELECT {selected} FROM reports ORDER BY doc")
        while batch := cursor.fetchmany(1024):
            yield from (dict(zip(columns, row, strict=True)) for row in batch)
    finally:
        con.close()


def _keyed(headers: list[Any], cells: Iterator[Any] | tuple[Any, ...]) -> dict[str, Any]:
    return {_BY_HEADER.get(str(h), str(h)): (None if c == "" else c) for h, c in zip(headers, cells, strict=False)}


def _from_csv(path: Path, columns: Sequence[str]) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        headers = next(reader, [])
        yield from (_keyed(headers, row) for row in reader)


def _from_xlsx(path: Path, columns: Sequence[str]) -> Iterator[dict[str, Any]]:
    from openpyxl import load_workbook

    from govreport.outputs.spreadsheet import REPORT_SHEET

    book = load_workbook(path, read_only=True)
    try:
        rows = book[REPORT_SHEET].iter_rows(values_only=True)
        headers = list(next(rows, ()))
        yield from (_keyed(headers, row) for row in rows)
    finally:
        book.close()


_READERS = {".parquet": _from_parquet, ".duckdb": _from_duckdb, ".csv": _from_csv, ".xlsx": _from_xlsx}


def read_reports(path: Path, columns: Sequence[str] = SUMMARY_COLUMNS) -> Iterator[dict[str, Any]]:
    """One dict per report with (at least) ``columns`` (names of ``rows.REPORT_COLUMNS``), from any
    output format. Values are as the format stores them: a CSV gives text. A journal is read with its
    corrections applied; the tables carry them as of their export (``export``)."""
    return _READERS.get(path.suffix.lower(), _from_jsonl)(path, columns)


def summarize(path: Path) -> Summary:
    summary = Summary()
    for row in read_reports(path):
        summary.add(row)
    return summary


# ---------------------------------------------------------------- printing
def _counts(title: str, counts: Counter[str], limit: int, by_name: bool = False) -> Table:
    """The ``limit`` largest counts (or the first ``limit`` names in order, ``by_name``)."""
    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column(title)
    table.add_column("reports", justify="right")
    shown = sorted(counts.items())[:limit] if by_name else counts.most_common(limit)
    for name, n in shown:
        table.add_row(escape(name), str(n))
    if len(counts) > limit:
        table.add_row(f"… {len(counts) - limit} more", "")
    return table


def print_summary(summary: Summary, console: Console, limit: int) -> None:
    console.print(
        f"[bold]{summary.reports} reports[/bold]: {summary.reports - summary.failed} read, "
        f"[{'red' if summary.failed else 'green'}]{summary.failed} failed[/], "
        f"[{'red' if summary.broken_reports else 'green'}]{len(summary.broken_reports)} with broken identities[/] "
        f"({summary.warnings} prose/table warnings)"
    )
    console.print(_counts("form version", summary.templates, limit))
    console.print(_counts("report year", summary.years, limit, by_name=True))
    console.print(_counts("agency", summary.agencies, limit))
    if summary.errors:
        console.print(_counts("failures by message", summary.errors, limit))
    if summary.identity_kinds:
        console.print(_counts("broken identities by kind", summary.identity_kinds, limit))
    for report in summary.broken_reports[:limit]:
        identities = "; ".join(" ".join(i) for i in report.identities)
        console.print(f"  [red]broken[/red] {escape(report.doc)} ({escape(report.agency or '?')}): {identities}")
    if len(summary.broken_reports) > limit:
        console.print(f"  … and {len(summary.broken_reports) - limit} more reports with broken identities")
    console.print(
        f"[bold]to check by hand[/bold]: {summary.to_check} values in {len(summary.review_reports)} reports"
        + (" (govreport review-list OUT lists them)" if summary.to_check else "")
    )
    for doc, count in sorted(summary.review_reports, key=lambda item: -item[1])[:limit]:
        console.print(f"  [yellow]check[/yellow] {escape(doc)}: {count} value{'s' if count > 1 else ''}")
    if len(summary.review_reports) > limit:
        console.print(f"  … and {len(summary.review_reports) - limit} more reports with values to check")
