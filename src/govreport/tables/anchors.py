"""Row labels of the form found in a stretch of the document.

Labels are matched on squashed text (no blanks, NFKC, no quotes), so a label
split over lines or cells (``三、本 / 年度办 / 理结果``, ``无 法提供``) still
matches. A label's own numbering is taken into it, which matters where cells run
into the next label (``00000002.其他…``: the ``2.`` is the label's).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from govreport.document import Document
from govreport.form.catalog import Row, TableForm
from govreport.tables.items import nfkc_digits
from govreport.text import squash_with_map

_FUZZY_MIN_SCORE = 85.0  # partial-ratio score for an OCR-damaged label
_FUZZY_MIN_LENGTH = 5  # shorter labels are too easy to find by chance


@dataclass(frozen=True, slots=True)
class Anchor:
    row: Row
    start: int  # offsets in Document.text; values follow ``end``
    end: int
    score: float  # 1.0 exact, lower for a weak or fuzzy match
    method: str = "rules"  # "model" where a learned labeller found the label


class SquashedRegion:
    """A region of the document in squashed form, mapped back to document offsets."""

    def __init__(self, doc: Document, start: int, end: int) -> None:
        self.start, self.end = start, end
        self.text, index = squash_with_map(doc.text[start:end])
        self._index = [start + i for i in index]

    def doc_offset(self, pos: int) -> int:
        """Document offset of squashed position ``pos`` (``len`` maps to the region end)."""
        return self._index[pos] if pos < len(self._index) else self.end

    def doc_end(self, pos: int) -> int:
        """Document offset just after the squashed character before ``pos``."""
        return self._index[pos - 1] + 1 if pos > 0 else self.start

    def find_all(self, needle: str, lo: int = 0, hi: int | None = None) -> list[int]:
        hi = len(self.text) if hi is None else hi
        found, pos = [], self.text.find(needle, lo, hi)
        while pos >= 0:
            found.append(pos)
            pos = self.text.find(needle, pos + 1, hi)
        return found


_NUMERALS = "一二三四五六七八九十"


def _prefix_variants(prefix: str) -> tuple[str, ...]:
    """The ways a row's own numbering is printed: ``1.`` as ``1、`` or ``(1)`` (``①`` squashes
    to a bare digit, too weak to take), ``(一)`` as ``(1)``."""
    if prefix.endswith("."):
        number = prefix[:-1]
        return (prefix, number + "、", number + ",", number + ":", f"({number})")
    if prefix.startswith("(") and prefix[1:-1] in _NUMERALS:
        return (prefix, f"({_NUMERALS.index(prefix[1:-1]) + 1})")
    return (prefix,) if prefix else ()


def _with_prefix(region: SquashedRegion, row: Row, pos: int) -> int:
    """Start of the label at ``pos`` moved back over the row's own numbering."""
    for variant in _prefix_variants(row.prefix):
        if region.text.startswith(variant, pos - len(variant)) and pos - len(variant) >= 0:
            return pos - len(variant)
    return pos


@dataclass(frozen=True, slots=True)
class _Match:
    row_index: int
    start: int  # squashed positions
    end: int
    score: float


def _exact_matches(region: SquashedRegion, row: Row, row_index: int) -> list[_Match]:
    out: list[_Match] = []
    for rank, core in enumerate(row.cores):
        for pos in region.find_all(core):
            if any(m.start <= pos < m.end for m in out):
                continue  # inside a longer core's match
            out.append(_Match(row_index, _with_prefix(region, row, pos), pos + len(core), 1.0 - 0.02 * rank))
    return sorted(out, key=lambda m: m.start)


def _gap_match(region: SquashedRegion, row: Row, row_index: int, lo: int, hi: int) -> _Match | None:
    """A weak or OCR-damaged label, searched only in the gap its neighbours leave."""
    for core in row.weak_cores:
        hits = region.find_all(core, lo, hi)
        if hits:
            return _Match(row_index, _with_prefix(region, row, hits[0]), hits[0] + len(core), 0.8)
    gap = region.text[lo:hi]
    best: _Match | None = _cut_short(region, row, row_index, lo, hi)
    for core in row.cores:
        if len(core) < _FUZZY_MIN_LENGTH or len(gap) < len(core) - 1:
            continue
        found = fuzz.partial_ratio_alignment(core, gap, score_cutoff=_FUZZY_MIN_SCORE)
        if found and (best is None or found.score / 100 * 0.9 > best.score):
            start, end = _label_edges(core, region.text, lo + found.dest_start, lo + found.dest_end)
            best = _Match(row_index, _with_prefix(region, row, start), end, found.score / 100 * 0.9)
    return best


_CUT_MIN_SHARE = 0.7  # of a label printed before its numbers cut into it (``5.属于三类内部事务`` 5 0 0 0 ``信息``)


