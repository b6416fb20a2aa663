"""What a stretch of a table holds, as value items: numbers, digit runs and empty slots.

Between two row labels a report prints that row's cells. Depending on the
input they come one per grid cell, one per line, tab-separated, or glued into
one digit run (``640020470``). An item is one piece of printed value text; the
segmenter later decides how many cells each item stands for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from govreport.document import Document, Location
from govreport.text import cjk_count, is_cjk, nfkc


# a number or a digit run; inner blanks are kept (``23 0 00 0 023``), and so are minus
# signs glued inside a run (``12-30``: the 2019 form's 本年增/减 may be negative); a unit may follow.
# Where the text has a comma, a number grouped in thousands (``9,487``, ``1,234.50``) is one number
# (the grouping costs the common text a third of the matching time, so it is only tried there).
def _number_pattern(digits: str) -> re.Pattern[str]:
    return re.compile(
        r"(?<![\d.])(?P<sign>[-−－])?"
        rf"(?P<body>{digits}(?:(?:[ \t\u3000]+|[-−－]){digits})*(?:\.\d+)?)"
        r"(?:[ \t\u3000]*(?P<unit>万元|万|元))?"
    )


_NUMBER = _number_pattern(r"\d+")
_GROUPED_NUMBER = _number_pattern(r"(?:\d{1,3}(?:,\d{3}(?!\d))+|\d+)")
_RUN_PARTS = re.compile(r"[ \t\u3000]+|(?=[-−－])")
_SIGNS = "-−－"
# what a cell prints where there is nothing: blank, slash, dash, 无
PLACEHOLDERS = frozenset({"", "/", "／", "-", "—", "——", "–", "无", "空", "\\"})
# an unbroken stretch of Chinese this long after a row's values is prose or the next header
_PROSE_RUN = 8


@dataclass(slots=True)
class Item:
    """One piece of printed value text.

    ``digits`` is the run with blanks and signs removed; ``breaks`` are the positions
    in it where the print had a blank (a cell boundary as far as we have seen);
    ``signs`` where a minus sign stood (0: before the run; inside, a number starts
    there for certain). A ``cell`` item comes whole from one grid cell and is exactly one value.
    """

    raw: str
    digits: str | None  # None: an empty or illegible slot
    breaks: tuple[int, ...] = ()
    signs: tuple[int, ...] = ()
    unit: str | None = None  # 万 / 万元 / 元
    cell: bool = False
    loc: Location | None = None
    start: int = 0  # offsets in Document.text
    end: int = 0
    confidence: float = 1.0  # of the reading of the text (OCR); folds into the value's


# a number that dates or counts in a sentence is prose, not a cell: 2020年, 第3, 15件
_PROSE_NUMBER_AFTER = frozenset("年月日号时%％个件条次项万亿余多")
_PROSE_NUMBER_BEFORE = frozenset("第约近超共计")


# the units a table cell may print its count with (``2件``)
_CELL_UNITS = frozenset("件个条项次")


def _is_prose_number(text: str, start: int, end: int) -> bool:
    after = text[end : end + 1]
    before = text[start - 1 : start] if start else ""
    if after in _CELL_UNITS and _count_cell(text, start, end + 1):
        return False
    return after in _PROSE_NUMBER_AFTER or before in _PROSE_NUMBER_BEFORE


def _count_cell(text: str, start: int, stop: int) -> bool:
    """A count with its unit (``text[start:stop]``) printed as a table cell: alone on its line,
    or beside another cell's number (``2件0件0件``), where a sentence has words around it."""
    before, after = text[:start].rstrip()[-1:], text[stop:].lstrip()[:1]
    alone = not before and not after
    return alone or after.isdigit() or after in _SIGNS or before in _CELL_UNITS


def _is_numbering(text: str, start: int, end: int) -> bool:
    """A list number of a label (``6.属于…``, ``2、重复申请``, ``（3）不予公开``), not a value."""
    if end - start > 2:
        return False
    bracketed = text[start - 1 : start] in ("(", "（") and text[end : end + 1] in (")", "）")
    after = text[end + 1 : end + 2] or "a"
    return (bracketed or text[end : end + 1] in (".", "、", "．")) and is_cjk(after)


def _number_items(text: str, offset: int, loc: Location, cell: bool, confidence: float = 1.0) -> list[Item]:
    items = []
    for match in (_GROUPED_NUMBER if "," in text else _NUMBER).finditer(text):
        if _is_numbering(text, match.start(), match.end()):
            continue
        if not cell and not match.group("unit") and _is_prose_number(text, match.start(), match.end()):
            continue
        digits, breaks, signs = _run(match.group("body"), bool(match.group("sign")))
        items.append(
            Item(
                raw=match.group(0),
                digits=digits,
                breaks=breaks,
                signs=signs,
                unit=match.group("unit"),
                cell=cell,
                loc=loc,
                start=offset + match.start(),
                end=offset + match.end(),
                confidence=confidence,
            )
        )
    return items


