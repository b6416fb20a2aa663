"""Ingestion: every input format to a Document, and a clear IngestError for bad input."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import gold_cases

from govreport.document import Cell, Document, Location, Table, TextBlock
from govreport.errors import IngestError, UnsupportedFormat
from govreport.ingest import MAX_BYTES, detect_format, load
from govreport.pipeline import extract

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))
SEED_001 = FIXTURES / "seeds" / "001_c9d25de49169cfc6.txt"
SEED_003 = FIXTURES / "seeds" / "003_1244fb917606d24f.txt"
R004 = FIXTURES / "real" / "r004.html"
R006 = FIXTURES / "real" / "r006.md"
R010 = FIXTURES / "real" / "r010.txt"
TEXT_INPUTS = [*SEEDS, R006, *(FIXTURES / "real").glob("r0*.txt")]


def texts(doc: Document) -> list[str]:
    return [b.text for b in doc.blocks if isinstance(b, TextBlock)]


def row_texts(table: Table) -> list[list[str]]:
    return [[c.text for c in row] for row in table.rows()]


def find_cell(table: Table, text: str) -> Cell:
    return next(c for c in table.cells if c.text == text)


# --- text -----------------------------------------------------------------------


def test_seed_001_tab_rows_form_loose_tables() -> None:
    doc = load(SEED_001)
    assert doc.format == "txt" and doc.encoding == "utf-8"
    assert len(doc.tables) == 3
    assert all(not t.grid for t in doc.tables)
    t2, t3, t4 = doc.tables
    rows = row_texts(t2)
    assert rows[0] == ["第二十条第(一)项"]  # a padded single field stays in its table
    assert rows[2] == ["规章", "0", "0", "0"]  # trailing empty fields dropped
    assert ["行政许可", "3895"] in rows
    assert ["一、本年新收政府信息公开申请数量", "", "", "", "0", "0", "0", "0", "0", "0"] in row_texts(t3)
    assert row_texts(t4)[-1] == ["0"] * 15
    # tables sit between their section headings, in order
    headings = [b for b in doc.blocks if isinstance(b, TextBlock) and b.text.startswith(("二、", "三、", "四、"))]
    assert [doc.blocks.index(h) + 1 for h in headings] == [doc.blocks.index(t) for t in doc.tables]


def test_tab_cells_know_their_row_col_line_and_span() -> None:
    doc = load(SEED_001)
    source = SEED_001.read_text(encoding="utf-8")
    lines = source.split("\n")
    cell = find_cell(doc.tables[0], "3895")
    assert (cell.row, cell.col) == (cell.loc.row, cell.loc.col) == (6, 1)
    assert cell.loc.table == 0
    assert lines[cell.loc.line - 1].startswith("行政许可\t3895")
    empty = doc.tables[1].rows()[3][1]
    assert empty.text == "" and empty.loc.char_start == empty.loc.char_end


@pytest.mark.parametrize("path", TEXT_INPUTS, ids=lambda p: p.name)
def test_offsets_and_lines_point_at_the_text(path: Path) -> None:
    doc = load(path)
    source = path.read_text(encoding="utf-8")
    pieces: list[tuple[str, Location]] = []
    for block in doc.blocks:
        if isinstance(block, TextBlock):
            pieces.append((block.text, block.loc))
        else:
            pieces.extend((c.text, c.loc) for c in block.cells)
    assert pieces
    for text, loc in pieces:
        assert loc.char_start is not None and loc.char_end is not None
        assert source[loc.char_start : loc.char_end] == text or "[bookmark:" in source[loc.char_start : loc.char_end]
        assert source.count("\n", 0, loc.char_start) + 1 == loc.line


def test_docx_dump_lines_are_text_without_artefacts() -> None:
    doc = load(SEED_003)
    assert doc.tables == []
    lines = texts(doc)
    assert "" not in lines
    assert not any("[bookmark" in t or "\t" in t for t in lines)
    start = lines.index("行政规范性文件")
    assert lines[start : start + 4] == ["行政规范性文件", "0", "0", "0"]
    zero = doc.blocks[[b.text for b in doc.blocks].index("行政规范性文件") + 1]
    assert SEED_003.read_text(encoding="utf-8")[zero.loc.char_start : zero.loc.char_end] == "0"


def test_markdown_pipe_tables_and_headings() -> None:
    doc = load(R006)
    assert doc.format == "md"
    assert "表二：主动公开政府信息情况" in texts(doc)
    assert not any(t.startswith("#") or t.startswith("|") for t in texts(doc))
    first = doc.tables[0]
    assert first.grid
    assert row_texts(first) == [
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", "0", "0", "0"],
        ["规范性文件", "13", "0", "55"],
    ]
    t3 = doc.tables[1]
    assert row_texts(t3)[1] == ["一、本年新收政府信息公开申请数量", "32", "2", "0", "0", "0", "0", "34", ""]
    assert not any(set(c.text) <= {"-", ":"} and c.text for t in doc.tables for c in t.cells)


def test_crawled_breadcrumb_prefix_is_cut_before_the_title() -> None:
    doc = load(R010)
    block = next(b for b in doc.blocks if isinstance(b, TextBlock) and b.loc.line == 10)
    assert block.text.startswith("平潭综合实验区2021年度政府信息公开工作年度报告 来源")
    assert "六、其他需要报告的事项2021年，无收取信息处理费情况。" in block.text
    source = R010.read_text(encoding="utf-8")
    assert source[block.loc.char_start : block.loc.char_end] == block.text


def test_page_chrome_lines_are_dropped_and_report_text_kept(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text(
        "当前位置：首页 > 政务公开 > 年报\n"
        "【字体：大 中 小】\n"
        "某区2021年政府信息公开工作年度报告\n"
        "通过微信公众号发布信息12条。\n"
        "微信\n"
        "打印本页 关闭窗口\n"
        "分享到： 微信 微博 QQ空间\n"
        "上一条：某区2020年政府信息公开工作年度报告\n"
        "下一篇：无\n",
        encoding="utf-8",
    )
    assert texts(load(page)) == ["某区2021年政府信息公开工作年度报告", "通过微信公众号发布信息12条。", "微信"]


def test_page_numbers_between_pages_are_dropped(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    marks = ["— 1 —", "-2-", "第 3 页", "第4页 共9页", "5 / 9"]
    page.write_text("\n".join(["某区2021年政府信息公开工作年度报告", *marks, "0", "12"]), encoding="utf-8")
    assert texts(load(page)) == ["某区2021年政府信息公开工作年度报告", "0", "12"]  # a lone number may be a cell


@pytest.mark.parametrize("case", [c for c in gold_cases() if c.document.suffix in (".txt", ".md", ".html")], ids=str)
def test_radical_code_points_read_as_their_characters(case, tmp_path: Path) -> None:
    """A PDF's text saved by other tools keeps the radical code points its fonts use for some
    characters (⼀、总体情况, 上海市⼈⺠政府, 第⼆⼗条): every text fixture so written reads as printed."""
    radical = {
        "一": "⼀",
        "二": "⼆",
        "十": "⼗",
        "人": "⼈",
        "民": "⺠",
        "工": "⼯",
        "文": "⽂",
        "行": "⾏",
        "见": "⻅",
    }
    text = case.document.read_text(encoding="utf-8")
    written = text.translate(str.maketrans(radical))
    assert written != text
    path = tmp_path / case.document.name
    path.write_text(written, encoding="utf-8")
    assert extract(path, labeller="rules").values == extract(case.document, labeller="rules").values


def test_crawled_header_lines_are_kept() -> None:
    lines = texts(load(FIXTURES / "real" / "r008.txt"))
    assert lines[0] == "标题: 平潭综合实验区2019年度政府信息公开工作年度报告"
    assert lines[-1].endswith("六、其他需要报告的事项 无其他需要报告的事项")


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-16", "utf-8-sig", "utf-16-be"])
@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_encodings_give_the_same_document(tmp_path: Path, seed: Path, encoding: str) -> None:
    # GBK lacks a few characters the seeds hold (U+00A0, †): compare against UTF-8 of the same text
    text = seed.read_text(encoding="utf-8").encode("gbk", "replace").decode("gbk")
    # utf-16-be with a BOM, as Windows Notepad writes "Unicode big endian"
    data = b"\xfe\xff" + text.encode("utf-16-be") if encoding == "utf-16-be" else text.encode(encoding)
    doc = load(write(tmp_path, seed.name, data))
    expected = load(write(tmp_path, "utf8.txt", text.encode("utf-8")))
    assert expected.encoding == "utf-8"
    assert [getattr(b, "text", None) for b in doc.blocks] == [getattr(b, "text", None) for b in expected.blocks]
    assert [row_texts(t) for t in doc.tables] == [row_texts(t) for t in expected.tables]
    assert (
        doc.encoding
        in {
            "gbk": {"gbk"},
            "gb18030": {"gbk", "gb18030"},
            "utf-16": {"utf-16"},
            "utf-16-be": {"utf-16"},
            "utf-8-sig": {"utf-8-sig"},
        }[encoding]
    )


def test_short_gbk_text_is_not_mislabelled(tmp_path: Path) -> None:
    path = tmp_path / "short.txt"
    path.write_bytes("规章\t0\t0\t0\n行政许可\t16".encode("gbk"))
    doc = load(path)
    assert doc.encoding == "gbk"
    assert row_texts(doc.tables[0]) == [["规章", "0", "0", "0"], ["行政许可", "16"]]


def test_crlf_and_cr_line_endings(tmp_path: Path) -> None:
    source = SEED_001.read_text(encoding="utf-8")
    expected = load(SEED_001)
    for newline in ("\r\n", "\r"):
        path = tmp_path / "crlf.txt"
        path.write_bytes(source.replace("\n", newline).encode("utf-8"))
        doc = load(path)
        assert texts(doc) == texts(expected)
        assert [row_texts(t) for t in doc.tables] == [row_texts(t) for t in expected.tables]
        assert [b.loc.line for b in doc.blocks] == [b.loc.line for b in expected.blocks]


# --- HTML -----------------------------------------------------------------------


def test_r004_html_tables_with_spans() -> None:
    doc = load(R004)
    assert doc.format == "html" and doc.encoding == "utf-8"
    assert len(doc.tables) == 3
    assert texts(doc)[0] == "2019年上海市人民政府办公厅政府信息公开工作年度报告"
    t2, t3, t4 = doc.tables
    assert all(t.grid for t in doc.tables)
    assert find_cell(t2, "本年新制作数量").col == 1  # <br> inside a label joins without a space
    assert find_cell(t2, "本年新公开数量").colspan == 2
    note = t3.cells[0]
    assert note.text.startswith("（本列数据的勾稽关系")
    assert (note.row, note.col, note.rowspan, note.colspan) == (0, 0, 3, 3)
    person = find_cell(t3, "自然人")
    assert (person.row, person.col, person.rowspan) == (1, 3, 2)
    assert (find_cell(t3, "商业企业").row, find_cell(t3, "商业企业").col) == (2, 4)
    assert find_cell(t3, "三、本年度办理结果").rowspan == 20
    assert t3.n_rows == 26 and t3.n_cols == 10
    new_received = t3.rows()[3]
    assert [c.text for c in new_received] == [
        "一、本年新收政府信息公开申请数量",
        "821",
        "35",
        "",
        "",
        "2",
        "1",
        "859",
    ]
    assert [c.col for c in new_received] == [0, 3, 4, 5, 6, 7, 8, 9]
    assert t4.n_cols == 15 and row_texts(t4)[3][:5] == ["5", "", "", "2", "7"]
    assert all(c.loc.table == i and c.loc.line for i, t in enumerate(doc.tables) for c in t.cells)
    # blocks in document order: part headings before their tables
    order = [b.text if isinstance(b, TextBlock) else "TABLE" for b in doc.blocks]
    assert order[order.index("二、主动公开政府信息情况") + 1] == "TABLE"
    assert order[-1] == "无。"


HTML_PAGE = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>年报</title><style>p {{ color: red }}</style><script>var x = "脚本";</script></head>
<body>
<div class="top-nav"><a href="/">首页</a> <a href="/zwgk">政务公开</a></div>
<div class="breadcrumb">当前位置：首页 &gt; 年报</div>
<h1>某区2021年政府信息公开工作年度报告</h1>
<p>第一行<br>第二行</p>
<div>一、总体情况<p>内容段落。</p>尾部文字</div>
<table><tr><td>外层<table><tr><td>内层甲</td><td>内层乙</td></tr></table></td><td>右</td></tr></table>
<footer>版权所有 主办单位</footer>
{extra}
</body></html>"""


