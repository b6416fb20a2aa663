"""Issue 9's layout classes, each made from every suitable gold fixture by eval/variations.py:
markup in text files, converter tables, negative changes in digit runs, lost cells the prose
states, headings on OCR pages, a table read from another's cells, and bad grids."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import GOLD

from eval.variations import GENERATORS, Variant, variants
from govreport.evaluate import flagged_keys
from govreport.ingest import load
from govreport.ocr.assemble import Word, page_blocks
from govreport.ocr.grid import Grid, GridCell
from govreport.pipeline import extract
from govreport.render import ReportSpec, render_html

TABLE = ("t2.", "t3.", "t4.")


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Variant]]:
    folder = tmp_path_factory.mktemp("variants")
    return {name: list(variants(name, folder)) for name in GENERATORS}


def _misses(variant: Variant) -> tuple[dict, dict, object]:
    result = extract(variant.path, labeller="rules")
    values = result.values
    wrong = {k: (g, values.get(k, "missing")) for k, g in variant.case.values.items() if values.get(k, "missing") != g}
    flagged = flagged_keys(result)
    silent = {k: w for k, w in wrong.items() if k.startswith(TABLE) and w[1] is not None and k not in flagged}
    return wrong, silent, result


@pytest.mark.parametrize(
    "name", ["md-txt", "md-headings", "html-txt", "converter-md", "md-html-tables", "lost-cell", "merged-labels"]
)
def test_every_fixture_in_the_class_reads_back_exactly(made: dict[str, list[Variant]], name: str) -> None:
    assert len(made[name]) >= 5  # the class applies to several fixtures, not one
    for variant in made[name]:
        wrong, _, result = _misses(variant)
        assert result.error is None, variant.case.name
        assert wrong == {}, variant.case.name
        assert sorted(result.broken_identities) == sorted(variant.case.broken_identities), variant.case.name


def test_two_row_labels_merged_into_one_cell_label_their_rows_in_order(made: dict[str, list[Variant]]) -> None:
    """One cell naming two form rows over two value rows (a lost rule): the first row is the
    first label's, the second the second's (the exact read-back is above)."""
    for variant in made["merged-labels"]:
        assert variant.path.read_text(encoding="utf-8").count('rowspan="2">') >= 10, variant.case.name
        doc = load(variant.path)
        merged = [c for t in doc.tables for c in t.cells if c.rowspan == 2 and "上年结转" in c.text]
        assert merged and "本年新收" in merged[0].text, variant.case.name


def test_markup_in_a_text_file_never_reaches_a_value(made: dict[str, list[Variant]]) -> None:
    for variant in made["md-txt"] + made["md-headings"] + made["html-txt"]:
        doc = load(variant.path)
        assert variant.path.suffix == ".txt" and doc.format in ("md", "html")
        result = extract(variant.path, labeller="rules")
        texts = [result.values["meta.agency"], *(s.heading for s in result.sections)]
        assert not any(t and any(mark in t for mark in ("#", "**", "<", "|")) for t in texts), variant.case.name


def test_converter_headers_and_stub_tables_give_no_values(made: dict[str, list[Variant]]) -> None:
    """``| 项目 | 列1 | 列2 |`` rows (top and mid-table) and the header-only stub table are skipped."""
    for variant in made["converter-md"]:
        result = extract(variant.path, labeller="rules")
        header_cells = [c for c in result.cells if c.raw and c.raw.startswith("列")]
        assert header_cells == [], variant.case.name
        grid_rows = {(c.location.table, c.location.row) for c in result.cells if c.location and c.value is not None}
        assert all(row is not None for _, row in grid_rows)  # every value has its grid coordinates


def test_negative_changes_run_together_keep_their_sign(made: dict[str, list[Variant]]) -> None:
    assert len(made["negative-runs"]) >= 3  # every 2019-form fixture
    read_changes = 0
    for variant in made["negative-runs"]:
        wrong, silent, result = _misses(variant)
        assert silent == {}, variant.case.name  # a run the signs do not decide is left empty, never guessed
        assert all(g is not None and v is None for g, v in wrong.values()), variant.case.name
        changes = {c.key: c.value for c in result.cells if c.key.endswith(".change") and c.value is not None}
        assert all(v == variant.case.values[k] < 0 for k, v in changes.items())
        read_changes += len(changes)
    assert read_changes >= 10  # most rows are decided by where a negative number can stand


def test_a_lost_cell_stated_in_the_prose_is_read_as_evidence(made: dict[str, list[Variant]]) -> None:
    variant = next(v for v in made["lost-cell"] if v.case.name == "seed-003")
    result = extract(variant.path, labeller="rules")
    row = [c for c in result.cells if c.key.startswith("t2.normative_doc.")]
    assert all(c.method == "evidence" and "evidence" in result.review_reasons[c.key] for c in row)  # to be checked
    assert all("本年制发行政规范性文件" in (c.note or "") for c in row)
    filled = [c for c in row if c.location and c.location.table is None]
    assert len(filled) == 1 and filled[0].raw.endswith("件")  # the lost cell points at the prose


def test_a_table_not_printed_is_not_read_from_another_tables_cells(tmp_path: Path) -> None:
    """A page holding table 3 alone: table 4's keys stay empty, none taken from table 3."""
    spec = ReportSpec.from_gold(GOLD / "seed-003.json")
    page = render_html(spec)
    tables = page.split("<table")
    only_t3 = tables[0] + "<table" + tables[2].split("</table>")[0] + "</table></body></html>"
    path = tmp_path / "t3-only.html"
    path.write_text(only_t3, encoding="utf-8")
    result = extract(path, labeller="rules")
    t4 = {c.key: c.value for c in result.cells if c.key.startswith("t4.")}
    assert set(t4.values()) == {None}
    assert not any(b[0] == "t4" for b in result.broken_identities)
    assert result.values["t3.new_received.total"] == spec.values["t3.new_received.total"]


