"""The report's layout, shared by every writer: the three tables in the official
form's layout (a grid of cells with row/column spans) and the document outline
(title, part headings, prose, tables in reading order).

The tables are built from ``govreport.form.catalog`` so that row labels, column
labels and keys never drift from what the extractor recognizes. Positions follow
the forms of 国办公开办函〔2019〕60号 and 〔2021〕30号 as agencies print them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING

from govreport.form.catalog import FORMS, PART_HEADINGS, T4, Row, TableForm, Template

if TYPE_CHECKING:
    from govreport.render import ReportSpec

Value = int | float | None

PARTS = tuple(PART_HEADINGS)

T3_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_RESULTS = "三、本年度办理结果"

# Table 2 is a stack of blocks, one per clause of article 20 of the regulation;
# each block names the catalog rows it holds.
T2_BLOCKS: dict[Template, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "2021": (
        ("第二十条第（一）项", ("regulation", "normative_doc")),
        ("第二十条第（五）项", ("license",)),
        ("第二十条第（六）项", ("penalty", "coercion")),
        ("第二十条第（八）项", ("fee",)),
    ),
    "2019": (
        ("第二十条第（一）项", ("regulation", "normative_doc")),
        ("第二十条第（五）项", ("license", "other_service")),
        ("第二十条第（六）项", ("penalty", "coercion")),
        ("第二十条第（八）项", ("fee",)),
        ("第二十条第（九）项", ("procurement",)),
    ),
}
T2_VALUE_COLUMNS = 3  # the widest block (三 columns of counts) sets the grid
# How a block with fewer values spreads them over the three value columns: one
# value spans all three, two values take one and two (as the 2019 form prints
# 上一年项目数量 | 本年增/减).
_T2_SPANS: dict[int, tuple[int, ...]] = {1: (3,), 2: (1, 2), 3: (1, 1, 1)}


@dataclass(frozen=True, slots=True)
class LayoutCell:
    """One cell of a table, placed once at its top-left grid slot.

    ``key`` is the FIELDS.md key of a value cell and ``None`` for labels;
    ``header`` marks column headings (centered) as opposed to row labels.
    """

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    key: str | None = None
    header: bool = False

    @property
    def merged(self) -> bool:
        return self.rowspan > 1 or self.colspan > 1


@dataclass(frozen=True, slots=True)
class TableLayout:
    name: str  # t2, t3, t4
    title: str
    n_rows: int
    n_cols: int
    cells: tuple[LayoutCell, ...]

    @property
    def part(self) -> int:
        """The report part the table belongs to (t2 → part 2)."""
        return int(self.name[1:])

    def value_cells(self) -> dict[str, LayoutCell]:
        return {c.key: c for c in self.cells if c.key is not None}

    def filled(self, values: Mapping[str, Value]) -> TableLayout:
        """The same layout with each value cell's text set from ``values``."""
        cells = tuple(replace(c, text=format_value(values.get(c.key))) if c.key is not None else c for c in self.cells)
        return replace(self, cells=cells)


