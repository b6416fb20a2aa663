"""Scans as they really come: page normalization, damaged-grid recovery and honest confidence,
on synthetic pages (fast) and on two damaged renditions of a real page layout read end to end."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pytest
from pdf_support import needs_chromium, rendered

from govreport.document import Document, Table
from govreport.ingest import load
from govreport.ocr.assemble import Word, page_blocks
from govreport.ocr.grid import Grid, GridCell, Segment
from govreport.ocr.normalize import drop_colour, flatten_light, normalize_page, page_quad, skew_angle
from govreport.ocr.orientation import read_upright
from govreport.ocr.page import (
    _cell_lines,
    _glyph_columns,
    _inside,
    _without_rule_slivers,
    join_collinear,
    lost_glyph_box,
    read_page,
    ruled_grids,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "eval"))
from damage import damage
from degrade import degrade

__all__ = ["rendered"]  # the session fixture, used by name

DPI = 200


def _table_page(rows: int = 8, cols: int = 6, gaps: bool = False, seed: int = 0) -> np.ndarray:
    """A white A4 page at 200 dpi holding only a ruled table (1 px rules), optionally with
    a photocopy's dropouts: white nicks of 5–8 px every 30–80 px along every rule."""
    rng = np.random.default_rng(seed)
    page = np.full((2339, 1654), 255, np.uint8)
    xs = np.linspace(200, 1450, cols + 1).round().astype(int)
    ys = np.linspace(300, 300 + 60 * rows, rows + 1).round().astype(int)
    for y in ys:
        cv2.line(page, (int(xs[0]), int(y)), (int(xs[-1]), int(y)), 0, 2)
    for x in xs:
        cv2.line(page, (int(x), int(ys[0])), (int(x), int(ys[-1])), 0, 2)
    for r in range(rows):
        for c in range(1, cols):
            cv2.putText(page, str(r * c), (int(xs[c]) + 60, int(ys[r]) + 42), cv2.FONT_HERSHEY_SIMPLEX, 1, 0, 2)
    if gaps:
        for y in ys:
            x = int(xs[0]) + int(rng.integers(30, 80))
            while x < xs[-1]:
                page[y - 2 : y + 3, x : x + int(rng.integers(5, 9))] = 255
                x += int(rng.integers(30, 80))
        for x in xs:
            y = int(ys[0]) + int(rng.integers(30, 80))
            while y < ys[-1]:
                page[y : y + int(rng.integers(5, 9)), x - 2 : x + 3] = 255
                y += int(rng.integers(30, 80))
    return page


def _turn(page: np.ndarray, angle: float) -> np.ndarray:
    h, w = page.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(page, matrix, (w, h), borderValue=255)


def _shape(grids: list[Grid]) -> list[tuple[int, int, int]]:
    return sorted((g.n_rows, g.n_cols, len(g.cells)) for g in grids)


def test_a_rule_broken_by_small_gaps_is_one_rule() -> None:
    pieces = [Segment(True, 100, x, x + 40) for x in range(0, 400, 48)]  # 8 px gaps
    (rule,) = join_collinear(pieces, [], tol=3, max_gap=11, min_length=83, min_piece=30)
    assert (rule.lo, rule.hi) == (0, 424)


def test_strokes_side_by_side_are_no_rule() -> None:
    strokes = [Segment(True, 100, 0, 50), Segment(True, 100, 56, 106)]  # the top strokes of 康委 in a title
    assert join_collinear(strokes, [], tol=3, max_gap=11, min_length=83, min_piece=55) == []


def test_a_stroke_beyond_a_junction_does_not_extend_a_rule() -> None:
    rule = Segment(False, 398, 407, 2092)
    stroke = Segment(False, 398, 370, 396)  # a character's stroke in the row above the rule's end
    across = [Segment(True, 405, 200, 1400)]
    (joined,) = join_collinear([rule, stroke], across, tol=3, max_gap=11, min_length=39, min_piece=33)
    assert joined.lo == 407


def test_a_table_only_page_is_deskewed_from_its_rules() -> None:
    binary = 255 - _turn(_table_page(), 2.5)
    assert abs(skew_angle(binary) + 2.5) < 0.15  # turning back by -2.5° undoes it


