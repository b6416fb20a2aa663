"""The document model every input format is turned into.

Like pdfplumber's objects, these are plain objects with coordinates: a text
input locates things by line and character offset, a PDF or image by page and
box. Ingestion fills ``blocks``; the later stages read the flat ``units`` view
and annotate the same ``Document`` (spaCy-style: one object passes through).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from govreport.schema import Finding, SectionResult, Value


@dataclass(slots=True)
class Location:
    """Where a piece of text stands in the source document."""

    line: int | None = None  # 1-based line of a text input
    char_start: int | None = None  # offsets into the decoded text
    char_end: int | None = None
    page: int | None = None  # 1-based page of a PDF or image
    box: tuple[float, float, float, float] | None = None  # x0, y0, x1, y1 in points
    table: int | None = None  # index of the table in Document.tables
    row: int | None = None
    col: int | None = None


@dataclass(slots=True)
class TextBlock:
    text: str
    loc: Location
    confidence: float = 1.0  # how sure the reading is (OCR); 1.0 for text layers and text files


@dataclass(slots=True)
class Cell:
    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    loc: Location = field(default_factory=Location)
    confidence: float = 1.0  # OCR confidence of the cell's text; 1.0 where the text is exact


@dataclass(slots=True)
class Table:
    """A table as its cells, each once, with spans (merged cells are not copied).

    ``grid`` tells whether the cells come from a real grid (HTML, DOCX, markdown,
    ruled PDF): there a blank cell is a value slot. Rows split from tab-separated
    text are not a reliable grid: OCR and copy-paste lose and pad cells.
    """

    cells: list[Cell]
    grid: bool = True
    loc: Location = field(default_factory=Location)

    @property
    def n_rows(self) -> int:
        return max((c.row + c.rowspan for c in self.cells), default=0)

    @property
    def n_cols(self) -> int:
        return max((c.col + c.colspan for c in self.cells), default=0)

    def with_blank_tails(self) -> Table:
        """The table with each row's slots after its last cell, up to the widest row, as blank
        cells: an HTML row may omit its trailing blank cells, which a browser shows as the
        blank cells they are. (A short markdown row may have lost a cell anywhere: not so.)"""
        width = self.n_cols
        covered: dict[int, set[int]] = {}
        for cell in self.cells:
            for r in range(cell.row, cell.row + cell.rowspan):
                covered.setdefault(r, set()).update(range(cell.col, cell.col + cell.colspan))
        tails = [
            Cell("", r, col, loc=Location(line=self.loc.line, table=self.loc.table, row=r, col=col))
            for r, cols in covered.items()
            for col in range(max(cols) + 1, width)
        ]
        return replace(self, cells=[*self.cells, *tails]) if tails else self

    def rows(self) -> list[list[Cell]]:
        """Cells grouped by the row they start in, left to right."""
        out: list[list[Cell]] = [[] for _ in range(self.n_rows)]
        for cell in self.cells:
            out[cell.row].append(cell)
        for row in out:
            row.sort(key=lambda c: c.col)
        return out

    def grid_text(self) -> list[list[str]]:
        """The expanded grid: a merged cell's text fills every slot it covers."""
        grid = [["" for _ in range(self.n_cols)] for _ in range(self.n_rows)]
        for cell in self.cells:
            for r in range(cell.row, cell.row + cell.rowspan):
                for c in range(cell.col, cell.col + cell.colspan):
                    grid[r][c] = cell.text
        return grid


Block = TextBlock | Table


@dataclass(slots=True)
class Unit:
    """One piece of the document in reading order: a text line or a table cell.

    ``slot`` marks a grid cell: blank, it still stands for one value.
    ``start``/``end`` are its offsets in ``Document.text``.
    """

    text: str
    loc: Location
    slot: bool
    start: int = 0
    end: int = 0
    row_id: int | None = None  # units of one table row share it
    confidence: float = 1.0


@dataclass
class Document:
    path: str
    format: str
    blocks: list[Block] = field(default_factory=list)
    encoding: str | None = None
    n_pages: int | None = None
    page_lines: bool = False  # a text file whose lines are a PDF page's: tables aligned by position, prose cut by width
    # annotations the pipeline stages add
    sections: list[SectionResult] = field(default_factory=list)
    section_spans: dict[int, tuple[int, int]] = field(default_factory=dict)  # part -> offsets in text
    template: str | None = None
    values: dict[str, Value] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    _units: list[Unit] | None = field(default=None, repr=False)
    _text: str | None = field(default=None, repr=False)

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    @property
    def units(self) -> list[Unit]:
        if self._units is None:
            self._build_units()
        assert self._units is not None
        return self._units

    @property
    def text(self) -> str:
        """All units joined by newlines: what rules and models read."""
        if self._text is None:
            self._build_units()
        assert self._text is not None
        return self._text

    def _build_units(self) -> None:
        units: list[Unit] = []
        row_id = 0
        for block in self.blocks:
            if isinstance(block, TextBlock):
                units.append(Unit(block.text, block.loc, slot=False, confidence=block.confidence))
                continue
            for row in block.rows():
                row_id += 1
                for cell in row:
                    if not block.grid and not cell.text.strip():
                        continue
                    units.append(Unit(cell.text, cell.loc, slot=block.grid, row_id=row_id, confidence=cell.confidence))
        parts: list[str] = []
        pos = 0
        for unit in units:
            unit.start = pos
            unit.end = pos + len(unit.text)
            parts.append(unit.text)
            pos = unit.end + 1
        self._units = units
        self._text = "\n".join(parts)

    def unit_at(self, offset: int) -> int:
        """Index of the unit holding ``offset`` of ``text`` (the next one on a separator)."""
        units = self.units
        lo, hi = 0, len(units) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if units[mid].end < offset:
                lo = mid + 1
            else:
                hi = mid
        return lo
