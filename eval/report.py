"""Benchmark report: every gold fixture in every form the project can make, every labeller mode.

    python eval/report.py --out reports/benchmark                  # all formats (scans take minutes)
    python eval/report.py --out /tmp/r --formats original docx html --labellers rules hybrid

Renditions of each gold fixture: ``original`` (the document as published), ``flattened``
(a text original with its lines run together, as crawlers flatten pages), ``docx`` and
``html`` (its tables rendered in the official layout), ``pdf`` (that HTML printed by
Chromium; r002 is a real PDF), ``garbled`` (the PDF without its ToUnicode maps) and
``scan`` (the PDF rasterized at 200 dpi with tilt, blur, noise and JPEG) and the damaged
scans of ``eval/degrade.py`` (``scan-seal``, ``scan-skew``, ``scan-lowres``,
``scan-photocopy``, ``scan-photo``, ``scan-borderless``, ``scan-halfruled``), the damaged
scans of the second, independent generator ``eval/damage.py`` (``scan-rot90``, ``scan-fax``, ``scan-marks``, ...), and
``scan-heading-blanks`` (a clean scan of the fixture printed with a blank after each heading
numeral's 、, the gold's headings too). PDF renditions need Chromium and a CJK font and are
skipped without them; ``--cache`` keeps them for the next run.

Other producers' renditions (``eval/producers.py``): ``docx-office`` and ``pdf-office``
(LibreOffice's DOCX and PDF, with page numbers), ``scan-office`` (that PDF printed and
scanned as ``scan`` is: a Word-style printout), ``pdftotext-layout`` and
``pdftotext-layout-office`` (those PDFs as text laid out by position, poppler's
``pdftotext -layout``), ``pdftotext-text`` and ``pdftotext-text-office`` (the same in
poppler's reading order), ``pypdf-text`` and ``pypdf-text-office`` (pypdf's text of them);
and those classes typeset by ``eval/layout_text.py``: ``layout-text`` (cells centred),
``layout-text-top``, ``layout-text-heading`` and ``layout-text-top-heading`` (each part's heading
right above its table), ``labels-apart-text`` (each table's labels, then its numbers) and
``labels-apart-columns`` (the same, some runs of rows' numbers column by column),
``drawing-order-text`` (table 3 in paragraphs of one column each, as ``pdftotext`` prints it) and
``drawing-order-late-text`` (the same on pages of 20 rows, the first page's first column drawn after the
other pages and its last after the heading that follows the table, as pdftotext printed seed-003).

Issue 9's layout classes (``eval/variations.py``) are formats too: ``md-txt``,
``md-headings``, ``html-txt``, ``converter-md``, ``md-html-tables``, ``negative-runs``, ``lost-cell``,
``merged-labels``, and the printed-table classes ``label-styles``, ``cell-formats``,
``header-variants`` and ``table-pieces``, each as HTML and as ``-docx``, ``-md``, ``-txt`` (a cell
per line) and ``-run`` (each row's cells run together), and ``framed-docx``; the wording classes
(``eval/rewording.py``) too: ``wording-title``, ``wording-headings``, ``wording-prose``.

Writes ``report.md``, ``report.json`` and PNG plots: accuracy per input format and group
(tables, sections, meta, prose), identity precision/recall, the silent error rate (wrong
values neither in the result's review list nor inside a broken identity) and the share
of values listed, the calibration of the confidences per reading path (a reliability
diagram and expected calibration error, k-fold over fixtures with ``eval/calibrate.py``'s
fitting, so on values the maps did not see), the curve of silent errors against the
share of values listed and the threshold chosen on it, speed (docs/s, s/page) and peak
memory, labeller modes side by side.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))  # runs from a checkout without installing
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "eval"))

from bench import peak_rss_mib  # noqa: E402
from calibrate import choose_threshold, curve, ece, held_apart, observations  # noqa: E402
from conftest import GOLD, GoldCase, gold_cases  # noqa: E402
from damage import KINDS as MORE_SCAN_DAMAGE  # noqa: E402
from layout_text import Apart, DrawingOrder, Style, layout_text  # noqa: E402
from producers import office_convert, office_path, pdftotext, pdftotext_path, pypdf_text, with_page_furniture  # noqa: E402
from rewording import WORDING_GENERATORS  # noqa: E402
from variations import GENERATORS, Variant, blank_after_numerals  # noqa: E402

from govreport.evaluate import (  # noqa: E402
    GROUPS,
    GroupCount,
    IdentityCount,
    flagged_keys,
    load_gold,
    reliability,
    score,
    values_equal,
)

SCAN_DAMAGE = ("seal", "skew", "lowres", "photocopy", "photo", "borderless", "halfruled")  # eval/degrade.py's kinds
SCAN_FORMATS = ("scan", *(f"scan-{k}" for k in SCAN_DAMAGE + MORE_SCAN_DAMAGE), "scan-heading-blanks")
FORMATS = (
    "original",
    "flattened",
    "docx",
    "html",
    "pdf",
    "garbled",
    *SCAN_FORMATS,
    "docx-office",
    "pdf-office",
    "scan-office",
    "pdftotext-layout",
    "pdftotext-layout-office",
    "pdftotext-text",
    "pdftotext-text-office",
    "pypdf-text",
    "pypdf-text-office",
    "layout-text",
    "layout-text-top",
    "layout-text-heading",
    "layout-text-top-heading",
    "labels-apart-text",
    "labels-apart-columns",
    "drawing-order-text",
    "drawing-order-late-text",
    *GENERATORS,
    *WORDING_GENERATORS,
)
LABELLERS = ("rules", "model", "hybrid")


# ---------------------------------------------------------------- renditions
def pdf_tools_ready() -> bool:
    from govreport.render.pdf import chromium_path

    return chromium_path() is not None


def _spec(case: GoldCase):
    from govreport.render import ReportSpec

    return ReportSpec.from_gold(GOLD / f"{case.name}.json")


def _make_flattened(case: GoldCase, folder: Path) -> Path | None:
    if case.document.suffix not in (".txt", ".md"):
        return None
    lines = case.document.read_text(encoding="utf-8").splitlines()
    path = folder / f"{case.name}.flat.txt"
    path.write_text("".join(line.strip() for line in lines), encoding="utf-8")
    return path


def _make_docx(case: GoldCase, folder: Path) -> Path:
    from govreport.render import render_docx

    return render_docx(_spec(case), folder / f"{case.name}.docx")


def _make_html(case: GoldCase, folder: Path) -> Path:
    from govreport.render import render_html

    path = folder / f"{case.name}.html"
    path.write_text(render_html(_spec(case)), encoding="utf-8")
    return path


def _make_pdf(case: GoldCase, folder: Path) -> Path:
    from govreport.render.pdf import render_pdf

    if case.document.suffix == ".pdf":
        return case.document
    path = folder / f"{case.name}.pdf"
    return path if path.exists() else render_pdf(_spec(case), path)


def _make_garbled(case: GoldCase, folder: Path) -> Path:
    from govreport.render.pdf import garble_pdf

    return garble_pdf(_make_pdf(case, folder), folder / f"{case.name}.garbled.pdf")


def _make_scan(case: GoldCase, folder: Path) -> Path:
    from govreport.render.pdf import scan_pdf

    path = folder / f"{case.name}.scan.pdf"
    return path if path.exists() else scan_pdf(_make_pdf(case, folder), path, dpi=200, seed=7)


def _make_heading_blanks_scan(case: GoldCase, folder: Path) -> Variant:
    """A clean scan of the fixture printed with a blank after every heading numeral's 、
    (``二、 主动公开…``): OCR never reads a blank, the reader must put it back."""
    from govreport.render.pdf import render_pdf, scan_pdf

    values = blank_after_numerals(case.values)
    spec = _spec(case)
    spec = spec.model_copy(update={"headings": {p: values.get(f"section.{p}") for p in spec.headings or {}}})
    pdf = render_pdf(spec, folder / f"{case.name}.heading-blanks.pdf")
    scan = scan_pdf(pdf, folder / f"{case.name}.heading-blanks.scan.pdf", dpi=200, seed=7)
    return Variant(scan, replace(case, values=values))


def _office_docx(case: GoldCase, folder: Path) -> Path:
    path = folder / f"{case.name}.office.docx"
    return path if path.exists() else office_convert(_make_docx(case, folder), "docx", path)


def _office_pdf(case: GoldCase, folder: Path) -> Path:
    path = folder / f"{case.name}.office.pdf"
    if path.exists():
        return path
    furnished = with_page_furniture(_make_docx(case, folder), folder / f"{case.name}.furnished.docx")
    return office_convert(furnished, "pdf", path)


def _office_scan(case: GoldCase, folder: Path) -> Path:
    from govreport.render.pdf import scan_pdf

    path = folder / f"{case.name}.office.scan.pdf"
    return path if path.exists() else scan_pdf(_office_pdf(case, folder), path, dpi=200, seed=7)


def _pdftotext(make_pdf: Callable[[GoldCase, Path], Path], layout: bool) -> Callable[[GoldCase, Path], Path]:
    def make(case: GoldCase, folder: Path) -> Path:
        pdf = make_pdf(case, folder)
        return pdftotext(pdf, folder / f"{pdf.stem}.{'layout' if layout else 'reading'}.txt", layout)

    return make


def _pypdf(make_pdf: Callable[[GoldCase, Path], Path]) -> Callable[[GoldCase, Path], Path]:
    def make(case: GoldCase, folder: Path) -> Path:
        pdf = make_pdf(case, folder)
        return pypdf_text(pdf, folder / f"{pdf.stem}.pypdf.txt")

    return make


def _typeset(style: Style | Apart, name: str) -> Callable[[GoldCase, Path], Path]:
    def make(case: GoldCase, folder: Path) -> Path:
        path = folder / f"{case.name}.{name}.txt"
        path.write_text(layout_text(_spec(case), style), encoding="utf-8")
        return path

    return make


def _damaged_scan(kind: str) -> Callable[[GoldCase, Path], Path]:
    """A maker of ``kind``'s damaged scan (either generator's kind), made once into its folder."""

    def make(case: GoldCase, folder: Path) -> Path:
        from damage import damage
        from degrade import degrade

        path = folder / f"{case.name}.scan-{kind}.pdf"
        if path.exists():
            return path
        return (damage if kind in MORE_SCAN_DAMAGE else degrade)(_make_pdf(case, folder), kind, path, seed=7)

    return make


MAKERS: dict[str, Callable[[GoldCase, Path], Path | Variant | None]] = {
    "original": lambda case, _folder: case.document,
    "flattened": _make_flattened,
    "docx": _make_docx,
    "html": _make_html,
    "pdf": _make_pdf,
    "garbled": _make_garbled,
    "scan": _make_scan,
    **{f"scan-{kind}": _damaged_scan(kind) for kind in SCAN_DAMAGE + MORE_SCAN_DAMAGE},
    "scan-heading-blanks": _make_heading_blanks_scan,
    "docx-office": _office_docx,
    "pdf-office": _office_pdf,
    "scan-office": _office_scan,
    "pdftotext-layout": _pdftotext(_make_pdf, layout=True),
    "pdftotext-layout-office": _pdftotext(_office_pdf, layout=True),
    "pdftotext-text": _pdftotext(_make_pdf, layout=False),
    "pdftotext-text-office": _pdftotext(_office_pdf, layout=False),
    "pypdf-text": _pypdf(_make_pdf),
    "pypdf-text-office": _pypdf(_office_pdf),
    "layout-text": _typeset(Style(), "centred"),
    "layout-text-top": _typeset(Style(centred=False), "top"),
    "layout-text-heading": _typeset(Style(lead_in=False), "centred-heading"),
    "layout-text-top-heading": _typeset(Style(centred=False, lead_in=False), "top-heading"),
    "labels-apart-text": _typeset(Apart(), "apart"),
    "labels-apart-columns": _typeset(Apart(column_runs=True), "columns"),
    "drawing-order-text": _typeset(DrawingOrder(), "drawn"),
    "drawing-order-late-text": _typeset(DrawingOrder(rows_per_page=20, first_page_late=True), "drawn-late"),
    **GENERATORS,  # issue 9's layout classes (eval/variations.py); a variant may change the gold
    **WORDING_GENERATORS,  # the wording classes (eval/rewording.py): title, part headings, prose facts
}
NEEDS_CHROMIUM = {"pdf", "garbled", *SCAN_FORMATS, "pdftotext-layout", "pdftotext-text", "pypdf-text"}
NEEDS_OFFICE = {
    "docx-office",
    "pdf-office",
    "scan-office",
    "pdftotext-layout-office",
    "pdftotext-text-office",
    "pypdf-text-office",
}
NEEDS_PDFTOTEXT = {"pdftotext-layout", "pdftotext-layout-office", "pdftotext-text", "pdftotext-text-office"}


def missing_tool(fmt: str) -> str | None:
    """The tool ``fmt``'s renditions need that this machine lacks, or None."""
    if fmt in NEEDS_CHROMIUM and not pdf_tools_ready():
        return "Chromium"
    if fmt in NEEDS_OFFICE and not office_path():
        return "LibreOffice"
    if fmt in NEEDS_PDFTOTEXT and not pdftotext_path():
        return "pdftotext"
    return None