def test_a_photocopied_table_with_broken_rules_keeps_its_grid() -> None:
    page = normalize_page(_turn(_table_page(gaps=True), 0.7), DPI)
    grids, _ = ruled_grids(page.binary, page.dpi)
    assert _shape(grids) == [(8, 6, 48)]


def test_a_defocused_table_keeps_its_grid_though_every_rule_is_thick_in_the_ink() -> None:
    page = normalize_page(cv2.GaussianBlur(_table_page(rows=3, cols=6), (0, 0), 2.6), DPI)
    grids, _ = ruled_grids(page.binary, page.dpi)
    assert _shape(grids) == [(3, 6, 18)]


def test_a_red_seal_is_dropped_and_the_print_under_it_kept() -> None:
    rgb = np.full((400, 400, 3), 255, np.uint8)
    cv2.circle(rgb, (200, 200), 120, (214, 38, 46), 10)  # the seal's ring
    cv2.line(rgb, (20, 200), (380, 200), (0, 0, 0), 2)  # a rule under it: black ink stays black under red
    gray, found = drop_colour(rgb)
    assert found
    assert gray[80, 200] > 200 and gray[320, 200] > 200  # where only the ring was: paper
    assert gray[200, 80] < 60 and gray[200, 200] < 60  # the rule, under the ring and clear of it


@pytest.mark.parametrize("pen", [(170, 30, 30), (20, 40, 150)])  # dark red, blue ballpoint
def test_a_readers_pen_tick_beside_a_number_is_dropped_and_the_number_kept(pen: tuple[int, int, int]) -> None:
    rgb = np.full((200, 200, 3), 255, np.uint8)
    cv2.putText(rgb, "0", (60, 120), cv2.FONT_HERSHEY_SIMPLEX, 2, (0, 0, 0), 4)
    tick = np.full_like(rgb, 255)
    cv2.polylines(tick, [np.int32([(70, 100), (95, 130), (150, 50)])], False, pen, 3, cv2.LINE_AA)
    inked = (rgb.astype(np.float32) * tick / 255).astype(np.uint8)  # the pen's dye over the toner
    gray, _ = drop_colour(inked)
    assert gray[50:90, 130:160].min() > 200  # where only the tick was: paper, no stroke to read as 1
    assert np.count_nonzero(gray[60:125, 55:115] < 100) >= 0.9 * np.count_nonzero(rgb[60:125, 55:115, 0] < 100)


def test_a_shadowed_grey_page_is_made_flat() -> None:
    page = np.full((1100, 850), 205, np.float32)  # grey paper
    page *= np.linspace(0.5, 1.0, 850)[None, :]  # a shadow along the left edge
    page[500:504, 50:800] = page[500:504, 50:800] * 0.2  # a rule across it
    flat = flatten_light(page.astype(np.uint8), 100)
    paper = np.concatenate([flat[100:400, 40:60].ravel(), flat[100:400, 780:800].ravel()])
    assert paper.min() > 235  # the paper is white on both sides of the shadow
    assert flat[501, 55] < 100 and flat[501, 790] < 100  # the rule is dark on both


def test_a_photographed_page_is_found_and_flattened() -> None:
    desk = np.full((1500, 1300), 70, np.uint8)
    corners = np.float32([(180, 120), (1130, 160), (1190, 1400), (110, 1350)])
    page = _table_page()
    matrix = cv2.getPerspectiveTransform(np.float32([(0, 0), (1654, 0), (1654, 2339), (0, 2339)]), corners)
    warped = cv2.warpPerspective(page, matrix, (1300, 1500), borderValue=0)
    mask = cv2.warpPerspective(np.full_like(page, 255), matrix, (1300, 1500), borderValue=0)
    photo = np.where(mask > 0, warped, desk).astype(np.uint8)
    quad = page_quad(photo)
    assert quad is not None and np.abs(quad - corners).max() < 25
    normalized = normalize_page(photo, 96)
    grids, _ = ruled_grids(normalized.binary, normalized.dpi)
    assert _shape(grids) == [(8, 6, 48)]
    assert page_quad(page) is None  # a scan that fills the image has no desk around it