def write_page(tmp_path: Path, extra: str = "", suffix: str = ".html") -> Path:
    path = tmp_path / f"page{suffix}"
    path.write_bytes(HTML_PAGE.format(extra=extra).encode("gbk"))
    return path


def test_html_page_text_blocks_drop_furniture(tmp_path: Path) -> None:
    doc = load(write_page(tmp_path))
    assert doc.encoding == "gb2312"
    assert texts(doc) == [
        "某区2021年政府信息公开工作年度报告",
        "第一行",
        "第二行",
        "一、总体情况",
        "内容段落。",
        "尾部文字",
    ]
    (table,) = doc.tables
    assert row_texts(table) == [["外层 内层甲 内层乙", "右"]]  # a small nested table is flattened into its cell


def test_html_layout_table_is_walked_as_blocks(tmp_path: Path) -> None:
    extra = (
        "<table><tr><td><p>表格前的说明</p>"
        "<table><tr><td>规章</td><td>13</td></tr><tr><td>规范性文件</td><td>&nbsp;</td></tr></table>"
        "</td></tr></table>"
    )
    doc = load(write_page(tmp_path, extra))
    assert "表格前的说明" in texts(doc)
    assert row_texts(doc.tables[-1]) == [["规章", "13"], ["规范性文件", ""]]


