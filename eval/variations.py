"""Layout classes of issue 9 as transformations of every suitable gold fixture.

Each generator turns one gold case into one variant document plus the values
it must read back (``Variant``): the class is written once and applied to every
fixture it fits, so a rule that holds only for one fixture shows up here.

- ``md-txt``: the report as converter markdown (``#`` title, ``##`` parts, pipe
  tables, a merged cell's text in its first slot) saved as ``.txt``;
- ``md-headings``: a text original whose title and part headings got markdown
  ``#``/``##`` marks (tables as printed), saved as ``.txt``;
- ``html-txt``: the report's HTML body (no ``<html>`` shell) saved as ``.txt``;
- ``converter-md``: tables re-made by a PDF-to-markdown converter: generic header
  rows (``| 项目 | 列1 | 列2 |``), table 3 split into one small table per group
  under the group's label, a one-row group's label in a line above its table, a
  stub table of table 3's header alone, a spurious generic header row in the
  middle of table 3, and table 4 split into its 行政复议 and 行政诉讼 tables;
- ``md-html-tables``: converter markdown whose tables are HTML with merged cells;
- ``negative-runs``: 2019-form fixtures whose 本年增/减 column is negative, printed
  as a crawled page whose table rows run together (``行政许可12-30``);
- ``lost-cell``: table 2's document rows lose their middle cell in conversion
  (``| 规章 | 5 | 20 |``) while the prose states that row's figures;
- ``merged-labels``: the report's HTML where the rule between two row labels was lost:
  each pair of adjacent rows labelled by one cell alone has the two labels in one
  cell spanning both rows (``一、本年新收…二、上年结转…`` over two value rows).

How Word and web CMSs print the same tables, each class as an HTML page, a DOCX (``-docx``), converter
markdown (``-md``), a Word document dumped to text with a cell per line (``-txt``) and a crawled page
with each row's cells run together (``-run``):

- ``label-styles``: row numbering interchanged or dropped (（一）/(一)/一、/（1）/①/none, 1./1、/1．),
  quotes changed, short labels letter-spaced (``总  计``), long ones broken over two lines in their cell;
- ``cell-formats``: full-width digits, ``件`` and ``万元`` in the cell, thousands separators,
  money as ``0.00``; in HTML every cell wrapped as Word's web pages write it (``<p><span>&nbsp;5``);
- ``header-variants``: 合计 for 总计, header cells on two lines, table 3's header in two rows
  for three, a 序号 column, a blank padding column (after the labels, inside the values or at the
  right) and a blank row, table 3's header repeated after a page break;
- ``table-pieces``: table 2 as one table per clause, table 3 over two tables (header repeated),
  table 4 as its 行政复议 and 行政诉讼 tables, the caption in a merged first row, rows in reverse
  order inside their group;
- ``blank-tails``: cells the office left blank at the end of a row: table 4's last group (复议后起诉)
  and the last cell of each table-2 row of several cells; also typeset as a PDF's text (``-layout``),
  where a blank cell leaves no trace;
- ``framed-docx``: the report's DOCX inside the one cell of a layout table, its tables nested there.

    python eval/variations.py --out /tmp/variants     # write every variant of every fixture
"""

from __future__ import annotations

import argparse
import re
import sys
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "eval"))
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "tests"))

import docx  # noqa: E402
from conftest import GOLD, GoldCase, gold_cases  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402
from layout_text import Style, layout_text  # noqa: E402

from govreport.form.catalog import FORMS, T4  # noqa: E402
from govreport.render import ReportSpec, render_docx, render_html  # noqa: E402
from govreport.render.layout import (  # noqa: E402
    T3_CORNER,
    Block,
    Heading,
    LayoutCell,
    Paragraph,
    TableLayout,
    Title,
    Value,
    document_blocks,
)
from govreport.text import squash  # noqa: E402


@dataclass(frozen=True)
class Variant:
    """A variant document and the gold it must read back to."""

    path: Path
    case: GoldCase


def _spec(case: GoldCase) -> ReportSpec:
    return ReportSpec.from_gold(GOLD / f"{case.name}.json")


def _same(case: GoldCase, path: Path) -> Variant:
    return Variant(path, case)