def test_an_inked_cell_ocr_could_not_read_is_not_confident() -> None:
    cells = (GridCell(0, 0, 1, 1, (0, 0, 50, 20)), GridCell(0, 1, 1, 1, (50, 0, 100, 20)))
    grid = Grid((0, 0, 100, 20), cells, 1, 2)
    words = [Word("12", (10, 5, 30, 15), 0.99), Word("", (60, 5, 80, 15), 0.0)]
    (table,) = page_blocks(words, [grid], page=1, page_height=800)
    assert isinstance(table, Table)
    assert [c.confidence for c in table.cells] == [0.99, 0.0]


def _t4_values(doc: Document) -> list[str]:
    table = next(t for t in doc.tables if t.n_cols == 15)
    return [c.text for c in table.rows()[-1]]


@needs_chromium
@pytest.mark.parametrize("kind", ["seal", "photo"])
def test_a_damaged_scan_of_a_table_page_is_read(rendered: dict[str, Path], tmp_path: Path, kind: str) -> None:
    doc = load(degrade(rendered["clean_t4_page"], kind, tmp_path / f"{kind}.pdf", seed=3))
    assert _t4_values(doc) == ["0"] * 15
    assert any("repaired before reading" in f.message for f in doc.findings)


@needs_chromium
def test_a_table_page_scanned_sideways_is_read_upright(rendered: dict[str, Path], tmp_path: Path) -> None:
    doc = load(damage(rendered["clean_t4_page"], "rot270", tmp_path / "rot270.pdf", seed=3))
    assert _t4_values(doc) == ["0"] * 15
    assert any("turned upright by 270° anticlockwise" in f.message for f in doc.findings)


@dataclass
class _FakeRead:
    words: list[Word]


def _reader(legible_at: int | None, calls: list[int]) -> Callable[[np.ndarray], _FakeRead]:
    """A reader of a page marked at its top-left corner: the page's words read at 0.98 when the
    image lies ``legible_at`` quarter turns from the mark's place, at 0.3 every other way."""

    def read(image: np.ndarray) -> _FakeRead:
        at = next(q for q in range(4) if np.rot90(image, -q)[0, 0] == 1)
        calls.append(at)
        confidence = 0.98 if at == legible_at else 0.3
        return _FakeRead([Word("政府信息公开", (0, 0, 60, 10), confidence)] * 10)

    return read


def test_a_page_is_read_the_way_up_its_chinese_reads_legibly() -> None:
    page = np.zeros((6, 4), np.uint8)
    page[0, 0] = 1
    calls: list[int] = []
    assert read_upright(page, _reader(0, calls))[1] == 0 and calls == [0]  # upright: read once
    calls.clear()
    read, quarters = read_upright(np.rot90(page, 3), _reader(0, calls))  # fed in turned clockwise
    assert quarters == 1 and read.words[0].confidence == 0.98 and sorted(calls) == [0, 1, 2, 3]
    calls.clear()
    assert read_upright(page, _reader(None, calls))[1] == 0  # illegible every way: as it lies


def test_a_line_is_widened_over_the_glyphs_the_detector_left_out_beside_it() -> None:
    """一、 before a heading, beyond a wide space, is left out of the line's box on a photocopy:
    ink of a glyph's size on the line within a space or so of the box is taken in; specks, ink
    too far away, and ink inside another detected line are not."""
    line = (100.0, 50.0, 400.0, 80.0)  # 30 px tall
    stroke = [40.0, 63.0, 62.0, 67.0]  # 一: thin but wide
    comma = [68.0, 72.0, 74.0, 78.0]  # 、
    speck = [90.0, 60.0, 92.0, 62.0]
    glyphs = np.array([stroke, comma, speck, [120.0, 52.0, 148.0, 78.0]])  # the last is the line's own
    assert lost_glyph_box(line, glyphs, []) == (40.0, 50.0, 400.0, 80.0)
    assert lost_glyph_box(line, np.array([speck]), []) is None
    assert lost_glyph_box(line, np.array([[10.0, 55.0, 30.0, 75.0]]), []) is None  # 70 px off: no space of a line
    assert lost_glyph_box(line, np.array([comma]), [(60.0, 50.0, 80.0, 80.0)]) is None  # another line's
    assert lost_glyph_box(line, np.array([[430.0, 55.0, 450.0, 75.0]]), []) == (100.0, 50.0, 450.0, 80.0)


