"""Layout classes of issue 9 as transformations of every suitable gold fixture.

Each generator turns one gold case into one variant document plus the values
it must read back (``Variant``): the class is written once and applied to every
fixture it fits, so a rule that holds only for one fixture shows up here.

- ``md-txt``: the report as converter markdown (``#`` title, ``##`` parts, pipe
  tables, a merged cell's text in its first slot) saved as ``.txt``;
- ``md-headings``: a text original whose title and part headings got markdown
  ``#``/``##`` marks (tables as printed), saved as ``.txt``;
- ``html-txt``: the report's HTML body (no ``<html>`` shell) saved as ``.txt``;
- ``converter-md``: tables re-made by a PDF-to-markdown converter: generic header
  rows (``| 项目 | 列1 | 列2 |``), table 3 split into one small table per group
  under the group's label, a one-row group's label in a line above its table, a
  stub table of table 3's header alone, a spurious generic header row in the
  middle of table 3, and table 4 split into its 行政复议 and 行政诉讼 tables;
- ``md-html-tables``: converter markdown whose tables are HTML with merged cells;
- ``negative-runs``: 2019-form fixtures whose 本年增/减 column is negative, printed
  as a crawled page whose table rows run together (``行政许可12-30``);
- ``lost-cell``: table 2's document rows lose their middle cell in conversion
  (``| 规章 | 5 | 20 |``) while the prose states that row's figures;
- ``merged-labels``: the report's HTML where the rule between two row labels was lost:
  each pair of adjacent rows labelled by one cell alone has the two labels in one
  cell spanning both rows (``一、本年新收…二、上年结转…`` over two value rows).

    python eval/variations.py --out /tmp/variants     # write every variant of every fixture
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "tests"))

from conftest import GOLD, GoldCase, gold_cases  # noqa: E402

from govreport.form.catalog import FORMS  # noqa: E402
from govreport.render import ReportSpec, render_html  # noqa: E402
from govreport.render.layout import Heading, Paragraph, TableLayout, Title, document_blocks  # noqa: E402
from govreport.text import squash  # noqa: E402


@dataclass(frozen=True)
class Variant:
    """A variant document and the gold it must read back to."""

    path: Path
    case: GoldCase


def _spec(case: GoldCase) -> ReportSpec:
    return ReportSpec.from_gold(GOLD / f"{case.name}.json")


def _same(case: GoldCase, path: Path) -> Variant:
    return Variant(path, case)


# ---------------------------------------------------------------- markdown writer
def _grid(table: TableLayout, lost: frozenset[str] = frozenset()) -> list[list[str]]:
    """The table's slots, a merged cell's text in its first slot only (as converters write);
    the cells of ``lost`` keys are dropped from their rows (the row comes out short)."""
    grid: list[list[str | None]] = [["" for _ in range(table.n_cols)] for _ in range(table.n_rows)]
    for cell in table.cells:
        grid[cell.row][cell.col] = None if cell.key in lost else _md(cell.text)
    return [[text for text in row if text is not None] for row in grid]


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def _pipe_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _pipe_table(rows: list[list[str]], header: list[str] | None = None) -> list[str]:
    """A pipe table: ``header`` as its head (a generic one), else its first row."""
    head, body = (header, rows) if header else (rows[0], rows[1:])
    return [_pipe_row(head), _pipe_row(["---"] * len(head)), *(_pipe_row(r) for r in body)]


def _generic_header(width: int) -> list[str]:
    return ["项目", *(f"列{i}" for i in range(1, width))]


def markdown(spec: ReportSpec, table_lines: Callable[[TableLayout], list[str]] | None = None) -> str:
    """The report as markdown; ``table_lines`` writes each table (plain pipe tables by default)."""
    write = table_lines or (lambda t: _pipe_table(_grid(t)))
    out: list[str] = []
    for block in document_blocks(spec):
        if isinstance(block, Title):
            out += [f"# {block.text}", ""]
        elif isinstance(block, Heading):
            out += [f"## {block.text}", ""]
        elif isinstance(block, Paragraph):
            out += [block.text, ""]
        else:
            out += [*write(block), ""]
    return "\n".join(out)


# ---------------------------------------------------------------- md-txt, html-txt, md-headings
def make_md_txt(case: GoldCase, folder: Path) -> Variant:
    path = folder / f"{case.name}.md-txt.txt"
    path.write_text(markdown(_spec(case)), encoding="utf-8")
    return _same(case, path)


def make_html_txt(case: GoldCase, folder: Path) -> Variant:
    page = render_html(_spec(case))
    body = page[page.index("<body>") + len("<body>") : page.index("</body>")]
    path = folder / f"{case.name}.html-txt.txt"
    path.write_text(body.strip() + "\n", encoding="utf-8")
    return _same(case, path)


def make_md_headings(case: GoldCase, folder: Path) -> Variant | None:
    """The original text, its title line ``#`` and each part heading line ``##`` (bold)."""
    if case.document.suffix != ".txt":
        return None
    headings = {squash(v) for k, v in case.values.items() if k.startswith("section.") and v}
    lines = case.document.read_text(encoding="utf-8").splitlines()
    marked, titled = [], False
    for line in lines:
        text = line.strip()
        if text and squash(text) in headings:
            marked.append(f"## **{text}**")
        elif text and not titled:
            marked.append(f"# {text}")
            titled = True
        else:
            marked.append(line)
    if sum(m.startswith("## ") for m in marked) < 2:
        return None  # headings not on lines of their own (a flattened page): nothing to mark
    path = folder / f"{case.name}.md-headings.txt"
    path.write_text("\n".join(marked) + "\n", encoding="utf-8")
    return _same(case, path)


