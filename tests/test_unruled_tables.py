"""Tables printed without rules (or whose rules a scan lost): columns rebuilt from the positions of
the OCR words, on synthetic word boxes (fast); a borderless scan of a rendered table page; grids a
halftone screen broke into overlapping pieces; rows beside a grid that covers part of its table,
found in the layout model's table region."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from conftest import GOLD
from pdf_support import T4_PAGE, needs_chromium

from govreport.document import Table
from govreport.ocr.assemble import Word, page_blocks
from govreport.ocr.grid import Grid, GridCell
from govreport.ocr.page import PageRead, _apart, read_page
from govreport.pipeline import extract
from govreport.render import ReportSpec
from govreport.render.pdf import render_pdf, select_pages

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "eval"))
from damage import damage
from degrade import degrade

R002 = Path(__file__).parent / "fixtures" / "real" / "r002.pdf"

COLUMNS = (100.0, 160.0, 220.0, 280.0)  # left edges of four value columns, 30 pt wide


def _word(text: str, x: float, y: float, width: float = 12.0) -> Word:
    return Word(text, (x, y, x + width, y + 14), 0.99)


def _page(rows: list[list[str]]) -> list[Word]:
    """A header naming four columns, then a label and one word per printed cell ("" blank) per row."""
    words = [_word(name, x, 112, 28) for name, x in zip(("自然人", "企业", "机构", "总计"), COLUMNS, strict=True)]
    for r, row in enumerate(rows):
        y = 130 + 24 * r
        words.append(_word(f"第{r + 1}项", 20, y, 40))
        words += [_word(text, x + 8, y) for text, x in zip(row, COLUMNS, strict=True) if text]
    return words


def _table(words: list[Word]) -> Table:
    tables = [b for b in page_blocks(words, [], 1, 800, unruled_tables=True) if isinstance(b, Table)]
    assert len(tables) == 1
    return tables[0]


def test_a_row_with_a_blank_cell_keeps_its_numbers_in_their_columns() -> None:
    table = _table(_page([["1", "2", "3", "6"], ["4", "", "5", "9"]]))
    assert table.grid
    assert table.grid_text() == [
        ["", "自然人", "企业", "机构", "总计"],
        ["第1项", "1", "2", "3", "6"],
        ["第2项", "4", "", "5", "9"],
    ]
    blank = next(c for c in table.cells if c.row == 2 and c.col == 2)
    placed = next(c for c in table.cells if c.row == 2 and c.col == 3)
    # placed by position, not by a rule: less sure than the OCR alone; the blank may be a lost number
    assert placed.confidence == pytest.approx(0.99 * 0.9)
    assert blank.confidence < 0.8


def test_a_column_no_row_prints_a_number_in_is_named_by_the_header() -> None:
    table = _table(_page([["1", "2", "", "3"], ["4", "5", "", "9"]]))
    assert table.grid_text()[1:] == [["第1项", "1", "2", "", "3"], ["第2项", "4", "5", "", "9"]]


def test_rows_that_print_every_column_are_read_in_order() -> None:
    table = _table(_page([["1", "2", "3", "6"], ["4", "0", "5", "9"]]))
    assert not table.grid  # nothing for positions to place: the text path reads them as printed


def test_a_number_read_across_two_columns_leaves_the_positions_alone() -> None:
    words = _page([["1", "2", "3", "6"], ["4", "", "5", ""]])
    words.append(Word("0 9", (COLUMNS[1] + 8, 154, COLUMNS[3] + 20, 168), 0.9))  # one OCR piece over two columns
    assert not _table(words).grid


@needs_chromium
def test_a_borderless_table_with_blank_cells_is_read_by_position(tmp_path: Path) -> None:
    """seed-003's table 4 with its last group of five cells printed blank, its rules left out."""
    gold = json.loads((GOLD / "seed-003.json").read_text(encoding="utf-8"))["values"]
    spec = ReportSpec.from_gold(GOLD / "seed-003.json")
    blank = {k for k in spec.values if k.startswith("t4.suit_after_review.")}
    spec = spec.model_copy(update={"values": {k: v for k, v in spec.values.items() if k not in blank}})
    page = select_pages(render_pdf(spec, tmp_path / "blank.pdf"), tmp_path / "page.pdf", [T4_PAGE])
    result = extract(degrade(page, "borderless", tmp_path / "scan.pdf", seed=3), "rules")
    cells = {c.key: c for c in result.cells}
    printed = [k for k in gold if k.startswith("t4.") and k not in blank]
    assert [cells[k].value for k in printed] == [gold[k] for k in printed]
    assert all(cells[k].value is None or k in result.review for k in blank)


def _grid(box: tuple[float, float, float, float]) -> Grid:
    return Grid(box, (GridCell(0, 0, 1, 1, box),), 1, 1)


def _third_page(scan: Path) -> PageRead:
    """r002's table-3 page of a scan of it, read at 200 dpi."""
    document = pdfium.PdfDocument(str(scan))
    image = document[2].render(scale=200 / 72).to_numpy()[:, :, :3]
    document.close()
    return read_page(np.ascontiguousarray(image), 200)


def test_grids_that_overlap_are_pieces_of_one_table_and_are_dropped() -> None:
    pieces = [_grid((76, 468, 516, 615)), _grid((76, 528, 386, 543))]  # one inside the other
    neighbours = [_grid((76, 100, 516, 300)), _grid((76, 301, 516, 400))]  # two tables, one rule apart
    assert _apart(pieces + neighbours, margin=8) == neighbours


def test_a_halftone_table_page_is_read_by_position_where_its_grid_broke_apart(tmp_path: Path) -> None:
    """r002's table-3 page printed through a halftone screen: the screen breaks its rules into
    pieces of grids that overlap; read as lines, its rows keep their seven numbers each."""
    read = _third_page(damage(R002, "halftone", tmp_path / "h.pdf", seed=7))
    words, grids = read.in_points()
    assert not grids
    rows = [
        [c.text for c in row]
        for block in page_blocks(words, grids, 3, read.height, unruled_tables=True)
        if isinstance(block, Table)
        for row in block.rows()
    ]
    assert ["一、本年新收政府信息公开申请数量", "95", "0", "0", "0", "0", "0", "95"] in rows


def test_rows_a_grid_lost_beside_it_are_read_in_the_layout_models_table_region(tmp_path: Path) -> None:
    """r002's table-3 page with its vertical rules lost below part of the page: the grid holds the
    rows above; the layout model's table region takes the value rows below as an unruled table."""
    read = _third_page(degrade(R002, "halfruled", tmp_path / "h.pdf", seed=7))
    assert read.grids and read.table_regions
    assert "value rows beside the ruled grid read as a table (layout model)" in read.notes
    rows = [[c.text for c in row] for block in read.blocks(3) if isinstance(block, Table) for row in block.rows()]
    assert ["6.属于四类过程性信息", "1", "0", "0", "0", "0", "0", "1"] in rows
