"""``govreport inspect``: one self-contained HTML page showing what was read where in one report.

The page has, top to bottom: the report's metadata and findings (broken
identities with the cells involved, the value that would restore them); the
three tables as extracted, under the form's labels; and the document itself,
with every recognized value outlined where it stands. Outline colour says the
method (table, rules, model, derived), fill strength the confidence; a value on
the review list (to check by hand) has a dotted amber outline, a cell in a broken
identity is red. A document laid out on pages (PDF, scans: blocks with a
page and a box) is drawn page by page at its coordinates; any other is drawn as
its text blocks and tables in reading order. Hovering a value lights it up in
both the tables and the document. No external resources: it works offline.
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
from govreport.page_images import page_pictures
from govreport.schema import ReportResult, Value

PAGE_WIDTH_PT = 595.0  # A4, for pages whose boxes do not say
PAGE_HEIGHT_PT = 842.0
METHOD_NAMES = {"table": "表格", "rules": "规则", "model": "模型", "derived": "推算"}


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
        f"{v.key} = {v.value} · raw {v.raw!r} · {v.method} · confidence {v.confidence:.2f}" for v in values
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


def _box_style(box: tuple[float, float, float, float]) -> str:
    x0, y0, x1, y1 = box
    return f"left:{x0:.1f}pt;top:{y0:.1f}pt;width:{x1 - x0:.1f}pt;height:{y1 - y0:.1f}pt"


def _word_html(text: str, box: tuple[float, float, float, float]) -> str:
    size = max(4.0, 0.8 * (box[3] - box[1]))  # text set to its box's height, as the page printed it
    return f'<span class="word" style="{_box_style(box)};font-size:{size:.1f}pt">{escape(text)}</span>'


def _pages_html(doc: Document, marks: Marks) -> str:
    pieces: dict[int, list[tuple[str, Location]]] = defaultdict(list)
    for text, loc in _located_pieces(doc):
        if loc.page is not None and loc.box is not None:
            pieces[loc.page].append((text, loc))
    pictures = page_pictures(doc)
    pages: list[str] = []
    for page in sorted(set(pieces) | set(marks.by_box) | set(pictures)):
        boxes = [loc.box for _, loc in pieces[page]] + [v.location.box for v in marks.by_box[page]]  # type: ignore[union-attr]
        picture = pictures.get(page)
        width = picture.width_pt if picture else max([PAGE_WIDTH_PT, *(b[2] for b in boxes if b)])
        height = picture.height_pt if picture else max([PAGE_HEIGHT_PT, *(b[3] for b in boxes if b)])
        # the page as printed behind the boxes; the words read stay on top, invisible, for search and copy
        backdrop = f";background-image:url({picture.data_uri})" if picture else ""
        sheet_class = "sheet pictured" if picture else "sheet"
        words = "".join(_word_html(text, loc.box) for text, loc in pieces[page] if loc.box)
        values = "".join(
            f'<a id="d-{escape(v.key)}"></a><div class="{marks.classes([v])} boxmark" data-keys="{escape(v.key)}" '
            f'style="{_box_style(v.location.box)}" title="{escape(_title([v]))}"></div>'  # type: ignore[arg-type,union-attr]
            for v in marks.by_box[page]
        )
        pages.append(
            f'<section class="page"><h2>第 {page} 页</h2>'
            f'<div class="{sheet_class}" style="width:{width:.0f}pt;height:{height:.0f}pt{backdrop}">'
            f"{words}{values}</div></section>"
        )
    return "".join(pages)


def _document_html(doc: Document, marks: Marks) -> str:
    laid_out = any(loc.page is not None and loc.box is not None for _, loc in _located_pieces(doc))
    return _pages_html(doc, marks) if laid_out else _flow_html(doc, marks)


# ---------------------------------------------------------------- the tables as extracted
def _value_cell(value: Value | None, marks: Marks) -> str:
    if value is None:
        return '<td class="absent">—</td>'
    shown = "?" if value.value is None else escape(str(value.value))  # "?": unreadable and not derivable
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


def _tables_html(result: ReportResult, marks: Marks) -> str:
    if result.meta.template is None:
        return "<p>未识别到统计表格（no table of the form found）。</p>"
    cells = {cell.key: cell for cell in result.cells}
    return "".join(_form_table_html(table, cells, marks) for table in FORMS[result.meta.template].tables)


# ---------------------------------------------------------------- header, findings, facts
def _findings_html(result: ReportResult) -> str:
    if not result.findings:
        return "<p>无（no findings）。</p>"
    items = []
    for finding in result.findings:
        cells = " ".join(
            f'<a class="chip" href="#v-{escape(k)}" data-keys="{escape(k)}">{escape(k)}</a>' for k in finding.cells
        )
        restoring = "" if finding.restoring_value is None else f" → 应为 <b>{finding.restoring_value}</b>"
        identity = "" if finding.identity is None else f"<code>{escape(' / '.join(finding.identity))}</code> "
        kind = "warning" if finding.soft else finding.kind
        items.append(
            f'<li class="finding {kind}">{identity}{escape(finding.message)}{restoring}<div>{cells}</div></li>'
        )
    return f"<ul class=findings>{''.join(items)}</ul>"


def _facts_html(result: ReportResult, marks: Marks) -> str:
    rows = "".join(
        f"<tr><th>{escape(v.key)}</th>{_value_cell(v, marks)}<td>{escape(v.raw or '')}</td></tr>" for v in result.facts
    )
    rows += "".join(
        f"<tr><th>section.{s.part}</th><td>{escape(s.heading or '—')}</td><td>{s.method} {s.confidence:.2f}</td></tr>"
        for s in result.sections
    )
    return f'<table class="facts">{rows}</table>'


def _legend() -> str:
    methods = "".join(f'<span class="v m-{m} c-hi">{m} {name}</span> ' for m, name in METHOD_NAMES.items())
    confidence = '<span class="v m-table c-hi">≥0.9</span> <span class="v m-table c-mid">≥0.7</span> '
    confidence += (
        '<span class="v m-table c-lo">&lt;0.7</span> <span class="v m-table c-hi review">待核</span> '
        '<span class="v m-table c-hi broken">勾稽关系不符</span> '
        '<span class="v m-table c-hi broken culprit">应修正的单元格</span>'
    )
    return f'<div class="legend">方法: {methods} &nbsp; 置信度: {confidence}</div>'


def _header_html(result: ReportResult) -> str:
    meta = result.meta
    form = FORMS[meta.template].notice if meta.template else "—"
    broken = len(result.broken_identities)
    error = f'<p class="error">错误: {escape(result.error)}</p>' if result.error else ""
    return (
        f"<header><h1>{escape(meta.agency or Path(result.doc).name)} {meta.year or ''}</h1>"
        f"<p>{escape(result.doc)} · {escape(meta.format or '?')} · 表格版本 {meta.template or '—'} ({escape(form)}) · "
        f"勾稽关系不符 {broken} · 待核 {len(result.review)} · govreport {__version__}</p>{error}{_legend()}</header>"
    )


_STYLE = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;margin:0;padding:16px 24px;
 color:#222;background:#f4f4f2;font-size:14px}
header{background:#fff;padding:8px 16px;border-radius:6px;margin-bottom:12px}
h1{font-size:20px;margin:4px 0}h2{font-size:16px;margin:8px 0}h3{font-size:14px;margin:12px 0 4px}
section{background:#fff;padding:8px 16px;border-radius:6px;margin-bottom:12px}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;vertical-align:top}
th{background:#f0f0f0;font-weight:normal;text-align:left;max-width:28em}
.form-table td{text-align:right;min-width:3em}.form-table td.label{color:#777;font-size:12px;text-align:left}
.v{outline:2px solid;outline-offset:-2px;border-radius:2px}
.m-table{outline-color:#1f6fd1}.m-rules{outline-color:#1a9a4a}.m-model{outline-color:#8a3fd1}
.m-derived{outline-color:#e08a00;outline-style:dashed}
.m-table.c-hi{background:rgba(31,111,209,.25)}.m-table.c-mid{background:rgba(31,111,209,.13)}
.m-rules.c-hi{background:rgba(26,154,74,.25)}.m-rules.c-mid{background:rgba(26,154,74,.13)}
.m-model.c-hi{background:rgba(138,63,209,.25)}.m-model.c-mid{background:rgba(138,63,209,.13)}
.m-derived{background:rgba(224,138,0,.18)}
.c-lo{background:repeating-linear-gradient(45deg,#fff,#fff 3px,#eee 3px,#eee 6px)}
.review{outline:3px dotted #f08c00!important}
.broken{outline:3px solid #d11!important;background:rgba(221,17,17,.18)!important}
.culprit{outline:4px double #800!important}
.hl{box-shadow:0 0 0 3px #fc0!important}
mark{color:inherit;padding:0 1px}
.badge{color:#b66a00;font-size:10px;margin-left:2px}
.legend span{padding:0 4px;margin-right:2px}
.flow .doc-text{white-space:pre-wrap;word-break:break-all;line-height:1.9;margin:4px 0}
.doc-table{margin:8px 0;font-size:13px}
.sheet{position:relative;background:#fff;border:1px solid #999;box-shadow:0 1px 4px #aaa;overflow:hidden}
.word{position:absolute;white-space:nowrap;line-height:1;color:#333}
.sheet.pictured{background-size:100% 100%}
.sheet.pictured .word{color:transparent}
.boxmark{position:absolute}
.findings{padding-left:18px}.finding{margin:4px 0}.finding.broken_identity{color:#a00}.finding.explanation{color:#704}
.chip{display:inline-block;font-size:11px;background:#eee;border-radius:8px;padding:0 6px;margin:1px;color:#333}
.error{color:#a00;font-weight:bold}
.columns{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start}
.columns>section{flex:1;min-width:560px;overflow:auto}.form-table th{min-width:7em}
"""

