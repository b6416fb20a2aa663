"""PDF files, one page at a time: the text layer where it is sound, OCR where it is missing or junk.

A sound page gives exact characters with boxes (pypdfium2; pdfplumber's text
turns some Chromium/Noto glyphs into radical code points) and its drawn rules
(path objects) give the table grids. A page without text, or whose text layer
is junk (``ocr.garbage``), is rendered and read by OCR. Pages are opened and
closed one by one, so a long PDF takes memory for one page plus the blocks
read so far. Boxes are in PDF points from the page's top-left corner.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from govreport.document import Block, Document, Table
from govreport.errors import IngestError
from govreport.ocr.assemble import Word, page_blocks
from govreport.ocr.garbage import is_garbled
from govreport.ocr.grid import Segment, find_grids, segments_of_box
from govreport.options import active_limits
from govreport.schema import Finding

if TYPE_CHECKING:
    from govreport.ocr.page import PageRead
from govreport.text import fold_radicals

OCR_DPI = 200  # pages read by OCR are rendered at this resolution
_THIN = 2.5  # points: a path this narrow is a rule, not a filled area
_RECT_SEGMENTS = 5  # move, three lines, close: a rectangle
_GRID_TOL = 2.0  # points between rules that meet or coincide
_MIN_CELL = 3.0  # points: the smallest row height or column width
_PASSWORD_ERRORS = ("password",)


def open_pdf(path: str) -> pdfium.PdfDocument:
    """The PDF, opened with the empty password where it is encrypted; a clear error otherwise."""
    try:
        return pdfium.PdfDocument(path, password="")
    except pdfium.PdfiumError as exc:
        if any(word in str(exc).lower() for word in _PASSWORD_ERRORS):
            raise IngestError("Encrypted PDF: it needs a password to open") from None
        raise IngestError(f"Corrupt or unreadable PDF ({exc})") from None


def _text_words(page: pdfium.PdfPage, height: float) -> list[Word]:
    """Each character of the text layer with its box (top-left origin)."""
    textpage = page.get_textpage()
    try:
        words = []
        for i in range(textpage.count_chars()):
            code = pdfium_c.FPDFText_GetUnicode(textpage.raw, i)
            if code in (0, 0xFFFE, 0xFFFF) or chr(code) in "\r\n":
                continue
            # the advance width (loose box) leaves no gap between CJK characters; the ink (tight box)
            # says where the character stands vertically
            left, _, right, _ = textpage.get_charbox(i, loose=True)
            _, bottom, _, top = textpage.get_charbox(i)
            box = (left, height - top, right, height - bottom)
            if chr(code).isspace() and words and box[3] - box[1] <= 0:
                # a printed space has no ink to stand in a line by: it stands where the character before it
                # ends, as tall as that character, so the line keeps it (一、 总体情况 as printed)
                before = words[-1].box
                box = (before[2], before[1], max(before[2], right), before[3])
            words.append(Word(chr(code), box))
        return words
    finally:
        textpage.close()


def _path_segments(page: pdfium.PdfPage, height: float) -> list[Segment]:
    """Rules drawn on the page: thin paths, and the edges of drawn rectangles (cell borders, fills);
    at most the limit's count, so grid finding stays bounded."""
    limits = active_limits()
    segments = []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=2):
        limits.check("rules_per_page", len(segments))
        left, bottom, right, top = obj.get_bounds()
        x0, y0, x1, y1 = left, height - top, right, height - bottom
        if y1 - y0 < _THIN and x1 - x0 >= _THIN:
            segments.append(Segment(True, (y0 + y1) / 2, x0, x1))
        elif x1 - x0 < _THIN and y1 - y0 >= _THIN:
            segments.append(Segment(False, (x0 + x1) / 2, y0, y1))
        elif pdfium_c.FPDFPath_CountSegments(obj.raw) == _RECT_SEGMENTS:
            segments += segments_of_box((x0, y0, x1, y1))
    return segments