# ---------------------------------------------------------------- markdown writer
def _grid(table: TableLayout, lost: frozenset[str] = frozenset()) -> list[list[str]]:
    """The table's slots, a merged cell's text in its first slot only (as converters write);
    the cells of ``lost`` keys are dropped from their rows (the row comes out short)."""
    grid: list[list[str | None]] = [["" for _ in range(table.n_cols)] for _ in range(table.n_rows)]
    for cell in table.cells:
        grid[cell.row][cell.col] = None if cell.key in lost else _md(cell.text)
    return [[text for text in row if text is not None] for row in grid]


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")  # a line broken in a cell: one line in a pipe cell


def _pipe_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _pipe_table(rows: list[list[str]], header: list[str] | None = None) -> list[str]:
    """A pipe table: ``header`` as its head (a generic one), else its first row."""
    head, body = (header, rows) if header else (rows[0], rows[1:])
    return [_pipe_row(head), _pipe_row(["---"] * len(head)), *(_pipe_row(r) for r in body)]


def _generic_header(width: int) -> list[str]:
    return ["项目", *(f"列{i}" for i in range(1, width))]


def markdown(
    spec: ReportSpec, table_lines: Callable[[TableLayout], list[str]] | None = None, blocks: list[Block] | None = None
) -> str:
    """The report (``blocks``: its outline, ``document_blocks`` by default) as markdown;
    ``table_lines`` writes each table (plain pipe tables by default)."""
    write = table_lines or (lambda t: _pipe_table(_grid(t)))
    out: list[str] = []
    for block in blocks or document_blocks(spec):
        if isinstance(block, Title):
            out += [f"# {block.text}", ""]
        elif isinstance(block, Heading):
            out += [f"## {block.text}", ""]
        elif isinstance(block, Paragraph):
            out += [block.text, ""]
        else:
            out += [*write(block), ""]
    return "\n".join(out)


# ---------------------------------------------------------------- md-txt, html-txt, md-headings
def make_md_txt(case: GoldCase, folder: Path) -> Variant:
    path = folder / f"{case.name}.md-txt.txt"
    path.write_text(markdown(_spec(case)), encoding="utf-8")
    return _same(case, path)


def make_html_txt(case: GoldCase, folder: Path) -> Variant:
    page = render_html(_spec(case))
    body = page[page.index("<body>") + len("<body>") : page.index("</body>")]
    path = folder / f"{case.name}.html-txt.txt"
    path.write_text(body.strip() + "\n", encoding="utf-8")
    return _same(case, path)


def make_md_headings(case: GoldCase, folder: Path) -> Variant | None:
    """The original text, its title line ``#`` and each part heading line ``##`` (bold)."""
    if case.document.suffix != ".txt":
        return None
    headings = {squash(v) for k, v in case.values.items() if k.startswith("section.") and v}
    lines = case.document.read_text(encoding="utf-8").splitlines()
    marked, titled = [], False
    for line in lines:
        text = line.strip()
        if text and squash(text) in headings:
            marked.append(f"## **{text}**")
        elif text and not titled:
            marked.append(f"# {text}")
            titled = True
        else:
            marked.append(line)
    if sum(m.startswith("## ") for m in marked) < 2:
        return None  # headings not on lines of their own (a flattened page): nothing to mark
    path = folder / f"{case.name}.md-headings.txt"
    path.write_text("\n".join(marked) + "\n", encoding="utf-8")
    return _same(case, path)


# ---------------------------------------------------------------- converter-md
def _converter_tables(table: TableLayout) -> list[str]:
    """Generic headers; table 3 in one small table per group (its label in a line
    above), its header rows as a stub table, a spurious generic header in its middle;
    table 4 as two tables side by side in the form, one after the other here."""
    width = table.n_cols
    if table.name == "t4":  # 行政复议 and 行政诉讼 as two tables, one after the other
        review = len(FORMS["2021"].table("t4").rows[0].columns)
        rows = _grid(table)
        first, second = [r[:review] for r in rows], [r[review:] for r in rows]
        return [*_pipe_table(first, _generic_header(review)), "", *_pipe_table(second, _generic_header(width - review))]
    if table.name != "t3":
        return _pipe_table(_grid(table), _generic_header(width))
    header = _generic_header(width)
    out = [*_pipe_table(_grid(table)[:3], header), ""]  # the header rows alone: a stub without numbers
    groups = _t3_groups(table)
    for index, (label, rows) in enumerate(groups):
        body = [[own, *values] for own, values in rows] if len(rows) > 1 else [["", *rows[0][1]]]
        if index == len(groups) // 2:
            body.insert(1, header)  # a header row repeated inside the table, as page breaks leave them
        out += [label, "", *_pipe_table(body, header), ""]
    return out


