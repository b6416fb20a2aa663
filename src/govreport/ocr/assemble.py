"""One page's positioned text (PDF characters or OCR lines) and ruled grids into document blocks.

Words inside a grid go to the cell under their centre (placed by geometry,
never by reading order); the rest become text lines in reading order. Page
numbers and running page marks (``- 2 -``, ``— 3 —``, ``第 2 页``) in the
page's margins are dropped. A page without a grid keeps rows that print
several separate numbers as an unruled table: its columns are rebuilt from positions (the
numbers of one column overlap across rows; a column no row prints a number in is named by
the header line above), else one cell per gap-separated piece.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass

from govreport.document import Block, Cell, Location, Table, TextBlock
from govreport.ocr.grid import Box, Grid
from govreport.text import is_cjk, is_page_mark

_MARGIN = 0.1  # page marks stand in the top or bottom tenth of the page
_GAP = 0.6  # a horizontal gap wider than this many line heights separates pieces
_NUMERIC_PIECE = re.compile(r"[-−]?\d[\d.,]*")
_GLYPH_SLACK = 0.25  # of a word's height: how far a cell's glyph box may reach over the table's rule
UNREAD = ""  # the text of a word that stands for ink OCR could not read (it counts in a grid cell only)
# a cell placed in its column by position, not by a rule: its reading is this much less sure; a slot with
# nothing in it may be a number OCR missed, so it is listed for review (below the 0.8 review line)
_POSITIONED = 0.9
_POSITIONED_BLANK = 0.5
_HEADER_LINES = 4  # the most lines above an unruled table read as its header


@dataclass(frozen=True, slots=True)
class Word:
    """A positioned piece of text: one character of a text layer or one OCR text line."""

    text: str
    box: Box
    confidence: float = 1.0

    @property
    def center(self) -> tuple[float, float]:
        return (self.box[0] + self.box[2]) / 2, (self.box[1] + self.box[3]) / 2


def _inside(point: tuple[float, float], box: Box) -> bool:
    return box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3]


def _union(boxes: list[Box]) -> Box:
    return min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)


def text_lines(words: list[Word]) -> list[list[Word]]:
    """Words grouped into lines (vertical overlap with the line so far), top to bottom, each left to right."""
    lines: list[list[Word]] = []
    spans: list[tuple[float, float]] = []
    for word in sorted(words, key=lambda w: (w.center[1], w.box[0])):
        y0, y1 = word.box[1], word.box[3]
        for i, (top, bottom) in enumerate(spans):
            overlap = min(bottom, y1) - max(top, y0)
            if overlap > 0.5 * min(bottom - top, y1 - y0):
                lines[i].append(word)
                spans[i] = (min(top, y0), max(bottom, y1))
                break
        else:
            lines.append([word])
            spans.append((y0, y1))
    order = sorted(range(len(lines)), key=lambda i: spans[i][0])
    return [sorted(lines[i], key=lambda w: w.box[0]) for i in order]


def pieces(line: list[Word]) -> list[list[Word]]:
    """A line cut where the gap between words is wide (table columns without rules)."""
    height = max(w.box[3] - w.box[1] for w in line)
    out = [[line[0]]]
    for prev, word in itertools.pairwise(line):
        if word.box[0] - prev.box[2] > _GAP * height:
            out.append([word])
        else:
            out[-1].append(word)
    return out


def line_text(line: list[Word]) -> str:
    return " ".join("".join(w.text for w in piece).strip() for piece in pieces(line)).strip()


def _confidence(words: list[Word]) -> float:
    return min((w.confidence for w in words), default=1.0)


def _cell_text(words: list[Word]) -> str:
    """A cell's lines joined: a label wrapped between two Chinese characters closes up."""
    text = ""
    for line in text_lines(words):
        piece = line_text(line)
        glue = "" if not text or (is_cjk(text[-1]) and is_cjk(piece[:1])) else " "
        text += glue + piece
    return text


def _grid_table(grid: Grid, words: list[Word], page: int) -> Table:
    by_cell: list[list[Word]] = [[] for _ in grid.cells]
    for word in words:
        center = word.center
        index = next((i for i, c in enumerate(grid.cells) if _inside(center, c.box)), None)
        if index is not None:
            by_cell[index].append(word)
    cells = [
        Cell(
            text=_cell_text(found),
            row=g.row,
            col=g.col,
            rowspan=g.rowspan,
            colspan=g.colspan,
            loc=Location(page=page, box=g.box, row=g.row, col=g.col),
            confidence=_confidence(found),
        )
        for g, found in zip(grid.cells, by_cell, strict=True)
    ]
    return Table(cells=cells, grid=True, loc=Location(page=page, box=grid.box))


