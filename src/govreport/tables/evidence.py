"""Figures the report's prose states for a table row, used where the printed row
can be read several ways or lost a cell (class 3 of issue 9).

``本年制发规范性文件5件，废止0件，现行有效20件`` states three cells of the row
行政规范性文件: the verb before each number names the column (``Column.stated``).
A number right after the row's label with no column word (``本年度制发的规范性文件77件``
names one; ``规范性文件77件`` alone names none) still rules out readings without it.
A statement no reading fits is ignored: the prose may count something else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from govreport.document import Document, Location
from govreport.form.catalog import Row
from govreport.tables.items import Item
from govreport.tables.segment import CellReading, Number, Reading

_COUNT = re.compile(r"(\d+)\s*[件条个项]")
_CLAUSE_END = "。；;\n"
_PHRASE_BREAK = "，,、："  # a statement's words stand in one phrase
_MAX_PHRASE = 24  # characters from a statement's first word to its number


@dataclass(frozen=True, slots=True)
class Statement:
    column: int | None  # the row's column the prose names; None: a figure of the row, column unnamed
    value: Number
    text: str  # the phrase, quoted in the value's note
    start: int  # offsets of the phrase in Document.text
    end: int
    loc: Location  # the line it stands in


def stated(doc: Document, row: Row, table_text: tuple[int, int] | None = None) -> list[Statement]:
    """What the prose states for ``row``: its text lines, never a table's cells nor
    ``table_text`` (where a flattened table runs in the text)."""
    text = doc.text
    out: list[Statement] = []
    seen: set[int] = set()
    lines = []
    for unit in doc.units:
        if unit.row_id is not None:
            continue
        if table_text is None:
            lines.append((unit.start, unit.end, unit.loc))
        else:  # a crawled page may hold prose and the flattened table in one line
            lines.append((unit.start, min(unit.end, table_text[0]), unit.loc))
            lines.append((max(unit.start, table_text[1]), unit.end, unit.loc))
    for core in row.cores:
        for start, end, loc in lines:
            pos = text.find(core, start, end)
            while pos >= 0:
                if pos not in seen:  # not inside a longer label's match
                    out += _statements(text, pos, pos + len(core), row, loc)
                seen.update(range(pos, pos + len(core)))
                pos = text.find(core, pos + len(core), end)
    unique: dict[tuple[int | None, Number, int], Statement] = {(s.column, s.value, s.start): s for s in out}
    return list(unique.values())


def _statements(text: str, core_start: int, core_end: int, row: Row, loc: Location) -> list[Statement]:
    """The counts of the clause around a label: each with the column its phrase names."""
    clause_start = max(text.rfind(ch, 0, core_start) for ch in _CLAUSE_END) + 1
    ends = [e for ch in _CLAUSE_END if (e := text.find(ch, core_end)) >= 0]
    clause_end = min(ends, default=len(text))
    out = []
    for match in _COUNT.finditer(text, core_end, clause_end):
        phrase_start = max(clause_start, *(text.rfind(ch, clause_start, match.start()) + 1 for ch in _PHRASE_BREAK))
        phrase = text[phrase_start : match.end()]
        if match.start() - phrase_start > _MAX_PHRASE or any(ch.isdigit() for ch in text[phrase_start : match.start()]):
            continue
        columns = sorted({i for i, col in enumerate(row.columns) for word in col.stated if word in phrase})
        if len(columns) > 1 or (not columns and phrase_start > core_start):
            continue  # words of several columns, or a figure of another label the clause names
        column = columns[0] if columns else None
        out.append(Statement(column, int(match.group(1)), phrase, phrase_start, match.end(), loc))
    return out


def _fits(reading: Reading, statement: Statement) -> bool:
    if statement.column is None:
        return any(c.value == statement.value for c in reading)
    return reading[statement.column].value == statement.value or _lost(reading, statement)


def decide(readings: list[Reading], statements: list[Statement]) -> tuple[list[Reading], list[Statement]]:
    """The readings the prose leaves, each lost cell it states filled in (readings that
    then agree are one), and the statements used. The cells of a row so decided carry
    the evidence as their note."""
    used: list[Statement] = []
    for statement in statements:
        narrowed = [r for r in readings if _fits(r, statement)]
        if narrowed and (len(narrowed) < len(readings) or any(_lost(r, statement) for r in narrowed)):
            readings, used = narrowed, [*used, statement]
    if not used:
        return readings, []
    note = "read with the prose: " + "；".join(f"“{s.text}”" for s in used)
    decided: dict[tuple, Reading] = {}
    for reading in readings:
        cells = [replace(c, evidence=note) for c in reading]
        for statement in used:
            if _lost(reading, statement):
                cells[statement.column] = CellReading(statement.value, statement.text, _item(statement), evidence=note)
        decided.setdefault(tuple(c.value for c in cells), tuple(cells))
    return list(decided.values()), used


def _item(statement: Statement) -> Item:
    """The prose phrase as the printed item of the cell it states (for its provenance)."""
    return Item(
        raw=statement.text, digits=str(statement.value), loc=statement.loc, start=statement.start, end=statement.end
    )


def _lost(reading: Reading, statement: Statement) -> bool:
    """The statement names a cell this reading of the print lost."""
    if statement.column is None:
        return False
    cell = reading[statement.column]
    return cell.value is None and cell.item is None