def _t3_groups(table: TableLayout) -> list[tuple[str, list[tuple[str, list[str]]]]]:
    """Table 3's value rows, grouped as printed: a group label spanning rows holds its
    rows (each with its own label), a row outside a group is a group of its own."""
    groups: list[tuple[str, list[tuple[str, list[str]]]]] = []
    spans = [c for c in table.cells if c.col == 1 and c.rowspan > 1 and c.key is None]
    for r in sorted({c.row for c in table.cells if c.key}):
        in_row = sorted((c for c in table.cells if c.row == r), key=lambda c: c.col)
        own = [c.text for c in in_row if c.key is None and c.text][-1]
        values = [_md(c.text) for c in in_row if c.key]
        group = next((c.text for c in spans if c.row <= r < c.row + c.rowspan), None)
        if group is not None and groups and groups[-1][0] == group:
            groups[-1][1].append((own, values))
        else:
            groups.append((group or own, [(own, values)]))
    return groups


def make_converter_md(case: GoldCase, folder: Path) -> Variant | None:
    spec = _spec(case)
    if spec.template is None:
        return None
    path = folder / f"{case.name}.converter.md"
    path.write_text(markdown(spec, _converter_tables), encoding="utf-8")
    return _same(case, path)


# ---------------------------------------------------------------- md-html-tables
def make_md_html_tables(case: GoldCase, folder: Path) -> Variant | None:
    """Converter markdown whose tables are HTML with rowspan/colspan (merged cells)."""
    spec = _spec(case)
    if spec.template is None:
        return None
    tables = iter(re.findall(r"<table\b.*?</table>", render_html(spec), re.DOTALL))
    path = folder / f"{case.name}.md-html-tables.md"
    path.write_text(markdown(spec, lambda _layout: [next(tables)]), encoding="utf-8")
    return _same(case, path)


# ---------------------------------------------------------------- negative-runs
def _negative_changes(case: GoldCase) -> dict[str, int]:
    """The 2019 form's 本年增/减 cells made negative (one digit: a decrease)."""
    changes = {}
    for i, key in enumerate(k for k in FORMS["2019"].table("t2").keys() if k.endswith(".change")):
        changes[key] = -(1 + (i + (case.values.get(key) or 0)) % 9)
    return changes


def _run_together(spec: ReportSpec, blocks: list[Block] | None = None) -> str:
    """A crawled page: title, parts and prose on lines, each table row's cells glued."""
    out: list[str] = []
    for block in blocks or document_blocks(spec):
        if isinstance(block, TableLayout):
            for r in range(block.n_rows):
                cells = sorted((c for c in block.cells if c.row == r), key=lambda c: c.col)
                out.append("".join(c.text.replace("\n", "") for c in cells))
        else:
            out.append(block.text)
    return "\n".join(out) + "\n"


def make_negative_runs(case: GoldCase, folder: Path) -> Variant | None:
    if case.values.get("meta.template") != "2019":
        return None
    changes = _negative_changes(case)
    spec = _spec(case)
    spec = spec.model_copy(update={"values": {**spec.values, **changes}})
    path = folder / f"{case.name}.negative.txt"
    path.write_text(_run_together(spec), encoding="utf-8")
    return Variant(path, replace(case, values={**case.values, **changes}))


# ---------------------------------------------------------------- lost-cell
_STATED = {  # how prose states a document row's three figures, per form version
    "2021": ("本年制发{label}{0}件，废止{1}件，现行有效{2}件。"),
    "2019": ("本年新制作{label}{0}件，新公开{1}件，对外公开总数量{2}件。"),
}


def make_lost_cell(case: GoldCase, folder: Path) -> Variant | None:
    template = case.values.get("meta.template")
    if template is None:
        return None
    spec = _spec(case)
    t2 = FORMS[template].table("t2")
    rows = [t2.row("regulation"), t2.row("normative_doc")]
    lost = frozenset(f"t2.{row.key}.{row.columns[1].key}" for row in rows)
    sentences = [
        _STATED[template].format(*(case.values.get(f"t2.{row.key}.{c.key}") for c in row.columns), label=row.label)
        for row in rows
    ]
    parts = dict(spec.parts or {})
    parts[2] = "\n".join([*sentences, parts.get(2, "")])
    spec = spec.model_copy(update={"parts": parts})
    text = markdown(spec, lambda t: _pipe_table(_grid(t, lost)))
    path = folder / f"{case.name}.lost-cell.md"
    path.write_text(text, encoding="utf-8")
    return _same(case, path)


