"""The synthetic corpus: annual reports in both form versions, on every surface real
reports show, with a BIO label for every character by construction.

A report is built as blocks (lines of labelled segments, and table grids from the
official layout in ``govreport.render.layout``); a *surface* flattens the blocks to
text the way an extraction does (one cell per line, tab rows, tab-prefixed DOCX
dumps, crawled run-together text, markdown) or renders the report to HTML/DOCX
with ``govreport.render`` and reads it back with the project's own ingestion, the
labels found again by aligning the labelled segments in order. Damage
(``training.noise``), lost cells, page chrome, wrong/repeated numerals and missing
headings come on top.

    python -m training.corpus --out data/corpus --train 1200 --seed 7
"""

from __future__ import annotations

import argparse
import random
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from govreport.form.catalog import FORMS, T3_COLUMNS, Template
from govreport.ingest import LOADERS
from govreport.labelling.labels import AGENCY, COL, FACT_TYPES, GROUP, LABEL_ID, SUB, YEAR
from govreport.render import ReportSpec, render_docx, render_html
from govreport.render.layout import LayoutCell, sub_label, table_layouts
from training import bank, noise

Segment = tuple[str, str | None]  # text, entity type (None: outside)
SURFACES = ("cells", "tabrows", "docxdump", "crawl", "markdown", "html", "docx", "pagelines")
SURFACE_WEIGHTS = (0.14, 0.14, 0.14, 0.14, 0.1, 0.14, 0.1, 0.1)
# a PDF's text: its lines are the page's, a sentence (a labelled fact among them) wraps anywhere
WRAPPED_SURFACES = frozenset({"pagelines"})
_NUMERALS = "一二三四五六七八九"


@dataclass
class Cell:
    text: str
    tag: str | None
    value: bool


@dataclass
class Grid:
    rows: list[list[Cell]]


Line = list[Segment]
Block = Line | Grid


@dataclass
class Report:
    agency: str
    year: int
    template: Template | None
    values: dict[str, int | float | None]
    blocks: list[Block]
    headings: dict[int, str | None]
    prose: dict[int, list[Line]]
    title: list[Segment]  # the title's lines run together, as a page header prints it


# ---------------------------------------------------------------- numbers


def _count(rng: random.Random, big: bool = False) -> int:
    roll = rng.random()
    if roll < 0.55:
        return 0
    if roll < 0.9 or not big:
        return rng.randint(1, 12)
    return rng.randint(13, 5000)


def table_values(template: Template, rng: random.Random) -> dict[str, int | float | None]:
    """Values for every key; table 3 and 4 consistent (a share of reports gets one cell off)."""
    form = FORMS[template]
    values: dict[str, int | float | None] = {}
    for row in form.table("t2").rows:
        for col in row.columns:
            value: int | float = _count(rng, big=True)
            if col.money and rng.random() < 0.4:
                value = round(rng.uniform(0, 9000), rng.choice((0, 2, 4)))
            if col.signed and rng.random() < 0.3:
                value = -value
            values[f"t2.{row.key}.{col.key}"] = value
    t3 = form.table("t3")
    applicants = [c.key for c in T3_COLUMNS[:-1]]
    results = [r.key for r in t3.rows[2:-2]]
    for a in applicants:
        scale = 1.0 if a == "natural_person" else 0.2
        cells = {r: _count(rng) if rng.random() < scale else 0 for r in results}
        total = sum(cells.values())
        carried_over = _count(rng) if rng.random() < 0.2 else 0
        carried_forward = rng.randint(0, min(total, 3)) if total else 0
        cells.update(
            results_total=total,
            carried_over=carried_over,
            carried_forward=carried_forward,
            new_received=total + carried_forward - carried_over if total + carried_forward >= carried_over else 0,
        )
        for r, v in cells.items():
            values[f"t3.{r}.{a}"] = v
    for row in t3.rows:
        values[f"t3.{row.key}.total"] = sum(values[f"t3.{row.key}.{a}"] or 0 for a in applicants)  # type: ignore[misc]
    for row in FORMS[template].table("t4").rows:
        parts = [_count(rng) for _ in range(4)]
        for col, v in zip(("upheld", "corrected", "other", "pending"), parts, strict=True):
            values[f"t4.{row.key}.{col}"] = v
        values[f"t4.{row.key}.total"] = sum(parts)
    if rng.random() < 0.15:  # deliberately inconsistent: one printed cell off
        key = rng.choice([k for k in values if k.startswith(("t3.", "t4."))])
        values[key] = (values[key] or 0) + rng.randint(1, 3)  # type: ignore[operator]
    return values