# ---------------------------------------------------------------- converter-md
def _converter_tables(table: TableLayout) -> list[str]:
    """Generic headers; table 3 in one small table per group (its label in a line
    above), its header rows as a stub table, a spurious generic header in its middle;
    table 4 as two tables side by side in the form, one after the other here."""
    width = table.n_cols
    if table.name == "t4":  # 行政复议 and 行政诉讼 as two tables, one after the other
        review = len(FORMS["2021"].table("t4").rows[0].columns)
        rows = _grid(table)
        first, second = [r[:review] for r in rows], [r[review:] for r in rows]
        return [*_pipe_table(first, _generic_header(review)), "", *_pipe_table(second, _generic_header(width - review))]
    if table.name != "t3":
        return _pipe_table(_grid(table), _generic_header(width))
    header = _generic_header(width)
    out = [*_pipe_table(_grid(table)[:3], header), ""]  # the header rows alone: a stub without numbers
    groups = _t3_groups(table)
    for index, (label, rows) in enumerate(groups):
        body = [[own, *values] for own, values in rows] if len(rows) > 1 else [["", *rows[0][1]]]
        if index == len(groups) // 2:
            body.insert(1, header)  # a header row repeated inside the table, as page breaks leave them
        out += [label, "", *_pipe_table(body, header), ""]
    return out


def _t3_groups(table: TableLayout) -> list[tuple[str, list[tuple[str, list[str]]]]]:
    """Table 3's value rows, grouped as printed: a group label spanning rows holds its
    rows (each with its own label), a row outside a group is a group of its own."""
    groups: list[tuple[str, list[tuple[str, list[str]]]]] = []
    spans = [c for c in table.cells if c.col == 1 and c.rowspan > 1 and c.key is None]
    for r in sorted({c.row for c in table.cells if c.key}):
        in_row = sorted((c for c in table.cells if c.row == r), key=lambda c: c.col)
        own = [c.text for c in in_row if c.key is None and c.text][-1]
        values = [_md(c.text) for c in in_row if c.key]
        group = next((c.text for c in spans if c.row <= r < c.row + c.rowspan), None)
        if group is not None and groups and groups[-1][0] == group:
            groups[-1][1].append((own, values))
        else:
            groups.append((group or own, [(own, values)]))
    return groups


def make_converter_md(case: GoldCase, folder: Path) -> Variant | None:
    spec = _spec(case)
    if spec.template is None:
        return None
    path = folder / f"{case.name}.converter.md"
    path.write_text(markdown(spec, _converter_tables), encoding="utf-8")
    return _same(case, path)


# ---------------------------------------------------------------- md-html-tables
def make_md_html_tables(case: GoldCase, folder: Path) -> Variant | None:
    """Converter markdown whose tables are HTML with rowspan/colspan (merged cells)."""
    spec = _spec(case)
    if spec.template is None:
        return None
    tables = iter(re.findall(r"<table\b.*?</table>", render_html(spec), re.DOTALL))
    path = folder / f"{case.name}.md-html-tables.md"
    path.write_text(markdown(spec, lambda _layout: [next(tables)]), encoding="utf-8")
    return _same(case, path)


# ---------------------------------------------------------------- negative-runs
def _negative_changes(case: GoldCase) -> dict[str, int]:
    """The 2019 form's 本年增/减 cells made negative (one digit: a decrease)."""
    changes = {}
    for i, key in enumerate(k for k in FORMS["2019"].table("t2").keys() if k.endswith(".change")):
        changes[key] = -(1 + (i + (case.values.get(key) or 0)) % 9)
    return changes


def _run_together(spec: ReportSpec) -> str:
    """A crawled page: title, parts and prose on lines, each table row's cells glued."""
    out: list[str] = []
    for block in document_blocks(spec):
        if isinstance(block, TableLayout):
            for r in range(block.n_rows):
                cells = sorted((c for c in block.cells if c.row == r), key=lambda c: c.col)
                out.append("".join(c.text for c in cells))
        else:
            out.append(block.text)
    return "\n".join(out) + "\n"


