"""Tables printed as column-aligned text: a PDF's text laid out by position
(``pdftotext -layout``, a PDF viewer's copy, converters' plain text).

Such a table has no separators, and a narrow label column wraps each label over
several lines: ``三、本 / 年度办 / 理结果`` beside ``（一）予以公开`` beside ``1.属于 /
国家秘 / 密``, the row's numbers on one of those lines (the middle one where cells
are centred). Read line by line, the columns' fragments interleave (``（三）1.属于``,
``不予公国家秘``) and no row label reads whole. Here each line of numbers is a row,
and the fragments around it are given back to it column by column, so that each
column's label reads whole before the row's numbers. Only the order changes: every
fragment stays a text block of its own, with its own line and offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from govreport.document import Location, TextBlock
from govreport.form.catalog import FORMS, PART_HEADINGS
from govreport.sections import PART_MARKER, reads_as_heading
from govreport.text import is_page_mark, squash

_WORD = re.compile(r"\S+")
# one cell's value: a number (signed, decimal, thousands separators), a unit or 件 after it
_VALUE = re.compile(r"[-−－]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:万元|万|元|件)?")
# a row label opening with its own numbering starts a new cell: 一、 （一） 1. 2、 （3） ①
_NUMBERED = re.compile(r"[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]{1,2}[)）]|\d{1,2}[.．、]|[①-⑳]")

_MAX_WORD = 18  # characters of one fragment of a label or header; a longer one is prose
_MAX_ABOVE = 6  # header lines taken above the first line of numbers
_MAX_BELOW = 3  # lines of the last label taken below the last line of numbers
_COLUMN_SLACK = 2  # character positions by which two fragments of one column may differ
# the form's row labels column by column (a group's label apart from its rows') and their variants, and
# its column labels: the texts a wrapped label's pieces join into
_ROWS = [row for form in FORMS.values() for table in form.tables for row in table.rows]
_ROW_LABELS = frozenset(squash(text) for row in _ROWS for text in (*row.label.split(), *row.cores))
# one text to look a piece up in (squashed text holds no line break)
_LABELS = "\n".join(_ROW_LABELS | {squash(column.label) for row in _ROWS for column in row.columns})
_NARROWEST_LABEL_COLUMN = 3  # characters
# non-blank lines between two lines of numbers of one table (a page's number aside): the lines of the form's
# longest label wrapped in the narrowest label column (set at the top of its row, all but one of them stand
# below its numbers) and a running header
_MAX_BETWEEN = -(-max(map(len, _ROW_LABELS)) // _NARROWEST_LABEL_COLUMN)


@dataclass(slots=True)
class Fragment:
    text: str
    start: int  # offsets in the decoded text
    end: int
    x: int  # character column in its line
    line: int  # 1-based line number

    def block(self) -> TextBlock:
        return TextBlock(self.text, Location(line=self.line, char_start=self.start, char_end=self.end))


@dataclass(slots=True)
class AlignedLine:
    number: int
    words: list[Fragment]  # the line cut at blanks; empty for a blank line
    values: list[Fragment] = field(default_factory=list)  # the numbers closing the line, set apart by a wide gap

    @property
    def labels(self) -> list[Fragment]:
        return self.words[: len(self.words) - len(self.values)]

    @property
    def fragmentary(self) -> bool:
        """Short pieces of text only, as a table's labels and headers are (not a paragraph)."""
        return all(len(w.text) <= _MAX_WORD and not w.text.endswith("。") for w in self.words)

    @property
    def page_mark(self) -> bool:
        return bool(self.words) and is_page_mark("".join(w.text for w in self.words))

    @property
    def part_heading(self) -> bool:
        """A heading of one of the report's parts (``三、收到和处理政府信息公开申请情况``): never a table's line."""
        text = " ".join(w.text for w in self.words)
        return PART_MARKER.match(text) is not None and any(reads_as_heading(part, text) for part in PART_HEADINGS)

    @property
    def numbered(self) -> bool:
        labels = self.labels
        return bool(labels) and _NUMBERED.match(labels[-1].text) is not None


def aligned_line(text: str, number: int, start: int, end: int) -> AlignedLine:
    line = text[start:end]
    words = [Fragment(m.group(), start + m.start(), start + m.end(), m.start(), number) for m in _WORD.finditer(line)]
    first = len(words)
    while first > 0 and _VALUE.fullmatch(words[first - 1].text):
        first -= 1
    values = words[first:]
    if len(values) == 1 and first > 0 and values[0].x - words[first - 1].x - len(words[first - 1].text) < 2:
        values = []  # a lone number a blank after text ends a sentence (…申请 17), not a row of cells
    return AlignedLine(number, words, values)


def aligned_tables(lines: list[AlignedLine]) -> list[tuple[int, int]]:
    """(first, end) index ranges of ``lines`` that hold a column-aligned table: two or more
    lines of numbers, the lines between them short fragments, with the header above the
    first and the end of the last label below the last."""
    rows = [i for i, line in enumerate(lines) if line.values]
    ranges: list[tuple[int, int]] = []
    group: list[int] = []
    for i in rows:
        if group and _joins(lines, group[-1], i):
            group.append(i)
            continue
        if len(group) >= 2:
            ranges.append(_extent(lines, group))
        group = [i]
    if len(group) >= 2:
        ranges.append(_extent(lines, group))
    return ranges


def _joins(lines: list[AlignedLine], a: int, b: int) -> bool:
    # a page's number where the table breaks over a page is no line of the table
    between = [line for line in lines[a + 1 : b] if line.words and not line.page_mark]
    return len(between) <= _MAX_BETWEEN and all(line.fragmentary and not line.part_heading for line in between)