def _chars(text: str, x: float, top: float, size: float = 10.0) -> list[Word]:
    return [Word(ch, (x + i * size, top, x + (i + 1) * size, top + size)) for i, ch in enumerate(text)]


def test_a_heading_the_tables_top_rule_cuts_stays_whole() -> None:
    grid = Grid(
        (0.0, 104.0, 200.0, 140.0),
        (GridCell(0, 0, 1, 1, (0.0, 104.0, 100.0, 140.0)), GridCell(0, 1, 1, 1, (100.0, 104.0, 200.0, 140.0))),
        1,
        2,
    )
    heading = "四、政府信息公开行政复议"
    # the heading's characters sit on the rule: their centres fall inside the grid box
    words = _chars(heading, 10, 99.5) + _chars("行政复议", 10, 120) + _chars("5", 150, 120)
    blocks = page_blocks(words, [grid], page=1, page_height=800)
    texts = [b.text for b in blocks if hasattr(b, "text")]
    assert heading in texts
    cells = [c.text for b in blocks if hasattr(b, "cells") for c in b.cells]
    assert cells == ["行政复议", "5"]


@pytest.mark.parametrize(
    "table",
    [
        "| 规章 | " + " | ".join(["1"] * 3000) + " |\n|" + "---|" * 3001,  # thousands of columns
        "| 项目 | 列1 | 列2 |\n|---|---|---|\n| 规章 | 1 |\n| 行政许可 | 2 | 3 | 4 | 5 | 6 |\n| 无关 | 7 |",  # ragged
    ],
    ids=["wide", "ragged"],
)
def test_bad_grids_give_no_crash_and_no_invented_value(tmp_path: Path, table: str) -> None:
    text = "# 某局2023年政府信息公开工作年度报告\n\n## 一、总体情况\n\n正文。\n\n## 二、主动公开政府信息情况\n\n"
    path = tmp_path / "bad.txt"
    path.write_text(text + table + "\n", encoding="utf-8")
    result = extract(path, labeller="rules")
    assert result.error is None
    invented = {c.key: c.value for c in result.cells if c.value is not None and c.method != "derived"}
    assert set(invented) <= {"t2.license.decisions"}  # the one row that printed its single cell


def test_a_printed_space_outside_the_grids_stays_and_one_inside_a_cell_goes() -> None:
    grid = Grid((0.0, 200.0, 200.0, 240.0), (GridCell(0, 0, 1, 1, (0.0, 200.0, 200.0, 240.0)),), 1, 1)
    # a PDF text layer's blank has no ink: its box is a point (ingest/pdf.py gives it the gap it stands in)
    heading = [*_chars("2、", 10, 100), Word(" ", (30, 100, 34, 110)), *_chars("主动公开", 34, 100)]
    cell = [*_chars("规章", 10, 210), Word(" ", (30, 210, 34, 220)), *_chars("5", 34, 210)]
    stray = [Word(" ", (60, 150, 60, 150))]
    blocks = page_blocks(heading + cell + stray, [grid], page=1, page_height=800)
    assert [b.text for b in blocks if hasattr(b, "text")] == ["2、 主动公开"]
    assert [c.text for b in blocks if hasattr(b, "cells") for c in b.cells] == ["规章5"]
