"""Tables mapped to the form: every key of the detected template gets a value.

Where the document has real grids, their rows are mapped to the form first
(``grid``: row labels, header rows skipped, pieces joined); a form table the
grids do not hold is read from the text. There, table 2 and 3 rows are found by
their labels (``anchors``); the text between one label and the next is that row's
values (``items``), cut into cells (``segment``). Where a row can be read several
ways, the row's own identity and then the table's column identities choose, and
for table 2 the figures the prose states (``evidence``); what stays ambiguous is
left empty and reported. Table 3 is also read other ways where its labels do not
read it whole: its numeric rows in form order (extractions that lost the row
labels), its numbers in one stream cut in form order (labels printed apart from
numbers), its paragraphs of numbers tiled back into rows (a PDF's text in drawing
order, ``flow``); the reading the identities like best wins. Table 4 is the values
after its header, never a cell another table was read from.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from itertools import pairwise, product

from govreport.calibrate import PLACED
from govreport.document import Document
from govreport.form.catalog import APPLICANT_COLUMNS, FORMS, Row, TableForm, Template
from govreport.identities import Identity, identities
from govreport.schema import AMBIGUOUS_NOTE, Finding, Method, Provenance, Value
from govreport.tables.anchors import Anchor, find_anchors, header_stretches
from govreport.tables.evidence import decide, stated
from govreport.tables.flow import tiled_rows
from govreport.tables.grid import WHOLE_TABLE, GridMatch, covers, match_grids
from govreport.tables.items import Item, items_between
from govreport.tables.segment import (
    CellReading,
    Reading,
    RowCheck,
    RowReadings,
    Slot,
    max_cells,
    row_readings,
    sum_check,
    whole_cells,
)

_MAX_COMBINATIONS = 50000  # readings of a table tried against its identities
_EVIDENCE_CONFIDENCE = 0.85  # a row's reading chosen, or a lost cell filled, by what the prose states
# values placed in their row by a guess nothing checks: after a label that printed none in table 2
# (no identities), or a scanned row of blank cells among printed ones: their raw score, on a path
# of their own (``calibrate.PLACED``), always on the review list however often such guesses were right
_UNCHECKED_PLACING = 0.6
_PRINTED_SHARE = 0.75  # of a table's rows printing numbers, for an all-blank row among them to be doubtful

_BLANKS_LAST = "printed fewer numbers than cells: placed from the first cell on, the blank cells taken to be the last"
_CUT_UNCHECKED = "cut out of a run of digits: a blank cell the run does not show would place it otherwise"

_PART_OF_TABLE = {"t2": 2, "t3": 3, "t4": 4}

# Finds the row labels of a form in a stretch of text: ``find_anchors`` (rules) or a labeller's.
AnchorFinder = Callable[[Document, int, int, TableForm], list[Anchor]]


@dataclass
class TableReading:
    """Per row of one table, its readings; and how they were obtained."""

    rows: dict[str, RowReadings]
    strategy: str  # "grid", "labels", "order", "flow" (``flow.tiled_rows``) or "header" (table 4 in the text)
    model_rows: dict[str, float] = field(default_factory=dict)  # rows whose label a labeller found -> its confidence
    fuzzy_rows: dict[str, float] = field(default_factory=dict)  # rows whose grid label matched fuzzily -> score
    unlabelled_rows: set[str] = field(default_factory=set)  # rows whose label was not found, placed by order
    # rows right after a label that printed no values: labels may stand apart from their values,
    # and these values be the row before's
    displaced_rows: set[str] = field(default_factory=set)
    checked: bool = True  # identities check how its values are placed in rows (not in table 2)
    blank_rows: set[str] = field(default_factory=set)  # rows of blank cells among printed ones (``_blank_rows``)
    column_printed_rows: set[str] = field(default_factory=set)  # put back in row order (``_column_printed``)
    borrowed: bool = False  # some numbers are from the stretch after the table's part (``flow.tiled_rows``)
    blanks_last_cells: set[str] = field(default_factory=set)  # keys placed by the guess ``_blanks_last``


@dataclass
class Resolution:
    cells: dict[str, CellReading | None]  # key -> chosen cell, None where ambiguous or absent
    ambiguous: list[str]
    broken: int  # table identities the choice breaks
    chosen_among: int  # combinations that were tried
    unknown: int = 0


def table_regions(doc: Document) -> dict[str, tuple[int, int]]:
    """Where each table is looked for: its part; where the heading is missing,
    between the nearest parts found around it; without parts, the whole text."""
    spans = doc.section_spans
    end = len(doc.text)
    regions = {}
    for table, part in _PART_OF_TABLE.items():
        if part in spans:
            regions[table] = spans[part]
            continue
        before = [spans[p][0] for p in spans if p < part]
        after = [spans[p][0] for p in spans if p > part]
        regions[table] = (max(before, default=0), min(after, default=end))
    return regions


def map_tables(doc: Document, anchor_finder: AnchorFinder = find_anchors) -> list[Value]:
    """Values for every table key of ``doc.template`` (none for a report without tables)."""
    if doc.template is None:
        return []
    form = FORMS[doc.template]
    regions = table_regions(doc)
    matched = match_grids(doc, list(form.tables), regions)
    grids = {name: m for name, m in matched.items() if covers(m, form.table(name))}
    # table 3, read first, shows whether the text prints numbers apart (``_blanks_last``)
    t3_form, t3_region, t4_region = form.table("t3"), regions["t3"], regions["t4"]
    t3 = _map_t3(doc, t3_region, t4_region, t3_form, doc.template, anchor_finder, grids.get("t3"))
    t2 = _map_free_rows(doc, regions["t2"], form.table("t2"), t3.apart, anchor_finder, grids.get("t2"))
    # a cell read into one form table is never read into another (class 6 of issue 9)
    claimed = {unit for m in grids.values() for unit in m.units}
    t4 = _map_t4(doc, t4_region, form.table("t4"), grids.get("t4"), claimed, t3.chars, t3.apart)
    return [*t2, *t3.values, *t4]


def _read_by_grid(match: GridMatch, form: TableForm, checks: dict[str, RowCheck]) -> TableReading:
    """The rows the document's grids hold for the form table (``grid.match_grids``)."""
    rows = {
        row.key: row_readings(match.rows[row.key], len(row.columns), slots=_slots(row), check=checks.get(row.key))
        for row in form.rows
        if row.key in match.rows
    }
    fuzzy = {key: score for key, score in match.scores.items() if score < 1.0}
    return TableReading(
        rows, "grid", fuzzy_rows=fuzzy, unlabelled_rows=set(match.unlabelled), blank_rows=_blank_rows(match.rows)
    )


