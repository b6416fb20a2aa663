"""Plain text and markdown inputs: decoding, line splitting, tab rows, pipe tables.

Every block and cell keeps a ``Location`` whose ``line`` is the 1-based line
number and whose ``char_start``/``char_end`` are offsets into the decoded text
(BOM removed, line endings as in the file).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from enum import Enum

from charset_normalizer import from_bytes

from govreport.document import Block, Cell, Document, Location, Table, TextBlock
from govreport.errors import IngestError
from govreport.ingest.aligned import aligned_line, aligned_tables, table_blocks
from govreport.options import active_limits
from govreport.text import fold_radicals, is_cjk, is_page_mark

# --- decoding -------------------------------------------------------------------

_BOMS: tuple[tuple[bytes, str, str], ...] = (
    # (bom, codec, reported name); UTF-32 before UTF-16: FF FE 00 00 starts with FF FE
    (b"\xef\xbb\xbf", "utf-8", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32-le", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "utf-32"),
    (b"\xff\xfe", "utf-16-le", "utf-16"),
    (b"\xfe\xff", "utf-16-be", "utf-16"),
)
# C0/C1 control characters that never occur in text (tab, newlines, form feed allowed).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffd]")
_MAX_CONTROL_RATIO = 0.01
_SAMPLE = 65536  # plausibility checks look at a prefix: enough to judge, cheap on big files


def _is_cjk_text_char(ch: str) -> bool:
    """CJK ideographs plus the punctuation and full-width forms Chinese text uses."""
    return (
        is_cjk(ch)
        or "\u3000" <= ch <= "\u303f"  # CJK punctuation
        or "\uff00" <= ch <= "\uffef"  # full-width forms
        or ch in "“”‘’—…·"
    )


def _mostly_cjk(text: str) -> bool:
    non_ascii = [ch for ch in text[:_SAMPLE] if ord(ch) > 0x7F]
    if not non_ascii:
        return True
    return sum(1 for ch in non_ascii if _is_cjk_text_char(ch)) >= 0.8 * len(non_ascii)


def _looks_binary(text: str) -> bool:
    sample = text[:_SAMPLE]
    bad = len(_CONTROL.findall(sample))
    return bad > max(2, _MAX_CONTROL_RATIO * len(sample))


def _decode_utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 saved without a BOM shows NUL bytes; accept it only if it reads as text."""
    if len(data) % 2:
        return None
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        sample = text[:_SAMPLE]
        good = sum(1 for ch in sample if ch.isascii() and (ch.isprintable() or ch.isspace()))
        good += sum(1 for ch in sample if _is_cjk_text_char(ch))
        if good >= 0.95 * len(sample):
            return text, codec
    return None


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode ``data`` to text; return (text, encoding name). Raise IngestError on binary junk.

    Order: BOM; strict UTF-8 (Chinese GBK text almost never validates as UTF-8,
    and saved pages are often re-encoded to UTF-8 while keeping their old meta
    charset); ``declared`` (an HTML meta charset) if it decodes strictly;
    GB18030 when it decodes strictly to mostly-Chinese text (charset-normalizer
    mislabels short Chinese text); charset-normalizer.
    """
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data[len(bom) :].decode(codec)), name
            except UnicodeDecodeError as exc:
                raise IngestError(f"File starts with a {name} byte-order mark but is not valid {name}") from exc
    if b"\x00" in data:
        utf16 = _decode_utf16_without_bom(data)
        if utf16 is None:
            raise IngestError("File looks binary, not text (it contains NUL bytes)")
        return _checked(utf16[0]), utf16[1]
    try:
        return _checked(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    if declared:
        decoded = _decode_declared(data, declared)
        if decoded is not None:
            return decoded
    for codec in ("gbk", "gb18030"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if _mostly_cjk(text):
            return _checked(text), codec
    best = from_bytes(data).best()
    if best is None:
        raise IngestError("Cannot decode the file: it is not UTF-8, UTF-16 or GB18030 text")
    return _checked(str(best)), best.encoding


def _decode_declared(data: bytes, declared: str) -> tuple[str, str] | None:
    name = declared.strip().lower()
    # GB2312/GBK labels: decode as GB18030, their superset (pages often use GBK
    # characters while declaring gb2312), but report the label the page gave.
    codec = "gb18030" if name in {"gb2312", "gbk", "gb_2312-80", "x-gbk", "euc-cn"} else name
    try:
        return _checked(data.decode(codec)), name
    except (LookupError, UnicodeDecodeError):
        return None


def _checked(text: str) -> str:
    if _looks_binary(text):
        raise IngestError("File looks binary, not text (too many control characters)")
    # a PDF's text saved by other tools keeps the radical code points its fonts map some
    # characters to (⼀、总体情况, 上海市⼈⺠政府): one character for one, so offsets hold
    return fold_radicals(text)


def require_text(text: str) -> None:
    if not text.strip():
        raise IngestError("File is empty (only whitespace)")


# --- page chrome ----------------------------------------------------------------

# Navigation and toolbar text of crawled pages. A line is dropped only when it
# consists of these tokens alone and holds at least one unambiguous one.
_CHROME_STRONG = (
    r"打印本页|【?打印】?|关闭窗口|【?关闭】?|分享到[:：]?|返回顶部|扫一扫在手机打开当前页"
    r"|【?\s*字体[:：]?\s*大\s*中\s*小\s*】?|【?\s*字号[:：]?\s*大\s*中\s*小\s*】?"
)
_CHROME_WEAK = r"微信|微博|QQ空间|收藏|默认|[【】\[\]|/\s·]"
_CHROME_LINE = re.compile(rf"(?:{_CHROME_STRONG}|{_CHROME_WEAK})*")
_CHROME_STRONG_RE = re.compile(_CHROME_STRONG)
_PREV_NEXT = re.compile(r"^(?:上一[条篇]|下一[条篇])\s*[:：]")
_BREADCRUMB = re.compile(r"^当前位置\s*[:：]")
# A report title token: a year then, within the same whitespace-free run, 报告 or 年报.
_TITLE_TOKEN = re.compile(r"\S*(?:\d{4}|[〇零一二三四五六七八九]{4})年\S*?(?:报告|年报)")
_SHORT_CHROME = 120  # breadcrumb and prev/next lines are short; longer ones hold report text


def strip_chrome(text: str) -> tuple[str, int] | None:
    """Return (kept text, offset of it in ``text``), or None when the line is chrome.

    A breadcrumb line of a crawled page may carry the whole report after it
    (``当前位置： 首页… 平潭综合实验区2021年度…报告 …``): there only the prefix
    before the report title is cut. Anything uncertain is kept.
    """
    if text.startswith("当前位置") and _BREADCRUMB.match(text):
        title = _TITLE_TOKEN.search(text, 0, 200)
        if title is not None and title.start() > 0 and text[title.start() - 1].isspace():
            return text[title.start() :], title.start()
        return None if len(text) <= _SHORT_CHROME else (text, 0)
    if len(text) > _SHORT_CHROME:  # checked first: most lines are long paragraphs
        return text, 0
    if is_page_mark(text):  # a PDF page's number, kept by its text between two pages
        return None
    if _PREV_NEXT.match(text) or (_CHROME_STRONG_RE.search(text) and _CHROME_LINE.fullmatch(text)):
        return None
    return text, 0


# --- line model -----------------------------------------------------------------

_NEWLINE = re.compile(r"(\r\n|\r|\n)")
_ARTEFACT = re.compile(r"\[bookmark: [^\]]*\]")  # Word bookmarks left by docx-to-text dumps
_LEADING_JUNK = re.compile(r"^(?:\s|\[bookmark: [^\]]*\])*")
_TRAILING_JUNK = re.compile(r"(?:\s|\[bookmark: [^\]]*\])*$")
_MD_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+|$)")
_MD_CLOSING_HASHES = re.compile(r"[ \t]+#+[ \t]*$")
_MD_SEPARATOR_CELL = re.compile(r"\s*:?-+:?\s*")
_MD_EMPHASIS = re.compile(r"(\*{1,3}|_{2,3})(?=\S)(.+?)(?<=\S)\1$")  # a heading or cell set in bold


def _unemphasized(span: Span) -> Span:
    """A markdown span without the bold/italic marks wrapping it whole."""
    found = _MD_EMPHASIS.match(span.text)
    if found is None:
        return span
    mark = len(found.group(1))
    return Span(found.group(2).strip(), span.start + mark, span.end - mark)


@dataclass(slots=True)
class Span:
    """Cleaned text of a piece of a line and where it stands in the decoded text."""

    text: str
    start: int
    end: int


class Kind(Enum):
    BLANK = 0
    TEXT = 1
    TAB_ROW = 2  # two or more non-empty tab-separated fields
    TAB_PADDED = 3  # one non-empty field padded with tabs: a row of a tab table only next to other rows
    PIPE_ROW = 4
    PIPE_SEPARATOR = 5


# Module-level names: Enum attribute lookup costs ~0.1 µs, paid several times per line.
BLANK, TEXT, TAB_ROW, TAB_PADDED, PIPE_ROW, PIPE_SEPARATOR = Kind


@dataclass(slots=True)
class Line:
    number: int  # 1-based
    start: int
    end: int
    kind: Kind
    fields: list[Span]  # TEXT: the one text piece; TAB_*/PIPE_ROW: the cells


def clean_span(text: str, start: int, end: int) -> Span:
    """Strip whitespace and bookmark artefacts from ``text[start:end]``, tracking offsets."""
    piece = text[start:end]
    if "[bookmark:" not in piece:
        stripped = piece.lstrip()
        lead = len(piece) - len(stripped)
        stripped = stripped.rstrip()
        return Span(stripped, start + lead, start + lead + len(stripped))
    lead = _LEADING_JUNK.match(piece)
    trail = _TRAILING_JUNK.search(piece)
    assert lead is not None and trail is not None
    s, e = lead.end(), max(lead.end(), trail.start())
    return Span(_ARTEFACT.sub("", piece[s:e]).strip(), start + s, start + e)


def split_lines(text: str) -> list[tuple[int, int, int]]:
    """(line number, start, end) of every line; the separators are excluded."""
    if "\r" not in text:  # the common case, several times faster than the regex split
        out_lf: list[tuple[int, int, int]] = []
        pos = 0
        for number, content in enumerate(text.split("\n"), 1):
            out_lf.append((number, pos, pos + len(content)))
            pos += len(content) + 1
        return out_lf
    parts = _NEWLINE.split(text)
    out: list[tuple[int, int, int]] = []
    pos = 0
    for i in range(0, len(parts), 2):
        content = parts[i]
        out.append((i // 2 + 1, pos, pos + len(content)))
        pos += len(content) + (len(parts[i + 1]) if i + 1 < len(parts) else 0)
    return out


def _tab_fields(text: str, start: int, end: int) -> list[Span]:
    fields: list[Span] = []
    pos = start
    for raw in text[start:end].split("\t"):
        fields.append(clean_span(text, pos, pos + len(raw)))
        pos += len(raw) + 1
    while fields and not fields[-1].text:
        fields.pop()
    return fields


def _pipe_cells(text: str, start: int, end: int) -> list[Span]:
    """Cells of ``| a | b |``; ``\\|`` is a literal pipe."""
    line = text[start:end]
    pipes = [i for i, ch in enumerate(line) if ch == "|" and (i == 0 or line[i - 1] != "\\")]
    bounds = list(itertools.pairwise(pipes))
    if line.rstrip()[-1] != "|":  # a row may omit the closing pipe
        bounds.append((pipes[-1], len(line)))
    cells = []
    for a, b in bounds:
        span = _unemphasized(clean_span(text, start + a + 1, start + b))
        span.text = span.text.replace("\\|", "|")
        cells.append(span)
    return cells


def _classify(text: str, number: int, start: int, end: int, markdown: bool) -> Line:
    raw = text[start:end]
    if not raw or raw.isspace():
        return Line(number, start, end, BLANK, [])
    if markdown and "|" in raw:
        body = clean_span(text, start, end)
        if body.text.startswith("|") and body.text.count("|") >= 2:
            cells = _pipe_cells(text, body.start, body.end)
            if all(_MD_SEPARATOR_CELL.fullmatch(c.text) for c in cells):
                return Line(number, start, end, PIPE_SEPARATOR, [])
            return Line(number, start, end, PIPE_ROW, cells)
    if "\t" in raw:
        fields = _tab_fields(text, start, end)
        filled = [f for f in fields if f.text]
        if len(filled) >= 2:
            return Line(number, start, end, TAB_ROW, fields)
        if filled and raw.count("\t") >= 2:
            return Line(number, start, end, TAB_PADDED, fields)
        return Line(number, start, end, TEXT if filled else BLANK, filled)
    body = clean_span(text, start, end)
    return Line(number, start, end, TEXT if body.text else BLANK, [body])


# --- blocks ---------------------------------------------------------------------


def _table(rows: list[Line], index: int, grid: bool) -> Table:
    cells = [
        Cell(
            text=field.text,
            row=r,
            col=c,
            loc=Location(line=row.number, char_start=field.start, char_end=field.end, table=index, row=r, col=c),
        )
        for r, row in enumerate(rows)
        for c, field in enumerate(row.fields)
    ]
    loc = Location(line=rows[0].number, char_start=rows[0].start, char_end=rows[-1].end, table=index)
    return Table(cells=cells, grid=grid, loc=loc)


def _text_block(line: Line, markdown: bool) -> TextBlock | None:
    span = line.fields[0]
    text, start = span.text, span.start
    if markdown:
        heading = _MD_HEADING.match(text)
        if heading is not None:
            text = _MD_CLOSING_HASHES.sub("", text[heading.end() :]).strip()
            start += heading.end()
            if not text:
                return None
        plain = _unemphasized(Span(text, start, start + len(text)))
        text, start = plain.text, plain.start
    kept = strip_chrome(text)
    if kept is None:
        return None
    text, offset = kept
    start += offset
    return TextBlock(text, Location(line=line.number, char_start=start, char_end=start + len(text)))


_RUNNING_LINE_CJK = 4  # characters of a running header's words, at least


def _running_lines(lines: list[Line]) -> set[int]:
    """Indices of a paginated text's running header and footer lines: the text line next to a
    page number (before or after it, blank lines aside) where the same text stands next to
    another page number too. Page furniture: between a table's numbers where the table breaks
    over a page, it would end them as prose. The title printed once at the top stays."""
    beside: dict[str, list[int]] = {}
    text_lines = [i for i, line in enumerate(lines) if line.kind is TEXT]
    for k, i in enumerate(text_lines):
        if not is_page_mark(lines[i].fields[0].text):
            continue
        for j in (k - 1, k + 1):
            text = lines[text_lines[j]].fields[0].text if 0 <= j < len(text_lines) else ""
            if sum(map(is_cjk, text)) >= _RUNNING_LINE_CJK:  # a title, not a table's number
                beside.setdefault(text, []).append(text_lines[j])
    return {i for found in beside.values() if len(found) >= 2 for i in found}


def _tab_run_end(lines: list[Line], i: int) -> int:
    """End (exclusive) of the run of tab lines starting at ``i``; blank lines inside are allowed."""
    j = i
    last = i
    while j < len(lines) and lines[j].kind in (TAB_ROW, TAB_PADDED, BLANK):
        if lines[j].kind is not BLANK:
            last = j
        j += 1
    return last + 1


def parse_lines(text: str, markdown: bool = False) -> list[Block]:
    return _parse_lines(text, markdown)[0]


def _parse_lines(text: str, markdown: bool) -> tuple[list[Block], bool]:
    """The blocks, and whether the text holds tables aligned by position (a PDF page's text)."""
    lines = [_classify(text, n, s, e, markdown) for n, s, e in split_lines(text)]
    aligned = {} if markdown else _aligned_tables(text, lines)
    furniture = _running_lines(lines)
    blocks: list[Block] = []
    n_tables = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        if i in aligned:
            end, table = aligned[i]
            blocks += table
            i = end
        elif line.kind in (PIPE_ROW, PIPE_SEPARATOR):
            j = i
            while j < len(lines) and lines[j].kind in (PIPE_ROW, PIPE_SEPARATOR):
                j += 1
            rows = [row for row in lines[i:j] if row.kind is PIPE_ROW]
            if rows:
                blocks.append(_table(rows, n_tables, grid=True))
                n_tables += 1
            i = j
        elif line.kind in (TAB_ROW, TAB_PADDED):
            j = _tab_run_end(lines, i)
            rows = [row for row in lines[i:j] if row.kind is not BLANK]
            if any(row.kind is TAB_ROW for row in rows):
                blocks.append(_table(rows, n_tables, grid=False))
                n_tables += 1
            else:  # padded single fields with no real row beside them are just text
                blocks.extend(_padded_as_text(rows))
            i = j
        else:
            if line.kind is TEXT and i not in furniture:
                block = _text_block(line, markdown)
                if block is not None:
                    blocks.append(block)
            i += 1
    return blocks, bool(aligned) or _wrapped_by_width(text, lines)


_ALIGNED_ROW = re.compile(r"\S[ \t\u3000]{2,}[-−－]?\d")  # text, a wide gap, a number: a row of an aligned table


def _aligned_tables(text: str, lines: list[Line]) -> dict[int, tuple[int, list[TextBlock]]]:
    """Column-aligned tables among the plain lines (``ingest.aligned``): first line -> (end, blocks)."""
    if _ALIGNED_ROW.search(text) is None:
        return {}
    found: dict[int, tuple[int, list[TextBlock]]] = {}
    runs = itertools.groupby(range(len(lines)), key=lambda i: lines[i].kind in (TEXT, BLANK))
    for plain, indices in runs:
        if not plain:
            continue
        run = list(indices)
        parsed = [aligned_line(text, lines[i].number, lines[i].start, lines[i].end) for i in run]
        for first, end in aligned_tables(parsed):
            found[run[first]] = (run[0] + end, table_blocks(parsed[first:end]))
    return found


_SENTENCE_END = frozenset('。！？；：!?;:）)」”"')
_WRAP_MIN_CHARS = 15  # a line this long that ends mid-sentence was cut by the page's width
_WRAP_MIN_SHARE = 0.3  # of the long lines followed by text


def _wrapped_by_width(text: str, lines: list[Line]) -> bool:
    """Whether the lines are a page's (a PDF's text saved as text: sentences cut wherever the
    line was full) rather than the author's paragraphs, each on one line."""
    prose = cut = 0
    for line, after in itertools.pairwise(lines):
        if line.kind is not TEXT or after.kind is not TEXT or line.end - line.start < _WRAP_MIN_CHARS:
            continue
        body = text[line.start : line.end - 1]
        if "，" not in body and "。" not in body:
            continue  # a label or a title, not a paragraph
        prose += 1
        cut += text[line.end - 1] not in _SENTENCE_END and not text[line.end - 1].isspace()
    return cut >= 3 and cut >= _WRAP_MIN_SHARE * prose


def _padded_as_text(rows: list[Line]) -> list[Block]:
    out: list[Block] = []
    for row in rows:
        for field in row.fields:
            if field.text:
                loc = Location(line=row.number, char_start=field.start, char_end=field.end)
                out.append(TextBlock(field.text, loc))
    return out


# --- markup sniffing ---------------------------------------------------------------

_MD_HEADING_LINE = re.compile(r"^ {0,3}#{1,6}[ \t]+\S", re.MULTILINE)
_MD_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)+\|?[ \t]*$", re.MULTILINE)
_HTML_TAG = re.compile(
    r"<(/?)(?:p|div|table|tr|td|th|br|span|h[1-6]|tbody|thead|li|ul|ol|strong|font|section|article|body|html)\b[^<>]*>",
    re.IGNORECASE,
)
_MIN_HTML_TAGS = 3  # plain reports never hold tags; a stray "<p>" in prose is not a page


def sniff_markup(text: str) -> str | None:
    """ "html" or "md" where the text of a plain-text file is in fact a page or markdown
    (converters and crawlers save both as .txt), by its content; else None."""
    sample = text[:_SAMPLE]
    if _MD_TABLE_RULE.search(sample) or len(_MD_HEADING_LINE.findall(sample)) >= 2:
        return "md"  # possibly with HTML tables inside, as converters write merged cells
    tags = _HTML_TAG.findall(sample)
    if len(tags) >= _MIN_HTML_TAGS and "/" in tags:
        return "html"
    return None


def text_document(path: str, text: str, encoding: str | None, fmt: str) -> Document:
    """Decoded text as a ``Document``: ``fmt`` "md" reads markdown headings and pipe tables."""
    require_text(text)
    active_limits().check("lines", text.count("\n") + 1)  # before the lines are parsed
    blocks, page_lines = _parse_lines(text, markdown=fmt == "md")
    if not blocks:
        raise IngestError("File has no report text (only page navigation or blank lines)")
    return Document(path=path, format=fmt, blocks=blocks, encoding=encoding, page_lines=page_lines)