def _in_grid(word: Word, grid: Grid) -> bool:
    """A word of the grid: centred in one of its cells and not standing out of its outer
    rule by more than a glyph box's slack. A heading right above a table that the top
    rule cuts through stays text, whole."""
    top, bottom = grid.box[1], grid.box[3]
    slack = _GLYPH_SLACK * (word.box[3] - word.box[1])
    crossing = word.box[1] < top - slack < word.box[3] or word.box[1] < bottom + slack < word.box[3]
    return not crossing and any(_inside(word.center, cell.box) for cell in grid.cells)


def _is_page_mark(line: list[Word], height: float) -> bool:
    top, bottom = line[0].box[1], line[0].box[3]
    in_margin = bottom < _MARGIN * height or top > (1 - _MARGIN) * height
    return in_margin and is_page_mark(line_text(line), in_margin=True)


def _row_table(rows: list[list[list[Word]]], page: int) -> Table:
    cells = [
        Cell(
            text="".join(w.text for w in piece).strip(),
            row=r,
            col=c,
            loc=Location(page=page, box=_union([w.box for w in piece]), row=r, col=c),
            confidence=_confidence(piece),
        )
        for r, row in enumerate(rows)
        for c, piece in enumerate(row)
    ]
    return Table(cells=cells, grid=False, loc=Location(page=page, box=_union([c.loc.box for c in cells if c.loc.box])))


def _is_value_row(line_pieces: list[list[Word]]) -> bool:
    numeric = sum(1 for p in line_pieces if _NUMERIC_PIECE.fullmatch("".join(w.text for w in p).strip()))
    return len(line_pieces) >= 3 and numeric >= 2


def _text(piece: list[Word]) -> str:
    return "".join(w.text for w in piece).strip()


def _extent(piece: list[Word]) -> tuple[float, float]:
    return piece[0].box[0], piece[-1].box[2]