# ---------------------------------------------------------------- merged-labels
# a row labelled by one cell alone, then its value cells, then the end of the row
_LONE_LABEL_ROW = re.compile(
    r'<tr><td class="label"(?P<span>(?: colspan="\d+")?)>(?P<label>[^<]*)</td>'
    r'(?P<values>(?:<td class="value">[^<]*</td>)+)</tr>'
)


def _merge_label_pairs(page: str) -> str:
    """Each pair of adjacent lone-label rows of the same shape, their labels in one cell of rowspan 2."""
    out, at, previous = [], 0, None
    for match in _LONE_LABEL_ROW.finditer(page):
        adjacent = previous is not None and page[previous.end() : match.start()].strip() == ""
        same_shape = adjacent and (previous["span"], previous["values"].count("<td")) == (
            match["span"],
            match["values"].count("<td"),
        )
        if same_shape:
            merged = f'<tr><td class="label"{previous["span"]} rowspan="2">{previous["label"]}{match["label"]}</td>'
            out += [page[at : previous.start()], merged, previous["values"], "</tr>", f"<tr>{match['values']}</tr>"]
            at, previous = match.end(), None
        else:
            previous = match
    return "".join([*out, page[at:]])


def make_merged_labels(case: GoldCase, folder: Path) -> Variant | None:
    spec = _spec(case)
    if spec.template is None:
        return None
    path = folder / f"{case.name}.merged-labels.html"
    path.write_text(_merge_label_pairs(render_html(spec)), encoding="utf-8")
    return _same(case, path)


# ---------------------------------------------------------------- printed-table classes
# How Word and web CMSs print the same form tables. Each class is a change of the tables'
# layout (``TableLayout``), written by the project's renderer (HTML, DOCX) and by the writers
# here (``WRITERS``); the values are the gold's, only their printing changes.
# Where a class has several styles, each fixture gets one (``_pick``), so every style lands
# on several fixtures.
TableChange = Callable[[TableLayout, GoldCase], list[TableLayout]]


def _pick(case: GoldCase, options: tuple, salt: str = "") -> Any:
    """One of ``options``, fixed per fixture and ``salt``."""
    return options[zlib.crc32(f"{case.name}/{salt}".encode()) % len(options)]


def _retext(table: TableLayout, text: Callable[[LayoutCell], str]) -> TableLayout:
    return replace(table, cells=tuple(replace(c, text=text(c)) for c in table.cells))


def _printed(case: GoldCase, folder: Path, name: str, writer: str) -> Variant | None:
    spec = _spec(case)
    if spec.template is None:
        return None
    blocks: list[Block] = []
    for block in document_blocks(spec):
        blocks += TABLE_CHANGES[name](block, case) if isinstance(block, TableLayout) else [block]
    stem = f"{case.name}.{name}{writer}"
    case = replace(case, values=GOLD_CHANGES.get(name, lambda c: c.values)(case))
    if writer == "-docx":
        return _same(case, render_docx(spec, folder / f"{stem}.docx", blocks))
    if writer == "":
        text, path = PAGE_MARKUP.get(name, str)(render_html(spec, blocks)), folder / f"{stem}.html"
    elif writer == "-md":
        text, path = markdown(spec, MD_TABLES.get(name), blocks=blocks), folder / f"{stem}.md"
    elif writer == "-txt":
        text, path = _cell_lines(blocks), folder / f"{stem}.txt"
    elif writer == "-layout":
        text, path = layout_text(spec, Style(), blocks), folder / f"{stem}.txt"
    else:
        text, path = _run_together(spec, blocks), folder / f"{stem}.txt"
    path.write_text(text, encoding="utf-8")
    return _same(case, path)