# ---------------------------------------------------------------- scoring one run
@dataclass
class RunScore:
    """One (format, labeller) run over every fixture."""

    format: str
    labeller: str
    documents: int = 0
    pages: int = 0
    seconds: float = 0.0
    peak_rss_mib: float | None = None
    errors: dict[str, str] = field(default_factory=dict)
    groups: dict[str, GroupCount] = field(default_factory=lambda: {g: GroupCount() for g in GROUPS})
    hard: IdentityCount = field(default_factory=IdentityCount)
    soft: IdentityCount = field(default_factory=IdentityCount)
    table_values: int = 0
    scored_values: int = 0  # every gold key of every document read
    listed_values: int = 0  # of them, in the review list or a broken identity
    observations: list[Any] = field(default_factory=list)  # eval/calibrate.py's, for the per-path calibration
    per_document: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> accuracy and misses
    silent_errors: list[dict[str, Any]] = field(default_factory=list)
    flagged_errors: int = 0
    # (confidence, right) for every scored table value that was read (not null)
    confidences: list[tuple[float, bool]] = field(default_factory=list)

    def add(self, case: GoldCase, result: Any, gold: Any) -> None:
        data = result.to_json_dict()
        doc_score = score(gold, data)
        self.documents += 1
        self.pages += result.meta.pages or 1
        self.seconds += result.seconds or 0.0
        if result.error:
            self.errors[case.name] = result.error
        self.groups = {g: self.groups[g].add(doc_score.groups[g]) for g in GROUPS}
        self.hard, self.soft = self.hard.add(doc_score.hard), self.soft.add(doc_score.soft)
        total = GroupCount()
        for count in doc_score.groups.values():
            total = total.add(count)
        confidence = {c.key: c.confidence for c in result.cells}
        self.per_document[case.name] = {
            "accuracy": total.accuracy,
            "misses": [
                {"key": m.key, "gold": m.gold, "read": m.predicted, "confidence": confidence.get(m.key)}
                for m in doc_score.misses
            ],
        }
        self._add_values(case, result)
        self.observations += observations(result, case.values, case.name, self.format, self.labeller)

    def _add_values(self, case: GoldCase, result: Any) -> None:
        """Every gold key: right, flagged (review list or broken identity) or a silent error."""
        if result.error:
            return
        flagged = flagged_keys(result)
        read = result.values
        confidence = {c.key: c.confidence for c in [*result.cells, *result.facts]}
        confidence.update({f"section.{s.part}": s.confidence for s in result.sections})
        for key, gold in case.values.items():
            self.scored_values += 1
            self.listed_values += key in flagged
            right = key in read and values_equal(gold, read[key])
            if key.startswith(("t2.", "t3.", "t4.")):
                self.table_values += 1
                if read.get(key) is not None:
                    self.confidences.append((confidence.get(key, 0.0), right))
            if right:
                continue
            if key in flagged:
                self.flagged_errors += 1
            else:
                self.silent_errors.append({"doc": case.name, "key": key, "gold": gold, "read": read.get(key)})

    @property
    def silent_error_rate(self) -> float | None:
        return len(self.silent_errors) / self.scored_values if self.scored_values else None

    @property
    def listed_share(self) -> float | None:
        return self.listed_values / self.scored_values if self.scored_values else None

    def summary(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "labeller": self.labeller,
            "documents": self.documents,
            "errors": self.errors,
            "accuracy": {g: c.accuracy for g, c in self.groups.items()},
            "counts": {g: [c.right, c.total] for g, c in self.groups.items()},
            "identities_hard": {"precision": self.hard.precision, "recall": self.hard.recall},
            "identities_soft": {"precision": self.soft.precision, "recall": self.soft.recall},
            "table_values": self.table_values,
            "scored_values": self.scored_values,
            "listed_values": self.listed_values,
            "listed_share": self.listed_share,
            "wrong_flagged": self.flagged_errors,
            "silent_errors": self.silent_errors,
            "per_document": self.per_document,
            "silent_error_rate": self.silent_error_rate,
            "docs_per_s": self.documents / self.seconds if self.seconds else None,
            "s_per_page": self.seconds / self.pages if self.pages else None,
            "peak_rss_mib": self.peak_rss_mib,
        }


