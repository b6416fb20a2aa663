"""The report as a Word document (python-docx). Merged cells are real merges
(w:gridSpan across, w:vMerge down) with the text once, as in the form's .docx."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from govreport.render.layout import Block, Heading, LayoutCell, Paragraph, TableLayout, Title, document_blocks

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.table import _Cell

    from govreport.render import ReportSpec

_EAST_ASIAN_FONT = "SimSun"


def render_docx(spec: ReportSpec, path: str | Path, blocks: list[Block] | None = None) -> Path:
    """Write the report to ``path`` (.docx) and return the path (``blocks``: its outline
    as ``document_blocks`` makes it, or a variation of that outline)."""
    doc = Document()
    _use_cjk_font(doc)
    for block in blocks or document_blocks(spec):
        if isinstance(block, Title):
            _add_text(doc, block.text, bold=True, size=18, center=True)
        elif isinstance(block, Heading):
            _add_text(doc, block.text, bold=True)
        elif isinstance(block, Paragraph):
            _add_text(doc, block.text)
        else:
            _add_table(doc, block)
    out = Path(path)
    doc.save(str(out))
    return out


def _use_cjk_font(doc: DocxDocument) -> None:
    """Word picks the East Asian font from w:eastAsia, which python-docx does not set."""
    normal = doc.styles["Normal"]
    normal.font.size = Pt(12)
    r_pr = normal.element.get_or_add_rPr()
    r_fonts = r_pr.find(qn("w:rFonts"))
    if r_fonts is None:
        r_fonts = r_pr.makeelement(qn("w:rFonts"), {})
        r_pr.append(r_fonts)
    r_fonts.set(qn("w:eastAsia"), _EAST_ASIAN_FONT)


def _add_text(doc: DocxDocument, text: str, bold: bool = False, size: int | None = None, center: bool = False) -> None:
    paragraph = doc.add_paragraph()
    run = paragraph.add_run(text)
    run.bold = bold
    if size is not None:
        run.font.size = Pt(size)
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _add_table(doc: DocxDocument, layout: TableLayout) -> None:
    table = doc.add_table(rows=layout.n_rows, cols=layout.n_cols)
    table.style = "Table Grid"  # ruled borders, as in the printed form
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    # Slots looked up once before any merge (table.cell() rescans the whole table on
    # every call); they stay valid because merges only touch their own region.
    grid = [row.cells for row in table.rows]
    for cell in layout.cells:
        _fill(_merged(grid, cell), cell)


def _merged(grid: list[tuple[_Cell, ...]], cell: LayoutCell) -> _Cell:
    """The grid slot of ``cell``, merged over its span first (spans never overlap)."""
    top_left = grid[cell.row][cell.col]
    if cell.merged:
        top_left = top_left.merge(grid[cell.row + cell.rowspan - 1][cell.col + cell.colspan - 1])
    return top_left


def _fill(target: _Cell, cell: LayoutCell) -> None:
    target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph = target.paragraphs[0]
    if cell.header or cell.key is not None:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if cell.text:  # a blank value stays an empty cell, not an empty run
        paragraph.add_run(cell.text).font.size = Pt(10.5)