# Hovering any element of a value lights up every element of it: table cell, document mark, chip.
_SCRIPT = """
document.addEventListener('mouseover',e=>{const t=e.target.closest('[data-keys]');
document.querySelectorAll('.hl').forEach(x=>x.classList.remove('hl'));if(!t)return;
for(const k of t.dataset.keys.split(' '))document.querySelectorAll('[data-keys~="'+CSS.escape(k)+'"]')
.forEach(x=>x.classList.add('hl'));});
"""


def render_page(result: ReportResult, doc: Document | None) -> str:
    """The inspection page of one report (``doc`` None where it could not be read)."""
    marks = Marks.of(result)
    document = _document_html(doc, marks) if doc is not None else ""
    return (
        '<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8">'
        f"<title>{escape(Path(result.doc).name)} · govreport inspect</title><style>{_STYLE}</style></head><body>"
        f"{_header_html(result)}"
        f"<section><h2>发现的问题 Findings</h2>{_findings_html(result)}</section>"
        f'<div class="columns"><section><h2>提取的表格 Tables as extracted</h2>{_tables_html(result, marks)}'
        f"<h3>元数据与正文数字 Facts and sections</h3>{_facts_html(result, marks)}</section>{document}</div>"
        f"<script>{_SCRIPT}</script></body></html>"
    )


def inspect_report(path: str) -> str:
    """Extract one report and render its inspection page; a document that cannot be read gets a page
    that says why."""
    from govreport.ingest import load
    from govreport.pipeline import process

    try:
        doc = load(path)
    except GovReportError as exc:
        return render_page(ReportResult(doc=path, error=str(exc), tool_version=__version__), None)
    try:
        result = process(doc)
    except GovReportError as exc:
        result = ReportResult(doc=path, error=str(exc))
    result.tool_version = __version__
    return render_page(result, doc)