def run(formats: list[str], labellers: list[str], only: list[str] | None, folder: Path) -> list[RunScore]:
    """Every (format, labeller) run; each rendition is loaded (OCR'd) once for all labeller modes
    (``pipeline.extract_modes``: a result's seconds are still the load's and its mode's)."""
    from govreport.pipeline import extract_modes

    golds = {g.name: g for g in load_gold(GOLD).values()}
    cases = [c for c in gold_cases({".txt", ".md", ".html", ".pdf"}) if not only or c.name in only]
    scores = []
    for fmt in formats:
        if tool := missing_tool(fmt):
            print(f"skipping {fmt}: {tool} is not installed", file=sys.stderr)
            continue
        made = {case.name: MAKERS[fmt](case, folder) for case in cases}
        runs = {labeller: RunScore(fmt, labeller) for labeller in labellers}
        started = time.perf_counter()
        for case in cases:
            rendition = made[case.name]
            if rendition is None:
                continue  # no such rendition of this document (flattening a PDF)
            gold = golds[case.document.name]
            if isinstance(rendition, Variant):  # read back to the variant's own values
                case, rendition = rendition.case, rendition.path
                gold = gold.model_copy(update={"values": case.values})
            for labeller, result in extract_modes(rendition, labellers).items():
                runs[labeller].add(case, result, gold)
        for run_score in runs.values():
            run_score.peak_rss_mib = peak_rss_mib()
        print(f"{fmt:9} {time.perf_counter() - started:6.1f} s", file=sys.stderr)
        scores += runs.values()
    return scores


