"""Tables read from their grid: where the input has a real table structure (HTML and
DOCX tables, markdown pipe tables, ruled PDF and OCR grids), the grid itself is
mapped to the form.

A grid row is its label cells (text) followed by its value slots (numbers,
placeholders, blanks). The label names the form row (the form's row labels,
fuzzy for OCR damage); a row with no value slot is a header (``| 项目 | 列1 | 列2 |``,
whose digits are never values) or a stub and is skipped. Rows are collected from
every grid of the document in reading order, so a form table printed as several
pieces (one small table per group, consecutive markdown tables, a table over a
page break) is joined by its labels. Table 4 is the value rows under its header
(结果维持 … 尚未审结). Each grid row belongs to one form table only.

The value slots become the same ``Item`` objects the text path reads, so both
paths share the readings, the identities' choice and the result records.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz

from govreport.document import Block, Cell, Document, Table, TextBlock, Unit
from govreport.form.catalog import T3_COLUMNS, Row, TableForm
from govreport.tables.items import PLACEHOLDERS, Item, items_between
from govreport.text import is_cjk, nfkc, squash

_FUZZY_MIN_SCORE = 85.0  # as for labels in text (anchors.py)
_FUZZY_MIN_LENGTH = 5
# characters a value cell may print beside its number: units, and dashes OCR reads as 一
_VALUE_CJK = frozenset("万元件个条项次人一")
# a short text line right above a one-row table can be that row's label
_HEADING_LABEL_MAX = 40
# labels of table 4's header; two of them make a header row of table 4
_T4_HEADER = ("结果维持", "结果纠正", "其他结果", "尚未审结", "未经复议直接起诉", "复议后起诉")
# labels of table 3's header no row label prints (其他 and 总计 are in 其他处理 and (七)总计);
# a row naming two of them is a header row, whatever its blank slots
_T3_HEADER = ("申请人情况", "法人或其他组织", *(c.label for c in T3_COLUMNS if c.label not in ("其他", "总计")))
_MAX_COLUMNS = 200  # a wider grid is not a form table (and is not walked slot by slot)

WHOLE_TABLE = "all"  # table 4's key in ``GridMatch.rows``: its 15 cells read as one row


@dataclass(slots=True)
class GridRow:
    """One printed row of a grid: its label (squashed) and its value slots, left to right."""

    table: int  # index in Document.tables
    row: int
    label: str
    slots: list[Unit]
    t4_header: bool = False  # under a header of table 4
    label_cells: tuple[int, ...] = ()  # ids of the cells the label is read from (a merged one is shared)


@dataclass
class GridMatch:
    """What the grids of a document hold for one form table."""

    rows: dict[str, list[Item]] = field(default_factory=dict)  # form row key -> items
    scores: dict[str, float] = field(default_factory=dict)  # form row key -> label match score (< 1: fuzzy)
    unlabelled: set[str] = field(default_factory=set)  # rows placed by the form's row order
    units: set[int] = field(default_factory=set)  # unit indices of the grid rows it took


def _is_text_cell(text: str) -> bool:
    """A label or header cell, as opposed to a value slot: it prints Chinese
    beyond a unit (``列1`` and ``项目`` are text, ``5件`` and ``无`` are values)."""
    shown = nfkc(text).strip()
    if shown in PLACEHOLDERS:
        return False
    return any(is_cjk(ch) and ch not in _VALUE_CJK for ch in shown)


def _slot_cells(table: Table) -> list[list[Cell]]:
    """Per row, the distinct cells covering it, left to right (a merged label counts in every row it spans)."""
    n_rows = table.n_rows
    covering: list[list[Cell]] = [[] for _ in range(n_rows)]
    for cell in sorted(table.cells, key=lambda c: c.col):
        for r in range(cell.row, min(cell.row + cell.rowspan, n_rows)):
            covering[r].append(cell)
    return covering


def grid_rows(doc: Document) -> list[GridRow]:
    """Every row of every real grid that has value slots, in reading order."""
    unit_of = {id(u.loc): u for u in doc.units if u.slot}
    out: list[GridRow] = []
    tables = doc.tables
    for index, block in enumerate(doc.blocks):
        if not isinstance(block, Table) or not block.grid or block.n_cols > _MAX_COLUMNS:
            continue
        table_index = tables.index(block)
        no_slots = _padding_columns(block) | _label_columns(block)
        t4_header = False
        rows: list[GridRow] = []
        squashed: dict[int, str] = {}  # a merged label counts in every row it spans: squashed once
        for r, cells in enumerate(_slot_cells(block)):
            text_at = [i for i, c in enumerate(cells) if _is_text_cell(c.text)]
            last_text = text_at[-1] if text_at else -1
            label = "".join(_squashed(c, squashed) for c in cells[: last_text + 1])
            slots = [
                unit_of[id(c.loc)]
                for c in cells[last_text + 1 :]
                if c.row == r and id(c.loc) in unit_of and not (c.colspan == 1 and c.col in no_slots)
            ]
            t3_header = sum(h in label for h in _T3_HEADER) >= 2
            if (
                slots and not t3_header and (label or any(_has_digit(u.text) for u in slots))
            ):  # blanks after a header are no row
                label_cells = tuple(id(c) for c in cells[: last_text + 1])
                rows.append(GridRow(table_index, r, label, slots, t4_header=t4_header, label_cells=label_cells))
            t4_header = t4_header or sum(h in label for h in _T4_HEADER) >= 2
        if len(rows) == 1 and not rows[0].label:
            rows[0].label = _label_above(doc.blocks, index)
        if out and rows and out[-1].table != table_index:
            _join_broken_row(out, rows)
        out.extend(rows)
    return out


def _join_broken_row(before: list[GridRow], after: list[GridRow]) -> None:
    """A row broken by a page: the last row of a table's piece on one page and the first of
    its piece on the next are one row where one of the two prints nothing in its value slots
    (its label's other half): the two labels are joined on the row that prints the values."""
    last, first = before[-1], after[0]
    pages = (last.slots[0].loc.page, first.slots[0].loc.page)
    if None in pages or pages[1] != pages[0] + 1:
        return  # tables of one page, or of a web page or a Word file: no page breaks them
    if not (last.label and first.label) or _prints(last) == _prints(first):
        return
    if _prints(last):
        last.label += first.label
        after.pop(0)
    else:
        first.label = last.label + first.label
        before.pop()


def _prints(row: GridRow) -> bool:
    return any(nfkc(u.text).strip() not in PLACEHOLDERS for u in row.slots)


def _padding_columns(table: Table) -> set[int]:
    """Columns no cell of their own prints anything in, header included: the blank columns
    Word tables carry, which are no value slots. An OCR cell that read as blank is not
    sure to be blank, so a column holding one is never padding."""
    blank: set[int] = set()
    printed: set[int] = set()
    for cell in table.cells:
        if cell.colspan == 1:
            (blank if not cell.text.strip() and cell.confidence == 1.0 else printed).add(cell.col)
    return blank - printed


def _label_columns(table: Table) -> set[int]:
    """Columns that hold a row's label in some row that prints numbers (left of them): where
    such a column is blank in another row, it is the blank a merged label leaves (markdown
    writes a merged cell's text in its first slot only), no value slot."""
    labels: set[int] = set()
    for cells in _slot_cells(table):
        first_number = next((c.col for c in cells if _has_digit(c.text) and not _is_text_cell(c.text)), None)
        if first_number is None:
            continue
        for c in cells:
            if c.col < first_number and _is_text_cell(c.text):
                labels.update(range(c.col, min(c.col + c.colspan, first_number)))
    return labels


def _squashed(cell: Cell, done: dict[int, str]) -> str:
    if id(cell) not in done:
        done[id(cell)] = squash(cell.text)
    return done[id(cell)]


def _has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


def _label_above(blocks: list[Block], index: int) -> str:
    """A one-row table's label printed as a line above it (converters do this)."""
    before = blocks[index - 1] if index else None
    if isinstance(before, TextBlock) and len(before.text) <= _HEADING_LABEL_MAX:
        return squash(before.text)
    return ""


def _label_row(label: str, form: TableForm, weak: bool) -> tuple[Row, float] | None:
    """The form row a label names: the core printed last in it (a group's label
    comes before its row's), the longest there; fuzzy where no core is printed."""
    best: tuple[int, int, Row] | None = None
    for row in form.rows:
        for core in (*row.cores, *(row.weak_cores if weak else ())):
            pos = label.rfind(core)
            if pos >= 0:
                rank = (pos + len(core), len(core))
                if best is None or rank > best[:2]:
                    best = (*rank, row)
    if best is not None:
        return best[2], 1.0
    if sum(1 for ch in label if is_cjk(ch)) < _FUZZY_MIN_LENGTH:
        return None
    fuzzy: tuple[float, Row] | None = None
    for row in form.rows:
        for core in row.cores:
            if len(core) < _FUZZY_MIN_LENGTH or len(label) < len(core) - 1:
                continue
            score = fuzz.partial_ratio(core, label, score_cutoff=_FUZZY_MIN_SCORE)
            if score and (fuzzy is None or score > fuzzy[0]):
                fuzzy = (score, row)
    return None if fuzzy is None else (fuzzy[1], fuzzy[0] / 100 * 0.9)


def _slot_items(doc: Document, slots: list[Unit]) -> list[Item]:
    """One item per value slot: the cell's number, or an empty slot."""
    items: list[Item] = []
    for unit in slots:
        found = items_between(doc, unit.start, unit.end) if unit.end > unit.start else []
        if found:
            items.append(found[0])
        else:
            shown = nfkc(unit.text).strip()
            # an empty slot keeps its cell's doubt: one placed by position may have lost its number
            item = Item(raw=shown, digits=None, cell=True, loc=unit.loc, start=unit.start, end=unit.end)
            items.append(replace(item, confidence=unit.confidence))
    return items


def _unit_indices(doc: Document, row: GridRow) -> set[int]:
    return {doc.unit_at(u.start) for u in row.slots}


def match_grids(doc: Document, forms: list[TableForm], regions: dict[str, tuple[int, int]]) -> dict[str, GridMatch]:
    """The grid rows of the document assigned to the form's tables ``forms`` (t2, t3, t4).

    Rows are placed by their exact labels first, then a row between two placed rows
    by the form's row order (where one form row is missing between them), and only
    then by a fuzzy label match."""
    by_name = {f.name: f for f in forms}
    matches = {name: GridMatch() for name in by_name}
    rows = grid_rows(doc)
    if not rows:
        return matches
    exact = _split_merged_labels(rows, [by_name["t2"], by_name["t3"]])
    split = {id(r) for r, *_ in exact}
    for row in rows:
        if id(row) in split:
            continue
        for name in ("t2", "t3"):
            found = _label_row(row.label, by_name[name], weak=False) if row.label else None
            if found is not None and found[1] == 1.0:
                exact.append((row, name, found[0]))
                break
    t3_tables = {row.table for row, name, _ in exact if name == "t3"}
    labelled_ids = {id(r) for r, *_ in exact}
    for row in rows:
        if id(row) not in labelled_ids and row.table in t3_tables and row.label:
            weak = _label_row(row.label, by_name["t3"], weak=True)
            if weak is not None and weak[1] == 1.0:
                exact.append((row, "t3", weak[0]))
                labelled_ids.add(id(row))
    chosen: dict[str, dict[str, GridRow]] = {}
    for name in ("t2", "t3"):
        picks = [(r, row) for r, n, row in exact if n == name]
        chosen[name] = _by_label(picks, regions[name], matches[name])
    taken = {id(r) for picks in chosen.values() for r in picks.values()}
    for name in ("t2", "t3"):
        _by_order(by_name[name], rows, chosen[name], labelled_ids | taken, matches[name])
        taken |= {id(r) for r in chosen[name].values()}
    for row in rows:
        if id(row) in taken or id(row) in labelled_ids or not row.label or row.t4_header:
            continue
        fuzzy = [(name, *f) for name in ("t2", "t3") if (f := _label_row(row.label, by_name[name], weak=False))]
        fuzzy = [m for m in fuzzy if m[1].key not in chosen[m[0]]]
        if fuzzy:
            name, form_row, score = max(fuzzy, key=lambda m: m[2])
            chosen[name][form_row.key] = row
            matches[name].scores[form_row.key] = score
            taken.add(id(row))
    for name in ("t2", "t3"):
        for key, grid_row in chosen[name].items():
            matches[name].rows[key] = _slot_items(doc, grid_row.slots)
            matches[name].units |= _unit_indices(doc, grid_row)
    t4_rows = [r for r in rows if r.t4_header and id(r) not in taken and id(r) not in labelled_ids]
    if t4_rows:
        matches["t4"].rows[WHOLE_TABLE] = [item for r in t4_rows for item in _slot_items(doc, r.slots)]
        matches["t4"].units = {i for r in t4_rows for i in _unit_indices(doc, r)}
    return matches


def _split_merged_labels(rows: list[GridRow], forms: list[TableForm]) -> list[tuple[GridRow, str, Row]]:
    """Consecutive grid rows that share one label cell naming as many form rows, in order
    (a rule lost between two labels, so OCR or a converter merged their cells:
    ``一、本年新收…二、上年结转…`` over two value rows), each take the row named in turn."""
    out: list[tuple[GridRow, str, Row]] = []
    runs = itertools.groupby(rows, key=lambda r: (r.table, r.label_cells) if r.label_cells else id(r))
    for _, grouped in runs:
        run = list(grouped)
        if len(run) < 2 or any(b.row != a.row + 1 for a, b in itertools.pairwise(run)):
            continue
        for form in forms:
            named = _rows_named(run[0].label, form)
            if len(named) == len(run):
                out += [(grid_row, form.name, row) for grid_row, row in zip(run, named, strict=True)]
                break
    return out


def _rows_named(label: str, form: TableForm) -> list[Row]:
    """The form rows a label prints the cores of, in the order printed, none inside another's."""
    found: list[tuple[int, int, Row]] = []
    for row in form.rows:
        hits = [(label.find(core), len(core)) for core in row.cores if core in label]
        if hits:
            start, length = min(hits, key=lambda h: (h[0], -h[1]))
            found.append((start, start + length, row))
    found.sort(key=lambda f: (f[0], -f[1]))
    out: list[Row] = []
    end = -1
    for start, stop, row in found:
        if start >= end:
            out.append(row)
            end = stop
    return out


def _by_label(picks: list[tuple[GridRow, Row]], region: tuple[int, int], match: GridMatch) -> dict[str, GridRow]:
    """Each form row's first labelled grid row inside the table's part, else its first anywhere."""
    chosen: dict[str, GridRow] = {}
    for grid_row, row in picks:
        inside = region[0] <= grid_row.slots[0].start < region[1]
        current = chosen.get(row.key)
        if current is None or (inside and not region[0] <= current.slots[0].start < region[1]):
            chosen[row.key] = grid_row
            match.scores[row.key] = 1.0
    return chosen


def _by_order(
    form: TableForm, rows: list[GridRow], chosen: dict[str, GridRow], placed_elsewhere: set[int], match: GridMatch
) -> None:
    """A grid row whose label is not the form's, alone between two placed rows that
    leave one form row out between them, is that row (an OCR-damaged or lost label)."""
    order = [r.key for r in form.rows]
    position = {id(r): i for i, r in enumerate(rows)}
    placed = sorted(chosen.items(), key=lambda kv: order.index(kv[0]))
    for (key_a, row_a), (key_b, row_b) in itertools.pairwise(placed):
        missing = order[order.index(key_a) + 1 : order.index(key_b)]
        between = rows[position[id(row_a)] + 1 : position[id(row_b)]]
        if len(missing) == 1 and len(between) == 1 and id(between[0]) not in placed_elsewhere:
            chosen[missing[0]] = between[0]
            match.unlabelled.add(missing[0])


def covers(match: GridMatch, form: TableForm) -> bool:
    """The grids hold enough of the form table to read it from them alone."""
    if form.name == "t4":
        return bool(match.rows.get(WHOLE_TABLE))
    return len(match.rows) * 2 >= len(form.rows)
