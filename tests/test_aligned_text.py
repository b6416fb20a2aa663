"""Tables printed as column-aligned text (a PDF's text laid out by position): the layout
class over every gold fixture, made by ``eval/layout_text.py``, and the rules that read it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from conftest import GOLD, GoldCase, gold_cases

from govreport.evaluate import flagged_keys, values_equal
from govreport.form.catalog import FORMS
from govreport.ingest.aligned import aligned_line, aligned_tables, table_blocks
from govreport.ingest.text import split_lines, text_document
from govreport.pipeline import extract
from govreport.render import ReportSpec
from govreport.schema import ReportResult

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "eval"))
from layout_text import Apart, DrawingOrder, Style, layout_text

CASES = [c for c in gold_cases({".txt", ".md", ".html", ".pdf"}) if c.values.get("meta.template")]


def _blocks(text: str) -> list[str]:
    lines = [aligned_line(text, n, s, e) for n, s, e in split_lines(text)]
    (first, end), *_ = aligned_tables(lines)
    return [b.text for b in table_blocks(lines[first:end])]


def _read_as_layout(case: GoldCase, style: Style | Apart | DrawingOrder, tmp_path: Path) -> ReportResult:
    """The fixture typeset as a PDF's text in ``style``, read with the rules."""
    path = tmp_path / f"{case.name}.txt"
    path.write_text(layout_text(ReportSpec.from_gold(GOLD / f"{case.name}.json"), style), encoding="utf-8")
    return extract(path, labeller="rules")


# a centred t3 group as pdftotext prints it: three label columns interleave on every line
CENTRED = """\
（本列数据的勾稽关系        自然人  商业企业  总计
为：第一项加第二项之和）
一、本年新收政府信息公
                 95    0     95
开申请数量
      （三） 1.属于
      不予公 国家秘      4     0     4
      开    密
            2.其他       1     0     1
"""


def test_interleaved_label_columns_read_whole_before_their_numbers() -> None:
    blocks = _blocks(CENTRED)
    joined = "".join(blocks)
    assert "一、本年新收政府信息公开申请数量95095" in joined  # the label's lower half comes back before its numbers
    assert "（三）不予公开1.属于国家秘密404" in joined  # each column whole: group, then row label
    assert joined.endswith("2.其他101")


def test_fragments_keep_their_own_lines_and_offsets() -> None:
    doc = text_document("aligned.txt", CENTRED, "utf-8", "txt")
    assert doc.page_lines  # a PDF page's text: prose wraps anywhere
    for unit in doc.units:
        loc = unit.loc
        assert CENTRED[loc.char_start : loc.char_end] == unit.text
        assert unit.text in CENTRED.splitlines()[loc.line - 1]


def test_a_row_printed_without_numbers_keeps_its_label_away_from_the_row_above() -> None:
    text = """\
   信息内容         本年制发件数      本年废止件数     现行有效件数
规章                 0           0               0
行政规范性文件
行政许可                            2293
行政处罚                            1282
"""
    blocks = _blocks(text)
    # not 规章 行政规范性文件 0 0 0: a label short of its column's width is whole, the line below is a row
    assert blocks.index("规章") < blocks.index("0") < blocks.index("行政规范性文件") == blocks.index("行政许可") - 1


def test_a_row_without_numbers_under_a_label_as_wide_as_a_narrow_column_is_a_row_of_its_own() -> None:
    # 规章 fills all but one position of its column, as a wrapped label's line does; 规章行政规… reads as
    # no label of the form, 行政规范性文件 reads whole before the next line of numbers
    text = """\
信息内  本年制发件数  本年废止件数  现行有效件数
 容
规章        0       0       0
行政规
范性文
件
行政许                    2293
可
"""
    assert "|".join(_blocks(text)).endswith("|0|0|0|行政规|范性文|件|行政许|可|2293")


def test_a_label_wrapped_at_its_columns_width_continues_below_its_numbers() -> None:
    text = """\
规章         0       0       0
行政规范      13       0      55
性文件
行政许可                  97
"""
    assert "行政规范|性文件|13|0|55" in "|".join(_blocks(text))