def make_negative_runs(case: GoldCase, folder: Path) -> Variant | None:
    if case.values.get("meta.template") != "2019":
        return None
    changes = _negative_changes(case)
    spec = _spec(case)
    spec = spec.model_copy(update={"values": {**spec.values, **changes}})
    path = folder / f"{case.name}.negative.txt"
    path.write_text(_run_together(spec), encoding="utf-8")
    return Variant(path, replace(case, values={**case.values, **changes}))


# ---------------------------------------------------------------- lost-cell
_STATED = {  # how prose states a document row's three figures, per form version
    "2021": ("本年制发{label}{0}件，废止{1}件，现行有效{2}件。"),
    "2019": ("本年新制作{label}{0}件，新公开{1}件，对外公开总数量{2}件。"),
}


def make_lost_cell(case: GoldCase, folder: Path) -> Variant | None:
    template = case.values.get("meta.template")
    if template is None:
        return None
    spec = _spec(case)
    t2 = FORMS[template].table("t2")
    rows = [t2.row("regulation"), t2.row("normative_doc")]
    lost = frozenset(f"t2.{row.key}.{row.columns[1].key}" for row in rows)
    sentences = [
        _STATED[template].format(*(case.values.get(f"t2.{row.key}.{c.key}") for c in row.columns), label=row.label)
        for row in rows
    ]
    parts = dict(spec.parts or {})
    parts[2] = "\n".join([*sentences, parts.get(2, "")])
    spec = spec.model_copy(update={"parts": parts})
    text = markdown(spec, lambda t: _pipe_table(_grid(t, lost)))
    path = folder / f"{case.name}.lost-cell.md"
    path.write_text(text, encoding="utf-8")
    return _same(case, path)


# ---------------------------------------------------------------- merged-labels
# a row labelled by one cell alone, then its value cells, then the end of the row
_LONE_LABEL_ROW = re.compile(
    r'<tr><td class="label"(?P<span>(?: colspan="\d+")?)>(?P<label>[^<]*)</td>'
    r'(?P<values>(?:<td class="value">[^<]*</td>)+)</tr>'
)


def _merge_label_pairs(page: str) -> str:
    """Each pair of adjacent lone-label rows of the same shape, their labels in one cell of rowspan 2."""
    out, at, previous = [], 0, None
    for match in _LONE_LABEL_ROW.finditer(page):
        adjacent = previous is not None and page[previous.end() : match.start()].strip() == ""
        same_shape = adjacent and (previous["span"], previous["values"].count("<td")) == (
            match["span"],
            match["values"].count("<td"),
        )
        if same_shape:
            merged = f'<tr><td class="label"{previous["span"]} rowspan="2">{previous["label"]}{match["label"]}</td>'
            out += [page[at : previous.start()], merged, previous["values"], "</tr>", f"<tr>{match['values']}</tr>"]
            at, previous = match.end(), None
        else:
            previous = match
    return "".join([*out, page[at:]])


def make_merged_labels(case: GoldCase, folder: Path) -> Variant | None:
    spec = _spec(case)
    if spec.template is None:
        return None
    path = folder / f"{case.name}.merged-labels.html"
    path.write_text(_merge_label_pairs(render_html(spec)), encoding="utf-8")
    return _same(case, path)


_NUMBERED_HEADING = re.compile(r"^[一二三四五六七八九十\d]、(?=\S)")


def blank_after_numerals(values: dict) -> dict:
    """Gold values with a blank printed after each part heading's numeral (``二、 主动公开…``),
    as many reports print their headings."""
    return {
        k: _NUMBERED_HEADING.sub(lambda m: m.group() + " ", v) if k.startswith("section.") and v else v
        for k, v in values.items()
    }


GENERATORS: dict[str, Callable[[GoldCase, Path], Variant | None]] = {
    "md-txt": make_md_txt,
    "md-headings": make_md_headings,
    "html-txt": make_html_txt,
    "converter-md": make_converter_md,
    "md-html-tables": make_md_html_tables,
    "negative-runs": make_negative_runs,
    "lost-cell": make_lost_cell,
    "merged-labels": make_merged_labels,
}


def variants(name: str, folder: Path, cases: list[GoldCase] | None = None) -> Iterator[Variant]:
    """Every variant of class ``name`` over the gold fixtures it fits."""
    for case in cases if cases is not None else gold_cases({".txt", ".md", ".html", ".pdf"}):
        made = GENERATORS[name](case, folder)
        if made is not None:
            yield made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--classes", nargs="+", choices=list(GENERATORS), default=list(GENERATORS))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name in args.classes:
        for variant in variants(name, args.out):
            print(f"{name:14} {variant.path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