def _blank_rows(rows: dict[str, list[Item]]) -> set[str]:
    """Rows of a recognized grid (a scan) whose every slot is blank where the other rows
    print their numbers: more likely a row the grid split (a page, a misread rule) than a
    row the report left blank."""
    blank = {key for key, items in rows.items() if items and all(i.cell and i.digits is None for i in items)}
    recognized = any(i.confidence < 1.0 for items in rows.values() for i in items)
    printed = len(rows) - len(blank)
    return blank if recognized and printed >= _PRINTED_SHARE * len(rows) else set()


# ---------------------------------------------------------------- readings by label


def _row_segments(
    doc: Document, anchors: list[Anchor], region_end: int, form: TableForm
) -> tuple[dict[str, list[Item]], set[str]]:
    """Each found row's items; and the rows whose label was not found but whose cells
    follow the row before them, placed by form order (see ``_unlabelled_rows``)."""
    segments: dict[str, list[Item]] = {}
    placed: set[str] = set()
    order = {row.key: i for i, row in enumerate(form.rows)}
    found_rows = {a.row.key for a in anchors}
    for i, anchor in enumerate(anchors):
        nxt = anchors[i + 1] if i + 1 < len(anchors) else None
        items = items_between(doc, anchor.end, nxt.start if nxt else region_end)
        following = form.rows[order[anchor.row.key] + 1 : order[nxt.row.key] if nxt else len(form.rows)]
        rows = [anchor.row, *(r for r in following if r.key not in found_rows)]
        split = _unlabelled_rows(items, rows) if len(rows) > 1 else None
        if split is None:
            segments[anchor.row.key] = items
            continue
        segments.update(split)
        placed.update(key for key in split if key != anchor.row.key)
    return segments, placed


def _unlabelled_rows(items: list[Item], rows: list[Row]) -> dict[str, list[Item]] | None:
    """A found row's stretch that holds exactly its cells and those of the rows after it
    whose labels were not found (OCR damage, a typo in the label): cut in form order.
    Only where every item is one value, so the cut is certain."""
    if len(items) != sum(len(r.columns) for r in rows) or any(max_cells(i) > 1 for i in items):
        return None
    out, at = {}, 0
    for row in rows:
        out[row.key] = items[at : at + len(row.columns)]
        at += len(row.columns)
    return out


def _slots(row: Row) -> list[Slot]:
    return [Slot(money=c.money, signed=c.signed) for c in row.columns]


def _read_by_labels(
    doc: Document,
    region: tuple[int, int],
    form: TableForm,
    checks: dict[str, RowCheck],
    anchor_finder: AnchorFinder = find_anchors,
) -> TableReading:
    anchors = anchor_finder(doc, region[0], region[1], form)
    segments, placed = _row_segments(doc, anchors, region[1], form)
    after_empty = {nxt.row.key for anchor, nxt in pairwise(anchors) if not segments.get(anchor.row.key)}
    rows = {}
    for row in form.rows:
        items = segments.get(row.key)
        if items is None:
            continue
        rows[row.key] = row_readings(items, len(row.columns), slots=_slots(row), check=checks.get(row.key))
    model_rows = {a.row.key: a.score for a in anchors if a.method == "model"}
    return TableReading(
        rows,
        "labels",
        model_rows=model_rows,
        unlabelled_rows=placed,
        displaced_rows=after_empty,
        blank_rows=_blank_rows(segments),
    )


