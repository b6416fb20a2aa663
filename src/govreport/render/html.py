"""The report as one HTML page: tables with border=1 and rowspan/colspan, as
agencies publish them on their portals; fonts listed so Chromium prints CJK."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from govreport.render.layout import (
    Block,
    Heading,
    LayoutCell,
    Paragraph,
    TableLayout,
    Title,
    document_blocks,
    report_title,
)

if TYPE_CHECKING:
    from govreport.render import ReportSpec

_CSS = """\
body { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", "SimSun", "Songti SC", serif;
       font-size: 12pt; line-height: 1.6; margin: 2cm; }
h1 { font-size: 18pt; text-align: center; }
h2 { font-size: 14pt; margin: 1em 0 0.5em; }
p { text-indent: 2em; margin: 0.3em 0; }
table { border-collapse: collapse; margin: 0.8em auto; font-size: 10.5pt; }
td { border: 1px solid #000; padding: 2px 4px; vertical-align: middle; }
td.head, td.value { text-align: center; }
"""


def render_html(spec: ReportSpec, blocks: list[Block] | None = None) -> str:
    """A complete, deterministic HTML page for the report (``blocks``: its outline as
    ``document_blocks`` makes it, or a variation of that outline)."""
    body = [_block_html(block) for block in blocks or document_blocks(spec)]
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="zh-CN"><head><meta charset="utf-8">',
            f"<title>{escape(report_title(spec))}</title>",
            f"<style>\n{_CSS}</style>",
            "</head><body>",
            *body,
            "</body></html>",
            "",
        ]
    )


def _block_html(block: Block) -> str:
    if isinstance(block, Title):
        return f"<h1>{escape(block.text)}</h1>"
    if isinstance(block, Heading):
        return f"<h2>{escape(block.text)}</h2>"
    if isinstance(block, Paragraph):
        return f"<p>{escape(block.text)}</p>"
    return _table_html(block)


def _table_html(table: TableLayout) -> str:
    rows: list[list[LayoutCell]] = [[] for _ in range(table.n_rows)]
    for cell in table.cells:
        rows[cell.row].append(cell)
    lines = ['<table border="1" cellspacing="0" cellpadding="2">']
    for row in rows:
        tds = "".join(_cell_html(c) for c in sorted(row, key=lambda c: c.col))
        lines.append(f"<tr>{tds}</tr>")
    lines.append("</table>")
    return "\n".join(lines)


def _cell_html(cell: LayoutCell) -> str:
    attrs = ""
    if cell.rowspan > 1:
        attrs += f' rowspan="{cell.rowspan}"'
    if cell.colspan > 1:
        attrs += f' colspan="{cell.colspan}"'
    kind = "value" if cell.key is not None else "head" if cell.header else "label"
    text = escape(cell.text).replace("\n", "<br>")  # a line broken inside the cell
    return f'<td class="{kind}"{attrs}>{text}</td>'