def _extent(lines: list[AlignedLine], rows: list[int]) -> tuple[int, int]:
    first, last = rows[0], rows[-1]
    # a numbered line above opens the first row's label where its line of numbers has none
    # (a centred label); any other is the heading before the table
    labels_open = bool(lines[first].labels)
    taken = 0
    while first > 0 and taken < _MAX_ABOVE:
        line = lines[first - 1]
        if line.words and (not line.fragmentary or line.part_heading or (line.numbered and labels_open)):
            break
        labels_open = labels_open or line.numbered
        first -= 1
        taken += bool(line.words)
    taken = 0
    end = last + 1
    while end < len(lines) and taken < _MAX_BELOW:
        line = lines[end]
        if not line.words or not line.fragmentary or line.numbered or line.part_heading:
            break  # a blank, a paragraph or a numbered line or a part's heading (the next heading) ends the table
        end += 1
        taken += 1
    return _trim_blank(lines, first), end


def _trim_blank(lines: list[AlignedLine], first: int) -> int:
    while not lines[first].words:
        first += 1
    return first


def table_blocks(lines: list[AlignedLine]) -> list[TextBlock]:
    """The text blocks of one aligned table (``lines`` from ``aligned_tables``) in reading
    order: for each line of numbers, the header pieces above it, its label column by
    column (fragments above, beside and below it), then its numbers."""
    value_x = min(v.x for line in lines for v in line.values)
    columns = _columns([w.x for line in lines for w in line.words if w.x < value_x])
    rows = [i for i, line in enumerate(lines) if line.values]
    owner = _owners(lines, rows, columns)
    blocks: list[TextBlock] = []
    for r in rows:
        pieces = [w for i, line in enumerate(lines) if owner[i] == r and not line.page_mark for w in line.labels]
        header = [w for w in pieces if w.x >= value_x]
        labels = sorted((w for w in pieces if w.x < value_x), key=lambda w: (columns(w.x), w.line, w.x))
        blocks += [w.block() for w in (*header, *labels, *lines[r].values)]
    return blocks


def _owners(lines: list[AlignedLine], rows: list[int], column) -> list[int]:
    """The row (index of its line of numbers) each line's fragments belong to.

    A line below a row's numbers continues the row's label where one of its fragments
    stands under a fragment of that label that fills its column (the text wrapped there:
    ``行政规范`` / ``性文件``, ``一、本年新收政府信息公`` / ``开申请数量``); other lines,
    and every line from a label that opens with a numbering on, are the next row's (its
    label's upper half, or a row printed without numbers). Lines above the first row are
    its header and, from a numbered label on, its label; lines below the last are its
    label's end."""
    widest: dict[int, int] = {}
    for line in lines:
        for w in line.labels:
            widest[column(w.x)] = max(widest.get(column(w.x), 0), len(w.text))
    owner = [rows[0]] * len(lines)
    numbered = [i for i in range(rows[0]) if lines[i].numbered]
    began = range(numbered[-1] if numbered else rows[0], rows[0])
    for a, b in zip(rows, [*rows[1:], None], strict=True):
        owner[a] = a
        lowest = {column(w.x): w for i in [*began, a] for w in lines[i].labels}  # the label's last piece per column
        opened = False
        for i in range(a + 1, len(lines) if b is None else b):
            line = lines[i]
            wraps = any(
                (above := lowest.get(column(w.x))) is not None and len(above.text) >= widest[column(w.x)] - 1
                for w in line.labels
            )
            opened = b is not None and (
                opened or line.numbered or (wraps and _opens_label(lines, i, b, lowest, column))
            )
            owner[i] = a if b is None or (wraps and not opened) else b
            if owner[i] == a:
                lowest.update((column(w.x), w) for w in line.labels)
        began = [i for i in range(a + 1, len(lines) if b is None else b) if owner[i] == b]
    return owner


def _opens_label(lines: list[AlignedLine], i: int, b: int, lowest: dict[int, Fragment], column) -> bool:
    """Whether line ``i``, above row ``b``'s numbers and below a piece of label that fills its
    column, opens a label rather than ending the one above: joined with the piece above, its
    pieces read as no label of the form, and joined with the pieces below them in their column
    they read as one, down to ``b``'s own piece (``b``'s label set centred: ``其他对外`` /
    ``管理服务  0  0  0`` / ``事项``) or as a whole row label before it (a row printed without
    numbers: ``规章  0  0  0`` / ``行政规`` / ``范性文`` / ``件``)."""
    joins_above = joins_below = False
    for w in lines[i].labels:
        col = column(w.x)
        if col not in lowest:
            continue  # a piece that wraps no label above: no evidence either way
        below = ""  # squashed
        reads_below = False
        for k in range(i, b + 1):
            pieces = [v.text for v in lines[k].labels if column(v.x) == col]
            below += squash("".join(pieces))
            reads_below |= below in _ROW_LABELS if k < b else bool(pieces) and below in _LABELS
        reads_above = _in_label(lowest[col].text + w.text)
        joins_above |= reads_above and not reads_below
        joins_below |= reads_below and not reads_above
    return joins_below and not joins_above


def _in_label(text: str) -> bool:
    return squash(text) in _LABELS


def _columns(xs: list[int]):
    """Column of a fragment's character position: positions within ``_COLUMN_SLACK`` of a
    column's first position are that column (pdftotext places one column's lines a
    position or two apart)."""
    column: dict[int, int] = {}
    starts: list[int] = []
    for x in sorted(set(xs)):
        if not starts or x - starts[-1] > _COLUMN_SLACK:
            starts.append(x)
        column[x] = len(starts) - 1
    return lambda x: column.get(x, len(starts))