def test_html_saved_as_utf8_with_a_stale_gbk_meta(tmp_path: Path) -> None:
    path = tmp_path / "saved.html"
    path.write_bytes('<meta charset="gbk"><p>一、总体情况</p>'.encode())
    doc = load(path)
    assert doc.encoding == "utf-8" and texts(doc) == ["一、总体情况"]


def test_html_without_tables_and_sniffed_by_content(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"  # misnamed: the bytes say HTML
    path.write_text("<html><body><p>一、总体情况</p><p>无。</p></body></html>", encoding="utf-8")
    doc = load(path)
    assert doc.format == "html"
    assert doc.tables == [] and texts(doc) == ["一、总体情况", "无。"]


def test_html_with_only_furniture_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_text("<html><body><script>x()</script><nav>首页</nav></body></html>", encoding="utf-8")
    with pytest.raises(IngestError, match="no text"):
        load(path)


# --- DOCX -----------------------------------------------------------------------


def build_docx(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("某区2021年政府信息公开工作年度报告")
    document.add_paragraph("")
    document.add_paragraph("二、主动公开政府信息情况")
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate([["信息内容", "本年制发件数", "x"], ["", "甲", "乙"], ["规章", "1", "2"]]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    table.cell(0, 0).merge(table.cell(1, 0))  # vertical merge: w:vMerge restart + continue
    table.cell(0, 1).merge(table.cell(0, 2))  # horizontal merge: w:gridSpan=2
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    document.save(str(path))
    return path


def test_docx_body_order_and_merged_cells(tmp_path: Path) -> None:
    doc = load(build_docx(tmp_path / "report.docx"))
    assert doc.format == "docx"
    kinds = [b.text if isinstance(b, TextBlock) else "TABLE" for b in doc.blocks]
    assert kinds == [
        "某区2021年政府信息公开工作年度报告",
        "二、主动公开政府信息情况",
        "TABLE",
        "三、收到和处理政府信息公开申请情况",
    ]
    assert [b.loc.line for b in doc.blocks if isinstance(b, TextBlock)] == [1, 3, 4]
    (table,) = doc.tables
    label = find_cell(table, "信息内容")
    assert (label.row, label.col, label.rowspan, label.colspan) == (0, 0, 2, 1)
    header = table.cells[1]
    assert (header.row, header.col, header.rowspan, header.colspan) == (0, 1, 1, 2)
    assert header.text.startswith("本年制发件数")
    assert [c.text for c in table.cells].count("信息内容") == 1  # merged cells are not repeated
    assert [(c.row, c.col) for c in table.rows()[1]] == [(1, 1), (1, 2)]
    assert row_texts(table)[2] == ["规章", "1", "2"]
    assert table.n_rows == 3 and table.n_cols == 3
    assert all(c.loc.table == 0 and (c.loc.row, c.loc.col) == (c.row, c.col) for c in table.cells)


def test_docx_without_suffix_is_sniffed(tmp_path: Path) -> None:
    path = build_docx(tmp_path / "report.docx")
    plain = tmp_path / "download"
    plain.write_bytes(path.read_bytes())
    assert load(plain).format == "docx"


# --- bad input ------------------------------------------------------------------


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b" \n\t\r\n\xe3\x80\x80\n", "empty"),
        ("blank.html", b"   \n", "empty"),
        ("junk.txt", bytes(range(256)) * 40, "binary"),
        ("controls.txt", b"\x01\x02\x03\x04\x05abc" * 100, "binary"),
        ("undecodable.txt", bytes(range(0x80, 0x100)) * 8, "Cannot decode"),
        ("broken.docx", b"PK\x03\x04 this is not really a zip", "Corrupt .docx"),
        ("fake.docx", "不是Word文档".encode(), "Corrupt .docx"),
        ("chrome.txt", "打印本页 关闭窗口\n".encode(), "no report text"),
    ],
)
def test_bad_input_raises_ingest_error(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    with pytest.raises(IngestError, match=message) as info:
        load(write(tmp_path, name, data))
    assert "\n" not in str(info.value)


def test_zip_that_is_not_word(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(IngestError, match="Not a Word document"):
        load(path)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(UnsupportedFormat, match="Excel"):
        load(path)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match=r"File not found: .*nope\.txt"):
        load(tmp_path / "nope.txt")
    with pytest.raises(IngestError, match="directory"):
        load(tmp_path)


def test_too_large_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:
        f.write("一、总体情况\n".encode())
        f.truncate(MAX_BYTES + 1)  # sparse: no 20 MiB written
    with pytest.raises(IngestError, match="too large"):
        load(path)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "Legacy Word .doc"),
    ],
)
def test_unsupported_formats(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    with pytest.raises(UnsupportedFormat, match=message):
        load(write(tmp_path, name, data))


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        ("a.txt", b"abc", "txt"),
        ("a.md", b"# x", "md"),
        ("a.markdown", b"# x", "md"),
        ("a.htm", b"<p>x</p>", "html"),
        ("a.txt", b"\xef\xbb\xbf<!DOCTYPE html>", "html"),
        ("a.bin", b"plain words", "txt"),
        ("a.pdf", b"%PDF-1.4", "pdf"),
        ("a.xlsx", b"PK\x03\x04", "xlsx"),
        ("a", b"PK\x03\x04", "docx"),
    ],
)
def test_detect_format(name: str, head: bytes, expected: str) -> None:
    assert detect_format(name, head) == expected