def _run(body: str, signed: bool) -> tuple[str, tuple[int, ...], tuple[int, ...]]:
    """A printed run's digits, the positions of its blanks and of its minus signs."""
    lead = (0,) if signed else ()
    if body.isdigit() or (body.replace(".", "", 1).isdigit()):  # the common case: one plain number
        return body, (), lead
    digits, breaks, signs = "", [], list(lead)
    for part in _RUN_PARTS.split(body):
        if not part:
            continue
        if part[0] in _SIGNS:
            signs.append(len(digits))
            part = part[1:]
        elif digits:
            breaks.append(len(digits))
        digits += part.replace(",", "")  # thousands separators
    return digits, tuple(breaks), tuple(signs)


def _prose_after_values(piece: str, first_value_end: int) -> int | None:
    """Where prose starts in ``piece`` after the first value printed in it."""
    stop = _ends_values(piece[first_value_end:])
    return None if stop is None else first_value_end + stop


def _ends_values(text: str) -> int | None:
    """Offset where a run of prose starts in ``text``, if any."""
    run = 0
    for i, ch in enumerate(text):
        run = run + 1 if is_cjk(ch) else 0
        if run >= _PROSE_RUN:
            return i - run + 1
    return None


def items_between(doc: Document, start: int, end: int) -> list[Item]:
    """Value items printed in ``doc.text[start:end]``, in reading order.

    Text that is not a number is label or header and skipped; once values have
    begun, a run of prose ends them. A grid cell is one slot: blank or illegible,
    it is an item without digits.
    """
    items: list[Item] = []
    units = doc.units
    if start >= end or not units:
        return items
    for index in range(doc.unit_at(start), len(units)):
        unit = units[index]
        if unit.start >= end:
            break
        lo, hi = max(start, unit.start), min(end, unit.end)
        whole = lo == unit.start and hi == unit.end
        if lo >= hi and not whole:
            continue  # the stretch ends or starts right at this unit's edge
        piece = nfkc_digits(doc.text[lo:hi])
        whole_cell = unit.slot and whole
        shown = nfkc(piece).strip()
        if whole and shown in PLACEHOLDERS and (unit.slot or shown):
            # a grid cell with nothing printed, or a line that is only a placeholder
            # blank-by-OCR keeps the OCR's doubt: an inked cell that read as nothing is not sure to be blank
            items.append(
                Item(raw=shown, digits=None, cell=True, loc=unit.loc, start=lo, end=hi, confidence=unit.confidence)
            )
            continue
        found = _number_items(piece, lo, unit.loc, cell=whole_cell, confidence=unit.confidence)
        stop = None
        if not unit.slot:  # a grid cell of text is a label, never prose
            stop = _ends_values(piece) if items else _prose_after_values(piece, found[0].end - lo) if found else None
        if stop is not None:
            found = [f for f in found if f.end - lo <= stop]
        if whole_cell and not found and cjk_count(shown) < 2:
            # a grid cell with a mark but no number and no label text: illegible, so never sure
            items.append(Item(raw=shown, digits=None, cell=True, loc=unit.loc, start=lo, end=hi, confidence=0.0))
        elif whole_cell and len(found) > 1:
            items.append(_one_cell(found, shown, unit.loc, unit.confidence))
        elif whole_cell and found:
            items.append(_doubt_leading_zero(found[0]))
        else:
            items.extend(found)
        if stop is not None:
            break
    return items


def _one_cell(found: list[Item], shown: str, loc: Location, confidence: float) -> Item:
    """A grid cell is one value, whatever blanks or marks split its digits."""
    return _doubt_leading_zero(
        Item(
            raw=shown,
            digits="".join(f.digits or "" for f in found),
            signs=(0,) if 0 in found[0].signs else (),
            unit=found[-1].unit,
            cell=True,
            loc=loc,
            start=found[0].start,
            end=found[-1].end,
            confidence=confidence,
        )
    )


def _doubt_leading_zero(cell: Item) -> Item:
    """A cell whose digits make a number with a leading zero ("0 1 0", "01") holds more than a
    number as printed (a sliver of a rule read as 1): its reading is never sure."""
    return replace(cell, confidence=0.0) if cell.digits and _LEADING_ZERO.match(cell.digits) else cell


_LEADING_ZERO = re.compile(r"0\d")
_DIGIT_FOLD = str.maketrans("０１２３４５６７８９．", "0123456789.")


def nfkc_digits(text: str) -> str:
    """Full-width digits to ASCII without changing the length (offsets stay valid)."""
    return text.translate(_DIGIT_FOLD)
