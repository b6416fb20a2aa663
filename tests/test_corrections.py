"""The corrections journal: checked values, the later write winning, identities re-checked, and every
reader (summary, exports, eval --pred, a rerun of extract) honouring it, keyed by content hash."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from govreport.cli import app
from govreport.corrections import (
    CorrectionError,
    corrected_records,
    corrections_path,
    parse_value,
    read_corrections,
    record_correction,
)
from govreport.outputs.journal import read_records
from govreport.outputs.rows import HEADERS
from govreport.outputs.summary import summarize

REPO = Path(__file__).resolve().parents[1]
BROKEN = REPO / "samples" / "003_1244fb917606d24f.txt"  # prints 予以公开/总计 0 where its columns sum to 2
runner = CliRunner()


def _extract(out: Path, *paths: Path, extra: tuple[str, ...] = ()) -> None:
    result = runner.invoke(app, ["extract", *map(str, paths), "-o", str(out), "-j", "1", *extra])
    assert result.exit_code == 0, result.output


@pytest.fixture
def batch(tmp_path: Path) -> tuple[Path, Path]:
    doc = tmp_path / "report.txt"
    shutil.copy(BROKEN, doc)
    out = tmp_path / "out.jsonl"
    _extract(out, doc)
    return doc, out


def _record(out: Path) -> dict:
    return next(read_records(out))


def _corrected(out: Path) -> dict:
    return next(corrected_records(out))


def _cell(record: dict, key: str) -> dict:
    return next(c for c in record["cells"] if c["key"] == key)


def test_a_correction_is_applied_with_its_provenance_and_the_identities_rechecked(batch: tuple[Path, Path]) -> None:
    _, out = batch
    record = _record(out)
    assert ["t3", "row_total", "granted"] in record["broken_identities"]
    journal = corrections_path(out)
    assert journal.name == "out.corrections.jsonl"
    record_correction(journal, record, "t3.granted.total", "correct", "审核员甲", "2", note="与原件核对")
    fixed = _corrected(out)
    cell = _cell(fixed, "t3.granted.total")
    assert (cell["value"], cell["method"], cell["confidence"], cell["raw"]) == (2, "corrected", 1.0, "0")
    extracted = _cell(record, "t3.granted.total")
    assert f"extracted 0 (table, confidence {extracted['confidence']:.2f})" in cell["note"]
    assert "审核员甲" in cell["note"]
    assert cell["location"] == _cell(record, "t3.granted.total")["location"]  # where it stands is kept
    assert fixed["values"]["t3.granted.total"] == 2
    assert fixed["broken_identities"] == []  # both breaks were this one cell
    assert not [f for f in fixed["findings"] if f["kind"] in ("broken_identity", "explanation")]
    line = json.loads(journal.read_text(encoding="utf-8"))
    assert line["content_sha256"] == record["content_sha256"] and line["printed"] == "0"
    assert (line["extracted"], line["value"], line["action"], line["note"]) == (0, 2, "correct", "与原件核对")


def test_a_confirmation_keeps_the_value_and_marks_it_checked(batch: tuple[Path, Path]) -> None:
    _, out = batch
    record_correction(corrections_path(out), _record(out), "t3.granted.natural_person", "confirm", "乙")
    cell = _cell(_corrected(out), "t3.granted.natural_person")
    assert (cell["value"], cell["method"], cell["confidence"]) == (2, "table", 1.0)
    assert cell["note"].startswith("confirmed by 乙")


def test_the_later_write_wins_and_both_stay_in_the_journal(batch: tuple[Path, Path]) -> None:
    _, out = batch
    journal, record = corrections_path(out), _record(out)
    record_correction(journal, record, "t3.granted.total", "correct", "tab 1", "5")
    record_correction(journal, record, "t3.granted.total", "correct", "tab 2", "2")
    assert len(journal.read_text(encoding="utf-8").splitlines()) == 2
    assert read_corrections(journal)[record["content_sha256"]]["t3.granted.total"].reviewer == "tab 2"
    assert _cell(_corrected(out), "t3.granted.total")["value"] == 2


@pytest.mark.parametrize(
    ("key", "text", "message"),
    [
        ("t3.granted.total", "十二", "不是数字"),
        ("t3.granted.total", "1.5", "不是整数"),
        ("t3.granted.total", "-3", "不能为负"),
        ("t3.granted.total", "", "不是数字"),
        ("meta.agency", " ", "不能为空"),
        ("meta.template", "2019", "表格版本"),
        ("t9.nothing.total", "1", "未知字段"),
    ],
)
def test_a_value_of_the_wrong_kind_is_refused_with_a_message(key: str, text: str, message: str) -> None:
    with pytest.raises(CorrectionError, match=message):
        parse_value(key, text)


def test_what_a_person_types_is_read_as_they_mean_it() -> None:
    assert parse_value("t3.granted.total", "１２") == 12  # full-width digits
    assert parse_value("t3.granted.total", "1,204") == 1204
    assert parse_value("t2.fee.amount", "7.5") == 7.5
    assert parse_value("t2.license.change", "-2") == -2  # 本年增/减 may be negative
    assert parse_value("section.6", "") is None  # the part is missing


def test_a_refused_correction_writes_nothing(batch: tuple[Path, Path]) -> None:
    _, out = batch
    with pytest.raises(CorrectionError):
        record_correction(corrections_path(out), _record(out), "t3.granted.total", "correct", "甲", "abc")
    assert not corrections_path(out).exists()


def test_a_reextraction_keeps_the_corrections_of_an_unchanged_document_only(batch: tuple[Path, Path]) -> None:
    doc, out = batch
    record_correction(corrections_path(out), _record(out), "t3.granted.total", "correct", "甲", "2")
    _extract(out, doc, extra=("--force",))  # redone, as a new tool version would
    assert _cell(_corrected(out), "t3.granted.total")["method"] == "corrected"
    doc.write_text(doc.read_text(encoding="utf-8") + "\n附：更正说明。\n", encoding="utf-8")
    _extract(out, doc)  # the document changed: its corrections were about other content
    assert _cell(_corrected(out), "t3.granted.total")["method"] == "table"


def test_summary_exports_and_eval_read_the_corrected_values(batch: tuple[Path, Path], tmp_path: Path) -> None:
    doc, out = batch
    assert len(summarize(out).broken_reports) == 1
    record_correction(corrections_path(out), _record(out), "t3.granted.total", "correct", "甲", "2")
    assert len(summarize(out).broken_reports) == 0
    book = tmp_path / "out.xlsx"
    _extract(book, doc)
    record_correction(
        corrections_path(Path(f"{book}.jsonl")),
        _record(Path(f"{book}.jsonl")),
        "t3.granted.total",
        "correct",
        "甲",
        "2",
    )
    _extract(book, doc)  # nothing to redo; the tables are written again with the corrections
    sheet = load_workbook(book, read_only=True)["报告"]
    header, row = (list(r) for r in sheet.iter_rows(values_only=True, max_row=2))
    assert row[header.index(HEADERS["t3.granted.total"])] == 2
    assert row[header.index(HEADERS["broken_identities"])] is None
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "report.json").write_text(json.dumps({"doc": "report.txt", "values": {"t3.granted.total": 2}}))
    result = runner.invoke(app, ["eval", "--gold", str(gold), "--pred", str(out)])
    assert result.exit_code == 0 and "100.0%" in result.output, result.output


def test_reviews_become_gold_files_that_eval_reads(batch: tuple[Path, Path], tmp_path: Path) -> None:
    _, out = batch
    journal, record = corrections_path(out), _record(out)
    record_correction(journal, record, "t3.granted.total", "correct", "甲", "2")
    record_correction(journal, record, "t3.granted.natural_person", "confirm", "乙")
    gold_dir = tmp_path / "gold"
    result = runner.invoke(app, ["gold-from-corrections", str(out), "-o", str(gold_dir)])
    assert result.exit_code == 0 and "wrote 1 gold files" in result.output, result.output
    (gold_file,) = gold_dir.glob("*.json")
    gold = json.loads(gold_file.read_text(encoding="utf-8"))
    assert gold["doc"] == record["doc"]
    assert gold["values"] == {"t3.granted.total": 2, "t3.granted.natural_person": 2}
    assert gold["broken_identities"] == []  # no identity had every cell checked
    scored = runner.invoke(app, ["eval", "--gold", str(gold_dir), "--pred", str(out)])
    assert scored.exit_code == 0 and "100.0%" in scored.output, scored.output


def test_gold_from_an_output_never_reviewed_is_a_usage_error(batch: tuple[Path, Path], tmp_path: Path) -> None:
    _, out = batch
    result = runner.invoke(app, ["gold-from-corrections", str(out), "-o", str(tmp_path / "gold")])
    assert result.exit_code == 2 and "no corrections" in result.output


def test_derived_cells_are_derived_again_unless_a_person_confirmed_them(tmp_path: Path) -> None:
    doc = tmp_path / "r004.html"
    shutil.copy(REPO / "samples" / "r004.html", doc)  # its blank cells of 本年新收 are filled by the row total
    out = tmp_path / "out.jsonl"
    _extract(out, doc)
    record = _record(out)
    confirmed, other = "t3.new_received.research", "t3.new_received.social_org"
    assert {_cell(record, k)["method"] for k in (confirmed, other)} == {"derived"}
    printed = _cell(record, "t3.new_received.natural_person")
    journal = corrections_path(out)
    record_correction(journal, record, confirmed, "confirm", "甲")
    record_correction(journal, record, printed["key"], "correct", "甲", str(printed["value"] + 1))
    fixed = _corrected(out)
    assert (_cell(fixed, confirmed)["value"], _cell(fixed, confirmed)["confidence"]) == (0, 1.0)
    # the row total no longer determines it (it would leave -1); its column's balance still does
    again = _cell(fixed, other)
    assert (again["value"], again["method"]) == (0, "derived") and "column_balance" in again["note"]
    assert ["t3", "row_total", "new_received"] in fixed["broken_identities"]  # 822 + 35 + 2 + 1 is not 859
