"""A table's numbers as a PDF's text gives them in drawing order, tiled back into its rows.

``pdftotext`` without ``-layout`` (and other extractors that follow a PDF's text flow)
print a ruled table as blocks: a paragraph (lines between blank lines) holds the cells of
some rows and some columns, row by row, and the paragraphs follow one another across the
table (the first column beside its labels, then the next columns for the rows above a
spanning label, then the rows below it). Read in order, such text mixes rows; tiled back
block by block, each paragraph where it fits, it gives the grid again. Which tiling is
right the table's identities tell (``mapping._map_t3``); this module only proposes it.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import replace

from govreport.document import Document
from govreport.tables.items import Item, items_between

_TOKEN = re.compile(r"\d+")


def _numbers(doc: Document, start: int, end: int) -> list[Item] | None:
    """The numbers of one line, one item each (a run's blanks split it); None where the line
    holds something a count cell never prints (a sign, a unit, a fraction)."""
    out = []
    for item in items_between(doc, start, end):
        if item.digits is None or item.signs or item.unit or not item.raw.replace(" ", "").isdigit():
            return None
        for token in _TOKEN.finditer(item.raw):
            out.append(
                replace(
                    item,
                    raw=token.group(),
                    digits=token.group(),
                    breaks=(),
                    start=item.start + token.start(),
                    end=item.start + token.end(),
                )
            )
    return out


def paragraphs(doc: Document, region: tuple[int, int]) -> list[list[list[Item]]] | None:
    """The region's text lines that print numbers, grouped into paragraphs (a blank line
    between two lines of the file ends one), each line its numbers."""
    out: list[list[list[Item]]] = []
    last_line: int | None = None
    for unit in doc.units[doc.unit_at(region[0]) :]:
        if unit.start >= region[1]:
            break
        if unit.slot or unit.loc.line is None:
            return None  # a grid, or a document without file lines: not a text flow
        numbers = _numbers(doc, unit.start, unit.end)
        if numbers is None:
            return None
        if last_line is None or unit.loc.line > last_line + 1:
            out.append([])
        last_line = unit.loc.line
        if numbers:
            out[-1].append(numbers)
    return [p for p in out if p]


class _Grid:
    """Rows being filled left to right, a block of whole rows at a time; with ``fresh_first``,
    a block that does not go beside the one before starts at the topmost row still empty
    (where a page's rows come before the last columns of the page above them)."""

    def __init__(self, widths: list[int], fresh_first: bool = False) -> None:
        self.widths = widths
        self.fresh_first = fresh_first
        self.rows: list[list[Item]] = [[] for _ in widths]
        self.band: range | None = None  # the rows the last block filled

    def _top(self) -> int | None:
        """The topmost row not yet full."""
        return next((r for r, row in enumerate(self.rows) if len(row) < self.widths[r]), None)

    def _start(self) -> int | None:
        """Where a block not beside the one before starts."""
        fresh = next((r for r, row in enumerate(self.rows) if not row), None) if self.fresh_first else None
        return fresh if fresh is not None else self._top()

    def _fits(self, rows: range, width: int) -> bool:
        if rows.stop > len(self.rows):
            return False
        levels = {len(self.rows[r]) for r in rows}
        return len(levels) == 1 and all(len(self.rows[r]) + width <= self.widths[r] for r in rows)

    def place(self, block: list[list[Item]]) -> bool:
        """A paragraph of k lines of w numbers each: beside the block before it where it
        spans the same rows and there is room; else from the topmost row not yet full."""
        k, width = len(block), len(block[0])
        rows = self.band if self.band is not None and len(self.band) == k else None
        if rows is None or not self._fits(rows, width):
            top = self._start()
            if top is None:
                return False
            rows = range(top, top + k)
            if not self._fits(rows, width):
                return False
        for r, line in zip(rows, block, strict=True):
            self.rows[r] += line
        self.band = rows
        return True

    def stream(self, numbers: list[Item]) -> bool:
        """Numbers row after row from the topmost row not yet full."""
        for item in numbers:
            top = self._top()
            if top is None:
                return False
            self.rows[top].append(item)
        self.band = None
        return True


def tiled_rows(
    doc: Document, region: tuple[int, int], widths: list[int], following: tuple[int, int] | None = None
) -> list[list[list[Item]]]:
    """The table's rows tiled back from the region's paragraphs: a paragraph whose lines
    print the same count of numbers is a block of rows (one line each); another is numbers
    row after row. Where the region holds too few, the first paragraphs of numbers in the
    ``following`` stretch make up the rest (a PDF can draw a column of a table after the text
    that follows it, the next part's heading). Each way of tiling that places every block
    (``_Grid``), none where the numbers are not exactly the table's cells."""
    found = paragraphs(doc, region)
    if not found:
        return []
    count, cells = sum(len(line) for p in found for line in p), sum(widths)
    for paragraph in (paragraphs(doc, following) or []) if following and count < cells else []:
        if count >= cells:
            break
        found.append(paragraph)
        count += sum(len(line) for line in paragraph)
    if count != cells:
        return []
    tilings = []
    # the order printed; and with one of the last two paragraphs first (a PDF can draw a table's
    # first column after the others, even after the heading that follows the table)
    orders = [found, *([found[i], *found[:i], *found[i + 1 :]] for i in range(max(1, len(found) - 2), len(found)))]
    for order, fresh_first in itertools.product(orders, (False, True)):
        grid = _Grid(widths, fresh_first)
        for paragraph in order:
            uniform = len({len(line) for line in paragraph}) == 1
            if not (grid.place(paragraph) if uniform else grid.stream([n for line in paragraph for n in line])):
                break
        else:
            if grid.rows not in tilings:
                tilings.append(grid.rows)
    return tilings
