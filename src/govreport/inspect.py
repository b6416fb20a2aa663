"""``govreport inspect``: one self-contained HTML page showing what was read where in one report.

The page has, top to bottom: the report's metadata and findings (broken
identities with the cells involved, the value that would restore them); the
three tables as extracted, under the form's labels; and the document itself,
with every recognized value outlined where it stands. Outline colour says the
method (table, rules, model, derived), fill strength the confidence; a value on
the review list (to check by hand) has a dotted amber outline, a cell in a broken
identity is red. A document laid out on pages (PDF, scans: blocks with a
page and a box) is drawn page by page at its coordinates; any other is drawn as
its text blocks and tables in reading order; pages scale to the width of their
panel. Hovering a value lights it up in both the tables and the document. No
external resources: it works offline. The review app (``govreport review``)
builds its pages from the same pieces: ``Marks``, ``document_html``,
``tables_html``, ``findings_html``, ``legend_html`` and ``STYLE``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from govreport import __version__
from govreport.document import Cell, Document, Location, Table, TextBlock
from govreport.errors import GovReportError
from govreport.evaluate import LOW_CONFIDENCE
from govreport.form.catalog import FORMS, TableForm
from govreport.outputs.rows import TABLE_NAMES
from govreport.page_images import PagePicture, page_pictures
from govreport.schema import Finding, ReportResult, Value
from govreport.wording import finding_hover, finding_text, key_label

PAGE_WIDTH_PT = 595.0  # A4, for pages whose boxes do not say
PAGE_HEIGHT_PT = 842.0
# one legend for every view of a report (this page, the review app, notebook 01): method -> (name, colour)
METHODS = {
    "table": ("表格", "#1f6fd1"),
    "rules": ("规则", "#1a9a4a"),
    "model": ("模型", "#8a3fd1"),
    "derived": ("推算", "#e08a00"),
    "evidence": ("正文佐证", "#c0397b"),
    "corrected": ("人工更正", "#0a7d7d"),
}


@dataclass
class Marks:
    """The values of a report indexed by where they stand, and which cells break an identity."""

    by_span: list[Value] = field(default_factory=list)  # values located by a character span
    by_cell: dict[tuple[int, int, int], list[Value]] = field(default_factory=lambda: defaultdict(list))
    by_box: dict[int, list[Value]] = field(default_factory=lambda: defaultdict(list))  # page -> values
    by_line: dict[int, list[Value]] = field(default_factory=lambda: defaultdict(list))  # line only (HTML text)
    broken: set[str] = field(default_factory=set)
    culprits: set[str] = field(default_factory=set)  # cells one explanation names as the cause
    review: set[str] = field(default_factory=set)  # keys on the review list: to check by hand
    placed: set[str] = field(default_factory=set)  # line-only values already shown (each is shown once)

    @classmethod
    def of(cls, result: ReportResult) -> Marks:
        marks = cls(
            broken={key for f in result.findings if f.kind == "broken_identity" for key in f.cells},
            culprits={key for f in result.findings if f.kind == "explanation" for key in f.cells},
            review=set(result.review),
        )
        for value in (*result.facts, *result.cells):
            marks._add(value)
        return marks

    def _add(self, value: Value) -> None:
        loc = value.location
        if loc is None:
            return
        if loc.page is not None and loc.box is not None:
            self.by_box[loc.page].append(value)
        elif loc.table is not None and loc.row is not None and loc.col is not None:
            self.by_cell[(loc.table, loc.row, loc.col)].append(value)
        elif loc.char_start is not None and loc.char_end is not None:
            self.by_span.append(value)
        elif loc.line is not None and value.raw:
            self.by_line[loc.line].append(value)

    def classes(self, values: Iterable[Value]) -> str:
        values = list(values)
        first = values[0]
        names = ["v", f"m-{first.method}", _confidence_class(first.confidence)]
        if all(v.value is None for v in values):
            names.append("unread")  # nothing legible and nothing derivable: must not look like a value
        if any(v.key in self.review for v in values):
            names.append("review")
        if any(v.key in self.broken for v in values):
            names.append("broken")
        if any(v.key in self.culprits for v in values):
            names.append("culprit")
        return " ".join(names)


_DOUBTFUL = 0.7  # below this a value is drawn as likely wrong


def _confidence_class(confidence: float) -> str:
    return "c-hi" if confidence >= LOW_CONFIDENCE else "c-mid" if confidence >= _DOUBTFUL else "c-lo"


def _title(values: Iterable[Value]) -> str:
    return "\n".join(
        f"{v.key} = {'unreadable' if v.value is None else v.value} · raw {v.raw!r} · {v.method} · "
        f"confidence {v.confidence:.2f}" + (f" · {v.note}" if v.note else "")
        for v in values
    )


def _keys(values: Iterable[Value]) -> str:
    return " ".join(v.key for v in values)


# ---------------------------------------------------------------- text with highlighted spans
def _spans_in(text: str, loc: Location, marks: Marks) -> list[tuple[int, int, list[Value]]]:
    """(start, end, values) within ``text``: values whose character span lies in it, or (for text
    located by line only) whose raw text it contains."""
    found: dict[tuple[int, int], list[Value]] = defaultdict(list)
    if loc.char_start is not None:
        end = loc.char_start + len(text)
        for value in marks.by_span:
            start, stop = value.location.char_start, value.location.char_end  # type: ignore[union-attr]
            if loc.char_start <= start and stop <= end:  # type: ignore[operator]
                found[(start - loc.char_start, stop - loc.char_start)].append(value)  # type: ignore[operator]
    elif loc.line is not None:
        for value in marks.by_line.get(loc.line, []):
            at = text.find(value.raw or "")
            if at >= 0 and value.key not in marks.placed:
                marks.placed.add(value.key)
                found[(at, at + len(value.raw or ""))].append(value)
    return [(start, end, values) for (start, end), values in sorted(found.items())]


def _marked_text(text: str, loc: Location, marks: Marks) -> str:
    """``text`` escaped, each located value wrapped in a mark (overlapping spans: the first wins)."""
    out: list[str] = []
    position = 0
    for start, end, values in _spans_in(text, loc, marks):
        if start < position:
            continue
        out.append(escape(text[position:start]))
        anchors = "".join(f'<a id="d-{escape(v.key)}"></a>' for v in values)
        out.append(
            f'{anchors}<mark class="{marks.classes(values)}" data-keys="{escape(_keys(values))}" '
            f'title="{escape(_title(values))}">{escape(text[start:end])}</mark>'
        )
        position = end
    out.append(escape(text[position:]))
    return "".join(out)


# ---------------------------------------------------------------- the document in reading order
def _cell_html(table_index: int, cell: Cell, marks: Marks) -> str:
    values = marks.by_cell.get((table_index, cell.row, cell.col), [])
    spans = f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else ""
    spans += f' colspan="{cell.colspan}"' if cell.colspan > 1 else ""
    if not values:
        return f"<td{spans}>{_marked_text(cell.text, cell.loc, marks)}</td>"
    anchors = "".join(f'<a id="d-{escape(v.key)}"></a>' for v in values)
    return (
        f'<td{spans} class="{marks.classes(values)}" data-keys="{escape(_keys(values))}" '
        f'title="{escape(_title(values))}">{anchors}{escape(cell.text) or "&nbsp;"}</td>'
    )


def _table_html(table: Table, table_index: int, marks: Marks) -> str:
    rows = "".join(
        "<tr>" + "".join(_cell_html(table_index, cell, marks) for cell in row) + "</tr>" for row in table.rows()
    )
    return f'<table class="doc-table">{rows}</table>'


def _flow_html(doc: Document, marks: Marks) -> str:
    parts: list[str] = []
    table_index = 0
    for block in doc.blocks:
        if isinstance(block, TextBlock):
            parts.append(f'<p class="doc-text">{_marked_text(block.text, block.loc, marks)}</p>')
        else:
            index = block.loc.table if block.loc.table is not None else table_index
            parts.append(_table_html(block, index, marks))
            table_index += 1
    return f'<section class="page flow"><h2>原文</h2>{"".join(parts)}</section>'


# ---------------------------------------------------------------- the document page by page
def _located_pieces(doc: Document) -> Iterator[tuple[str, Location]]:
    for block in doc.blocks:
        if isinstance(block, TextBlock):
            yield block.text, block.loc
        else:
            yield from ((cell.text, cell.loc) for cell in block.cells)


Box = tuple[float, float, float, float]


def _box_style(box: Box, width: float, height: float) -> str:
    """A box as shares of its page, so the page scales to whatever width its panel has."""
    x0, y0, x1, y1 = box
    return (
        f"left:{100 * x0 / width:.2f}%;top:{100 * y0 / height:.2f}%;"
        f"width:{100 * (x1 - x0) / width:.2f}%;height:{100 * (y1 - y0) / height:.2f}%"
    )


def _word_html(text: str, box: Box, width: float, height: float) -> str:
    size = max(4.0, 0.8 * (box[3] - box[1]))  # text set to its box's height, as the page printed it
    style = f"{_box_style(box, width, height)};font-size:{100 * size / width:.2f}cqw"  # cqw: of the page's width
    return f'<span class="word" style="{style}">{escape(text)}</span>'


def _page_html(
    page: int, pieces: list[tuple[str, Location]], values: list[Value], picture: PagePicture | None, marks: Marks
) -> str:
    boxes = [loc.box for _, loc in pieces] + [v.location.box for v in values]  # type: ignore[union-attr]
    width = picture.width_pt if picture else max([PAGE_WIDTH_PT, *(b[2] for b in boxes if b)])
    height = picture.height_pt if picture else max([PAGE_HEIGHT_PT, *(b[3] for b in boxes if b)])
    # the page as printed behind the boxes; the words read stay on top, invisible, for search and copy
    backdrop = f'<img class="scan" alt="" loading="lazy" src="{escape(picture.src)}">' if picture else ""
    words = "".join(_word_html(text, loc.box, width, height) for text, loc in pieces if loc.box)
    marked = "".join(
        f'<a id="d-{escape(v.key)}"></a><div class="{marks.classes([v])} boxmark" data-keys="{escape(v.key)}" '
        f'style="{_box_style(v.location.box, width, height)}" title="{escape(_title([v]))}"></div>'  # type: ignore[arg-type,union-attr]
        for v in values
    )
    return (
        f'<section class="page"><h2>第 {page} 页</h2>'
        f'<div class="sheet{" pictured" if picture else ""}" style="aspect-ratio:{width:.1f}/{height:.1f}">'
        f"{backdrop}{words}{marked}</div></section>"
    )


def _pages_html(doc: Document, marks: Marks, pictures: dict[int, PagePicture], only: int | None = None) -> str:
    pieces: dict[int, list[tuple[str, Location]]] = defaultdict(list)
    for text, loc in _located_pieces(doc):
        if loc.page is not None and loc.box is not None:
            pieces[loc.page].append((text, loc))
    numbers = sorted(set(pieces) | set(marks.by_box) | set(pictures))
    shown = "".join(
        _page_html(page, pieces[page], marks.by_box[page], pictures.get(page), marks)
        for page in numbers
        if only in (None, page)
    )
    return f'<div class="pages">{shown}</div>'


def document_html(doc: Document, marks: Marks, pictures: dict[int, PagePicture] | None = None) -> str:
    """The document with its values outlined: page by page where it is laid out on pages (``pictures``:
    the pages as printed, embedded unless given), else its text and tables in reading order."""
    laid_out = bool(marks.by_box) or any(
        loc.page is not None and loc.box is not None for _, loc in _located_pieces(doc)
    )
    if not laid_out:
        return _flow_html(doc, marks)
    return _pages_html(doc, marks, page_pictures(doc) if pictures is None else pictures)


# ---------------------------------------------------------------- the tables as extracted
def _value_cell(value: Value | None, marks: Marks) -> str:
    if value is None:
        return '<td class="absent">—</td>'
    shown = "?" if value.value is None else escape(str(value.value))  # "?": unreadable and not derivable (.unread)
    badge = '<sup class="badge">推算</sup>' if value.method == "derived" else ""
    link = f'<a href="#d-{escape(value.key)}">{shown}</a>' if value.location else shown
    return (
        f'<td id="v-{escape(value.key)}" class="{marks.classes([value])}" data-keys="{escape(value.key)}" '
        f'title="{escape(_title([value]))}">{link}{badge}</td>'
    )


def _form_table_html(table: TableForm, cells: dict[str, Value], marks: Marks) -> str:
    title = f"<h3>{TABLE_NAMES[table.name]} {escape(table.title)}</h3>"
    shared = all(row.columns == table.rows[0].columns for row in table.rows)
    if shared:
        head = "<tr><th></th>" + "".join(f"<th>{escape(c.label)}</th>" for c in table.rows[0].columns) + "</tr>"
        body = "".join(
            f"<tr><th>{escape(row.label)}</th>"
            + "".join(_value_cell(cells.get(f"{table.name}.{row.key}.{c.key}"), marks) for c in row.columns)
            + "</tr>"
            for row in table.rows
        )
        return f'{title}<table class="form-table">{head}{body}</table>'
    body = "".join(
        f"<tr><th>{escape(row.label)}</th>"
        + "".join(
            f'<td class="label">{escape(c.label)}</td>'
            + _value_cell(cells.get(f"{table.name}.{row.key}.{c.key}"), marks)
            for c in row.columns
        )
        + "</tr>"
        for row in table.rows
    )
    return f'{title}<table class="form-table">{body}</table>'


def tables_html(result: ReportResult, marks: Marks) -> str:
    if result.meta.template is None:
        return "<p>未识别到统计表格（no table of the form found）。</p>"
    cells = {cell.key: cell for cell in result.cells}
    return "".join(_form_table_html(table, cells, marks) for table in FORMS[result.meta.template].tables)


# ---------------------------------------------------------------- header, findings, facts
_CHIPS_SHOWN = 8  # cells named one by one; an identity over more is one chip


def _chips(finding: Finding, template: str | None) -> str:
    def chip(key: str) -> str:
        return (
            f'<a class="chip" href="#v-{escape(key)}" data-keys="{escape(key)}" title="{escape(key)}">'
            f"{escape(key_label(key, template))}</a>"  # type: ignore[arg-type]
        )

    if len(finding.cells) <= _CHIPS_SHOWN:
        return " ".join(chip(k) for k in finding.cells)
    keys = " ".join(finding.cells)
    count = f"涉及 {len(finding.cells)} 个单元格"
    return f'<span class="chip" data-keys="{escape(keys)}" title="{escape(keys)}">{count}</span>'


def findings_html(result: ReportResult) -> str:
    """The findings in plain Chinese; hovering one shows its identity and keys."""
    if not result.findings:
        return "<p>无。</p>"
    values = result.values
    items = []
    for finding in result.findings:
        kind = "warning" if finding.soft else finding.kind
        text = finding_text(finding, values, result.meta.template)
        items.append(
            f'<li class="finding {kind}" title="{escape(finding_hover(finding))}">{escape(text)}'
            f"<div>{_chips(finding, result.meta.template)}</div></li>"
        )
    return f"<ul class=findings>{''.join(items)}</ul>"


def _facts_html(result: ReportResult, marks: Marks) -> str:
    def label(key: str) -> str:
        return f'<th title="{escape(key)}">{escape(key_label(key, result.meta.template))}</th>'

    rows = "".join(
        f"<tr>{label(v.key)}{_value_cell(v, marks)}<td>{escape(v.raw or '')}</td></tr>" for v in result.facts
    )
    rows += "".join(
        f"<tr>{label(f'section.{s.part}')}<td>{escape(s.heading or '—')}</td>"
        f"<td>{METHODS[s.method][0]} {s.confidence:.2f}</td></tr>"
        for s in result.sections
    )
    return f'<table class="facts">{rows}</table>'


def legend_html() -> str:
    """The one legend: outline colour = method, fill = confidence, red = a broken identity."""
    methods = "".join(
        f'<span class="v m-{m} c-hi" title="{m}">{name}{"（虚线）" if m == "derived" else ""}</span> '
        for m, (name, _) in METHODS.items()
    )
    confidence = (
        f'<span class="v m-table c-hi">≥{LOW_CONFIDENCE}</span> <span class="v m-table c-mid">≥{_DOUBTFUL}</span> '
        f'<span class="v m-table c-lo">&lt;{_DOUBTFUL}</span> <span class="v m-table unread">? 无法识别</span>'
    )
    problems = (
        '<span class="v m-table c-hi review">待核</span> '
        '<span class="v m-table c-hi broken">勾稽关系不符</span> '
        '<span class="v m-table c-hi broken culprit">应修正的单元格</span>'
    )
    return f'<div class="legend">方法：{methods} &nbsp; 置信度：{confidence} &nbsp; 问题：{problems}</div>'


def _header_html(result: ReportResult) -> str:
    meta = result.meta
    form = FORMS[meta.template].notice if meta.template else "—"
    broken = len(result.broken_identities)
    error = f'<p class="error">错误: {escape(result.error)}</p>' if result.error else ""
    return (
        f"<header><h1>{escape(meta.agency or Path(result.doc).name)} {meta.year or ''}</h1>"
        f"<p>{escape(result.doc)} · {escape(meta.format or '?')} · 表格版本 {meta.template or '—'} ({escape(form)}) · "
        f"勾稽关系不符 {broken} · 待核 {len(result.review)} · govreport {__version__}</p>"
        f"{error}{legend_html()}</header>"
    )


def _method_css() -> str:
    rules = []
    for method, (_, colour) in METHODS.items():
        r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        rules.append(
            f".m-{method}{{outline-color:{colour}}}.m-{method}.c-hi{{background:rgba({r},{g},{b},.25)}}"
            f".m-{method}.c-mid{{background:rgba({r},{g},{b},.12)}}"
        )
    return "".join(rules)


STYLE = (
    """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;margin:0;padding:16px 24px;
 color:#222;background:#f4f4f2;font-size:14px}