# ---------------------------------------------------------------- table 2 (no identities)


def _map_free_rows(
    doc: Document,
    region: tuple[int, int],
    form: TableForm,
    apart_elsewhere: bool,
    anchor_finder: AnchorFinder = find_anchors,
    grid: GridMatch | None = None,
) -> list[Value]:
    reading = _read_by_grid(grid, form, {}) if grid else None
    if reading is None or len(reading.rows) < len(form.rows):
        # rows the grid lacks may be printed beside it (labels as text lines): the text may hold more
        by_labels = _read_by_labels(doc, region, form, {}, anchor_finder)
        if reading is None or len(by_labels.rows) > len(reading.rows):
            reading = by_labels
    labels_apart = reading.strategy == "labels" and _labels_apart(reading, form)
    if labels_apart and (by_stream := _read_by_stream(doc, region, form, {})):
        # placed by order, and nothing checks the placing
        reading = replace(by_stream[0], displaced_rows=set(by_stream[0].rows))
    reading.checked = False
    for row in form.rows:
        options = reading.rows.get(row.key)
        if options and len(options.readings) > 1:
            # a row read several ways (digits run together, a cell lost): the prose may decide
            table_text = None if reading.strategy == "grid" else region
            decided, _ = decide(options.readings, stated(doc, row, table_text))
            reading.rows[row.key] = replace(options, readings=decided)
    resolution = _blanks_last(form, reading, _resolve(form, reading, ()), (), apart_elsewhere)
    return _values(form, reading, resolution, doc)


# ---------------------------------------------------------------- table 3


def _t3_checks(form: TableForm) -> dict[str, RowCheck]:
    total = len(APPLICANT_COLUMNS)
    return {row.key: sum_check(total, range(total)) for row in form.rows}


def _read_by_order(
    doc: Document, region: tuple[int, int], form: TableForm, checks: dict[str, RowCheck]
) -> TableReading | None:
    """Table 3 as its numeric rows in form order, for extractions whose rows lost
    their labels: only where there are exactly as many such rows as the form has."""
    n = len(form.rows[0].columns)
    numeric_rows = []
    for first, last in _printed_rows(doc, region):
        items = items_between(doc, doc.units[first].start, doc.units[last].end)
        numbers = [i for i in items if i.digits is not None]
        short = all(i.cell or len(i.digits or "") <= 6 for i in numbers)  # no digit runs
        if n - 1 <= len(items) <= n + 1 and len(numbers) >= n - 2 and short:
            numeric_rows.append(items)
    if len(numeric_rows) != len(form.rows):
        return None
    rows = {
        row.key: row_readings(items, n, check=checks[row.key], max_gaps=1)
        for row, items in zip(form.rows, numeric_rows, strict=True)
    }
    return TableReading(rows, "order")


def _lost_cells(reading: TableReading) -> tuple[TableReading, set[str]]:
    """Where some rows of the table could be read only with a blank cell lost (their digits too
    few), a row that fails its check as printed is also read with a cell lost (a blank 总计
    the run does not show, ``1800000``): both kinds of reading stand, and the table's
    identities, the row's own total among them, choose (a total the report misprints breaks
    one; a lost cell read as a misprint breaks the columns' sums). In a table that shows no
    lost cell a failed check stays a misprint, a finding of its own. Returns the rows widened."""
    shows_lost = any(
        rr.consistent and rr.readings and all(any(c.derived and c.item is None for c in r) for r in rr.readings)
        for rr in reading.rows.values()
    )
    widened = {key for key, rr in reading.rows.items() if shows_lost and rr.lost}
    if not widened:
        return reading, widened
    rows = {
        key: replace(rr, readings=[*rr.readings, *rr.lost], consistent=True) if key in widened else rr
        for key, rr in reading.rows.items()
    }
    return replace(reading, rows=rows), widened