# a 2019 table 2 set centred: 其他对外管理服务事项 wraps over three lines, its numbers on the middle one,
# so its first line stands under 行政许可, a label as wide as its column
CENTRED_THREE_LINES = """\
信息内容  上一年项目数  本年增/减   处理决定数量
        量
行政许可      20       0     273
{upper}
管理服务       0       0       0
事项
"""


def test_a_centred_labels_upper_line_goes_to_the_row_whose_label_it_completes() -> None:
    blocks = "|".join(_blocks(CENTRED_THREE_LINES.format(upper="其他对外")))
    assert blocks.endswith("|20|0|273|其他对外|管理服务|事项|0|0|0")


def test_a_line_that_completes_no_label_below_stays_with_the_label_it_wraps() -> None:
    # 其他事项管理服务 is no label of the form: no evidence against the line above's wrap
    blocks = "|".join(_blocks(CENTRED_THREE_LINES.format(upper="其他事项")))
    assert "行政许可|其他事项|" in blocks
    assert blocks.endswith("|20|0|273|管理服务|事项|0|0|0")


def test_the_heading_above_a_table_stays_out_of_its_first_row() -> None:
    text = """\
二、主动公开政府信息情况
       信息内容   本年制发件数    本年废止件数    现行有效件数
规章               0          0       0
行政规范性文件          3          0       8
"""
    blocks = _blocks(text)
    assert "二、主动公开政府信息情况" not in blocks
    assert blocks[-3:] == ["3", "0", "8"]


def test_a_page_break_inside_a_long_label_does_not_end_the_table() -> None:
    # eight lines of label between two lines of numbers, the page's number among them
    text = """\
规章         0       0       0
1.申请人      0       0       0
逾期未
按收费
通知要
                 —2—
求缴纳
费用、
行政机
关不再
处理其
2.其他       1       0       1
"""
    lines = [aligned_line(text, n, s, e) for n, s, e in split_lines(text)]
    [(first, end)] = aligned_tables(lines)
    assert first == 0 and "".join(w.text for w in lines[end - 1].words) == "2.其他101"


def test_a_part_heading_between_two_tables_is_in_neither() -> None:
    # short enough to pass for a label's piece; a part's heading of the form all the same
    text = """\
规章         0       0       0
行政规范      3       0       8
三、收到和处理政府信息公开申请情况
          自然人  商业企业  总计
一、本年新收      95     0    95
二、上年结转       0     0     0
"""
    lines = [aligned_line(text, n, s, e) for n, s, e in split_lines(text)]
    assert aligned_tables(lines) == [(0, 2), (3, 6)]


def test_prose_and_lone_numbers_are_no_table() -> None:
    text = """\
本年度主动公开政府信息 2428 条，收到政府信息公开申请 17 件，均已按时答复，
全年未发生因政府信息公开引起的行政复议和行政诉讼。我单位将继续做好公开工作 3
"""
    lines = [aligned_line(text, n, s, e) for n, s, e in split_lines(text)]
    assert aligned_tables(lines) == []