header{background:#fff;padding:8px 16px;border-radius:6px;margin-bottom:12px}
h1{font-size:20px;margin:4px 0}h2{font-size:16px;margin:8px 0}h3{font-size:14px;margin:12px 0 4px}
section{background:#fff;padding:8px 16px;border-radius:6px;margin-bottom:12px}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 4px;vertical-align:top}
th{background:#f0f0f0;font-weight:normal;text-align:left}
.form-table{font-size:12px;max-width:100%}.form-table tr>th:first-child{min-width:7em;max-width:14em}
.form-table tr:first-child>th{font-size:11px;text-align:center}
.form-table td{text-align:right;min-width:2.2em;white-space:nowrap}
.form-table td.label{color:#777;font-size:11px;text-align:left;white-space:normal}
.v{outline:2px solid;outline-offset:-2px;border-radius:2px}
.m-derived{outline-style:dashed}.m-evidence{outline-style:dotted}
"""
    + _method_css()
    + """
.c-lo{background:repeating-linear-gradient(45deg,#fff,#fff 3px,#eee 3px,#eee 6px)}
.v.unread{outline:2px dotted #888;color:#777;font-style:italic;
 background:repeating-linear-gradient(45deg,#fff,#fff 3px,#ddd 3px,#ddd 6px)!important}
.v.unread a{color:#777}
.review{outline:3px dotted #f08c00!important}
.broken{outline:3px solid #d11!important;background:rgba(221,17,17,.18)!important}
.culprit{outline:4px double #800!important}
.hl{box-shadow:0 0 0 3px #fc0!important}
mark{color:inherit;padding:0 1px}
.badge{color:#b66a00;font-size:10px;margin-left:2px}
.legend span{padding:0 4px;margin-right:2px;display:inline-block;margin-bottom:2px}
.flow .doc-text{white-space:pre-wrap;word-break:break-all;line-height:1.9;margin:4px 0}
.doc-table{margin:8px 0;font-size:13px}
.sheet{position:relative;width:100%;background:#fff;border:1px solid #999;box-shadow:0 1px 4px #aaa;
 overflow:hidden;container-type:inline-size;box-sizing:border-box}
.sheet .scan{position:absolute;left:0;top:0;width:100%;height:100%}
.word{position:absolute;white-space:nowrap;line-height:1;color:#333}
.sheet.pictured .word{color:transparent}
.boxmark{position:absolute}
.pages{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:0 12px}
.findings{padding-left:18px}.finding{margin:4px 0}.finding.broken_identity{color:#a00}.finding.explanation{color:#704}
.chip{display:inline-block;font-size:11px;background:#eee;border-radius:8px;padding:0 6px;margin:1px;color:#333;
 text-decoration:none}
.error{color:#a00;font-weight:bold}
.columns{display:grid;grid-template-columns:minmax(600px,2fr) minmax(0,3fr);gap:12px;align-items:start}
.columns>section,.columns>div{min-width:0}
@media (max-width:1100px){.columns{grid-template-columns:minmax(0,1fr)}}
"""
)

# Hovering any element of a value lights up every element of it: table cell, document mark, chip.
HOVER_SCRIPT = """
document.addEventListener('mouseover',e=>{const t=e.target.closest('[data-keys]');
document.querySelectorAll('.hl').forEach(x=>x.classList.remove('hl'));if(!t)return;
for(const k of t.dataset.keys.split(' '))document.querySelectorAll('[data-keys~="'+CSS.escape(k)+'"]')
.forEach(x=>x.classList.add('hl'));});
"""


def render_page(result: ReportResult, doc: Document | None) -> str:
    """The inspection page of one report (``doc`` None where it could not be read)."""
    marks = Marks.of(result)
    document = f"<div>{document_html(doc, marks)}</div>" if doc is not None else ""
    return (
        '<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8">'
        f"<title>{escape(Path(result.doc).name)} · govreport inspect</title><style>{STYLE}</style></head><body>"
        f"{_header_html(result)}"
        f"<section><h2>发现的问题</h2>{findings_html(result)}</section>"
        f'<div class="columns"><section><h2>提取的表格</h2>{tables_html(result, marks)}'
        f"<h3>元数据与正文数字</h3>{_facts_html(result, marks)}</section>{document}</div>"
        f"<script>{HOVER_SCRIPT}</script></body></html>"
    )


def page_panel(result: ReportResult, doc: Document, page: int) -> str:
    """One page with its values outlined, under the legend (for notebooks)."""
    marks = Marks.of(result)
    return f"<style>{STYLE}</style>{legend_html()}{_pages_html(doc, marks, page_pictures(doc), only=page)}"


def inspect_report(path: str) -> str:
    """Extract one report and render its inspection page; a document that cannot be read gets a page
    that says why."""
    return inspect_page(path)[0]


def inspect_page(path: str) -> tuple[str, str | None]:
    """The inspection page of one report, and the error that stopped its extraction (None if none)."""
    from govreport.ingest import load
    from govreport.pipeline import process

    try:
        doc = load(path)
    except GovReportError as exc:
        return render_page(ReportResult(doc=path, error=str(exc), tool_version=__version__), None), str(exc)
    try:
        result = process(doc)
    except GovReportError as exc:
        result = ReportResult(doc=path, error=str(exc))
    result.tool_version = __version__
    return render_page(result, doc), result.error
