"""Readings of one table row: which value each of its n cells holds.

A row's items rarely map one to one onto its cells: crawled pages glue the
cells into one digit run (``230000023`` is 23,0,0,0,0,0,23), OCR and
copy-paste lose cells, grids carry blank cells. A reading is one way to
assign the printed text to the n cells; the row's identity (where the form
has one) and later the table's identities choose among them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import combinations

from govreport.tables.items import Item

Number = int | float


@dataclass(frozen=True, slots=True)
class CellReading:
    value: Number | None
    raw: str
    item: Item | None = None
    derived: bool = False  # not printed: filled by an identity
    split: bool = False  # cut out of a longer digit run
    evidence: str | None = None  # the row's reading (or this lost cell) decided by the prose: the note saying so


Reading = tuple[CellReading, ...]
# a row check takes a reading and returns it (completed where it can) or None to reject it
RowCheck = Callable[[Reading], Reading | None]

_LIMIT = 20000  # readings enumerated per row before giving up as ambiguous


def parse_number(digits: str, *, negative: bool = False, unit: str | None = None, money: bool = False) -> Number:
    value: Number = float(digits) if "." in digits else int(digits)
    if money and unit == "元":
        value = round(value / 10000, 6)  # the form asks for 万元
    if negative:
        value = -value
    if isinstance(value, float) and value.is_integer() and not money:
        value = int(value)
    return value


def _valid_part(part: str) -> bool:
    if not part or part.startswith(".") or part.endswith(".") or part.count(".") > 1:
        return False
    return not (len(part) > 1 and part[0] == "0" and part[1] != ".")


@dataclass(frozen=True, slots=True)
class Slot:
    """What a cell of the row may hold: money (万元, fractional), a signed change."""

    money: bool = False
    signed: bool = False


def split_run(digits: str, cells: int, breaks: Sequence[int] = ()) -> Iterator[tuple[str, ...]]:
    """Every way to cut ``digits`` into ``cells`` numbers, cutting at every break,
    with no number but 0 starting with 0."""
    n = len(digits)
    forced = set(breaks)
    if cells < len(forced) + 1 or cells > n:
        return
    free = [i for i in range(1, n) if i not in forced and digits[i - 1] != "." and digits[i] != "."]
    for extra in combinations(free, cells - 1 - len(forced)):
        cuts = sorted(forced.union(extra))
        parts = tuple(digits[a:b] for a, b in zip([0, *cuts], [*cuts, n], strict=True))
        if all(_valid_part(p) for p in parts):
            yield parts


def _item_options(
    item: Item, cells: int, slots: Sequence[Slot], index: int, honour_breaks: bool, signs: bool = True
) -> Iterator[list[CellReading]]:
    """The ways ``item`` can fill ``cells`` cells starting at column ``index``.

    A minus sign inside a run starts a number; with ``signs``, that number is
    negative (``_signs_fit`` then keeps it to a signed column). Without ``signs``
    (no signed reading fits), the sign is read as a dash between numbers."""
    if item.digits is None:
        if cells == 1:
            yield [CellReading(None, item.raw, item)]
        return
    if item.cell:
        if cells == 1 and _valid_cell(item.digits):
            value = _parse(item, item.digits, slots[index].money, 0 in item.signs, last=True)
            yield [CellReading(value, item.raw, item)]
        return
    inner = tuple(p for p in item.signs if p)
    breaks = (*item.breaks, *inner) if honour_breaks else inner
    for parts in split_run(item.digits, cells, breaks):
        last = len(parts) - 1
        starts = [0]
        for part in parts[:-1]:
            starts.append(starts[-1] + len(part))
        negative = [(start in item.signs) and (signs or start == 0) for start in starts]
        yield [
            CellReading(
                _parse(item, part, slots[index + k].money, negative[k], last=k == last),
                part if len(parts) > 1 else item.raw,
                item,
                split=len(parts) > 1,
            )
            for k, part in enumerate(parts)
        ]


def _valid_cell(digits: str) -> bool:
    return digits.count(".") <= 1 and not digits.endswith(".")


def _parse(item: Item, part: str, money: bool, negative: bool, *, last: bool) -> Number:
    return parse_number(part, negative=negative, unit=item.unit if last else None, money=money)


def _fill(
    items: Sequence[Item], n: int, slots: Sequence[Slot], honour_breaks: bool, signs: bool
) -> Iterator[list[CellReading]]:
    """Assign all items to exactly ``n`` cells, in order."""
    if not items:
        if n == 0:
            yield []
        return
    head, rest = items[0], items[1:]
    max_rest = sum(max_cells(i) for i in rest)
    for cells in range(1, n - len(rest) + 1):
        if n - cells > max_rest:
            continue
        for option in _item_options(head, cells, slots, 0, honour_breaks, signs):
            for tail in _fill(rest, n - cells, slots[cells:], honour_breaks, signs):
                yield option + tail


def max_cells(item: Item) -> int:
    if item.digits is None or item.cell:
        return 1
    return len(item.digits.replace(".", "")) or 1


def _with_gaps(reading: list[CellReading], n: int) -> Iterator[list[CellReading]]:
    """``reading`` spread over n cells, the missing ones empty (a cell lost from the row)."""
    missing = n - len(reading)
    for positions in combinations(range(n), missing):
        out, it = [], iter(reading)
        for col in range(n):
            out.append(CellReading(None, "", None) if col in positions else next(it))
        yield out


def _trims(items: list[Item], n: int) -> list[list[Item]]:
    """A row that prints more items than cells without its empty slots at the ends: those at
    its end dropped first, those at its start first, and all of them, where that differs (an
    empty slot may be a merged label's, or the row's blank last cell, or a markdown row may
    have left out its last cell after the merged labels' empty ones)."""
    out: list[list[Item]] = []
    for ends, down_to in (((-1, 0), n), ((0, -1), n), ((0, -1), 0)):
        kept = list(items)
        if len(kept) > n:
            for end in ends:
                while len(kept) > down_to and kept[end].digits is None:
                    kept.pop(end)
        if kept not in out:
            out.append(kept)
    return out


@dataclass(frozen=True, slots=True)
class RowReadings:
    readings: list[Reading]
    consistent: bool  # the readings pass the row's check (False: printed as is, check broken)
    trimmed: bool = False  # the row printed more items than cells; some were left out
    blanks_last: BlanksLast | None = None  # the guess where nothing else places its cells
    lost: list[Reading] = field(default_factory=list)  # an inconsistent row's readings with a cell lost


@dataclass(frozen=True, slots=True)
class BlanksLast:
    """The printed numbers in order from a row's first cell, the cells after them blank."""

    reading: Reading
    checked: bool  # the row's check holds on some of the numbers it places (``_telling``)


def row_readings(
    items: list[Item],
    n: int,
    *,
    slots: Sequence[Slot] | None = None,
    check: RowCheck | None = None,
    max_gaps: int = 2,
) -> RowReadings:
    """All distinct readings of a row of ``n`` cells (``_row_readings``); and where it prints
    fewer numbers than cells, the guess ``blanks_last``."""
    slots = slots or [Slot()] * n
    readings = _row_readings(items, n, slots=slots, check=check, max_gaps=max_gaps)
    # a row with more slots than cells is guessed without its empty ones
    guess = blanks_last(_trims(items, n)[-1], n, slots, check)
    return replace(readings, blanks_last=guess) if guess is not None else readings


def blanks_last(items: list[Item], n: int, slots: Sequence[Slot], check: RowCheck | None) -> BlanksLast | None:
    """A row that printed fewer numbers than it has cells, each printed whole (cut only where
    the text left a blank or a sign starts a number), read from its first cell on with the
    cells after them blank, where that passes its check unchanged. A text that drops blank
    cells keeps the others in order; which cells were blank it does not say, so this is a
    guess, for the rows nothing else places (``mapping``), and always listed."""
    printed = sum(whole_cells(i) for i in items)
    if not items or printed >= n:
        return None
    for reading in _fill(items, printed, slots, honour_breaks=True, signs=True):
        guess = (*reading, *(CellReading(None, "") for _ in range(n - printed)))
        if _signs_fit(guess, slots) and (check is None or check(guess) == guess):
            return BlanksLast(guess, check is not None and _telling(guess, check))
    return None


def _telling(reading: Reading, check: RowCheck) -> bool:
    """Whether ``check`` would reject the reading with one of its numbers changed: its sums
    hold on numbers it places, so those are whole numbers in their group, not pieces of a run."""
    for col, cell in enumerate(reading):
        if isinstance(cell.value, int):
            changed = list(reading)
            changed[col] = replace(cell, value=cell.value + 1)
            if check(tuple(changed)) is None:
                return True
    return False


def whole_cells(item: Item) -> int:
    """The cells an item fills printed as it is: one, or one per blank or sign inside its run."""
    if item.digits is None or item.cell:
        return 1
    return len({*item.breaks, *(p for p in item.signs if p)}) + 1


def _row_readings(
    items: list[Item], n: int, *, slots: Sequence[Slot], check: RowCheck | None, max_gaps: int
) -> RowReadings:
    """All distinct readings of a row of ``n`` cells, those that pass ``check`` first.

    Tried in order, the first that yields a reading passing the check wins: every
    item used, blanks in digit runs as cell boundaries; the same ignoring those
    blanks; then, where the printed digits are too few to fill the row, with one or
    more cells lost from it (at most ``max_gaps``); lost cells first where the
    numbers are a few fewer than the cells and each printed apart. A row printing
    more items than cells is read without the empty slots at one end or the other,
    whichever passes the check (``_trims``). A row nothing checks that prints its numbers
    apart, but fewer than its cells, reads every way: cut further, or with cells lost.
    Where none passes, the plainest readings are returned as printed, marked
    inconsistent: a report may break its own identities, and that is a finding.
    """
    trims = _trims(items, n)
    if len(trims) > 1:
        # which end's empty slots belong to the row the check tells; where both pass, both readings stand
        options = [_row_readings(kept, n, slots=slots, check=check, max_gaps=max_gaps) for kept in trims]
        passing = [o for o in options if o.consistent]
        if len(passing) != 1:
            return options[0] if not passing else _joined(passing)
        return passing[0]
    items = trims[0]
    if not items:
        return RowReadings([tuple(CellReading(None, "") for _ in range(n))], consistent=check is None)
    if len(items) > n:
        # more numbers than cells: a stray mark at one end; keep the end that fits, the head first
        options = [_row_readings(part, n, slots=slots, check=check, max_gaps=0) for part in (items[:n], items[-n:])]
        best = next((o for o in options if o.consistent and o.readings), options[0])
        return RowReadings(best.readings, best.consistent, trimmed=True)
    if len(items) == n and (plain := _one_per_cell(items, slots)) is not None:
        # the common case: one printed value per cell
        checked = check(plain) if check else plain
        if checked is not None:
            return RowReadings([checked], consistent=True)
    pieces = sum(1 if i.digits is None or i.cell else len(set(i.breaks)) + 1 for i in items)
    if check is None and 2 <= pieces < n:
        # nothing checks the row, and it prints its numbers apart (blanks between them): a
        # number cut in two and a blank cell the text dropped read the same; every such reading stands
        readings = {
            tuple(c.value for c in r): r
            for gaps in range(n - pieces + 1)
            for r in _readings(items, n, slots, None, (gaps, True, True))[0]
        }
        return RowReadings(list(readings.values()), consistent=True)
    attempts: list[tuple[int, bool, bool]] = [(0, True, True), (0, False, True)]
    lost = [(gaps, True, True) for gaps in range(1, max_gaps + 1)]
    if check is not None and max(1, n - max_gaps) <= len(items) < n and _one_per_line(items):
        # a few numbers fewer than cells, each a cell or a line of its own: a blank cell the
        # text dropped is likelier than a number printed whole that is two cells
        attempts = lost + attempts
    elif sum(max_cells(i) for i in items) < n:
        # the print cannot fill the row: cells were lost. Never assume a loss where the
        # printed digits fill the row: that would "fix" a row whose total is misprinted.
        attempts += lost
    if any(i.signs for i in items):
        attempts.append((0, True, False))  # last: the minus signs as dashes between numbers
    fallback: list[Reading] = []
    for attempt in attempts:
        passing, printed = _readings(items, n, slots, check, attempt)
        if passing:
            return RowReadings(passing, consistent=True)
        fallback = fallback or printed
    # no reading passes: its total is misprinted, or a blank cell was lost where the digits
    # still fill the row (``1800000``: 18,0,0,0,0,0 and a blank 总计); its readings with one
    # cell lost, for a table that shows it leaves cells blank (``mapping._lost_cells``)
    lost = _readings(items, n, slots, check, (1, True, True))[0] if check is not None and max_gaps else []
    return RowReadings(fallback, consistent=False, lost=lost)


def _readings(
    items: list[Item], n: int, slots: Sequence[Slot], check: RowCheck | None, attempt: tuple[int, bool, bool]
) -> tuple[list[Reading], list[Reading]]:
    """The distinct readings of one attempt (cells lost, blanks honoured, signs read) that pass
    ``check``, and all it printed."""
    gaps, honour_breaks, signs = attempt
    if gaps >= n or len(items) > n - gaps:
        return [], []
    passing: dict[tuple, Reading] = {}
    printed: dict[tuple, Reading] = {}
    for count, reading in enumerate(_spread(items, n, gaps, slots, honour_breaks, signs)):
        if count >= _LIMIT:
            break
        if signs and not _signs_fit(reading, slots):
            continue
        printed.setdefault(tuple(c.value for c in reading), reading)
        checked = check(reading) if check else reading
        if checked is not None:
            passing.setdefault(tuple(c.value for c in checked), checked)
    return list(passing.values()), list(printed.values())


def _one_per_line(items: list[Item]) -> bool:
    """Each item a number printed whole: a grid cell's, or the only one of its line."""
    lines = {(i.loc.line, i.loc.char_start) if i.loc else None for i in items}
    printed = all(i.digits is not None and not i.breaks for i in items)
    return printed and (all(i.cell for i in items) or (None not in lines and len(lines) == len(items)))


def _joined(options: list[RowReadings]) -> RowReadings:
    readings = {tuple(c.value for c in r): r for o in options for r in o.readings}
    return RowReadings(list(readings.values()), consistent=True, trimmed=any(o.trimmed for o in options))


def _signs_fit(reading: Reading, slots: Sequence[Slot]) -> bool:
    """A negative number read from a run stands in a signed column (本年增/减): counts are
    never negative, which is what decides ``20-1273`` as 20 | -1 | 273, not 2 | 0 | -1273."""
    return all(
        slot.signed or c.item is None or c.item.cell or c.value is None or c.value >= 0
        for c, slot in zip(reading, slots, strict=True)
    )


def _one_per_cell(items: list[Item], slots: Sequence[Slot]) -> Reading | None:
    """The reading that gives each item exactly one cell, where each can be one."""
    cells = []
    for col, item in enumerate(items):
        option = next(_item_options(item, 1, slots, col, honour_breaks=True), None)
        if option is None:
            return None
        cells.append(option[0])
    return tuple(cells)


def _spread(
    items: list[Item], n: int, gaps: int, slots: Sequence[Slot], honour_breaks: bool, signs: bool
) -> Iterator[Reading]:
    for reading in _fill(items, n - gaps, slots, honour_breaks, signs):
        if gaps:
            for spread in _with_gaps(reading, n):
                yield tuple(spread)
        else:
            yield tuple(reading)


def sum_check(total_index: int, part_indices: Sequence[int]) -> RowCheck:
    """A row check for ``total = sum(parts)``: rejects a reading that breaks it and
    fills the one empty cell it determines (marked derived)."""

    def check(reading: Reading) -> Reading | None:
        cols = [total_index, *part_indices]
        unknown = [c for c in cols if reading[c].value is None]
        if len(unknown) > 1:
            return reading
        parts = sum(reading[c].value or 0 for c in part_indices)
        if not unknown:
            return reading if reading[total_index].value == parts else None
        col = unknown[0]
        value = parts if col == total_index else (reading[total_index].value or 0) - parts
        if value < 0:
            return None
        cells = list(reading)
        cells[col] = CellReading(value, reading[col].raw, reading[col].item, derived=True)
        return tuple(cells)

    return check