def _merged(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for lo, hi in sorted(spans):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _band_of(span: tuple[float, float], bands: list[tuple[float, float]]) -> int | None:
    centre = (span[0] + span[1]) / 2
    return next((i for i, (a, b) in enumerate(bands) if a <= centre <= b), None)


def _numbers(row: list[list[Word]]) -> list[tuple[float, float]]:
    return [_extent(p) for p in row if _NUMERIC_PIECE.fullmatch(_text(p))]


def _column_bands(rows: list[list[list[Word]]], header: list[Word]) -> list[tuple[float, float]] | None:
    """Value columns of an unruled table: the x-extents of its numbers merged across rows (the
    numbers of one column overlap), and the lowest header words that overlap none of them (a
    column no row prints a number in: the words above them name the group, not the column).
    None where the numbers do not keep to columns: merged, they make fewer columns than one
    row prints numbers (a number read across two columns, a row set off its columns)."""
    bands = _merged([span for row in rows for span in _numbers(row)])
    if len(bands) < max(len(_numbers(row)) for row in rows):
        return None
    for word in header:
        lo, hi = word.box[0], word.box[2]
        lowest = not any(o.box[1] > word.box[3] - 1 and o.box[0] < hi and lo < o.box[2] for o in header)
        if lowest and lo > bands[0][0] and not any(lo <= b and a <= hi for a, b in bands):
            bands.append((lo, hi))
    return _merged(bands)


def _positioned_table(rows: list[list[list[Word]]], header: list[Word], page: int) -> Table | None:
    """An unruled table with its columns rebuilt from positions (``_column_bands``): the label
    left of the first column, each piece in the column under its centre, the header's words
    over the columns as a header row. Only where some row leaves a column blank, which reading in
    order cannot place; None where a row does not fit the columns (two pieces in one column, one
    between columns): the positions are no grid there."""
    bands = _column_bands(rows, header)
    if bands is None or all(len(_numbers(row)) == len(bands) for row in rows):
        return None  # every row prints every column: read in order, as printed
    label_edge = bands[0][0]
    cells: list[Cell] = []

    def add_row(r: int, label: list[Word], placed: dict[int, list[Word]]) -> None:
        if label:
            box = _union([w.box for w in label])
            cells.append(Cell(_cell_text(label), r, 0, loc=Location(page=page, box=box, row=r, col=0)))
        every = [w for found in placed.values() for w in found] + label
        top, bottom = min(w.box[1] for w in every), max(w.box[3] for w in every)
        for band, (lo, hi) in enumerate(bands):
            found = placed.get(band, [])
            box = _union([w.box for w in found]) if found else (lo, top, hi, bottom)
            sure = _confidence(found) * _POSITIONED if found else _POSITIONED_BLANK
            loc = Location(page=page, box=box, row=r, col=band + 1)
            cells.append(Cell(_cell_text(found), r, band + 1, loc=loc, confidence=sure))

    if header:
        named: dict[int, list[Word]] = {}
        for word in header:
            band = _band_of((word.box[0], word.box[2]), bands)
            if band is not None:
                named.setdefault(band, []).append(word)
        add_row(0, [w for w in header if w.box[2] <= label_edge], named)
    for r, row in enumerate(rows, start=1 if header else 0):
        label: list[Word] = []
        placed: dict[int, list[Word]] = {}
        for piece in row:
            band = _band_of(_extent(piece), bands)
            if band is None and _extent(piece)[1] <= label_edge:
                label += piece
            elif band is None or band in placed:
                return None
            else:
                placed[band] = piece
        add_row(r, label, placed)
    return Table(cells=cells, grid=True, loc=Location(page=page, box=_union([c.loc.box for c in cells if c.loc.box])))


def _header_above(before: list[list[Word]], rows: list[list[list[Word]]], top: float) -> list[list[Word]]:
    """The lines right above an unruled table that are its header: each within a line's height of
    the next, up to ``_HEADER_LINES``, together naming something over its numbers (the last line
    of a wrapped label names nothing there: it is no header)."""
    header: list[list[Word]] = []
    for line in reversed(before[-_HEADER_LINES:]):
        height = max(w.box[3] - w.box[1] for w in line)
        if top - max(w.box[3] for w in line) > height:
            break
        header.insert(0, line)
        top = min(w.box[1] for w in line)
    numbers_from = min((lo for row in rows for lo, _ in _numbers(row)), default=math.inf)
    return header if any(w.center[0] >= numbers_from for line in header for w in line) else []


def value_rows(words: list[Word], grids: list[Grid]) -> list[Box]:
    """Boxes of the lines outside every grid that print a row of values (``_is_value_row``)."""
    rest = [w for w in words if w.text.strip() and not any(_in_grid(w, g) for g in grids)]
    return [_union([w.box for w in line]) for line in text_lines(rest) if _is_value_row(pieces(line))]


def _line_blocks(
    lines: list[list[Word]], page: int, unruled_tables: bool, table_regions: list[Box]
) -> list[tuple[float, Block]]:
    """Text lines as blocks; runs of value rows as tables without a rule (everywhere with
    ``unruled_tables``, else inside ``table_regions``): their columns from positions where the
    rows fit them, else one cell per piece."""
    out: list[tuple[float, Block]] = []
    text_lines_before: list[tuple[list[Word], int]] = []  # each text line and the index of its block in ``out``
    run: list[list[list[Word]]] = []
    run_top = 0.0

    def close_run() -> None:
        header_lines = _header_above([line for line, _ in text_lines_before], run, run_top)
        table = _positioned_table(run, [w for line in header_lines for w in line], page)
        if table is None:
            out.append((run_top, _row_table(run, page)))
            return
        taken = {at for _, at in text_lines_before[len(text_lines_before) - len(header_lines) :]}
        out[:] = [block for at, block in enumerate(out) if at not in taken]
        text_lines_before.clear()
        out.append((min([run_top, *(w.box[1] for line in header_lines for w in line)]), table))

    for line in lines:
        line_pieces = pieces(line)
        in_table = unruled_tables or any(_inside(line[0].center, region) for region in table_regions)
        if in_table and _is_value_row(line_pieces):
            run_top = run_top if run else line[0].box[1]
            run.append(line_pieces)
            continue
        if run:
            close_run()
            run = []
        box = _union([w.box for w in line])
        text_lines_before.append((line, len(out)))
        out.append((box[1], TextBlock(line_text(line), Location(page=page, box=box), confidence=_confidence(line))))
    if run:
        close_run()
    return out


def page_blocks(
    words: list[Word],
    grids: list[Grid],
    page: int,
    page_height: float,
    unruled_tables: bool = False,
    table_regions: list[Box] | None = None,
) -> list[Block]:
    """Blocks of one page in reading order: grid tables and text lines sorted by their top. Value
    rows make unruled tables everywhere with ``unruled_tables``, else inside ``table_regions``."""
    placed: list[tuple[float, Block]] = []
    # blanks inside a grid go (a cell's text is its characters); an UNREAD word stands for a cell whose ink
    # OCR could not read; blanks outside the grids stay, as printed (一、 总体情况)
    rest = words
    for grid in grids:
        inside = [w for w in rest if _in_grid(w, grid) and (w.text.strip() or w.text == UNREAD)]
        if not any(w.text.strip() for w in inside):
            continue
        rest = [w for w in rest if not _in_grid(w, grid)]
        placed.append((grid.box[1], _grid_table(grid, inside, page)))
    rest = [w for w in rest if w.text]  # a blank with no box of its own stands alone: a line of blanks goes
    lines = [
        line for line in text_lines(rest) if any(w.text.strip() for w in line) and not _is_page_mark(line, page_height)
    ]
    placed += _line_blocks(lines, page, unruled_tables, table_regions or [])
    placed.sort(key=lambda tb: tb[0])
    return [block for _, block in placed]
