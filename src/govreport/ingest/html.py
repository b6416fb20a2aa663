"""HTML pages: text blocks in document order and tables with real row/col spans."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape

import lxml.html
from lxml import etree

from govreport.document import Block, Cell, Document, Location, Table, TextBlock
from govreport.errors import IngestError
from govreport.ingest.text import decode_bytes, parse_lines, require_text, strip_chrome
from govreport.options import active_limits

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")

_PARSER = lxml.html.HTMLParser(huge_tree=True)
_KEPT_RATIO = 0.5  # a parse keeping less than this share of the page's text has lost some
_TAG = re.compile(r"<[^>]*>")
_INVISIBLE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
NESTING_FRAMES = 50_000  # Python frames the tree walks may use: elements nested some 10,000 deep

_ALWAYS_DROPPED = {"script", "style", "noscript", "iframe", "template", "svg", "button", "select", "textarea"}
# Page furniture. ASP.NET pages wrap the whole body in a <form>, and a site may
# put the article in a <div class="nav-content">: these are dropped only while small.
_FURNITURE = {"nav", "header", "footer", "form", "aside"}
_FURNITURE_NAME = re.compile(r"nav|menu|breadcrumb|footer|share|crumb|toolbar", re.IGNORECASE)
_FURNITURE_MAX_CHARS = 500

_BLOCK_TAGS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
    "blockquote", "pre", "section", "article", "main", "center", "caption", "address",
    "figure", "figcaption", "hr", "body", "html", "tr", "td", "th", "tbody", "thead", "tfoot",
}  # fmt: skip
_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
# A line break between two Chinese characters joins them (browsers do the same
# with source newlines); any other whitespace run becomes one space, but the
# ideographic space, which browsers print as it is (六、　其他…).
_BREAK_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])[^\S\n]*\n\s*(?=[{_CJK}])")
_SPACES = re.compile(r"[^\S\u3000]+")
_BREAK = "\n"
# Marks the cells of a table nested in a cell: they stay apart by a space even between CJK.
_NESTED_CELL = "\ue000"
_NESTED_CELL_RUN = re.compile(r"[\s\ue000]*\ue000[\s\ue000]*")


def collapse(text: str) -> str:
    return _SPACES.sub(" ", _BREAK_BETWEEN_CJK.sub("", text)).strip()


def _decode_html(data: bytes) -> tuple[str, str]:
    declared = _META_CHARSET.search(data[:4096])
    text, encoding = decode_bytes(data, declared.group(1).decode("ascii") if declared else None)
    return _XML_DECLARATION.sub("", text, count=1), encoding


def _parse(text: str) -> etree._Element:
    """The page's tree: libxml2 without its depth and text-node limits (``huge_tree``; the input is
    already bounded by ``MAX_BYTES``), and BeautifulSoup where libxml2 fails or keeps far less text
    than the page holds (markup it cannot nest), whichever keeps more."""
    root: etree._Element | None
    try:
        root = lxml.html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError):
        root = None
    if root is not None and _chars(root) >= _KEPT_RATIO * _visible_chars(text):
        return root
    from lxml.html import soupparser  # BeautifulSoup copes with some pages lxml rejects

    try:
        soup = soupparser.fromstring(text)
    except Exception as exc:
        if root is not None:
            return root
        raise IngestError(f"Cannot parse the HTML page: {exc}") from exc
    return soup if root is None or _chars(soup) > _chars(root) else root


def _chars(root: etree._Element) -> int:
    return len(_SPACES.sub("", root.text_content()))


def _visible_chars(text: str) -> int:
    """Characters of the page outside tags, scripts and styles: what a parse should keep, roughly.
    An entity is the one character it prints (Word's pages pad every cell with ``&nbsp;``)."""
    return len(_SPACES.sub("", unescape(_TAG.sub("", _INVISIBLE.sub("", text)))))


def _is_furniture(el: etree._Element) -> bool:
    tag = el.tag
    if tag in _ALWAYS_DROPPED:
        return True
    named = _FURNITURE_NAME.search(f"{el.get('class', '')} {el.get('id', '')}") is not None
    if tag not in _FURNITURE and not named:
        return False
    if tag == "header" and el.find(".//h1") is not None:  # an article header holds the report title
        return False
    if el.find(".//table") is not None:
        return False
    return len(el.text_content()) <= _FURNITURE_MAX_CHARS


def _drop_furniture(el: etree._Element) -> None:
    for child in list(el):
        if not isinstance(child.tag, str) or _is_furniture(child):  # comments, processing instructions
            child.drop_tree()  # keeps the tail text, which belongs to the parent
        else:
            _drop_furniture(child)


# --- tables ---------------------------------------------------------------------


def _own_rows(table: etree._Element) -> list[etree._Element]:
    rows: list[etree._Element] = []
    for child in table:
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows.extend(tr for tr in child if tr.tag == "tr")
    return rows


def _span(el: etree._Element, name: str, limit: int) -> int:
    try:
        value = int(str(el.get(name, "1")).strip() or 1)
    except ValueError:
        return 1
    return min(max(value, 1), limit)


def _is_layout_table(table: etree._Element) -> bool:
    """A table holding a real table (two rows or more) only lays the page out."""
    return any(len(_own_rows(inner)) >= 2 for inner in table.iterdescendants("table"))


def _cell_text(cell: etree._Element) -> str:
    parts: list[str] = []
    _flatten(cell, parts)
    return _NESTED_CELL_RUN.sub(" ", collapse("".join(parts))).strip()


def _flatten(el: etree._Element, parts: list[str]) -> None:
    """Text of ``el``; block boundaries and <br> become line breaks, nested cells get marks."""
    if el.text:
        parts.append(el.text)
    for child in el:
        if isinstance(child.tag, str):
            is_cell = child.tag in ("td", "th")
            mark = _NESTED_CELL if is_cell else _BREAK if child.tag in _BLOCK_TAGS else ""
            parts.append(_BREAK if child.tag == "br" else mark)
            _flatten(child, parts)
            parts.append(mark)
        if child.tail:
            parts.append(child.tail)


def build_table(table: etree._Element, index: int) -> Table | None:
    """Cells at their grid positions by the HTML table algorithm (spans skip taken slots)."""
    rows = _own_rows(table)
    taken: set[tuple[int, int]] = set()
    cells: list[Cell] = []
    limits = active_limits()
    covered = 0  # grid slots the cells so far span: bounded before the spans are laid out
    for r, tr in enumerate(rows):
        col = 0
        for td in tr:
            if td.tag not in ("td", "th"):
                continue
            while (r, col) in taken:
                col += 1
            rowspan = _span(td, "rowspan", len(rows) - r)  # a span past the last row stops there
            colspan = _span(td, "colspan", 1000)
            covered += rowspan * colspan
            limits.check("table_cells", covered)
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken.add((r + dr, col + dc))
            loc = Location(line=td.sourceline, table=index, row=r, col=col)
            cells.append(Cell(_cell_text(td), r, col, rowspan, colspan, loc))
            col += colspan
    if not cells:
        return None
    return Table(cells=cells, grid=True, loc=Location(line=table.sourceline, table=index)).with_blank_tails()


# --- block walk -----------------------------------------------------------------


class _BlockWalker:
    """Collects text blocks and tables in document order."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._buffer: list[str] = []
        self._line: int | None = None
        self._n_tables = 0

    def add_text(self, text: str | None, line: int | None) -> None:
        if text:
            if not self._buffer:
                self._line = line
            self._buffer.append(text)

    def flush(self) -> None:
        text = collapse("".join(self._buffer))
        self._buffer.clear()
        if not text:
            return
        kept = strip_chrome(text)
        if kept is not None:
            self.blocks.append(TextBlock(kept[0], Location(line=self._line)))

    def walk(self, el: etree._Element) -> None:
        tag = el.tag
        if tag == "table" and not _is_layout_table(el):
            self.flush()
            table = build_table(el, self._n_tables)
            if table is not None:
                self.blocks.append(table)
                self._n_tables += 1
            return
        if tag == "br":
            self.flush()
            return
        is_block = tag in _BLOCK_TAGS or tag == "table"
        if is_block:
            self.flush()
        self.add_text(el.text, el.sourceline)
        for child in el:
            self.walk(child)
            self.add_text(child.tail, child.sourceline)
        if is_block:
            self.flush()


def _body(root: etree._Element) -> etree._Element:
    body = root.find("body")
    return body if body is not None else root


@contextmanager
def _deep_recursion() -> Iterator[None]:
    """Room for the recursive tree walks on deeply nested pages (Python-to-Python calls use no C stack)."""
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, NESTING_FRAMES))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


def load_html(path: str, data: bytes) -> Document:
    text, encoding = _decode_html(data)
    return html_document(path, text, encoding)


def html_document(path: str, text: str, encoding: str | None) -> Document:
    """A decoded HTML page (or fragment, as a ``.txt`` may hold) as a ``Document``."""
    require_text(text)
    with _deep_recursion():
        root = _parse(text)
        _drop_furniture(root)
        walker = _BlockWalker()
        walker.walk(_body(root))
        walker.flush()
    if not walker.blocks:
        raise IngestError("HTML page has no text")
    return Document(path=path, format="html", blocks=walker.blocks, encoding=encoding)


# --- markdown with HTML tables ------------------------------------------------------

_TABLE_SPAN = re.compile(r"<table\b.*?</table\s*>", re.IGNORECASE | re.DOTALL)


def has_html_table(text: str) -> bool:
    return _TABLE_SPAN.search(text) is not None


def markdown_with_html_tables(path: str, text: str, encoding: str | None) -> Document:
    """Markdown whose tables are HTML, as PDF-to-markdown converters write tables with
    merged cells: the markdown read as such, each ``<table>`` by the HTML table algorithm."""
    require_text(text)
    spans = [(m.start(), m.end()) for m in _TABLE_SPAN.finditer(text)]
    blanked = list(text)
    for start, end in spans:  # blank the tables out, keeping every offset and line of the rest
        blanked[start:end] = [ch if ch in "\r\n" else " " for ch in text[start:end]]
    placed: list[tuple[int, Block]] = [(_start(b), b) for b in parse_lines("".join(blanked), markdown=True)]
    for start, end in spans:
        element = next(_parse(text[start:end]).iter("table"), None)
        table = build_table(element, 0) if element is not None else None
        if table is None:
            continue
        first_line = text.count("\n", 0, start) + 1
        for cell in table.cells:
            cell.loc.line = first_line + (cell.loc.line or 1) - 1
        table.loc = Location(line=first_line, char_start=start, char_end=end)
        placed.append((start, table))
    placed.sort(key=lambda pb: pb[0])
    blocks = [b for _, b in placed]
    for index, table in enumerate(b for b in blocks if isinstance(b, Table)):
        table.loc.table = index
        for cell in table.cells:
            cell.loc.table = index
    if not blocks:
        raise IngestError("File has no report text (only page navigation or blank lines)")
    return Document(path=path, format="md", blocks=blocks, encoding=encoding)


def _start(block: Block) -> int:
    return block.loc.char_start or 0
