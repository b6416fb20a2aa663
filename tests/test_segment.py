"""Reading a row's printed text into its cells: digit runs, lost cells, broken rows."""

from __future__ import annotations

from govreport.document import Cell, Document, Location, Table, TextBlock
from govreport.tables.items import Item, items_between
from govreport.tables.segment import Slot, parse_number, row_readings, split_run, sum_check

T3_ROW = sum_check(6, range(6))


def run(text: str) -> Item:
    parts = text.split(" ")
    breaks, pos = [], 0
    for part in parts[:-1]:
        pos += len(part)
        breaks.append(pos)
    return Item(raw=text, digits="".join(parts), breaks=tuple(breaks))


def values(readings) -> list[tuple]:
    return sorted(tuple(c.value for c in r) for r in readings)


def test_split_run_never_starts_a_number_with_zero() -> None:
    assert list(split_run("000", 3)) == [("0", "0", "0")]
    assert ("0", "05") not in list(split_run("005", 2))


def test_split_run_cuts_at_every_blank() -> None:
    readings = list(split_run("230000023", 7, breaks=(3,)))
    assert ("23", "0", "0", "0", "0", "0", "23") in readings
    assert all(len("".join(r[:2])) == 3 or len(r[0]) == 3 for r in readings)  # nothing straddles the blank


def test_glued_row_is_read_by_its_row_total() -> None:
    rr = row_readings([run("640020470")], 7, check=T3_ROW)
    assert rr.consistent
    assert values(rr.readings) == [(64, 0, 0, 2, 0, 4, 70)]


def test_row_with_two_readings_keeps_both_for_the_columns_to_decide() -> None:
    rr = row_readings([run("270020130")], 7, check=T3_ROW)
    assert values(rr.readings) == [(2, 7, 0, 0, 20, 1, 30), (27, 0, 0, 2, 0, 1, 30)]


def test_blanks_inside_a_run_are_cell_boundaries() -> None:
    rr = row_readings([run("23 0 00 0 023")], 7, check=T3_ROW)
    assert values(rr.readings) == [(23, 0, 0, 0, 0, 0, 23)]


def test_a_lost_cell_is_filled_by_the_row_total_and_marked_derived() -> None:
    rr = row_readings([run("0")] * 6, 7, check=T3_ROW)
    assert values(rr.readings) == [(0,) * 7]
    assert any(c.derived for c in rr.readings[0])


def test_where_the_lost_cell_stood_is_left_to_the_columns() -> None:
    rr = row_readings([run(v) for v in ("5", "0", "0", "0", "0", "5")], 7, check=T3_ROW)
    assert (5, 0, 0, 0, 0, 0, 5) in values(rr.readings) and (0, 5, 0, 0, 0, 0, 5) in values(rr.readings)


def test_a_row_that_breaks_its_total_is_kept_as_printed() -> None:
    printed = [run(v) for v in ("2", "0", "0", "0", "0", "0", "0")]
    rr = row_readings(printed, 7, check=T3_ROW)
    assert not rr.consistent
    assert values(rr.readings) == [(2, 0, 0, 0, 0, 0, 0)]


def test_grid_cells_are_one_value_each_and_blanks_are_slots() -> None:
    cells = [Item(raw="821", digits="821", cell=True), Item(raw="", digits=None, cell=True)]
    rr = row_readings(cells, 2)
    assert values(rr.readings) == [(821, None)]


def test_units_and_signs() -> None:
    assert parse_number("1082.33", unit="万", money=True) == 1082.33
    assert parse_number("251000", unit="元", money=True) == 25.1
    assert parse_number("55", negative=True) == -55


def signed_run(text: str) -> Item:
    """A run as printed with minus signs glued in (``0-20``), read from a line of text."""
    doc = Document(path="row.txt", format="txt", blocks=[TextBlock(text, Location(line=1))])
    (item,) = items_between(doc, 0, len(doc.text))
    return item


CHANGE_ROW = [Slot(), Slot(signed=True), Slot()]  # 上一年项目数量 | 本年增/减 | 处理决定数量


def test_a_minus_inside_a_run_starts_a_negative_number_in_the_signed_column() -> None:
    assert values(row_readings([signed_run("0-20")], 3, slots=CHANGE_ROW).readings) == [(0, -2, 0)]
    assert values(row_readings([signed_run("12-3")], 2, slots=CHANGE_ROW[:2]).readings) == [(12, -3)]


def test_a_run_the_signs_do_not_decide_keeps_every_reading() -> None:
    readings = values(row_readings([signed_run("20-1273")], 3, slots=CHANGE_ROW).readings)
    assert readings == [(20, -127, 3), (20, -12, 73), (20, -1, 273)]  # never 2 | 0 | -1273


def test_a_minus_before_a_count_that_cannot_be_negative_is_a_dash() -> None:
    rr = row_readings([signed_run("5-3")], 2)  # no signed column: the sign separates two counts
    assert values(rr.readings) == [(5, 3)]


def test_a_grid_cell_whose_digits_read_with_a_leading_zero_is_never_sure() -> None:
    # OCR of a cell holding "0" and a sliver of its rule: "0 1 0", "01"; a number never prints so
    cells = [Cell(text, 0, col, confidence=0.99) for col, text in enumerate(["0 1 0", "01", "10", "0.5", "1 0"])]
    doc = Document(path="t.pdf", format="pdf", blocks=[Table(cells=cells)])
    items = items_between(doc, 0, len(doc.text))
    assert [(i.digits, i.confidence) for i in items] == [
        ("010", 0.0),
        ("01", 0.0),
        ("10", 0.99),
        ("0.5", 0.99),
        ("10", 0.99),
    ]


def test_numbers_on_lines_of_their_own_one_short_read_as_a_blank_cell_dropped() -> None:
    """A Word dump prints a cell to a line and drops a blank one: 258/12/0/0/1/1 is a row of
    seven whose 总计 was left blank, not 2|58 (a number printed whole split in two). Glued in
    one run, the same digits are split, as a crawled page glues cells."""
    lines = [
        Item(raw=n, digits=n, loc=Location(line=k), start=k * 10, end=k * 10 + len(n))
        for k, n in enumerate(["258", "12", "0", "0", "1", "1"])
    ]
    rr = row_readings(lines, 7, check=T3_ROW)
    assert rr.consistent and values(rr.readings) == [(258, 12, 0, 0, 1, 1, 272)]
    assert rr.readings[0][6].derived
    glued = row_readings([run("25812011")], 7, check=T3_ROW)
    assert all(len(r) == 7 and r[6].value is not None and not r[6].derived for r in glued.readings)


def test_a_grid_row_with_more_slots_than_cells_drops_the_blank_end_its_check_wants() -> None:
    """A markdown row: two blank slots a merged label leaves, six numbers, its blank 总计 left
    out; a blank at either end may be the row's. The reading that passes the row's check is taken."""
    slots = [Item(raw="", digits=None, cell=True)] * 2 + [
        Item(raw=n, digits=n, cell=True) for n in ("64", "0", "0", "2", "0", "4")
    ]
    rr = row_readings(slots, 7, check=T3_ROW)
    assert rr.consistent and values(rr.readings) == [(64, 0, 0, 2, 0, 4, 70)]
