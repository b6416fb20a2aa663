"""A report typeset as a PDF's text laid out by position, the way ``pdftotext -layout``
and PDF viewers' copy print it: prose cut at the page's width, tables with no rules,
each cell's text wrapped to its column's width and set in its rows (centred or at
the top), merged cells spanning their rows, pages broken with a page number and a
running header. One character is one position, as pdftotext places CJK text.

    python eval/layout_text.py --out /tmp/layout       # every gold fixture, both alignments, and apart (2 ways)

Formats ``layout-text`` and ``layout-text-top`` of the benchmark (``eval/report.py``); the
same class made by the real tools is ``pdftotext-layout`` (``eval/producers.py``). With no
style, each table prints its labels and then its numbers (``labels-apart-text``), as
``pdftotext`` without ``-layout`` prints LibreOffice's PDFs (``pdftotext-text-office``);
with ``Apart(column_runs=True)`` some runs of rows print their numbers column by column
(``labels-apart-columns``), as ``pdftotext`` prints the rows beside a label that spans them
and a table's last rows.
"""

from __future__ import annotations

import argparse
import math
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


def layout_text(spec: ReportSpec, style: Style | Apart = Style()) -> str:
    """The report as a PDF's text: tables laid out by position in ``style``, or, ``Apart``,
    their labels and then their numbers (``labels_then_values``)."""
    body: list[str] = []
    for block in document_blocks(spec):
        if isinstance(block, Title):
            body += _wrap(block.text, PAGE_WIDTH - 4)
        elif isinstance(block, Heading):
            body += ["", block.text, ""]
        elif isinstance(block, Paragraph):
            body += _wrap("  " + block.text, PAGE_WIDTH)
        else:
            lines = table_lines(block, style) if isinstance(style, Style) else labels_then_values(block, style)
            body += ["", *lines, ""]
    return "\n".join(_paginate(body)) + "\n"


def _paginate(lines: list[str]) -> list[str]:
    out: list[str] = []
    pages = math.ceil(len(lines) / PAGE_LINES)
    for page in range(pages):
        if page:
            out += [RUNNING_HEADER.center(PAGE_WIDTH * 2).rstrip(), ""]
        out += lines[page * PAGE_LINES : (page + 1) * PAGE_LINES]
        if page < pages - 1:
            out += ["", "", f"—{page + 1}—".center(PAGE_WIDTH * 2).rstrip(), "\f"]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for gold in sorted((REPO / "tests" / "fixtures" / "gold").glob("*.json")):
        spec = ReportSpec.from_gold(gold)
        styles = {"centred": Style(), "top": Style(centred=False), "apart": Apart(), "columns": Apart(column_runs=True)}
        for name, style in styles.items():
            (args.out / f"{gold.stem}.{name}.txt").write_text(layout_text(spec, style), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