def _cut_short(region: SquashedRegion, row: Row, row_index: int, lo: int, hi: int) -> _Match | None:
    """The longest head of one of the row's labels (most of it) printed right before a
    number in the gap: a PDF's text draws a wrapped label's last line after the row's
    numbers, so the label stands cut short by them."""
    for core in row.cores:
        shortest = max(_FUZZY_MIN_LENGTH, math.ceil(_CUT_MIN_SHARE * len(core)))
        for size in range(len(core) - 1, shortest - 1, -1):
            for pos in region.find_all(core[:size], lo, hi):
                if region.text[pos + size : pos + size + 1].isdigit():
                    return _Match(row_index, _with_prefix(region, row, pos), pos + size, 0.8 * size / len(core))
    return None


def _label_edges(core: str, text: str, start: int, end: int) -> tuple[int, int]:
    """A fuzzy window cut to the characters of the label at its ends.

    The aligned window is as long as the label, so a label whose print lost or split a
    character (``其他对外管理服务事`` with ``项`` on the line after the values) is aligned with
    the character before or after it: a digit of the previous row's values taken as the
    label's, and then lost to that row."""
    while start < end and text[start] not in core:
        start += 1
    while end > start and text[end - 1] not in core:
        end -= 1
    return start, end


def find_anchors(doc: Document, start: int, end: int, form: TableForm) -> list[Anchor]:
    """The row labels of ``form`` in ``doc.text[start:end]``, sorted by position.

    Each row takes its first match after the previous row's (reports print the
    rows in form order), else its first match anywhere that no other row holds
    (some reports print the blocks of table 2 out of order). Rows still missing
    are then searched, weakly or fuzzily, between their neighbours.
    """
    region = SquashedRegion(doc, start, end)
    chosen: dict[int, _Match] = {}
    taken: list[_Match] = []
    cursor = 0
    for index, row in enumerate(form.rows):
        matches = [m for m in _exact_matches(region, row, index) if not _overlaps(m, taken)]
        pick = next((m for m in matches if m.start >= cursor), None) or (matches[0] if matches else None)
        if pick:
            chosen[index] = pick
            taken.append(pick)
            cursor = max(cursor, pick.end)
    for index, row in enumerate(form.rows):
        if index in chosen:
            continue
        lo = max((m.end for i, m in chosen.items() if i < index), default=0)
        hi = min((m.start for i, m in chosen.items() if i > index), default=len(region.text))
        if lo < hi and (pick := _gap_match(region, row, index, lo, hi)) and not _overlaps(pick, taken):
            chosen[index] = pick
            taken.append(pick)
    anchors = [
        Anchor(form.rows[i], _serial_start(doc, region.doc_offset(m.start)), region.doc_end(m.end), m.score)
        for i, m in chosen.items()
    ]
    return sorted(anchors, key=lambda a: a.start)


# a serial number (序号 column) starting a line; after it, the row's label, or its group's
# label first, printing no digit but a bracketed numbering: ``10`` in ``106.属于四类过程性信息``,
# ``5`` in ``5（三）不予公开1.属于国家秘密``
_SERIAL = re.compile(r"\d{1,3}")
_BRACKETED_NUMBER = re.compile(r"[(（]\d{1,2}[)）]")
_SERIAL_HEAD_MAX = 40  # a serial and a group's label; further into a line, digits are values


def _serial_start(doc: Document, start: int) -> int:
    """Where a label starts, taking in the serial number (a 序号 column run together with the
    row) printed at the start of its text line, which is never a value of the row before. In a
    cell of a tab-separated row, digits before the label are the cell before's, run into it."""
    line = doc.units[doc.unit_at(start)]
    if line.row_id is not None or start - line.start > _SERIAL_HEAD_MAX:
        return start
    head = nfkc_digits(doc.text[line.start : start]).strip()
    serial = _SERIAL.match(head)
    if serial is None or any(ch.isdigit() for ch in _BRACKETED_NUMBER.sub("", head[serial.end() :])):
        return start
    return line.start


def _overlaps(match: _Match, taken: list[_Match]) -> bool:
    return any(match.start < t.end and t.start < match.end for t in taken)


def header_stretches(doc: Document, start: int, end: int, cores: tuple[str, ...]) -> list[tuple[int, int]]:
    """Document spans where values follow the header labels in the region: after each run of
    labels (labels with no digit between them) up to the next run, the last to the region's end.
    A table printed in pieces prints its header again before each (table 4 as its 行政复议 and
    its 行政诉讼 tables, one after the other)."""
    region = SquashedRegion(doc, start, end)
    hits = sorted((pos, pos + len(core)) for core in cores for pos in region.find_all(core))
    runs: list[list[int]] = []
    for a, b in hits:
        if runs and not any(ch.isdigit() for ch in region.text[runs[-1][1] : a]):
            runs[-1][1] = max(runs[-1][1], b)
        else:
            runs.append([a, b])
    if not runs:
        return []
    ends = [region.doc_end(b) for _, b in runs]
    return list(zip(ends, [*(region.doc_offset(a) for a, _ in runs[1:]), end], strict=True))