@pytest.mark.parametrize(
    ("style", "share"),
    [
        (Style(), 0.994),
        (Style(centred=False), 0.994),
        (Style(lead_in=False), 0.994),
        (Style(centred=False, lead_in=False), 0.994),
        (Apart(), 0.96),
        (Apart(column_runs=True), 0.96),
        (DrawingOrder(), 0.96),
    ],
    ids=["centred", "top", "centred-heading", "top-heading", "apart", "apart-columns", "drawing-order"],
)
def test_the_layout_class_over_every_fixture(style: Style | Apart | DrawingOrder, share: float, tmp_path: Path) -> None:
    """Every fixture with tables typeset as a PDF's text (laid out by position, centred or
    top-aligned; or labels first and then numbers, as text in draw order comes, some runs of
    rows column by column; or in a ruled table's drawing order, page by page): its tables
    read, every value not read right is listed for review (no silent error), and no identity
    is found broken that the report does not break."""
    right = total = 0
    for case in CASES:
        result = _read_as_layout(case, style, tmp_path)
        assert result.error is None
        flagged = flagged_keys(result)
        for key, gold in case.values.items():
            if not key.startswith(("t2.", "t3.", "t4.")):
                continue
            total += 1
            ok = key in result.values and values_equal(gold, result.values[key])
            right += ok
            assert ok or key in flagged, f"{case.name} {key}: {result.values.get(key)!r} for {gold!r}, not listed"
        printed = json.loads((GOLD / f"{case.name}.json").read_text(encoding="utf-8"))["broken_identities"]
        spurious = [b for b in result.broken_identities if b not in printed]  # the report's own stay broken
        assert not spurious, f"{case.name}: {spurious}"
    assert right / total >= share, f"{right} of {total} table values"


@pytest.mark.parametrize(
    "style",
    [
        Style(),
        Style(centred=False),
        Style(label_width=3),
        Style(centred=False, label_width=3),  # the form's longest label over 13 lines
        Style(centred=False, label_width=5),  # a page breaks inside a label
        Style(centred=False, lead_in=False),  # each part's heading right above its table
    ],
    ids=["centred", "top", "centred-narrow", "top-narrow", "top-wider", "top-heading"],
)
def test_rows_printed_whole_are_read_exactly(style: Style, tmp_path: Path) -> None:
    """Tables 2 and 3 laid out by position, every label wrapped to its column (centred: lines
    above and below the numbers; top-aligned: below): every row whose cells are all printed is
    read exactly, each wrapped line given to the row whose label it completes."""
    for case in CASES:
        result = _read_as_layout(case, style, tmp_path)
        form = FORMS[case.values["meta.template"]]
        for table in ("t2", "t3"):
            for row in form.table(table).rows:
                keys = [f"{table}.{row.key}.{column.key}" for column in row.columns]
                if any(case.values.get(key) is None for key in keys):
                    continue  # a blank cell: which column a lone number is in is another question
                wrong = [k for k in keys if not values_equal(case.values[k], result.values.get(k))]
                assert not wrong, f"{case.name}: {wrong}"


def test_table_3_in_drawing_order_is_tiled_back_whole(tmp_path: Path) -> None:
    """pdftotext's order for a ruled table (each page: the rows' labels with their first
    numbers, then one paragraph per further column): every fixture's table 3 is read back
    exactly, by tiling its paragraphs, where reading it in order gives mixed rows."""
    for case in CASES:
        result = _read_as_layout(case, DrawingOrder(), tmp_path)
        cells = {c.key: c for c in result.cells}
        wrong = [k for k, v in case.values.items() if k.startswith("t3.") and not values_equal(v, cells[k].value)]
        assert not wrong, f"{case.name}: {wrong[:5]}"


def test_a_column_drawn_after_the_next_heading_is_table_3s(tmp_path: Path) -> None:
    """pdftotext printed seed-003's table 3 with its first page's first column after the
    table's second page and its last column after 四、's heading: every fixture so typeset
    reads table 3 back (a tie left to the identities is listed, never silently derived), and
    table 4 takes none of table 3's numbers (before, r004's table 4 read 859 18 272 …)."""
    for case in CASES:
        result = _read_as_layout(case, DrawingOrder(rows_per_page=20, first_page_late=True), tmp_path)
        listed = flagged_keys(result)
        cells = {c.key: c for c in result.cells}
        wrong = [k for k, v in case.values.items() if k.startswith("t3.") and not values_equal(v, cells[k].value)]
        assert not [k for k in wrong if k not in listed], f"{case.name}: {wrong[:5]}"
        assert len(wrong) <= 1, f"{case.name}: {wrong[:5]}"
        t4 = [k for k, v in case.values.items() if k.startswith("t4.") and not values_equal(v, cells[k].value)]
        assert not t4, f"{case.name}: {t4[:5]}"