def _cell_lines(blocks: list[Block]) -> str:
    """A Word document dumped to text: each table cell on a line of its own after a tab
    (a merged cell once, a blank one as a tab alone)."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, TableLayout):
            out += ["\t" + c.text.replace("\n", " ") for c in sorted(block.cells, key=lambda c: (c.row, c.col))]
        else:
            out.append(block.text)
    return "\n".join(out) + "\n"


# ----- label-styles: row numbering interchanged or dropped, labels letter-spaced or broken
_PART_NUMBER = re.compile(r"^([一二三四五六七八九十])、")  # 一、本年新收…
_GROUP_NUMBER = re.compile(r"^（([一二三四五六七八九十])）")  # （三）不予公开
_ROW_NUMBER = re.compile(r"^(\d)\.")  # 1.属于国家秘密
_NUMERALS = "一二三四五六七八九十"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
# the numbering styles reports use at each level ({} the numeral as printed, {n} as a digit);
# "" drops the numbering
_NUMBER_STYLES = {
    "part": ("{}．", "{}.", "（{}）", ""),
    "group": ("({})", "{}、", "{}．", "（{n}）", "({n})", ""),
    "row": ("{n}、", "{n}．", "{c}", "（{n}）", "({n})", ""),
}


def _renumbered(label: str, case: GoldCase) -> str:
    for level, pattern in (("part", _PART_NUMBER), ("group", _GROUP_NUMBER), ("row", _ROW_NUMBER)):
        match = pattern.match(label)
        if match:
            n = _NUMERALS.index(match[1]) + 1 if match[1] in _NUMERALS else int(match[1])
            numbering = _pick(case, _NUMBER_STYLES[level], level).format(match[1], n=n, c=_CIRCLED[n - 1])
            return numbering + label[match.end() :]
    return label


def _justified(text: str, case: GoldCase) -> str:
    """A short label spread over its cell as Word justifies it (``总  计``, ``自 然 人``),
    a long one broken over two lines inside its cell."""
    if len(text) <= 5:
        return _pick(case, (" ", "  ", "\u3000"), "spacing").join(text)
    if len(text) >= 12:
        return f"{text[: len(text) // 2]}\n{text[len(text) // 2 :]}"
    return text


def _label_styles(table: TableLayout, case: GoldCase) -> list[TableLayout]:
    quotes = _pick(case, ('""', "‘’", "「」", "“”"), "quotes")

    def text(cell: LayoutCell) -> str:
        if cell.key is not None or cell.text == T3_CORNER:
            return cell.text
        label = cell.text if cell.header else _renumbered(cell.text, case)
        return _justified(label.replace("“", quotes[0]).replace("”", quotes[1]), case)

    return [_retext(table, text)]


# ----- cell-formats: how a value cell prints its number
_WIDE_DIGITS = str.maketrans("0123456789.", "０１２３４５６７８９．")


def _cell_format(cell: LayoutCell, value: Value, money: bool, case: GoldCase) -> str:
    if value is None:
        return cell.text
    if money:
        styles = (f"{value:.2f}", f"{cell.text}万元", cell.text)
        return _pick(case, styles, cell.key or "")
    style = _pick(case, ("wide", "unit", "thousands", "plain"), cell.key or "")
    if style == "wide":
        return cell.text.translate(_WIDE_DIGITS)
    if style == "unit":
        return f"{cell.text}件"
    return f"{value:,}" if style == "thousands" else cell.text


def _cell_formats(table: TableLayout, case: GoldCase) -> list[TableLayout]:
    form = FORMS[case.values["meta.template"]]
    money = {f"{t.name}.{r.key}.{c.key}" for t in form.tables for r in t.rows for c in r.columns if c.money}
    return [
        _retext(table, lambda c: _cell_format(c, case.values.get(c.key), c.key in money, case) if c.key else c.text)
    ]


_TD = re.compile(r'(<td class="(?:value|label|head)"[^>]*>)(.*?)(</td>)', re.DOTALL)


def _word_cell_markup(page: str) -> str:
    """Every cell's text wrapped as Word's "save as web page" writes it: a paragraph, a span,
    non-breaking spaces around the text and an Office tag."""
    return _TD.sub(
        lambda m: (
            f'{m[1]}<p class="MsoNormal" align="center"><span lang="EN-US" style="font-size:10.5pt">'
            f"&nbsp;{m[2]}&nbsp;<o:p></o:p></span></p>{m[3]}"
        ),
        page,
    )


# ----- table surgery shared by the structural classes
def _value_rows(table: TableLayout) -> set[int]:
    return {c.row for c in table.cells if c.key is not None}


def _rows(table: TableLayout, start: int, stop: int) -> TableLayout:
    """Rows ``start``..``stop`` as a table of their own; a merged cell cut by the edges
    keeps its text in the part that holds its first row, and prints it again below
    (as a table continued on the next page does)."""
    cells = []
    for c in table.cells:
        top, bottom = max(c.row, start), min(c.row + c.rowspan, stop)
        if top < bottom:
            cells.append(replace(c, row=top - start, rowspan=bottom - top))
    return replace(table, n_rows=stop - start, cells=tuple(cells))


def _stacked(*tables: TableLayout) -> TableLayout:
    """Tables of one width one under the other, as one table."""
    cells, at = [], 0
    for t in tables:
        cells += [replace(c, row=c.row + at) for c in t.cells]
        at += t.n_rows
    return replace(tables[0], n_rows=at, cells=tuple(cells))


def _columns_cut(table: TableLayout, start: int, stop: int) -> TableLayout:
    """Columns ``start``..``stop`` as a table of their own (no cell spans the cut)."""
    cells = tuple(replace(c, col=c.col - start) for c in table.cells if start <= c.col < stop)
    return replace(table, n_cols=stop - start, cells=cells)


def _serial_column(table: TableLayout) -> TableLayout:
    """A 序号 column at the left numbering the value rows; each run of header rows
    shares one cell saying 序号."""
    numbers = {r: str(i) for i, r in enumerate(sorted(_value_rows(table)), start=1)}
    cells = [replace(c, col=c.col + 1) for c in table.cells]
    r = 0
    while r < table.n_rows:
        end = r + 1
        while r not in numbers and end < table.n_rows and end not in numbers:
            end += 1
        cells.append(LayoutCell(numbers.get(r, "序号"), r, 0, rowspan=end - r, header=r not in numbers))
        r = end
    return replace(table, n_cols=table.n_cols + 1, cells=tuple(cells))


def _blank_inserted(table: TableLayout, at: int, axis: str) -> TableLayout:
    """A blank row (``axis`` "row") or column ("col") inserted before ``at``, as Word tables
    carry them: a cell across the insertion spans it too, elsewhere a blank cell fills it."""
    other = "col" if axis == "row" else "row"
    cells = []
    for c in table.cells:
        start, span = getattr(c, axis), getattr(c, f"{axis}span")
        if start >= at:
            cells.append(replace(c, **{axis: start + 1}))
        else:
            cells.append(replace(c, **{f"{axis}span": span + 1}) if start + span > at else c)
    covered = {
        o
        for c in cells
        if getattr(c, axis) <= at < getattr(c, axis) + getattr(c, f"{axis}span")
        for o in range(getattr(c, other), getattr(c, other) + getattr(c, f"{other}span"))
    }
    across = getattr(table, f"n_{other}s")
    cells += [LayoutCell("", **{axis: at, other: o}) for o in range(across) if o not in covered]
    return replace(table, cells=tuple(cells), **{f"n_{axis}s": getattr(table, f"n_{axis}s") + 1})


def _caption_row(table: TableLayout, text: str) -> TableLayout:
    return TableLayout(
        table.name, table.title, 1, table.n_cols, (LayoutCell(text, 0, 0, colspan=table.n_cols, header=True),)
    )


# ----- header-variants: 合计 for 总计, header cells on two lines, two header rows for three,
# a 序号 column, a blank padding column and row, the header repeated after a page break
def _t3_two_header_rows(table: TableLayout) -> TableLayout:
    """Table 3's header without its 申请人情况 row: 自然人 | 法人或其他组织 | 总计 over the kinds."""
    cells = []
    for c in table.cells:
        if c.row == 0 and c.col > 0:
            continue  # 申请人情况
        cells.append(replace(c, rowspan=2) if c.row == 0 else replace(c, row=c.row - 1))
    return replace(table, n_rows=table.n_rows - 1, cells=tuple(cells))