# ---------------------------------------------------------------- calibration
MIN_PATH_VALUES = 200  # paths with fewer values are shown but not held to the ECE target
RELIABILITY_STEPS = (*(i / 10 for i in range(10)), 1.0001)


def calibration(scores: list[RunScore]) -> list[dict[str, Any]]:
    """Reliability of the value confidences over every run (``govreport.evaluate.reliability``)."""
    return reliability(p for s in scores for p in s.confidences)


def held_apart_calibration(scores: list[RunScore]) -> dict[str, Any]:
    """Per path, the reliability and ECE of maps fitted k-fold over fixtures (``eval/calibrate.py``),
    so each value is scored by maps that did not see its fixture; the silent-error curve over the
    share of values listed and the point the threshold rule chooses on it."""
    obs = [o for s in scores for o in s.observations]
    if not obs:
        return {"paths": {}, "curve": [], "chosen": None, "values": 0}
    probs = held_apart(obs)
    right = np.array([o.right for o in obs], dtype=float)
    paths = {}
    for path in sorted({o.path for o in obs}):
        mask = np.array([o.path == path for o in obs])
        paths[path] = {
            "values": int(mask.sum()),
            "accuracy": float(right[mask].mean()),
            "ece": ece(probs[mask], right[mask]),
            "reliability": reliability(zip(probs[mask], right[mask] > 0, strict=True), RELIABILITY_STEPS),
        }
    points = curve(probs, obs)
    return {
        "values": len(obs),
        "ece": ece(probs, right),
        "paths": paths,
        "curve": points,
        "chosen": choose_threshold(points),
    }


