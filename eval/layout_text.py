"""A report typeset as a PDF's text laid out by position, the way ``pdftotext -layout``
and PDF viewers' copy print it: prose cut at the page's width, tables with no rules,
each cell's text wrapped to its column's width and set in its rows (centred or at
the top), merged cells spanning their rows, pages broken with a page number and a
running header. One character is one position, as pdftotext places CJK text.

    python eval/layout_text.py --out /tmp/layout       # every gold fixture, both alignments, and apart (2 ways)

Formats ``layout-text`` and ``layout-text-top`` of the benchmark (``eval/report.py``), and
``layout-text-heading`` and ``layout-text-top-heading`` with each part's heading right above
its table (its prose after the table, ``Style(lead_in=False)``); the
same class made by the real tools is ``pdftotext-layout`` (``eval/producers.py``). With no
style, each table prints its labels and then its numbers (``labels-apart-text``), as
``pdftotext`` without ``-layout`` prints LibreOffice's PDFs (``pdftotext-text-office``);
with ``Apart(column_runs=True)`` some runs of rows print their numbers column by column
(``labels-apart-columns``), as ``pdftotext`` prints the rows beside a label that spans them
and a table's last rows; with ``DrawingOrder``, table 3's numbers in paragraphs of one column
each (``drawing-order-text``), as ``pdftotext`` prints a ruled table of Chromium's PDFs.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from govreport.render import ReportSpec  # noqa: E402
from govreport.render.layout import Heading, LayoutCell, Paragraph, TableLayout, Title, document_blocks  # noqa: E402

PAGE_WIDTH = 36  # characters of a line of prose
PAGE_LINES = 48  # lines of a page before its number and the next page's header
RUNNING_HEADER = "政府信息公开工作年度报告"


@dataclass(frozen=True)
class Style:
    centred: bool = True  # cell text set in the middle of its rows (else at the top)
    label_width: int = 4  # characters of a row-label column before its text wraps
    value_width: int = 6
    lead_in: bool = True  # a part's prose between its heading and its table (else after it: the heading on the table)


@dataclass(frozen=True)
class Apart:
    """A table's labels printed first, then its numbers, one to a line."""

    column_runs: bool = False  # some runs of equally wide rows print their numbers column by column