def _ocr_page(page: pdfium.PdfPage) -> PageRead:
    from govreport.ocr.page import read_page  # OpenCV and the OCR engine load only when a page needs them

    width, height = page.get_size()
    active_limits().check("page_pixels", round(width * height * (OCR_DPI / 72) ** 2))
    # in colour: a red seal is told from the print by its colour
    image = page.render(scale=OCR_DPI / 72, rev_byteorder=True).to_numpy()
    return read_page(np.ascontiguousarray(image[:, :, :3]), OCR_DPI)


def _read_page(page: pdfium.PdfPage, number: int) -> tuple[list[Block], tuple[str, ...] | None]:
    """Blocks of one page, and where it was read by OCR, what was repaired on its image (else None)."""
    height = page.get_height()
    words = _text_words(page, height)
    text = "".join(w.text for w in words)
    if not text.strip() and pdfium_c.FPDFPage_CountObjects(page.raw) == 0:
        return [], None  # a blank page: nothing drawn, nothing to read
    if not text.strip() or is_garbled(text):
        read = _ocr_page(page)
        return read.blocks(number), read.notes
    words = [Word(fold_radicals(w.text), w.box) for w in words]
    grids = find_grids(_path_segments(page, height), tol=_GRID_TOL, min_gap=_MIN_CELL)
    return page_blocks(words, grids, number, height), None


def _continues(previous: Block, table: Table) -> bool:
    """A table at the top of a page continues the one that ended the page before when its columns line up."""
    if not isinstance(previous, Table) or previous.loc.box is None or table.loc.box is None:
        return False
    return (
        previous.grid == table.grid
        and abs(previous.loc.box[0] - table.loc.box[0]) < 3 * _GRID_TOL
        and abs(previous.loc.box[2] - table.loc.box[2]) < 3 * _GRID_TOL
    )


def _header_rows(previous: Table, table: Table) -> int:
    """How many leading rows of ``table`` repeat the header of ``previous``."""
    before, after = previous.grid_text(), table.grid_text()
    count = 0
    while count < min(len(before), len(after)) - 1 and before[count] == after[count]:
        count += 1
    return count


def _join(previous: Table, table: Table) -> None:
    """Append ``table``'s rows (less a repeated header) to ``previous``."""
    skip = _header_rows(previous, table)
    offset = previous.n_rows - skip
    for cell in table.cells:
        if cell.row < skip:
            continue
        cell.row += offset
        cell.loc.row = cell.row
        previous.cells.append(cell)


def join_continued_tables(pages: list[list[Block]]) -> list[Block]:
    """All pages' blocks, with a table split over a page break joined into one."""
    out: list[Block] = []
    for blocks in pages:
        for i, block in enumerate(blocks):
            if i == 0 and isinstance(block, Table) and out and _continues(out[-1], block):
                _join(out[-1], block)  # type: ignore[arg-type]
            else:
                out.append(block)
    return out


def load_pdf(path: str) -> Document:
    document = open_pdf(path)
    pages: list[list[Block]] = []
    ocr_pages: dict[int, tuple[str, ...]] = {}  # page -> what was repaired on its image
    try:
        n_pages = len(document)
        active_limits().check("pages", n_pages)
        for index in range(n_pages):
            try:
                page = document[index]
            except pdfium.PdfiumError:
                raise IngestError(f"Corrupt PDF: page {index + 1} of {n_pages} cannot be loaded") from None
            try:
                blocks, repairs = _read_page(page, index + 1)
            finally:
                page.close()
            pages.append(blocks)
            if repairs is not None:
                ocr_pages[index + 1] = repairs
    finally:
        document.close()
    blocks = join_continued_tables(pages)
    if not blocks:
        raise IngestError("PDF has no readable text on any page")
    doc = Document(path=path, format="pdf", blocks=blocks, n_pages=n_pages)
    if ocr_pages:
        listed = ", ".join(map(str, ocr_pages))
        doc.findings.append(Finding(kind="warning", message=f"pages read by OCR (no sound text layer): {listed}"))
        from govreport.ocr.page import repair_findings

        doc.findings += repair_findings(ocr_pages)
    return doc


__all__ = ["OCR_DPI", "join_continued_tables", "load_pdf", "open_pdf"]