# ---------------------------------------------------------------- writing
def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.2f}%"


def _num(value: float | None, fmt: str = "{:.2f}") -> str:
    return "—" if value is None else fmt.format(value)


def markdown(scores: list[RunScore], calib: list[dict[str, Any]], plots: list[str], held: dict[str, Any]) -> str:
    lines = ["# govreport benchmark", ""]
    lines += [
        "Every gold fixture in `tests/fixtures/gold`, in every input format the project can make, "
        "through every labeller mode. Produced by `python eval/report.py`.",
        "",
        "## Accuracy per input format and group",
        "",
        "Silent errors: wrong values (of every gold key) neither in the result's review list nor in a "
        "broken identity; listed: the share of values in either.",
        "",
        "| format | labeller | docs | tables | sections | meta | prose | hard identities P / R "
        "| silent errors | listed |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in scores:
        acc = {g: c.accuracy for g, c in s.groups.items()}
        lines.append(
            f"| {s.format} | {s.labeller} | {s.documents} | {_pct(acc['tables'])} | {_pct(acc['sections'])} "
            f"| {_pct(acc['meta'])} | {_pct(acc['prose'])} | {_pct(s.hard.precision)} / {_pct(s.hard.recall)} "
            f"| {len(s.silent_errors)} of {s.scored_values} ({_pct(s.silent_error_rate)}) | {_pct(s.listed_share)} |"
        )
    lines += ["", "## Speed and memory", "", "| format | labeller | docs/s | s/page | peak RSS (MiB) |"]
    lines += ["|---|---|---|---|---|"]
    for s in scores:
        summary = s.summary()
        lines.append(
            f"| {s.format} | {s.labeller} | {_num(summary['docs_per_s'], '{:.1f}')} "
            f"| {_num(summary['s_per_page'], '{:.3f}')} | {_num(s.peak_rss_mib, '{:.0f}')} |"
        )
    lines += _held_apart_markdown(held)
    lines += ["", "## Confidence calibration (table values read, all runs)", "", "| confidence | values | accuracy |"]
    lines += ["|---|---|---|"]
    lines += [f"| {row['bin']} | {row['count']} | {_pct(row['accuracy'])} |" for row in calib]
    silent = [e | {"format": s.format, "labeller": s.labeller} for s in scores for e in s.silent_errors]
    lines += ["", "## Silent errors", ""]
    lines += (
        [f"- {e['format']}/{e['labeller']} {e['doc']} `{e['key']}`: read {e['read']}, gold {e['gold']}" for e in silent]
        if silent
        else ["None: every wrong value is marked low-confidence or inside a broken identity."]
    )
    errored = [(s.format, s.labeller, d, m) for s in scores for d, m in s.errors.items()]
    if errored:
        lines += ["", "## Documents that failed", ""] + [f"- {f}/{lab} {d}: {m}" for f, lab, d, m in errored]
    lines += ["", "## Plots", ""] + [f"![{p}]({p})" for p in plots] + [""]
    return "\n".join(lines)


def _held_apart_markdown(held: dict[str, Any]) -> list[str]:
    lines = [
        "",
        "## Calibration per reading path (held apart)",
        "",
        f"Every value of every run, {held['values']} in all; each scored by per-path maps fitted (as "
        "`eval/calibrate.py` fits the shipped ones) on the other folds of fixtures (k = 5, every rendition "
        f"of a fixture in one fold). Expected calibration error over 10 bins; all values: "
        f"{_num(held.get('ece'), '{:.4f}')}. Paths with at least {MIN_PATH_VALUES} values are held to ECE ≤ 0.02.",
        "",
        "| path | values | accuracy | ECE |",
        "|---|---|---|---|",
    ]
    for path, row in held["paths"].items():
        lines.append(f"| {path} | {row['values']} | {_pct(row['accuracy'])} | {row['ece']:.4f} |")
    chosen = held.get("chosen")
    if chosen:
        lines += [
            "",
            "### Silent errors against values listed (held apart)",
            "",
            "Listing every value below a threshold (plus broken identities, derived values not pinned down "
            "and values read from evidence): the threshold rule takes the fewest values listed with silent "
            f"errors ≤ 0.1%: review below {chosen['threshold']:.4f}, {_pct(chosen['listed'])} listed, "
            f"{_pct(chosen['silent'])} silent. (The shipped threshold is fitted the same way with "
            "`eval/calibrate.py`.)",
            "",
            "| review below | listed | silent errors |",
            "|---|---|---|",
        ]
        lines += [
            f"| {p['threshold']:.4f} | {_pct(p['listed'])} | {_pct(p['silent'])} |"
            for p in _frontier(held["curve"], chosen)
        ]
    return lines


def _frontier(points: list[dict[str, float]], chosen: dict[str, float], limit: int = 15) -> list[dict[str, float]]:
    """The points where the silent-error rate drops (the best each share of values listed buys),
    thinned evenly to ``limit``, the chosen one always among them."""
    drops: list[dict[str, float]] = []
    for point in points:
        if not drops or point["silent"] < drops[-1]["silent"]:
            drops.append(point)
    step = max(1, len(drops) // limit)
    shown = {id(p): p for p in [*drops[::step], chosen, drops[-1]]}
    return sorted(shown.values(), key=lambda p: p["threshold"])


def plots(scores: list[RunScore], calib: list[dict[str, Any]], out: Path, held: dict[str, Any]) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = []
    runs = [f"{s.format}\n{s.labeller}" for s in scores]
    fig, ax = plt.subplots(figsize=(max(6, 1.1 * len(runs)), 4))
    width = 0.8 / len(GROUPS)
    for i, group in enumerate(GROUPS):
        heights = [100 * (s.groups[group].accuracy or 0) for s in scores]
        ax.bar([x + i * width for x in range(len(runs))], heights, width, label=group)
    ax.set_xticks([x + 0.4 - width / 2 for x in range(len(runs))], runs, fontsize=7)
    ax.set_ylim(min(90, *(100 * (s.groups["tables"].accuracy or 0) for s in scores)) - 1, 100.5)
    ax.set_ylabel("accuracy (%)")
    ax.set_title("Accuracy per input format and labeller")
    ax.legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    fig.savefig(out / "accuracy_by_format.png", dpi=120)
    names.append("accuracy_by_format.png")

    fig, ax = plt.subplots(figsize=(4.5, 4))
    ax.plot([0, 1], [0, 1], linestyle=":", color="grey")
    ax.plot([r["mean_confidence"] for r in calib], [r["accuracy"] for r in calib], marker="o")
    ax.set_xlabel("confidence (bin mean)")
    ax.set_ylabel("accuracy")
    ax.set_title("Calibration of value confidences")
    fig.tight_layout()
    fig.savefig(out / "calibration.png", dpi=120)
    names.append("calibration.png")

    shown = {p: r for p, r in held["paths"].items() if r["values"] >= MIN_PATH_VALUES}
    if shown:
        fig, ax = plt.subplots(figsize=(5.5, 5))
        ax.plot([0, 1], [0, 1], linestyle=":", color="grey")
        for path, row in shown.items():
            rel = row["reliability"]
            label = f"{path} (n={row['values']}, ECE {row['ece']:.3f})"
            ax.plot([r["mean_confidence"] for r in rel], [r["accuracy"] for r in rel], marker="o", label=label)
        ax.set_xlabel("calibrated confidence (bin mean, held apart)")
        ax.set_ylabel("share right")
        ax.set_title("Reliability per reading path")
        ax.legend(fontsize=6)
        fig.tight_layout()
        fig.savefig(out / "reliability_by_path.png", dpi=120)
        names.append("reliability_by_path.png")
    if held.get("chosen"):
        fig, ax = plt.subplots(figsize=(5.5, 4))
        ax.plot(
            [100 * p["listed"] for p in held["curve"]],
            [100 * p["silent"] for p in held["curve"]],
            drawstyle="steps-post",
        )
        chosen = held["chosen"]
        ax.plot([100 * chosen["listed"]], [100 * chosen["silent"]], marker="o", color="red")
        ax.annotate(
            f"review below {chosen['threshold']:.3f}", (100 * chosen["listed"], 100 * chosen["silent"]), fontsize=7
        )
        ax.axhline(0.1, linestyle=":", color="grey")
        ax.set_xscale("log")
        ax.set_xlabel("values listed for review (%)")
        ax.set_ylabel("silent errors (% of values)")
        ax.set_title("Silent errors against values listed (held apart)")
        fig.tight_layout()
        fig.savefig(out / "silent_vs_listed.png", dpi=120)
        names.append("silent_vs_listed.png")
    plt.close("all")
    return names


def write(scores: list[RunScore], out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    calib = calibration(scores)
    held = held_apart_calibration(scores)
    names = plots(scores, calib, out, held)
    body = {"runs": [s.summary() for s in scores], "calibration": calib, "held_apart": held}
    (out / "report.json").write_text(json.dumps(body, ensure_ascii=False, indent=2), encoding="utf-8")
    (out / "report.md").write_text(markdown(scores, calib, names, held), encoding="utf-8")
    return out / "report.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "reports" / "benchmark")
    parser.add_argument("--formats", nargs="+", choices=FORMATS, default=list(FORMATS))
    parser.add_argument("--labellers", nargs="+", choices=LABELLERS, default=list(LABELLERS))
    parser.add_argument("--only", nargs="+", help="gold fixture names, e.g. seed-003 real-r002")
    parser.add_argument("--cache", type=Path, help="keep the PDF renditions in this folder and reuse them")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="govreport-report-") as folder:
        cache = args.cache or Path(folder)
        cache.mkdir(parents=True, exist_ok=True)
        scores = run(args.formats, args.labellers, args.only, cache)
    report = write(scores, args.out)
    print(report.read_text(encoding="utf-8"))
    print(f"wrote {report}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
