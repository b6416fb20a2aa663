"""Outputs: every format written from one batch and opened by its own reader (pyarrow, openpyxl,
duckdb, csv), the same report rows in all of them, and ``govreport summary`` reading each."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from govreport.cli import app
from govreport.form.catalog import FORMS
from govreport.outputs.rows import HEADERS, KEY_COLUMNS, REPORT_COLUMNS
from govreport.outputs.summary import summarize

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
runner = CliRunner()
FORMATS = ("jsonl", "parquet", "csv", "xlsx", "duckdb")
BROKEN = "003_1244fb917606d24f.txt"  # breaks two identities, one cell explains both


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One batch (samples plus a failing file) written once to every format."""
    folder = tmp_path_factory.mktemp("outputs")
    inputs = folder / "in"
    shutil.copytree(SAMPLES, inputs)
    (inputs / "empty.txt").write_bytes(b"")
    made = {}
    for fmt in FORMATS:
        out = folder / f"out.{fmt}"
        result = runner.invoke(app, ["extract", str(inputs), "-o", str(out), "-j", "1"])
        assert result.exit_code == 0, result.output
        made[fmt] = out
    return made


def jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_headers_are_chinese_form_labels_and_unique() -> None:
    assert len(set(HEADERS.values())) == len(REPORT_COLUMNS)
    assert HEADERS["t3.new_received.natural_person"] == "表三/一、本年新收政府信息公开申请数量/自然人"
    assert HEADERS["t4.suit_direct.pending"] == "表四/行政诉讼 未经复议直接起诉/尚未审结"
    assert set(FORMS["2019"].keys()) | set(FORMS["2021"].keys()) <= {name for name, _, _ in KEY_COLUMNS}


def test_parquet_long_and_wide_forms(outputs: dict[str, Path]) -> None:
    records = {r["doc"]: r for r in jsonl(outputs["jsonl"])}
    long = pq.read_table(outputs["parquet"]).to_pylist()
    wide = pq.read_table(outputs["parquet"].with_name("out.wide.parquet"))
    assert wide.num_rows == len(records) == 11
    assert wide.column_names[: len(REPORT_COLUMNS)] == [name for name, _, _ in REPORT_COLUMNS]

    r010 = next(doc for doc in records if doc.endswith("r010.txt"))
    row = next(r for r in wide.to_pylist() if r["doc"] == r010)
    assert row["t3.new_received.total"] == records[r010]["values"]["t3.new_received.total"] == 70
    assert row["meta.year"] == 2021 and row["meta.template"] == "2021"

    cell = next(v for v in long if v["doc"] == r010 and v["key"] == "t3.new_received.total")
    assert (cell["value"], cell["method"], cell["line"]) == (70.0, "table", 10)
    assert cell["char_start"] is not None and cell["raw"]
    agency = next(v for v in long if v["doc"] == r010 and v["key"] == "meta.agency")
    assert agency["text"] == "平潭综合实验区" and agency["value"] is None
    counted = sum(len(r["cells"]) + len(r["facts"]) + len(r["sections"]) for r in records.values())
    assert len(long) == counted


def test_csv_and_xlsx_are_wide_with_chinese_headers(outputs: dict[str, Path]) -> None:
    with outputs["csv"].open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert outputs["csv"].read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads Chinese CSV only with a BOM
    assert rows[0][:3] == ["文件", "错误", "勾稽关系不符"]
    assert "表三/一、本年新收政府信息公开申请数量/自然人" in rows[0]
    assert len(rows) == 12

    book = load_workbook(outputs["xlsx"], read_only=True)
    sheet = list(book["报告"].iter_rows(values_only=True))
    assert list(sheet[0]) == rows[0]
    total = rows[0].index("表三/一、本年新收政府信息公开申请数量/总计")
    r010 = next(r for r in sheet[1:] if str(r[0]).endswith("r010.txt"))
    assert r010[total] == 70  # a number, not text
    keys = dict(book["字段"].iter_rows(min_row=2, values_only=True))
    assert keys["表三/一、本年新收政府信息公开申请数量/总计"] == "t3.new_received.total"
    book.close()