def test_text_loading_is_fast() -> None:
    load(SEEDS[0])  # warm imports and caches
    start = time.perf_counter()
    for _ in range(5):
        for seed in SEEDS:
            load(seed)
    per_doc = (time.perf_counter() - start) / (5 * len(SEEDS))
    assert per_doc < 0.02, f"{per_doc * 1000:.1f} ms per seed"


def test_html_keeps_the_ideographic_space_a_browser_prints(tmp_path: Path) -> None:
    """A web page's headings often set a full-width space after the numeral (六、　其他…): it is
    printed as it is, not collapsed like ASCII blanks (and the heading is read as printed)."""
    from govreport.render import ReportSpec, render_html

    html = render_html(ReportSpec.from_gold(FIXTURES / "gold" / "seed-003.json"))
    page = tmp_path / "page.html"
    page.write_text(html.replace("六、其他需要报告的事项", "六、\u3000其他需要报告的事项"), encoding="utf-8")
    assert extract(page, labeller="rules").values["section.6"] == "六、\u3000其他需要报告的事项"


def test_a_page_number_is_known_by_its_print_and_a_bare_number_only_by_its_place() -> None:
    from govreport.text import is_page_mark

    for mark in ("— 2 —", "- 3 -", "第2页 共5页", "第2页，共5页", "3 / 10", "共5页", "第3页"):
        assert is_page_mark(mark) and is_page_mark(mark, in_margin=True), mark
    for figure in ("3", "-3", "12"):  # a table's value on a line of its own, unless in a page's margin
        assert not is_page_mark(figure) and is_page_mark(figure, in_margin=True), figure
    assert not is_page_mark("2020年") and not is_page_mark("第二十条", in_margin=True)


def test_a_running_header_between_pages_is_page_furniture(tmp_path: Path) -> None:
    """A PDF's text prints its running header beside every page number: where a table breaks
    over a page it stands between the table's numbers, and would end them as prose. It is
    dropped where it stands beside two page numbers or more; the title printed once at the
    top stays, and so do numbers next to a page number."""
    header = "某某区人民政府2023年政府信息公开工作年度报告"
    lines = [header, "一、总体情况", "本年度主动公开政府信息 12 条。", "0", "", "— 1 —", "\f" + header, "3", "7"]
    lines += ["", "— 2 —", "\f" + header, "5", "9"]
    path = tmp_path / "paged.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    texts = [b.text for b in load(path).blocks if isinstance(b, TextBlock)]
    assert texts.count(header) == 1 and texts[0] == header
    assert [t for t in texts if t.isdigit()] == ["0", "3", "7", "5", "9"]
    one_break = "\n".join(lines[:9]) + "\n"  # the header beside one page number only: no sign it runs
    path.write_text(one_break, encoding="utf-8")
    assert [b.text for b in load(path).blocks if isinstance(b, TextBlock)].count(header) == 2