def test_stray_ink_beside_a_cells_number_does_not_stretch_its_crop_onto_the_rule() -> None:
    page = _table_page(rows=2, cols=3)
    xs = np.linspace(200, 1450, 4).round().astype(int)
    page[329:334, xs[2] - 7 : xs[2]] = 0  # a tooth of a photocopied rule, into row 0's "0" cell
    read = read_page(page, DPI)
    (grid,) = read.grids
    cell = next(c for c in grid.cells if (c.row, c.col) == (0, 1))
    x0, y0, x1, y1 = cell.box
    assert [w.text for w in read.words if x0 <= w.center[0] <= x1 and y0 <= w.center[1] <= y1] == ["0"]
    (line,) = _cell_lines(ruled_grids(normalize_page(page, DPI).binary, DPI)[1], cell, 3)
    assert line[2] < _inside(cell, 3)[2] - 100  # the line ends at the digit, not at the tooth


def test_a_cell_line_spans_its_glyphs_and_drops_small_ink_far_from_them() -> None:
    line = np.zeros((20, 200), np.uint8)
    line[2:18, 10:18] = 255  # 1
    line[2:18, 22:32] = 255  # 0, a little apart: the same number
    line[8:12, 190:194] = 255  # a speck near the cell's end
    assert _glyph_columns(line) == (10, 32)
    line[0:20, 195:200] = 255  # a sliver of the rule as tall as the line (slivers go before, by the cell's sides)
    assert _glyph_columns(line) == (10, 200)  # as big as print: kept


def test_slivers_of_a_cells_rules_along_its_sides_are_not_ink_of_its_text() -> None:
    patch = np.zeros((60, 70), np.uint8)
    patch[20:42, 25:40] = 255  # the number
    patch[10:50, 68:69] = 255  # a 1-pixel sliver of the right rule, along it
    patch[0:2, 10:30] = 255  # and of the top rule
    patch[20:42, 50:52] = 255  # a thin stroke away from the sides is print
    patch[54:60, 2:68] = 255  # a blurred bottom rule's edge: thick, but along the whole side
    patch[45:51, 0:8] = 255  # ink by a side, neither thin nor along it, stays
    kept = _without_rule_slivers(patch, 3)
    assert np.count_nonzero(kept[:, 68]) == 0 and np.count_nonzero(kept[0:2]) == 0
    assert np.count_nonzero(kept[52:]) == 0 and np.count_nonzero(kept[45:51, 0:8]) == 48
    assert np.count_nonzero(kept[20:42, 25:40]) == 22 * 15 and np.count_nonzero(kept[20:42, 50:52]) == 44


def test_a_crease_across_a_cell_does_not_take_the_number_it_crosses_away_as_a_sliver() -> None:
    patch = np.zeros((60, 200), np.uint8)
    patch[20:45, 80:95] = 255  # 5
    patch[20:45, 100:115] = 255  # 5
    cv2.line(patch, (0, 38), (199, 1), 255, 2)  # a fold's crease from side to side, through the number
    kept = _without_rule_slivers(patch, 3)
    assert np.count_nonzero(kept[20:45, 80:115]) == np.count_nonzero(patch[20:45, 80:115])


def test_a_column_rule_broken_into_pieces_shorter_than_a_run_still_parts_two_cells() -> None:
    page = _table_page(rows=3, cols=4)
    x = int(np.linspace(200, 1450, 5).round()[2])
    # row 1 (y 360-420) keeps 18, 16 and 20 px of this rule: the middle bit is too short for a run
    page[378:381, x - 3 : x + 4] = 255
    page[397:400, x - 3 : x + 4] = 255
    (grid,) = ruled_grids(normalize_page(page, DPI).binary, DPI)[0]
    assert all(c.colspan == 1 for c in grid.cells if c.row == 1)