def test_duckdb_has_reports_values_and_findings(outputs: dict[str, Path]) -> None:
    con = duckdb.connect(str(outputs["duckdb"]), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM reports").fetchone() == (11,)
        assert con.execute("SELECT count(*) FROM reports WHERE error IS NOT NULL").fetchone() == (1,)
        total = con.execute(
            "SELECT value FROM \"values\" WHERE doc LIKE '%r010.txt' AND key = 't3.new_received.total'"
        ).fetchone()
        assert total == (70.0,)
        explanation = con.execute(
            "SELECT cells, restoring_value FROM findings WHERE kind = 'explanation' AND doc LIKE ?", [f"%{BROKEN}"]
        ).fetchone()
        assert explanation == (["t3.granted.total"], 2.0)
        kinds = con.execute(
            f"SELECT identity_kind FROM findings WHERE kind = 'broken_identity' AND doc LIKE '%{BROKEN}' ORDER BY 1"
        ).fetchall()
        assert kinds == [("results_sum",), ("row_total",)]
    finally:
        con.close()


@pytest.mark.parametrize("fmt", FORMATS)
def test_summary_reads_every_format_the_same(outputs: dict[str, Path], fmt: str) -> None:
    summary = summarize(outputs[fmt])
    assert summary == summarize(outputs["jsonl"])
    assert (summary.reports, summary.failed) == (11, 1)
    assert summary.templates == {"2019": 4, "2021": 5, "none": 1}
    assert [Path(b.doc).name for b in summary.broken_reports] == [BROKEN]


def test_summary_command_prints_what_an_auditor_reads_first(outputs: dict[str, Path]) -> None:
    result = runner.invoke(app, ["summary", str(outputs["duckdb"])])
    assert result.exit_code == 0, result.output
    for expected in (
        "11 reports",
        "1 failed",
        "form version",
        "2021",
        "平潭综合实验区",
        "results_sum",
        BROKEN,
        "empty",
    ):
        assert expected in result.stdout, expected
    assert runner.invoke(app, ["summary", str(outputs["duckdb"]) + ".missing"]).exit_code == 2


def test_a_run_adds_to_the_journal_and_exports_all_it_holds(outputs: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "again.parquet"
    shutil.copy(outputs["parquet"].with_name("out.parquet.jsonl"), tmp_path / "again.parquet.jsonl")
    result = runner.invoke(app, ["extract", str(SAMPLES), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "skipped" not in result.stderr  # different paths: nothing of the copied journal is this run's
    assert pq.read_table(out.with_name("again.wide.parquet")).num_rows == 11 + 10  # journal rows kept, new added


def test_the_workbook_has_an_autofilter_and_column_widths(tmp_path: Path) -> None:
    book_path = tmp_path / "out.xlsx"
    result = runner.invoke(app, ["extract", str(SAMPLES / "r012.txt"), str(SAMPLES / "r010.txt"), "-o", str(book_path)])
    assert result.exit_code == 0, result.output
    book = load_workbook(book_path)
    reports, keys = book["报告"], book["字段"]
    assert reports.auto_filter.ref == f"A1:{reports.cell(1, len(REPORT_COLUMNS)).column_letter}3"  # header + 2 reports
    assert reports.column_dimensions["A"].width == 40 and reports.column_dimensions["Z"].width == 14
    assert reports["A1"].alignment.wrap_text  # long Chinese headers wrap instead of widening their columns
    assert keys.auto_filter.ref == f"A1:B{len(REPORT_COLUMNS) + 1}"


# ---------------------------------------------------------------- the review list
def test_review_list_opens_in_excel_sorted_by_risk(outputs: dict[str, Path], tmp_path: Path) -> None:
    records = [r for r in jsonl(outputs["jsonl"]) if not r["error"]]
    listed = sum(len(r["review"]) for r in records)
    broken = next(r for r in records if Path(r["doc"]).name == BROKEN)
    assert {"t3.granted.total", "t3.results_total.total"} <= set(broken["review"])  # cells of its broken identities
    out = tmp_path / "list.xlsx"
    result = runner.invoke(app, ["review-list", str(outputs["parquet"]), "-o", str(out)])  # via the journal beside
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out, read_only=True)["待核"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("文件", "字段", "项目", "页", "行", "原文", "提取值", "置信度", "原因")
    assert len(rows) - 1 == listed > 0
    first = rows[1]
    assert Path(first[0]).name == BROKEN and first[1] == "t3.granted.total"  # the cell the explanation names
    assert "勾稽关系不符" in first[8] and first[4] is not None  # why, and the line it is printed on
    reasons = [len(r[8].split("; ")) for r in rows[1:]]
    assert reasons == sorted(reasons, reverse=True)
    shown = runner.invoke(app, ["review-list", str(outputs["jsonl"]), "--limit", "3"])
    assert shown.exit_code == 0 and "t3.granted.total" in shown.stdout


def test_xlsx_marks_the_values_to_check(outputs: dict[str, Path]) -> None:
    book = load_workbook(outputs["xlsx"])
    reports = book["报告"]
    headers = [c.value for c in reports[1]]
    row = next(r for r in reports.iter_rows(min_row=2) if Path(r[0].value).name == BROKEN)
    cell = row[headers.index(HEADERS["t3.granted.total"])]
    assert cell.fill.fgColor.rgb.endswith("FFD966")
    assert row[headers.index(HEADERS["meta.year"])].fill.fill_type is None
    assert book["待核"].max_row > 1
    assert json.loads(row[headers.index("待核")].value)[0] == "t3.granted.total"


def test_parquet_and_duckdb_carry_review(outputs: dict[str, Path]) -> None:
    long = pq.read_table(outputs["parquet"]).to_pylist()
    flagged = {(Path(r["doc"]).name, r["key"]) for r in long if r["review"]}
    assert (BROKEN, "t3.granted.total") in flagged
    assert all(r["path"] and r["score"] is not None for r in long if r["key"].startswith("t3."))
    con = duckdb.connect(str(outputs["duckdb"]), read_only=True)
    try:
        (count,) = con.execute('SELECT count(*) FROM "values" WHERE review').fetchone()
        (wide,) = con.execute("SELECT review FROM reports WHERE doc LIKE '%003_1244%'").fetchone()
    finally:
        con.close()
    assert count == len(flagged) and "t3.granted.total" in json.loads(wide)


def test_summary_says_how_many_values_to_check_and_where(outputs: dict[str, Path]) -> None:
    summary = summarize(outputs["csv"])
    records = [r for r in jsonl(outputs["jsonl"]) if not r["error"]]
    assert summary.to_check == sum(len(r["review"]) for r in records)
    assert BROKEN in {Path(doc).name for doc, _ in summary.review_reports}
    printed = runner.invoke(app, ["summary", str(outputs["jsonl"])])
    assert f"to check by hand: {summary.to_check} values in {len(summary.review_reports)} reports" in printed.stdout