def _header_rows(table: TableLayout) -> int:
    return min(_value_rows(table))


def _header_variants(table: TableLayout, case: GoldCase) -> list[TableLayout]:
    def text(cell: LayoutCell) -> str:
        shown = cell.text.replace("总计", "合计")
        if cell.header and cell.key is None and 4 <= len(shown) <= 12:
            return f"{shown[: len(shown) // 2]}\n{shown[len(shown) // 2 :]}"
        return shown

    table = _retext(table, text)
    if table.name == "t3":
        if _pick(case, (True, False), "two header rows"):
            table = _t3_two_header_rows(table)
        head, middle = _header_rows(table), (_header_rows(table) + table.n_rows) // 2
        table = _stacked(_rows(table, 0, middle), _rows(table, 0, head), _rows(table, middle, table.n_rows))
    if table.name != "t4" and _pick(case, (True, False), "serial column"):
        table = _serial_column(table)
    # a blank column after the labels, after the first value column, or at the right
    first_value = min(c.col for c in table.cells if c.key is not None)
    at = _pick(case, (first_value, first_value + 1, table.n_cols), "padding column")
    table = _blank_inserted(table, at, "col")
    return [_blank_inserted(table, (_header_rows(table) + table.n_rows) // 2, "row")]


# ----- table-pieces: table 2 as one table per clause, the caption in a merged first row,
# rows in another order inside their group, table 3 over two tables, table 4 as two tables
def _reversed_groups(table: TableLayout) -> TableLayout:
    """The rows of each group printed in reverse order (a group label's span, or in a table
    without such labels, each run of value rows), the group's own label staying on top."""
    spans = [(c.row, c.row + c.rowspan) for c in table.cells if c.key is None and not c.header and c.rowspan > 1]
    if not spans:
        rows, spans = sorted(_value_rows(table)), []
        for r in rows:
            if spans and spans[-1][1] == r:
                spans[-1] = (spans[-1][0], r + 1)
            else:
                spans.append((r, r + 1))
    move = {r: a + b - 1 - r for a, b in spans for r in range(a, b)}
    return replace(
        table, cells=tuple(replace(c, row=move.get(c.row, c.row)) if c.rowspan == 1 else c for c in table.cells)
    )


def _table_pieces(table: TableLayout, case: GoldCase) -> list[TableLayout]:
    table = _reversed_groups(table)
    if table.name == "t2":
        starts = sorted(c.row for c in table.cells if c.text.startswith("第二十条"))
        pieces = [_rows(table, a, b) for a, b in zip(starts, [*starts[1:], table.n_rows], strict=True)]
    elif table.name == "t4":
        review = len(T4.rows[0].columns)
        pieces = [_columns_cut(table, 0, review), _columns_cut(table, review, table.n_cols)]
    else:
        head, middle = _header_rows(table), (_header_rows(table) + table.n_rows) // 2
        pieces = [_rows(table, 0, middle), _stacked(_rows(table, 0, head), _rows(table, middle, table.n_rows))]
    if _pick(case, (True, False), "caption row"):
        pieces[0] = _stacked(_caption_row(pieces[0], table.title), pieces[0])
    return pieces


def _blank_totals(table: TableLayout, case: GoldCase) -> list[TableLayout]:
    """Table 3 with each row's 总计 left blank where it is the row's sum (r004's style: the
    identities fill it), so those rows end in a blank cell. A total the report misprints
    stays: blank, it would be the sum."""
    form = FORMS[case.values["meta.template"]]
    blank = set()
    for row in form.table("t3").rows:
        keys = [f"t3.{row.key}.{c.key}" for c in row.columns]
        parts = [case.values.get(k) for k in keys[:-1]]
        if None not in parts and case.values.get(keys[-1]) == sum(parts):
            blank.add(keys[-1])
    return [_retext(table, lambda c: "" if c.key in blank else c.text)]


# a cell that prints nothing: blanks, &nbsp; and markup only
_BLANK_TAIL_TD = re.compile(r"(?:<td[^>]*>(?:\s|&nbsp;|<(?!/td)[^>]*>)*</td>\s*)+(?=</tr>)")


def _without_blank_tails(page: str) -> str:
    """Each HTML table row without its trailing blank cells, as some CMSs write rows."""
    return _BLANK_TAIL_TD.sub("", page)


def _blank_totals_left_out(table: TableLayout) -> list[str]:
    """A pipe table whose rows leave out their blank 总计 (ragged rows)."""
    lost = frozenset(c.key for c in table.cells if c.key and c.key.endswith(".total") and not c.text)
    return _pipe_table(_grid(table, lost))


def _blank_tail_keys(case: GoldCase) -> set[str]:
    """Cells left blank at the end of their row: table 4's last group, and the last cell of each
    table-2 row of several cells (an office that leaves 现行有效件数 or a whole 复议后起诉 unfilled)."""
    form = FORMS[case.values["meta.template"]]
    t4 = form.table("t4")
    last_group = {f"t4.{t4.rows[-1].key}.{c.key}" for c in t4.rows[-1].columns}
    row_ends = {f"t2.{row.key}.{row.columns[-1].key}" for row in form.table("t2").rows if len(row.columns) > 1}
    return last_group | row_ends


def _blank_tails(table: TableLayout, case: GoldCase) -> list[TableLayout]:
    blank = _blank_tail_keys(case)
    return [_retext(table, lambda c: "" if c.key in blank else c.text)]


def _without_blank_tail_values(case: GoldCase) -> dict:
    blank = _blank_tail_keys(case)
    return {k: None if k in blank else v for k, v in case.values.items()}


TABLE_CHANGES: dict[str, TableChange] = {
    "label-styles": _label_styles,
    "cell-formats": _cell_formats,
    "header-variants": _header_variants,
    "table-pieces": _table_pieces,
    "blank-totals": _blank_totals,
    "blank-tails": _blank_tails,
}
# the values a class's variant reads back to, where it changes what the report states
GOLD_CHANGES: dict[str, Callable[[GoldCase], dict]] = {"blank-tails": _without_blank_tail_values}


# how a class's page, or its markdown tables, are written beyond its tables' layout
PAGE_MARKUP: dict[str, Callable[[str], str]] = {
    "cell-formats": _word_cell_markup,
    "blank-totals": _without_blank_tails,
}
MD_TABLES: dict[str, Callable[[TableLayout], list[str]]] = {"blank-totals": _blank_totals_left_out}


def make_framed_docx(case: GoldCase, folder: Path) -> Variant | None:
    """The report's DOCX moved into the one cell of a table: Word layout tables frame whole
    reports, their form tables nested inside."""
    spec = _spec(case)
    if spec.template is None:
        return None
    path = render_docx(spec, folder / f"{case.name}.framed.docx")
    document = docx.Document(str(path))
    content = [el for el in document.element.body if el.tag in (qn("w:p"), qn("w:tbl"))]
    frame = document.add_table(rows=1, cols=1).cell(0, 0)._tc
    for element in content:
        frame.append(element)  # moves it from the body into the cell
    document.save(str(path))
    return _same(case, path)


# how each class is written: as an HTML page, a DOCX, converter markdown, a Word document dumped
# to text (a cell per line) and a crawled page (each row's cells run together)
WRITERS = ("", "-docx", "-md", "-txt", "-run")
# and, for a class whose point is what a blank cell leaves in a PDF's text, typeset as that text
PDF_TEXT_CLASSES = ("blank-tails",)


def _printed_class(name: str, writer: str) -> Callable[[GoldCase, Path], Variant | None]:
    def make(case: GoldCase, folder: Path) -> Variant | None:
        return _printed(case, folder, name, writer)

    return make


_NUMBERED_HEADING = re.compile(r"^[一二三四五六七八九十\d]、(?=\S)")


def blank_after_numerals(values: dict) -> dict:
    """Gold values with a blank printed after each part heading's numeral (``二、 主动公开…``),
    as many reports print their headings."""
    return {
        k: _NUMBERED_HEADING.sub(lambda m: m.group() + " ", v) if k.startswith("section.") and v else v
        for k, v in values.items()
    }


GENERATORS: dict[str, Callable[[GoldCase, Path], Variant | None]] = {
    "md-txt": make_md_txt,
    "md-headings": make_md_headings,
    "html-txt": make_html_txt,
    "converter-md": make_converter_md,
    "md-html-tables": make_md_html_tables,
    "negative-runs": make_negative_runs,
    "lost-cell": make_lost_cell,
    "merged-labels": make_merged_labels,
    **{f"{name}{writer}": _printed_class(name, writer) for name in TABLE_CHANGES for writer in WRITERS},
    **{f"{name}-layout": _printed_class(name, "-layout") for name in PDF_TEXT_CLASSES},
    "framed-docx": make_framed_docx,
}


def variants(name: str, folder: Path, cases: list[GoldCase] | None = None) -> Iterator[Variant]:
    """Every variant of class ``name`` over the gold fixtures it fits."""
    for case in cases if cases is not None else gold_cases({".txt", ".md", ".html", ".pdf"}):
        made = GENERATORS[name](case, folder)
        if made is not None:
            yield made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--classes", nargs="+", choices=list(GENERATORS), default=list(GENERATORS))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name in args.classes:
        for variant in variants(name, args.out):
            print(f"{name:14} {variant.path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