def format_value(value: Value) -> str:
    """As a report prints it: ints plainly, money in its shortest form, None blank."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def sub_label(row: Row) -> str:
    """A row's own label without its group's prefix ('（三）不予公开 1.属于国家秘密' → '1.属于国家秘密')."""
    return row.label.rsplit(" ", 1)[-1]


def group_label(row: Row) -> str:
    """The group prefix of a row label ('行政诉讼 复议后起诉' → '行政诉讼')."""
    return row.label.rsplit(" ", 1)[0]


# ---------------------------------------------------------------- table 2
def _t2_layout(form: TableForm, template: Template) -> TableLayout:
    n_cols = 1 + T2_VALUE_COLUMNS
    cells: list[LayoutCell] = []
    r = 0
    for clause, row_keys in T2_BLOCKS[template]:
        cells.append(LayoutCell(clause, r, 0, colspan=n_cols, header=True))
        rows = [form.row(k) for k in row_keys]
        spans = _T2_SPANS[len(rows[0].columns)]
        cells.append(LayoutCell("信息内容", r + 1, 0, header=True))
        cells.extend(_spread(r + 1, spans, [c.label for c in rows[0].columns], header=True))
        for i, row in enumerate(rows, start=r + 2):
            cells.append(LayoutCell(row.label, i, 0))
            keys = [f"{form.name}.{row.key}.{c.key}" for c in row.columns]
            cells.extend(_spread(i, spans, ["" for _ in keys], keys=keys))
        r += 2 + len(rows)
    return TableLayout(form.name, form.title, r, n_cols, tuple(cells))


def _spread(
    row: int, spans: tuple[int, ...], texts: list[str], keys: list[str] | None = None, header: bool = False
) -> Iterator[LayoutCell]:
    """Cells left to right from column 1, each ``spans[i]`` columns wide."""
    col = 1
    for i, (span, text) in enumerate(zip(spans, texts, strict=True)):
        key = keys[i] if keys else None
        yield LayoutCell(text, row, col, colspan=span, key=key, header=header)
        col += span


# ---------------------------------------------------------------- table 3
_T3_LABEL_COLS = 3  # 三、本年度办理结果 | group (（三）不予公开) | row (1.属于国家秘密)


def _t3_layout(form: TableForm) -> TableLayout:
    columns = form.rows[0].columns
    n_cols = _T3_LABEL_COLS + len(columns)
    cells = list(_t3_header(columns=[c.label for c in columns]))
    first, *results, last = form.rows[1:]  # 上年结转 … (七)总计 … 结转下年度
    head_rows = (form.rows[0], first)
    r = 3
    for row in head_rows:
        cells.append(LayoutCell(row.label, r, 0, colspan=_T3_LABEL_COLS))
        cells.extend(_t3_values(form, row, r))
        r += 1
    cells.append(LayoutCell(T3_RESULTS, r, 0, rowspan=len(results), header=True))
    for group in _groups(results):
        if len(group) > 1:
            cells.append(LayoutCell(group_label(group[0]), r, 1, rowspan=len(group)))
        for row in group:
            if len(group) > 1:
                cells.append(LayoutCell(sub_label(row), r, 2))
            else:
                cells.append(LayoutCell(sub_label(row), r, 1, colspan=2))
            cells.extend(_t3_values(form, row, r))
            r += 1
    cells.append(LayoutCell(last.label, r, 0, colspan=_T3_LABEL_COLS))
    cells.extend(_t3_values(form, last, r))
    return TableLayout(form.name, form.title, r + 1, n_cols, tuple(cells))


def _t3_header(columns: list[str]) -> Iterator[LayoutCell]:
    """Three header rows: 申请人情况 over 自然人 | 法人或其他组织 (five kinds) | 总计."""
    person, *orgs, total = columns
    yield LayoutCell(T3_CORNER, 0, 0, rowspan=3, colspan=_T3_LABEL_COLS, header=True)
    yield LayoutCell("申请人情况", 0, _T3_LABEL_COLS, colspan=len(columns), header=True)
    yield LayoutCell(person, 1, _T3_LABEL_COLS, rowspan=2, header=True)
    yield LayoutCell("法人或其他组织", 1, _T3_LABEL_COLS + 1, colspan=len(orgs), header=True)
    yield LayoutCell(total, 1, _T3_LABEL_COLS + 1 + len(orgs), rowspan=2, header=True)
    for i, label in enumerate(orgs):
        yield LayoutCell(label, 2, _T3_LABEL_COLS + 1 + i, header=True)


def _t3_values(form: TableForm, row: Row, r: int) -> Iterator[LayoutCell]:
    for i, col in enumerate(row.columns):
        yield LayoutCell("", r, _T3_LABEL_COLS + i, key=f"{form.name}.{row.key}.{col.key}")


def _groups(rows: list[Row]) -> list[list[Row]]:
    """Consecutive rows sharing a key prefix ('denied.*'); an unprefixed row stands alone."""
    groups: list[list[Row]] = []
    for row in rows:
        prefix = row.key.split(".")[0] if "." in row.key else None
        if groups and prefix is not None and groups[-1][0].key.startswith(prefix + "."):
            groups[-1].append(row)
        else:
            groups.append([row])
    return groups


# ---------------------------------------------------------------- table 4
def _t4_layout(form: TableForm) -> TableLayout:
    """行政复议 (5 columns) | 行政诉讼 (未经复议直接起诉 5, 复议后起诉 5); one row of values."""
    review, *suits = form.rows
    width = len(review.columns)
    labels = [c.label for c in review.columns]
    cells = [
        LayoutCell(review.label, 0, 0, colspan=width, header=True),
        LayoutCell(group_label(suits[0]), 0, width, colspan=width * len(suits), header=True),
    ]
    cells += [LayoutCell(label, 1, i, rowspan=2, header=True) for i, label in enumerate(labels)]
    for g, suit in enumerate(suits, start=1):
        cells.append(LayoutCell(sub_label(suit), 1, g * width, colspan=width, header=True))
        cells += [LayoutCell(label, 2, g * width + i, header=True) for i, label in enumerate(labels)]
    for g, row in enumerate(form.rows):
        keys = [f"{form.name}.{row.key}.{c.key}" for c in row.columns]
        cells += [LayoutCell("", 3, g * width + i, key=key) for i, key in enumerate(keys)]
    return TableLayout(form.name, form.title, 4, width * len(form.rows), tuple(cells))


# ---------------------------------------------------------------- public
@cache
def form_layouts(template: Template) -> tuple[TableLayout, ...]:
    """The three tables of a template, value cells empty."""
    form = FORMS[template]
    return (_t2_layout(form.table("t2"), template), _t3_layout(form.table("t3")), _t4_layout(T4))


def table_layouts(template: Template, values: Mapping[str, Value]) -> tuple[TableLayout, ...]:
    """The three tables of a template with the values written in."""
    return tuple(layout.filled(values) for layout in form_layouts(template))


# ---------------------------------------------------------------- document outline
@dataclass(frozen=True, slots=True)
class Title:
    text: str


@dataclass(frozen=True, slots=True)
class Heading:
    text: str


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str


Block = Title | Heading | Paragraph | TableLayout


def report_title(spec: ReportSpec) -> str:
    return f"{spec.agency}{spec.year}年政府信息公开工作年度报告"


def document_blocks(spec: ReportSpec) -> list[Block]:
    """The report in reading order: title, then per part its heading, prose and table."""
    tables = {t.part: t for t in table_layouts(spec.template, spec.values)} if spec.template else {}
    headings = {**PART_HEADINGS, **(spec.headings or {})}  # the official ones where the spec sets none
    parts = spec.parts or {}
    blocks: list[Block] = [Title(report_title(spec))]
    for part in PARTS:
        heading = headings[part]
        if heading is not None:
            blocks.append(Heading(heading))
        blocks += [Paragraph(line) for line in parts.get(part, "").splitlines() if line.strip()]
        if part in tables:
            blocks.append(tables[part])
    return blocks