def _wrap(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


def _widths(table: TableLayout, style: Style) -> list[int]:
    """Label columns (those holding no value) narrow, value columns wide enough for their numbers."""
    value_cols = {c.col for c in table.cells if c.key is not None}
    return [style.value_width if col in value_cols else style.label_width for col in range(table.n_cols)]


def _cell_lines(cell: LayoutCell, widths: list[int]) -> list[str]:
    return _wrap(cell.text.replace(" ", ""), sum(widths[cell.col : cell.col + cell.colspan]) + 2 * (cell.colspan - 1))


def table_lines(table: TableLayout, style: Style) -> list[str]:
    widths = _widths(table, style)
    lines_of = {id(c): _cell_lines(c, widths) for c in table.cells}
    # each row as tall as its tallest one-row cell; a merged cell's lines spread over its rows
    heights = [1] * table.n_rows
    for cell in table.cells:
        if cell.rowspan == 1:
            heights[cell.row] = max(heights[cell.row], len(lines_of[id(cell)]))
    for cell in table.cells:
        if cell.rowspan > 1:
            short = len(lines_of[id(cell)]) - sum(heights[cell.row : cell.row + cell.rowspan])
            if short > 0:
                heights[cell.row + cell.rowspan - 1] += short
    tops = [sum(heights[:r]) for r in range(table.n_rows + 1)]
    canvas = [[" "] * (sum(widths) + 2 * len(widths)) for _ in range(tops[-1])]
    x_of = [sum(widths[:c]) + 2 * c for c in range(table.n_cols)]
    for cell in table.cells:
        text = lines_of[id(cell)]
        top, span = tops[cell.row], tops[cell.row + cell.rowspan] - tops[cell.row]
        first = top + (span - len(text)) // 2 if style.centred else top
        width = sum(widths[cell.col : cell.col + cell.colspan]) + 2 * (cell.colspan - 1)
        for k, line in enumerate(text):
            x = x_of[cell.col]
            if cell.key is not None:  # numbers stand at the right of their cell, headings in its middle
                x += width - len(line)
            elif cell.header:
                x += (width - len(line)) // 2
            canvas[first + k][x : x + len(line)] = list(line)
    return ["".join(row).rstrip() for row in canvas]


def labels_then_values(table: TableLayout, apart: Apart) -> list[str]:
    """A table as a PDF's text in the order the PDF draws it, the way ``pdftotext`` without
    ``-layout`` and pypdf give LibreOffice's PDFs: every label and header, row by row, then
    every number, row by row, one to a line; with ``apart.column_runs``, the two rows after
    the first two and the last three column by column (where those rows are equally wide)."""
    cells = sorted(table.cells, key=lambda c: (c.row, c.col))
    rows: dict[int, list[str]] = {}
    for c in cells:
        if c.key is not None and c.text:
            rows.setdefault(c.row, []).append(c.text)
    numbers = list(rows.values())
    runs = [range(2, 4), range(len(numbers) - 3, len(numbers))] if apart.column_runs and len(numbers) >= 8 else []
    for run in runs:
        if len({len(numbers[i]) for i in run}) == 1:
            by_column = [number for column in zip(*(numbers[i] for i in run), strict=True) for number in column]
            width = len(numbers[run[0]])
            for k, i in enumerate(run):
                numbers[i] = by_column[k * width : (k + 1) * width]
    return [c.text for c in cells if c.key is None] + [number for row in numbers for number in row]


@dataclass(frozen=True)
class DrawingOrder:
    """Tables as ``pdftotext`` without ``-layout`` prints ruled PDF tables, page by page:
    table 3 on pages of ``rows_per_page`` rows, each page its rows' labels with their first
    numbers, then a paragraph for each further column."""

    rows_per_page: int = 5
    # the first page's first value column drawn after the table's other pages, and its last
    # value column after the heading that follows the table, as pdftotext printed table 3 of
    # seed-001 and seed-003's PDFs (``pdftotext-text``); that page's labels then stand alone
    first_page_late: bool = False


PAGE_BREAK = "\f"  # in a body for ``_paginate``: a page ends here


def drawing_order(table: TableLayout, order: DrawingOrder) -> tuple[list[str], list[str]]:
    """``table`` in the drawing order of ``order``, where its value rows are equally wide
    (table 3), a page break between its pages; other tables as ``labels_then_values``. And
    the lines drawn after the heading that follows it (``first_column_late``)."""
    rows: dict[int, list[LayoutCell]] = {}
    for c in sorted(table.cells, key=lambda c: (c.row, c.col)):
        rows.setdefault(c.row, []).append(c)
    numbers = {r: [c.text for c in cells if c.key is not None] for r, cells in rows.items()}
    value_rows = [r for r, found in numbers.items() if found]
    if len({len(numbers[r]) for r in value_rows}) != 1:
        return labels_then_values(table, Apart()), []
    lines = [c.text for r, cells in rows.items() if r < value_rows[0] for c in cells]
    width = len(numbers[value_rows[0]])
    late = order.first_page_late and len(value_rows) > order.rows_per_page
    for first in range(0, len(value_rows), order.rows_per_page):
        page = value_rows[first : first + order.rows_per_page]
        lines += [PAGE_BREAK] if first else []
        held = late and not first  # the first page's first and last columns, drawn later
        for r in page:
            lines += [c.text for c in rows[r] if c.key is None] + ([] if held else [numbers[r][0]])
        for col in range(1, width - 1 if held else width):
            lines += ["", *(numbers[r][col] for r in page)]
    if not late:
        return lines, []
    first_page = value_rows[: order.rows_per_page]
    lines += ["", *(numbers[r][0] for r in first_page)]
    return lines, ["", *(numbers[r][width - 1] for r in first_page)]


def layout_text(
    spec: ReportSpec,
    style: Style | Apart | DrawingOrder = Style(),
    blocks: list[Title | Heading | Paragraph | TableLayout] | None = None,
) -> str:
    """The report (or its ``blocks``, as a variation changed them) as a PDF's text: tables laid
    out by position in ``style``, or, ``Apart``, their labels and then their numbers
    (``labels_then_values``)."""
    body: list[str] = []
    late: list[str] = []  # lines drawn after the next heading
    blocks = blocks if blocks is not None else document_blocks(spec)
    for block in blocks if not isinstance(style, Style) or style.lead_in else _headings_on_tables(blocks):
        if isinstance(block, Title):
            body += _wrap(block.text, PAGE_WIDTH - 4)
        elif isinstance(block, Heading):
            body += ["", block.text, "", *late]
            late = []
        elif isinstance(block, Paragraph):
            body += _wrap("  " + block.text, PAGE_WIDTH)
        else:
            if isinstance(style, Style):
                lines = table_lines(block, style)
            elif isinstance(style, Apart):
                lines = labels_then_values(block, style)
            else:
                lines, late = drawing_order(block, style)
            body += ["", *lines, ""]
    # a PDF's page holds a table's page whole: pages drawn in order break only where the table does
    return "\n".join(_paginate(body, None if isinstance(style, DrawingOrder) else PAGE_LINES)) + "\n"


def _headings_on_tables(
    blocks: list[Title | Heading | Paragraph | TableLayout],
) -> list[Title | Heading | Paragraph | TableLayout]:
    """``blocks`` with the prose between each heading and its table moved after the table, as
    reports print a part's heading right above its table (nothing said before it)."""
    out: list[Title | Heading | Paragraph | TableLayout] = []
    for block in blocks:
        if isinstance(block, TableLayout):
            lead = len(out)
            while lead > 0 and isinstance(out[lead - 1], Paragraph):
                lead -= 1
            out[lead:] = [block, *out[lead:]]
        else:
            out.append(block)
    return out


def _paginate(lines: list[str], page_lines: int | None = PAGE_LINES) -> list[str]:
    """Pages of ``page_lines`` lines, a page number after each and the running header before
    the next; a ``PAGE_BREAK`` in ``lines`` ends a page early (with no ``page_lines``, only
    those end pages)."""
    pages: list[list[str]] = [[]]
    for line in lines:
        if line == PAGE_BREAK or len(pages[-1]) == page_lines:
            pages.append([])
        if line != PAGE_BREAK:
            pages[-1].append(line)
    out: list[str] = []
    for number, page in enumerate(pages, start=1):
        if number > 1:
            out += [RUNNING_HEADER.center(PAGE_WIDTH * 2).rstrip(), ""]
        out += page
        if number < len(pages):
            out += ["", "", f"—{number}—".center(PAGE_WIDTH * 2).rstrip(), "\f"]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for gold in sorted((REPO / "tests" / "fixtures" / "gold").glob("*.json")):
        spec = ReportSpec.from_gold(gold)
        styles = {
            "centred": Style(),
            "top": Style(centred=False),
            "centred-heading": Style(lead_in=False),
            "top-heading": Style(centred=False, lead_in=False),
            "apart": Apart(),
            "columns": Apart(column_runs=True),
            "drawn": DrawingOrder(),
        }
        for name, style in styles.items():
            (args.out / f"{gold.stem}.{name}.txt").write_text(layout_text(spec, style), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