def _labels_apart(reading: TableReading, form: TableForm) -> bool:
    """Whether the labels found printed hardly any numbers after them: the table's labels and
    numbers printed apart (its numbers after the last label of each page)."""
    printed = sum(any(c.item for r in rr.readings for c in r) for rr in reading.rows.values())
    return printed <= max(1, len(form.rows) // 4)


_ONE_NUMBER = re.compile(r"[-−－]?\d+(?:\.\d+)?")


def _read_by_stream(
    doc: Document, region: tuple[int, int], form: TableForm, checks: dict[str, RowCheck]
) -> list[TableReading]:
    """A table printed as its labels and then its numbers, row after row (a PDF's text in the
    order the PDF draws it: the label column, then the value columns, page by page where the
    table breaks over pages): the region's lines of one number, cut in form order. Only where
    they are as many as the form's cells (a few more after them: figures of the text that
    follows); table 3's identities then tell whether the cut is right, table 2 has none
    (``_map_free_rows`` keeps such a reading below the review line). The cut as printed
    comes first; after it, the readings with runs of rows put back from column order
    (``_column_printed``)."""
    stream: list[Item] = []  # labels, headers and page heads between the numbers are skipped
    for unit in doc.units[doc.unit_at(region[0]) :]:
        if unit.start >= region[1]:
            break
        if _ONE_NUMBER.fullmatch(unit.text.strip()):
            stream += items_between(doc, unit.start, unit.end)
    widths = [len(row.columns) for row in form.rows]
    cells = sum(widths)
    stream = stream[:cells] if cells <= len(stream) < cells + max(widths) else []
    if not stream or any(i.digits is None or i.breaks or len(i.digits) > 12 for i in stream):
        return []
    pieces, at = [], 0
    for n in widths:
        pieces.append(stream[at : at + n])
        at += n
    variants = [(pieces, set()), *_column_printed(pieces, [checks.get(row.key) for row in form.rows])]
    readings = []
    for variant, back in variants:
        rows = _in_form_order(form, variant, checks)
        readings.append(TableReading(rows, "order", column_printed_rows={form.rows[i].key for i in back}))
    return readings


def _read_by_flow(
    doc: Document,
    region: tuple[int, int],
    form: TableForm,
    checks: dict[str, RowCheck],
    following: tuple[int, int] | None,
) -> list[TableReading]:
    """Table 3 from a PDF's text in drawing order, its paragraphs of numbers tiled back into
    rows each way ``flow.tiled_rows`` finds (the part after it may hold a column drawn late)."""
    widths = [len(row.columns) for row in form.rows]
    tilings = tiled_rows(doc, region, widths)
    borrowed = not tilings and following is not None
    if borrowed:
        tilings = tiled_rows(doc, region, widths, following)
    return [TableReading(_in_form_order(form, tiled, checks), "flow", borrowed=borrowed) for tiled in tilings]


def _in_form_order(form: TableForm, pieces: list[list[Item]], checks: dict[str, RowCheck]) -> dict[str, RowReadings]:
    """Each form row read from its piece of numbers, one number a cell (the pieces already cut
    to the rows' widths)."""
    return {
        row.key: row_readings(items, len(row.columns), slots=_slots(row), check=checks.get(row.key), max_gaps=0)
        for row, items in zip(form.rows, pieces, strict=True)
    }


_COLUMN_PRINTED_RUN = (2, 3, 4)  # rows a PDF's text may print column by column (rows beside a spanning label)
_MAX_RUNS = 6  # runs found; all their combinations are tried


def _column_printed(pieces: list[list[Item]], checks: list[RowCheck | None]) -> list[tuple[list[list[Item]], set[int]]]:
    """The stream's rows with runs of rows put back from column order (``pdftotext`` prints
    the rows beside a label cell that spans them, and a table's last rows, column by
    column): a run is a candidate where putting it back makes every row of it pass its
    check and some did not before. With many zeros several runs can pass, so every
    combination of runs that do not overlap is returned, each with the rows it put back;
    the table's identities choose (``_map_t3``)."""

    def passes(items: list[Item], check: RowCheck | None) -> bool:
        return check is not None and row_readings(items, len(items), check=check, max_gaps=0).consistent

    runs: list[tuple[range, list[list[Item]]]] = []
    for first in range(len(pieces)):
        for k in _COLUMN_PRINTED_RUN:
            run = range(first, first + k)
            if run.stop > len(pieces) or len({len(pieces[i]) for i in run}) > 1:
                continue
            if all(passes(pieces[i], checks[i]) for i in run):
                continue
            flat = [item for i in run for item in pieces[i]]
            back = [flat[j::k] for j in range(k)]
            if all(passes(items, checks[i]) for items, i in zip(back, run, strict=True)):
                runs.append((run, back))
    if len(runs) > _MAX_RUNS:
        return []
    variants = []
    for chosen in product((False, True), repeat=len(runs)):
        picked = [run for run, take in zip(runs, chosen, strict=True) if take]
        rows = [i for run, _ in picked for i in run]
        if not picked or len(rows) != len(set(rows)):
            continue
        variant = list(pieces)
        for run, back in picked:
            for i, items in zip(run, back, strict=True):
                variant[i] = items
        variants.append((variant, set(rows)))
    return variants


def _printed_rows(doc: Document, region: tuple[int, int]) -> list[tuple[int, int]]:
    """Unit index ranges of the printed rows in a region: a table row, or a text line."""
    rows: list[tuple[int, int]] = []
    units = doc.units
    index = doc.unit_at(region[0])
    while index < len(units) and units[index].start < region[1]:
        row_id, last = units[index].row_id, index
        while row_id is not None and last + 1 < len(units) and units[last + 1].row_id == row_id:
            last += 1
        rows.append((index, last))
        index = last + 1
    return rows


def _map_t3(
    doc: Document,
    region: tuple[int, int],
    following: tuple[int, int],
    form: TableForm,
    template: Template,
    anchor_finder: AnchorFinder = find_anchors,
    grid: GridMatch | None = None,
) -> _T3Read:
    """Table 3 read from its ``region`` (in a PDF's drawing order, a column may stand in the
    ``following`` one)."""
    checks = _t3_checks(form)
    table_ids = tuple(i for i in identities(template) if i.table == "t3" and i.kind != "row_total")
    scored: list[tuple[TableReading, Resolution]] = []
    if grid:
        by_grid = _read_by_grid(grid, form, checks)
        scored.append((by_grid, _resolve(form, by_grid, table_ids)))
        if len(by_grid.rows) == len(form.rows):  # the text holds the same cells: nothing to try instead
            resolution = _blanks_last(form, by_grid, scored[0][1], table_ids)
            return _t3_read(form, by_grid, resolution, doc)
    by_labels, widened = _lost_cells(_read_by_labels(doc, region, form, checks, anchor_finder))
    # a widened row's own total counts among the identities its readings are chosen by
    row_totals = tuple(i for i in identities(template) if i.kind == "row_total" and i.where in widened)
    scored.append((by_labels, _resolve(form, by_labels, table_ids + row_totals)))
    if not _flawless(scored[-1][1], by_labels, form):
        by_order = _read_by_order(doc, region, form, checks)
        if by_order is not None:
            scored.append((by_order, _resolve(form, by_order, table_ids)))
        else:
            in_order = _read_by_stream(doc, region, form, checks) if _labels_apart(by_labels, form) else []
            by_flow = _read_by_flow(doc, region, form, checks, following)
            resolved = [(r, _resolve(form, r, table_ids)) for r in in_order + by_flow]
            # numbers taken from the next part are table 3's only where its identities then hold,
            # but for one (a report's own misprint): a wrong tiling breaks several
            if resolved := [(r, res) for r, res in resolved if not (r.borrowed and res.broken > 1)]:
                scored.append(_best_of(form, resolved, template))
    reading, resolution = min(scored, key=lambda rs: _demerit(rs[1], template))
    resolution = _blanks_last(form, reading, resolution, table_ids)
    return _t3_read(form, reading, resolution, doc)


@dataclass
class _T3Read:
    values: list[Value]
    apart: bool  # its text shows it prints numbers apart (``_prints_apart``)
    chars: set[int]  # the text offsets its cells were read from


def _t3_read(form: TableForm, reading: TableReading, resolution: Resolution, doc: Document) -> _T3Read:
    items = [c.item for c in resolution.cells.values() if c is not None and c.item is not None]
    chars = {offset for item in items for offset in range(item.start, item.end)}
    return _T3Read(_values(form, reading, resolution, doc), _prints_apart(reading, resolution), chars)


def _best_of(
    form: TableForm, scored: list[tuple[TableReading, Resolution]], template: Template
) -> tuple[TableReading, Resolution]:
    """The reading with the least demerit; where others tie with it and read a cell
    otherwise, that cell is ambiguous."""
    ranked = [(_demerit(resolution, template), reading, resolution) for reading, resolution in scored]
    best = min(demerit for demerit, _, _ in ranked)
    tied = [(reading, resolution) for demerit, reading, resolution in ranked if demerit == best]
    reading, resolution = tied[0]

    def value(cells: dict[str, CellReading | None], key: str) -> object:
        cell = cells.get(key)
        return None if cell is None else cell.value

    differ = [
        key for key in resolution.cells if any(value(o.cells, key) != value(resolution.cells, key) for _, o in tied[1:])
    ]
    if not differ:
        return reading, resolution
    cells = {key: None if key in differ else cell for key, cell in resolution.cells.items()}
    ambiguous = sorted({*resolution.ambiguous, *differ})
    return reading, _with_absent(form, replace(resolution, cells=cells, ambiguous=ambiguous))


def _demerit(resolution: Resolution, template: Template) -> tuple[int, int]:
    """How much worse one reading of table 3 is than another: the identities it breaks and
    the cells it leaves ambiguous, less the identities it shows to hold; then the cells it
    leaves unknown. Counting what holds keeps a reading that reads nothing (and so breaks
    nothing) from beating one that reads every row of a report whose own figures break one
    identity."""
    values = {key: cell.value for key, cell in resolution.cells.items() if cell is not None}
    held = sum(1 for i in identities(template) if i.table == "t3" and i.status(values) == "holds")
    return resolution.broken + len(resolution.ambiguous) - held, resolution.unknown


def _flawless(resolution: Resolution, reading: TableReading, form: TableForm) -> bool:
    """Every row found by its label, read one way, and no identity broken: nothing to try instead."""
    return (
        len(reading.rows) == len(form.rows)
        and resolution.broken == 0
        and not resolution.ambiguous
        and all(rr.consistent for rr in reading.rows.values())
    )


# ---------------------------------------------------------------- table 4


def _t4_check() -> RowCheck:
    groups = [sum_check(g * 5 + 4, range(g * 5, g * 5 + 4)) for g in range(3)]

    def check(reading: Reading) -> Reading | None:
        for group_check in groups:
            checked = group_check(reading)
            if checked is None:
                return None
            reading = checked
        return reading

    return check


def _map_t4(
    doc: Document,
    region: tuple[int, int],
    form: TableForm,
    grid: GridMatch | None,
    claimed: set[int],
    taken: set[int],
    apart_elsewhere: bool,
) -> list[Value]:
    """Table 4 from the value rows under its grid header, else the values after its
    header labels in the text (after each printing of them), leaving out cells another
    table was read from (the ``claimed`` units of its grids, the ``taken`` text offsets of
    table 3's cells)."""
    rows: dict[str, RowReadings] = {}
    if grid:
        rows[WHOLE_TABLE] = row_readings(grid.rows[WHOLE_TABLE], 15, check=_t4_check())
    elif stretches := header_stretches(doc, region[0], region[1], form.header_cores):
        pieces = [
            [i for i in items_between(doc, a, b) if doc.unit_at(i.start) not in claimed and i.start not in taken]
            for a, b in stretches
        ]
        rows[WHOLE_TABLE] = _after_header(pieces)
    reading = TableReading(rows, "grid" if grid else "header")
    resolution = _with_absent(form, _blanks_last(form, reading, _resolve_flat_t4(form, reading), (), apart_elsewhere))
    return _values(form, reading, resolution, doc)


def _after_header(pieces: list[list[Item]]) -> RowReadings:
    """Table 4's values from the items after each printing of its header: all of them; but
    where they are too many and the items after one printing alone fill the table, passing
    its totals, those (a PDF's text can put another table's column between the pieces of
    table 4's header)."""
    every = row_readings([i for piece in pieces for i in piece], 15, check=_t4_check())
    if (every.consistent and not every.trimmed) or len(pieces) < 2:
        return every
    alone = [row_readings(piece, 15, check=_t4_check()) for piece in pieces]
    whole = [r for r in alone if r.consistent and not r.trimmed and len(r.readings) == 1]
    return whole[0] if len(whole) == 1 else every


def _resolve_flat_t4(form: TableForm, reading: TableReading) -> Resolution:
    keys = [f"t4.{row.key}.{col.key}" for row in form.rows for col in row.columns]
    flat = reading.rows.get(WHOLE_TABLE)
    if flat is None or not flat.readings:
        return Resolution(dict.fromkeys(keys), [], 0, 0, unknown=len(keys))
    return _agree(keys, flat.readings, len(flat.readings))


# ---------------------------------------------------------------- choosing readings


def _row_keys(form: TableForm, row_key: str) -> list[str]:
    row = form.row(row_key)
    return [f"{form.name}.{row.key}.{c.key}" for c in row.columns]


def _agree(keys: list[str], readings: list[Reading], tried: int, broken: int = 0) -> Resolution:
    """One cell per key where every reading agrees; the others ambiguous."""
    cells: dict[str, CellReading | None] = {}
    ambiguous = []
    for col, key in enumerate(keys):
        options = {r[col].value for r in readings}
        if len(options) == 1:
            first = readings[0][col]
            lost = any(r[col].derived or r[col].item is None for r in readings)
            if first.value is not None and lost and first.evidence is None:
                # same value however the row is read, but not always printed there: a lost cell
                first = CellReading(first.value, first.raw, first.item, derived=True)
            cells[key] = first
        else:
            cells[key] = None
            ambiguous.append(key)
    unknown = sum(1 for c in cells.values() if c is None or c.value is None)
    return Resolution(cells, ambiguous, broken, tried, unknown)


def _resolve(form: TableForm, reading: TableReading, table_ids: tuple[Identity, ...]) -> Resolution:
    """Choose one reading per row: the combination that breaks fewest identities of
    the table; where several tie, cells they disagree on stay ambiguous."""
    rows = [(key, rr.readings) for key, rr in reading.rows.items() if rr.readings]
    keys = [k for key, _ in rows for k in _row_keys(form, key)]
    total = 1
    for _, options in rows:
        total *= len(options)
    if not rows:
        return _with_absent(form, Resolution({}, [], 0, 0))
    if total > _MAX_COMBINATIONS or not table_ids:
        # no identities to choose with: rows stand alone
        merged: dict[str, CellReading | None] = {}
        ambiguous: list[str] = []
        for key, options in rows:
            part = _agree(_row_keys(form, key), options, len(options))
            merged.update(part.cells)
            ambiguous += part.ambiguous
        return _with_absent(form, _unplaced(form, reading, Resolution(merged, ambiguous, 0, total)))
    best_broken: int | None = None
    best: list[Reading] = []
    for combo in product(*(options for _, options in rows)):
        values = {k: c.value for k, c in zip(keys, (c for reading_ in combo for c in reading_), strict=True)}
        broken = sum(1 for ident in table_ids if ident.status(values) == "broken")
        flat = tuple(c for reading_ in combo for c in reading_)
        if best_broken is None or broken < best_broken:
            best_broken, best = broken, [flat]
        elif broken == best_broken:
            best.append(flat)
    return _with_absent(form, _unplaced(form, reading, _agree(keys, best, total, best_broken or 0)))


def _unplaced(form: TableForm, reading: TableReading, resolution: Resolution) -> Resolution:
    """A row that no reading of its print lets pass its check, printed so that it reads
    several ways, has no cell placed for sure: even where those readings agree on a cell
    (its last numbers, say), which cell each number is in is a guess (a blank cell the text
    dropped shifts them all). Its cells are ambiguous, to be derived by the other rows or
    left empty; a row read one way that fails its check stays, a finding of its own."""
    unsure = [
        key
        for row_key, rr in reading.rows.items()
        if not rr.consistent and len(rr.readings) > 1
        for key in _row_keys(form, row_key)
        if key not in resolution.ambiguous
    ]
    if not unsure:
        return resolution
    cells = {key: None if key in unsure else cell for key, cell in resolution.cells.items()}
    return replace(resolution, cells=cells, ambiguous=[*resolution.ambiguous, *unsure])


def _blanks_last(
    form: TableForm,
    reading: TableReading,
    resolution: Resolution,
    table_ids: tuple[Identity, ...],
    apart_elsewhere: bool = False,
) -> Resolution:
    """Rows that printed fewer numbers than cells, read by the guess ``segment.blanks_last``
    where their readings tie or none passes, or where nothing checks a reading that cut a
    printed number in two: a likely value that says it is a guess (path ``placed``, always
    listed) serves a reviewer better than an empty cell or a confident cut. Only where the
    text shows it prints numbers apart (this table, table 3 as ``apart_elsewhere`` says, or
    the row's own sums): in a run of digits the cells are not known. A guess keeps the cells
    every reading agrees on and breaks no identity the table's other values hold."""
    cells = dict(resolution.cells)
    apart = apart_elsewhere or _prints_apart(reading, resolution)
    guessed = []
    for row_key, rr in reading.rows.items():
        keys = form.keys() if row_key == WHOLE_TABLE else _row_keys(form, row_key)
        guess = dict(zip(keys, rr.blanks_last.reading, strict=True)) if rr.blanks_last else None
        if guess is None or not (apart or rr.blanks_last.checked):
            continue  # nothing shows its numbers are whole: they may be runs of several
        cut = not _as_printed(cells[k] for k in keys if cells.get(k) is not None)
        if cut and (reading.checked or not apart):
            continue  # a cut its sums hold, or a text that runs numbers together: the cut stands
        open_keys = keys if cut else [k for k in keys if not _placed(cells.get(k))]
        if not open_keys or any(cells[k].value != guess[k].value for k in keys if k not in open_keys):
            continue
        trial = {**cells, **{k: guess[k] for k in open_keys}}
        if _broken(table_ids, trial) > _broken(table_ids, cells):
            continue
        cells = trial
        guessed += [k for k in open_keys if _placed(guess[k])]
    reading.blanks_last_cells.update(guessed)
    if not guessed:
        return resolution
    ambiguous = [k for k in resolution.ambiguous if k not in guessed]
    return replace(resolution, cells=cells, ambiguous=ambiguous)


def _cut(form: TableForm, row_key: str, resolution: Resolution) -> bool:
    """Whether a row's chosen cells cut a printed number, its prose deciding nothing."""
    row = [resolution.cells.get(k) for k in _row_keys(form, row_key)]
    return not _as_printed(c for c in row if c is not None) and not any(c is not None and c.evidence for c in row)


def _prints_apart(reading: TableReading, resolution: Resolution) -> bool:
    """Whether a table shows its text prints numbers apart: no chosen cell cut out of a run of
    digits, and some row printed whole, one number per cell."""
    return _as_printed(cell for cell in resolution.cells.values() if cell is not None) and any(
        len(rr.readings) == 1 and all(c.item is not None for c in rr.readings[0]) and _as_printed(rr.readings[0])
        for rr in reading.rows.values()
    )


def _as_printed(cells: Iterable[CellReading]) -> bool:
    """No number cut out of a run of digits: each item fills no more cells than it prints apart."""
    spans: dict[int, tuple[Item, int]] = {}
    for cell in cells:
        if cell.item is not None:
            item, count = spans.get(id(cell.item), (cell.item, 0))
            spans[id(cell.item)] = (item, count + 1)
    return all(count <= whole_cells(item) for item, count in spans.values())


def _placed(cell: CellReading | None) -> bool:
    return cell is not None and (cell.item is not None or cell.value is not None)


def _broken(table_ids: tuple[Identity, ...], cells: dict[str, CellReading | None]) -> int:
    values = {key: cell.value for key, cell in cells.items() if cell is not None}
    return sum(1 for ident in table_ids if ident.status(values) == "broken")


def _with_absent(form: TableForm, resolution: Resolution) -> Resolution:
    for key in form.keys():
        if key not in resolution.cells:
            resolution.cells[key] = None
    resolution.unknown = sum(1 for c in resolution.cells.values() if c is None or c.value is None)
    return resolution


# ---------------------------------------------------------------- to result values


def _values(form: TableForm, reading: TableReading, resolution: Resolution, doc: Document) -> list[Value]:
    # rows printed against their own total, or with more numbers than cells (some left out)
    doubtful_rows = {key for key, rr in reading.rows.items() if not rr.consistent or rr.trimmed}
    # numbers cut out of a run of digits where nothing checks the cut (table 2): ``130`` may be
    # 1 | 3 | 0 or 13 | 0 and a blank cell the run does not show, so the cut is a guess
    cut_unchecked = set() if reading.checked else {key for key in reading.rows if _cut(form, key, resolution)}
    if resolution.ambiguous:
        doc.findings.append(
            Finding(
                kind="ambiguous",
                message=f"{len(resolution.ambiguous)} cells of {form.name} can be read several ways "
                "(digits printed without separators); left empty",
                cells=list(resolution.ambiguous),
            )
        )
    out = []
    for key in form.keys():
        cell = resolution.cells.get(key)
        row_key = key.split(".", 1)[1].rsplit(".", 1)[0]
        if key in resolution.ambiguous:
            note = AMBIGUOUS_NOTE
        elif cell is None:
            note = "not found"
        elif cell.value is None and cell.item is None and not cell.derived:
            # no print of this cell was read (a row with no values after its label, a cell lost
            # from its row): in text a blank cell and values printed elsewhere look the same
            note = _note(reading, row_key) or "nothing printed for this cell where its row stands"
        else:
            note = None
        if cell is None or note is not None:
            out.append(Value(key=key, value=None, method="table", confidence=0.0, note=note, path="absent"))
            continue
        confidence = 1.0
        if cell.split:
            confidence = 0.9 if resolution.chosen_among <= 1 else 0.85
        if reading.strategy in ("order", "flow"):
            confidence = min(confidence, 0.85)
        if row_key in doubtful_rows:
            confidence = min(confidence, 0.8)
        if cell.item is not None:
            confidence *= cell.item.confidence  # an OCR reading is only as sure as the OCR
        model_row = row_key in reading.model_rows
        confidence *= reading.model_rows.get(row_key, 1.0)  # and a row the model found, as sure as the model
        confidence *= reading.fuzzy_rows.get(row_key, 1.0)  # and a row found by a damaged label, as sure as that
        if row_key in reading.unlabelled_rows or row_key in reading.column_printed_rows:
            confidence = min(confidence, 0.8)
        # placed in its row by a guess nothing checks: listed whatever its calibration (``review``)
        unchecked = (
            row_key in reading.blank_rows
            or key in reading.blanks_last_cells
            or row_key in cut_unchecked
            or (row_key in reading.displaced_rows and not reading.checked)
        )
        if row_key in reading.displaced_rows:
            confidence = min(confidence, 0.8)
        if unchecked:
            confidence = min(confidence, _UNCHECKED_PLACING)
        if cell.evidence:  # decided outside its table cell: never as sure as a printed cell
            confidence = min(confidence, _EVIDENCE_CONFIDENCE)
        out.append(
            Value(
                key=key,
                value=cell.value,
                raw=cell.raw,
                method=_method(cell, model_row),
                confidence=0.0 if cell.derived else round(confidence, 4),  # a derived one: ``calibrate_derived``
                location=_provenance(doc, cell.item),
                note=cell.evidence
                or (_BLANKS_LAST if key in reading.blanks_last_cells else None)
                or (_CUT_UNCHECKED if row_key in cut_unchecked else _note(reading, row_key)),
                path=PLACED if unchecked and not cell.derived else _path(cell, model_row),
            )
        )
    return out


def _method(cell: CellReading, by_model: bool) -> Method:
    if cell.evidence:
        return "evidence"
    return "derived" if cell.derived else "model" if by_model else "table"


def _path(cell: CellReading, model_row: bool) -> str:
    """Which way the value was read, for its calibration: filled by an identity, in a row
    a labeller found, from OCR, cut out of a digit run, whole from a grid cell, or one
    number of a text line."""
    if cell.evidence:
        return "evidence"
    if cell.derived:
        return "derived"
    if model_row:
        return "table_model"
    if cell.item is not None and cell.item.confidence < 1.0:
        return "ocr"
    if cell.split:
        return "segment"
    return "grid" if cell.item is not None and cell.item.cell else "text"


def _note(reading: TableReading, row_key: str) -> str | None:
    if row_key in reading.column_printed_rows:
        return f"read by {reading.strategy}; printed column by column, put back in rows by their sums"
    if reading.strategy not in ("labels", "grid"):
        return f"read by {reading.strategy}"
    if row_key in reading.unlabelled_rows:
        return "row label not recognized; placed by the form's row order"
    if row_key in reading.displaced_rows:
        return "the row label before printed no values: these may be its"
    if row_key in reading.blank_rows:
        return "a row of blank cells among printed rows: the grid may have split a row"
    if row_key in reading.fuzzy_rows:
        return f"row label matched approximately ({reading.fuzzy_rows[row_key]:.2f})"
    return None


def _provenance(doc: Document, item: Item | None) -> Provenance | None:
    if item is None or item.loc is None:
        return None
    prov = Provenance.of(item.loc)
    unit = doc.units[doc.unit_at(item.start)]
    if prov.char_start is not None:
        prov.char_start += item.start - unit.start
        prov.char_end = prov.char_start + (item.end - item.start)
    return prov
