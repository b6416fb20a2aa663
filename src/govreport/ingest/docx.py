"""Word .docx files: paragraphs and tables in body order, merged cells kept once with spans."""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from lxml import etree

from govreport.document import Block, Cell, Document, Location, Table, TextBlock
from govreport.errors import IngestError, UnsupportedFormat
from govreport.ingest.html import collapse
from govreport.options import active_limits

_P, _TBL, _SDT, _SDT_CONTENT = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:sdtContent")
_TR, _TC, _TC_PR, _TR_PR = qn("w:tr"), qn("w:tc"), qn("w:tcPr"), qn("w:trPr")
_GRID_SPAN, _V_MERGE, _GRID_BEFORE, _VAL = qn("w:gridSpan"), qn("w:vMerge"), qn("w:gridBefore"), qn("w:val")
_MAX_SPAN = 1000  # columns one cell may span (HTML's cap on colspan)


def check_word_zip(data: bytes) -> None:
    """Raise a clear error unless ``data`` is a zip holding a Word document of a size within the
    limits (a zip bomb is refused by the sizes its directory declares; zipfile never unpacks more)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise IngestError("Corrupt .docx file: it is not a readable zip archive") from exc
    active_limits().check("unzipped_mb", round(unzipped / 2**20, 1))
    if "word/document.xml" in names:
        return
    if "xl/workbook.xml" in names:
        raise UnsupportedFormat("Excel .xlsx input is not supported (expected a Word .docx)")
    if "ppt/presentation.xml" in names:
        raise UnsupportedFormat("PowerPoint .pptx input is not supported (expected a Word .docx)")
    raise IngestError("Not a Word document: the zip archive has no word/document.xml")


def _paragraph_text(p: etree._Element, parent: object) -> str:
    return Paragraph(p, parent).text  # type: ignore[arg-type]  # runs, hyperlinks, tabs, breaks


def _int_attr(el: etree._Element | None, default: int) -> int:
    if el is None:
        return default
    try:
        return max(int(el.get(_VAL, default)), 1)
    except ValueError:
        return default


@dataclass(slots=True)
class _OpenMerge:
    """A vertically merged cell still collecting rows below it."""

    cell: Cell
    colspan: int


def build_table(tbl: etree._Element, index: int, parent: object) -> Table | None:
    """Grid positions from w:gridBefore/w:gridSpan; w:vMerge continuations grow the anchor's rowspan.

    python-docx's ``table.cell(r, c)`` repeats a merged cell in every slot it
    covers; here each cell appears once.
    """
    cells: list[Cell] = []
    open_merges: dict[int, _OpenMerge] = {}  # start column -> anchor of a vertical merge
    for r, tr in enumerate(tbl.iterchildren(_TR)):
        tr_pr = tr.find(_TR_PR)
        col = min(_int_attr(tr_pr.find(_GRID_BEFORE), 0), _MAX_SPAN) if tr_pr is not None else 0
        for tc in tr.iterchildren(_TC):
            tc_pr = tc.find(_TC_PR)
            colspan = min(_int_attr(tc_pr.find(_GRID_SPAN), 1) if tc_pr is not None else 1, _MAX_SPAN)
            v_merge = tc_pr.find(_V_MERGE) if tc_pr is not None else None
            anchor = open_merges.get(col)
            if v_merge is not None and v_merge.get(_VAL, "continue") == "continue" and anchor is not None:
                anchor.cell.rowspan = r - anchor.cell.row + 1
                col += colspan
                continue
            text = collapse("\n".join(_paragraph_text(p, parent) for p in tc.iter(_P)))
            cell = Cell(text, r, col, 1, colspan, Location(table=index, row=r, col=col))
            cells.append(cell)
            if v_merge is not None:  # restart (or a continuation with nothing above: treat as a start)
                open_merges[col] = _OpenMerge(cell, colspan)
            else:
                open_merges.pop(col, None)
            col += colspan
    if not cells:
        return None
    table = Table(cells=cells, grid=True, loc=Location(table=index))
    active_limits().check("table_cells", table.n_rows * table.n_cols)
    return table


def _is_layout_table(tbl: etree._Element) -> bool:
    """A table holding a real table (two rows or more) only lays the page out (as in HTML)."""
    return any(len(inner.findall(_TR)) >= 2 for inner in tbl.iterdescendants(_TBL))


def _body_items(body: etree._Element) -> list[etree._Element]:
    """Body-level paragraphs and tables in order, looking inside content controls (w:sdt)
    and into the cells of layout tables (a report framed in a table holds its tables there)."""
    items: list[etree._Element] = []
    for child in body:
        if child.tag == _TBL and _is_layout_table(child):
            for tc in (tc for tr in child.iterchildren(_TR) for tc in tr.iterchildren(_TC)):
                items.extend(_body_items(tc))
        elif child.tag in (_P, _TBL):
            items.append(child)
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                items.extend(_body_items(content))
    return items


def load_docx(path: str, data: bytes) -> Document:
    check_word_zip(data)
    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
    except (PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError, zipfile.BadZipFile) as exc:
        raise IngestError(f"Corrupt .docx file: {exc}") from exc
    except AttributeError as exc:  # python-docx finds a part that is not what Word writes there
        raise IngestError("Corrupt .docx file: its parts are not those of a Word document") from exc
    except (zlib.error, EOFError, OSError) as exc:  # a damaged or truncated compressed part
        raise IngestError("Corrupt .docx file: a compressed part of it cannot be unpacked") from exc
    blocks: list[Block] = []
    n_paragraphs = n_tables = 0
    for item in _body_items(body):
        if item.tag == _TBL:
            table = build_table(item, n_tables, document)
            if table is not None:
                blocks.append(table)
                n_tables += 1
            continue
        n_paragraphs += 1  # every paragraph counts, so ``line`` is the paragraph's ordinal
        for piece in _paragraph_text(item, document).split("\n"):
            text = piece.strip()
            if text:
                blocks.append(TextBlock(text, Location(line=n_paragraphs)))
    if not blocks:
        raise IngestError("Word document has no text (it may hold only images)")
    return Document(path=path, format="docx", blocks=blocks, encoding=None)