# ---------------------------------------------------------------- text pieces


def agency_name(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.07:
        return rng.choice(bank.CITIES) + rng.choice(bank.ZONES)
    if roll < 0.15:
        return rng.choice(bank.PROVINCES) + rng.choice(bank.DEPARTMENTS)
    if roll < 0.55:
        return rng.choice(bank.CITIES) + rng.choice(bank.DEPARTMENTS)
    if roll < 0.9:
        return rng.choice(bank.CITIES) * (rng.random() < 0.3) + rng.choice(bank.COUNTIES) + rng.choice(bank.DEPARTMENTS)
    return rng.choice(bank.COUNTIES) + rng.choice(bank.TOWNS)


def phrase(template: str, tag: str | None, rng: random.Random, year: int, n: object = "") -> Line:
    """A sentence of the bank as segments: the ``[…]`` part labelled ``tag``. A share prints
    its numbers with blanks around them, as PDF and Word exports of CJK text do (``发布政府信息 393 件``)."""
    if rng.random() < 0.25:
        template = re.sub(r" *(\{\w+\}) *", r" \1 ", template).strip()
    text = template.format(year=year, n=n, m=rng.randint(1, 300))
    if "[" not in text:
        return [(text, None)]
    head, rest = text.split("[", 1)
    span, tail = rest.split("]", 1)
    return [(head, None), (span, tag), (tail, None)]


def part_marker(part: int, rng: random.Random) -> str:
    """The numbering of a part heading: mostly right, sometimes in digits, wrong or odd."""
    roll = rng.random()
    numeral = part
    if roll < 0.06:
        numeral = max(1, min(9, part + rng.choice((-1, 1))))  # a wrong numeral
    if roll < 0.75:
        return _NUMERALS[numeral - 1] + rng.choice(("、", "、", "、", "．", ". ", "、 "))
    return str(numeral) + rng.choice(("、", ".", "、 ", "．"))


def vary_label(text: str, rng: random.Random) -> str:
    """The print variants of a label: ASCII brackets and commas, lost quotes."""
    if rng.random() < 0.4:
        text = text.replace("（", "(").replace("）", ")")
    if rng.random() < 0.3:
        text = text.replace("，", ",").replace("：", ":")
    if rng.random() < 0.3:
        text = text.replace("“", "").replace("”", "")
    return text


def title_lines(agency: str, year: int, rng: random.Random) -> list[Line]:
    """The title, in its orders and wordings. As PDF
    and Word exports print it, a share has blanks around the year (``委员会 2024 年``) and
    a break or blank inside the wording (``工作\n年度报告``, ``工作年 度报告``)."""
    phrase_ = rng.choice(("政府信息公开工作年度报告", "政府信息公开工作年度报告", "政府信息公开年度工作报告",
                          "政府信息公开年度报告", "政府信息公开工作年报"))  # fmt: skip
    year_suffix = rng.choice(("年", "年", "年度"))
    if rng.random() < 0.3:
        year_suffix = " " + year_suffix
    before_year = " " if rng.random() < 0.2 else ""
    roll = rng.random()
    if roll < 0.45:
        lines = [[(agency, AGENCY), (before_year, None), (str(year), YEAR), (year_suffix + phrase_, None)]]
    elif roll < 0.7:
        lines = [[(agency, AGENCY)], [(str(year), YEAR), (year_suffix + phrase_, None)]]
    elif roll < 0.85:
        lines = [[(str(year), YEAR), (year_suffix + before_year, None), (agency, AGENCY), (phrase_, None)]]
    else:
        lines = [[(agency, AGENCY), ("关于", None), (str(year), YEAR), (year_suffix + phrase_, None)]]
    if rng.random() < 0.15:  # the wording wrapped: its tail on a line of its own, or a blank inside
        *head, (last, tag) = lines[-1]
        cut = rng.randint(len(last) - 5, len(last) - 2)
        if rng.random() < 0.5:
            lines[-1], tail = [*head, (last[:cut], tag)], [(last[cut:], tag)]
            lines.append(tail)
        else:
            lines[-1] = [*head, (last[:cut] + " " + last[cut:], tag)]
    return lines


def behind_chrome(lines: list[Line], year: int, rng: random.Random) -> list[Line]:
    """A share of titles with site chrome and dates around them."""
    if rng.random() >= 0.25:
        return lines
    chrome = [
        [(c.format(next_year=year + 1, p=rng.randint(0, 9), q=rng.randint(10, 99)), None)]
        for c in rng.sample(bank.TITLE_CHROME, rng.randint(1, 3))
    ]
    return [*chrome[: len(chrome) // 2 + 1], *lines, *chrome[len(chrome) // 2 + 1 :]]


def fact_template(kind: str, rng: random.Random) -> str:
    """A sentence stating a fact (``bank.FACT_PARTS`` kinds), ``[…]`` around its span: half the
    bank's written sentences, half composed from parts (verb, qualifier, object, count)."""
    written = {"proactive": bank.PROACTIVE, "received": bank.RECEIVED, "received_none": bank.RECEIVED_NONE,
               "fee": bank.FEE, "fee_none": bank.FEE_NONE}[kind]  # fmt: skip
    if rng.random() < 0.5:
        return rng.choice(written)
    part = {name: rng.choice(options) for name, options in bank.FACT_PARTS[kind].items()}
    order = rng.random()
    if kind == "proactive":
        span = part["verb"] + part["qual"] + part["obj"] + "{n}" + part["unit"]
        if order < 0.15:  # the object first: 政府信息主动公开N条
            span = part["qual"] + part["obj"] + part["verb"] + "{n}" + part["unit"]
    elif kind == "received":
        if order < 0.25:  # 收到70件申请
            span = part["verb"] + "{n}件" + part["obj"]
        elif order < 0.4:  # the object first: 政府信息公开申请共收到N件
            span = part["obj"] + part["verb"] + "{n}件"
        else:  # 收到…申请N件, 收到申请公开的信息数N件
            span = part["verb"] + part["qual"] + part["obj"] + part["count"] + "{n}件"
    elif kind == "fee":
        span = part["verb"] + part["obj"] + "{n}元"
    else:
        span = part["neg"] + part["verb"] + part.get("qual", "") + part["obj"]
    return _word_slots(part["lead"] + "[" + span + "]" + part["tail"], rng)


def _word_slots(template: str, rng: random.Random) -> str:
    """``{domain}`` (教育, 民生 …), ``{channel}`` (a channel, a share behind an agency's name in
    quotes: ``"某某局"微信公众号``) and ``{channels}`` (通过A、B等渠道) filled from the bank; the
    number slots are left to ``phrase``."""
    channel = rng.choice(bank.CHANNELS)
    if rng.random() < 0.5:
        channel = rng.choice(("“{}”", '"{}"')).format(agency_name(rng)) + channel
    channels = "通过" + "、".join(rng.sample(bank.CHANNELS, rng.randint(2, 4))) + rng.choice(("等渠道", "等平台", ""))
    return (
        template.replace("{domain}", rng.choice(bank.DOMAINS))
        .replace("{channels}", channels)
        .replace("{channel}", channel)
    )


_FACT_KINDS = {"prose.proactive_total": "proactive", "prose.applications_received": "received",
               "prose.fee_collected": "fee"}  # fmt: skip


def fact_line(key: str, value: int, year: int, rng: random.Random) -> Line:
    """The sentence stating a prose fact's value (a count of none: a "none" sentence)."""
    kind = _FACT_KINDS[key] + ("_none" if value == 0 and key != "prose.proactive_total" else "")
    return phrase(fact_template(kind, rng), FACT_TYPES[key], rng, year, value)


def chapter_headings(rng: random.Random) -> list[str]:
    """Part 1 printed as chapters numbered like parts (二、… after 一、总体情况), the form's own
    parts then numbered from 一 again: the chapters are sub-parts, labelled SUB."""
    topics = rng.sample(bank.CHAPTER_TOPICS, rng.randint(3, 5))
    return [_NUMERALS[i + 1] + rng.choice(("、", "、", "．")) + topic for i, topic in enumerate(topics)]


def prose_lines(
    part: int, year: int, values: dict, facts: dict[str, int | None], rng: random.Random, chapters: bool = False
) -> list[Line]:
    """The prose of one part: filler, the facts stated there, sub-part headings (for part 1, with
    ``chapters``, headings numbered like parts)."""
    lines: list[Line] = []
    filler = [phrase(rng.choice(bank.FILLER), None, rng, year) for _ in range(rng.randint(1, 3))]
    subs = list(bank.SUB_HEADINGS.get(part, ()))
    if part == 1 and chapters:
        lines += filler
        proactive, received = facts["prose.proactive_total"], facts["prose.applications_received"]
        for i, heading in enumerate(chapter_headings(rng)):
            lines.append([(heading, SUB)])
            lines.append(phrase(rng.choice(bank.FILLER), None, rng, year))
            if i == 1 and proactive is not None:
                lines.append(fact_line("prose.proactive_total", proactive, year, rng))
            if i == 2 and received is not None:
                lines.append(fact_line("prose.applications_received", received, year, rng))
    elif part == 1:
        if rng.random() < 0.5:
            lines.append([(rng.choice(subs), SUB)])
        lines += filler
        proactive, received = facts["prose.proactive_total"], facts["prose.applications_received"]
        if proactive is not None:
            lines.append(fact_line("prose.proactive_total", proactive, year, rng))
        if rng.random() < 0.6:
            lines.append([(rng.choice(subs), SUB)])
        if received is not None:
            lines.append(fact_line("prose.applications_received", received, year, rng))
        for _ in range(rng.randint(0, 3)):
            lines.append([(rng.choice(subs), SUB)])
            lines.append(phrase(rng.choice(bank.FILLER), None, rng, year))
    elif part in bank.TABLE_INTROS:
        if rng.random() < 0.5:
            lines.append([(bank.TABLE_INTROS[part], None)])
    else:
        for _ in range(rng.randint(1, 3) if subs else 0):
            lines.append([(rng.choice(subs), SUB)])
            lines.append(phrase(rng.choice(bank.FILLER), None, rng, year))
        lines += filler
        fee = facts["prose.fee_collected"]
        if part == 6 and fee is not None:
            lines.append(fact_line("prose.fee_collected", fee, year, rng))
    return lines


# ---------------------------------------------------------------- tables


def cell_tag(cell: LayoutCell, template: Template, table: str) -> str | None:
    """The entity type of a layout cell: a row label, a column header, a group label, or none (values)."""
    if cell.key is not None:
        return None
    form = FORMS[template].table(table)
    for row in form.rows:
        if cell.text in (row.label, sub_label(row)):
            return f"{table}.{row.key}"
    columns = {c.label for row in form.rows for c in row.columns}
    return COL if cell.header and (cell.text in columns or table != "t3") else GROUP


def grids(template: Template, values: dict, rng: random.Random) -> dict[int, Grid]:
    out = {}
    for layout in table_layouts(template, values):
        rows: list[list[Cell]] = [[] for _ in range(layout.n_rows)]
        for cell in sorted(layout.cells, key=lambda c: (c.row, c.col)):
            tag = cell_tag(cell, template, layout.name)
            text = cell.text if tag is None else vary_label(cell.text, rng)
            rows[cell.row].append(Cell(text, tag, cell.key is not None))
        out[layout.part] = Grid(rows)
    return out


# ---------------------------------------------------------------- a report


def make_report(rng: random.Random) -> Report:
    template: Template | None = rng.choice(("2019", "2021", "2021")) if rng.random() > 0.06 else None
    year = rng.choice((2019, 2020)) if template == "2019" else rng.randint(2019 if template is None else 2021, 2024)
    agency = agency_name(rng)
    values = table_values(template, rng) if template else {}
    received = values.get("t3.new_received.total") if template else rng.randint(0, 40)
    facts = {
        "prose.proactive_total": rng.choice((rng.randint(10, 20000), rng.randint(10, 500)))
        if rng.random() < 0.8
        else None,
        "prose.applications_received": received if rng.random() < 0.75 else None,
        "prose.fee_collected": rng.choice((0, 0, 0, rng.randint(1, 500))) if rng.random() < 0.6 else None,
    }
    title = title_lines(agency, year, rng)
    blocks: list[Block] = list(behind_chrome(title, year, rng))
    if rng.random() < 0.6:
        blocks.append(phrase(bank.INTRO, None, rng, year))
    tables = grids(template, values, rng) if template else {}
    headings: dict[int, str | None] = {}
    prose: dict[int, list[Line]] = {}
    chapters = rng.random() < 0.08  # part 1 in chapters numbered like parts, the parts after it from 一 again
    for part in range(1, 7):
        missing = rng.random() < (0.15 if part == 6 else 0.06)
        numeral = part - 1 if chapters and part > 1 else part
        headings[part] = None if missing else part_marker(numeral, rng) + rng.choice(bank.PART_TEXTS[part])
        if headings[part]:
            blocks.append([(headings[part], f"PART{part}")])
            if rng.random() < 0.04:  # a repeated heading
                blocks.append([(headings[part], f"PART{part}")])
        prose[part] = prose_lines(part, year, values, facts, rng, chapters)
        blocks += prose[part]
        if part in tables and rng.random() > 0.03:
            blocks.append(tables[part])
    return Report(agency, year, template, values, blocks, headings, prose, [s for line in title for s in line])


# ---------------------------------------------------------------- surfaces


def _grid_segments(grid: Grid, surface: str, rng: random.Random, level: float) -> list[Segment]:
    out: list[Segment] = []
    for r, row in enumerate(grid.rows):
        cells = [c for c in row if not (c.value and rng.random() < level * 0.04)]  # lost cells
        texts = [(noise.damage(c.text, rng, level) if not c.value else c.text, c.tag) for c in cells]
        if surface in ("cells", "pagelines"):
            for text, tag in texts:
                out += [(text, tag), ("\n\n", None)]
        elif surface == "docxdump":
            for text, tag in texts:
                out += [("\t", None), (text, tag), ("\n", None)]
            out.append(("\n", None))
        elif surface == "tabrows":
            for i, (text, tag) in enumerate(texts):
                out += [("\t" if i else "", None), (text, tag)]
            out.append(("\t" * rng.randint(0, 6) + "\n", None))
        elif surface == "markdown":
            for text, tag in texts:
                out += [("| ", None), (text, tag), (" ", None)]
            out.append(("|\n", None))
            if r == 0:
                out.append(("|" + "---|" * len(texts) + "\n", None))
        else:  # crawl: cells run together
            out += texts
    return out


def _line_separator(surface: str, rng: random.Random) -> str:
    return rng.choice(("", " ", "")) if surface == "crawl" else "\n" + "\n" * (rng.random() < 0.4)


def text_segments(report: Report, surface: str, rng: random.Random, level: float) -> list[Segment]:
    """The report flattened the way ``surface`` prints it."""
    out: list[Segment] = []
    width = rng.randint(22, 40)  # a page's line, in characters (``pagelines``)
    if surface == "crawl":
        for line in bank.CRAWL_HEADER:
            before, title, after = line.partition("{title}")
            fill = {"agency": report.agency, "next_year": report.year + 1, "p": rng.randint(0, 9)}
            # the header's title is the title the runtime reads (the first line naming the report): labelled
            out += [(before.format(**fill), None), *(report.title if title else []), (after.format(**fill), None)]
            out.append(("\n", None))
    for block in report.blocks:
        if isinstance(block, Grid):
            out += _grid_segments(block, surface, rng, level)
            continue
        if surface != "crawl" and rng.random() < 0.04:
            chrome = rng.choice(bank.CHROME).format(
                p=rng.randint(1, 9), q=rng.randint(9, 20), agency=report.agency, year=report.year
            )
            out += [(chrome, None), ("\n", None)]
        if surface == "markdown" and block and block[0][1] and block[0][1].startswith("PART"):
            out.append(("## ", None))
        line: list[Segment] = []
        for text, tag in block:
            damaged = noise.damage(text, rng, level) if tag not in (AGENCY, YEAR) else text
            line.append((noise.spaces_inside(damaged, rng, 0.05 * level) if tag in (AGENCY, YEAR) else damaged, tag))
            if rng.random() < level * 0.03:
                line.append((noise.garbage(rng), None))
        out += wrapped_line(line, width) if surface in WRAPPED_SURFACES else line
        out.append((_line_separator(surface, rng), None))
    return out


def wrapped_line(line: list[Segment], width: int) -> list[Segment]:
    """One line broken every ``width`` characters, as a page breaks it; a break inside a labelled
    segment stays inside it (the rules read ``受理政府\n信息公开申请 17 件`` as one statement)."""
    out: list[Segment] = []
    column = 0
    for text, tag in line:
        if column >= width and text:  # the page's line is full: the break comes before this segment
            out.append(("\n", None))
            column = 0
        pieces = []
        while column + len(text) > width:
            pieces.append(text[: width - column])
            text, column = text[width - column :], 0
        pieces.append(text)
        column += len(text)
        out.append(("\n".join(pieces), tag))
    return out


def rendered_segments(report: Report, surface: str) -> list[Segment]:
    """HTML/DOCX: render with ``govreport.render``, read back with the ingestion, align the labels."""
    spec = ReportSpec(
        agency=report.agency,
        year=report.year,
        template=report.template,
        values=report.values,
        parts={p: "\n".join("".join(t for t, _ in line) for line in lines) for p, lines in report.prose.items()},
        headings=report.headings,
    )
    if surface == "html":
        text = LOADERS["html"]("report.html", render_html(spec).encode("utf-8")).text
    else:
        with tempfile.TemporaryDirectory() as tmp:
            path = render_docx(spec, Path(tmp) / "report.docx")
            text = LOADERS["docx"](str(path), path.read_bytes()).text
    wanted: list[Segment] = [(report.agency, AGENCY), (str(report.year), YEAR)]
    for part in range(1, 7):
        if report.headings[part]:
            wanted.append((report.headings[part], f"PART{part}"))  # type: ignore[arg-type]
        wanted += [s for line in report.prose[part] for s in line if s[1]]
        if report.template and part in (2, 3, 4):
            layout = table_layouts(report.template, report.values)[part - 2]
            for cell in sorted(layout.cells, key=lambda c: (c.row, c.col)):
                tag = cell_tag(cell, report.template, layout.name)
                if tag:
                    wanted.append((cell.text, tag))
    return align(text, wanted)


def align(text: str, wanted: list[Segment]) -> list[Segment]:
    """``text`` cut into segments where the labelled pieces stand, found in order."""
    out: list[Segment] = []
    cursor = 0
    for piece, tag in wanted:
        at = text.find(piece, cursor)
        if at < 0:
            continue
        out += [(text[cursor:at], None), (piece, tag)]
        cursor = at + len(piece)
    out.append((text[cursor:], None))
    return out


def to_example(segments: list[Segment]) -> tuple[str, list[int]]:
    """Text and one BIO label id per character."""
    text, labels = [], []
    for piece, tag in segments:
        text.append(piece)
        if tag is None:
            labels += [0] * len(piece)
        elif piece:
            labels += [LABEL_ID[f"B-{tag}"]] + [LABEL_ID[f"I-{tag}"]] * (len(piece) - 1)
    return "".join(text), labels


def make_example(rng: random.Random, index: int) -> dict:
    report = make_report(rng)
    surface = rng.choices(SURFACES, SURFACE_WEIGHTS)[0]
    level = 0.0 if rng.random() < 0.4 or surface in ("html", "docx") else rng.uniform(0.2, 0.8)
    segments = (
        rendered_segments(report, surface)
        if surface in ("html", "docx")
        else text_segments(report, surface, rng, level)
    )
    text, labels = to_example(segments)
    return {"id": index, "surface": surface, "template": report.template or "none", "noise": round(level, 2),
            "wrapped": surface in WRAPPED_SURFACES, "text": text, "labels": labels}  # fmt: skip


def make_split(n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    return [make_example(rng, i) for i in range(n)]


def build_dataset(train: int, validation: int, test: int, seed: int):
    """A ``datasets.DatasetDict`` with the three splits, each from its own seed."""
    from datasets import Dataset, DatasetDict

    sizes = {"train": train, "validation": validation, "test": test}
    return DatasetDict(
        {name: Dataset.from_list(make_split(n, seed * 1000 + i)) for i, (name, n) in enumerate(sizes.items())}
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--train", type=int, default=1200)
    parser.add_argument("--validation", type=int, default=150)
    parser.add_argument("--test", type=int, default=150)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    build_dataset(args.train, args.validation, args.test, args.seed).save_to_disk(args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
