"""One report through every stage: ingest → sections → form → tables → prose → validation →
calibrated confidence and review → result.

``extract`` never raises for a bad document: the result carries the error, so a
batch goes on. It runs under the document ``Limits`` (``options.py``): a
document over one gets an error naming it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from copy import deepcopy
from pathlib import Path
from typing import TypeVar

from govreport import __version__
from govreport.calibrate import calibrate
from govreport.document import Document, TextBlock
from govreport.errors import GovReportError, NotAReport
from govreport.form.detect import detect_template
from govreport.ingest import load
from govreport.labelling.labeller import DEFAULT_POLICY, Labeller, LabellerPolicy, Mode
from govreport.options import Limits, active_limits, limits_in_force, memory_message, time_limit
from govreport.review import add_review
from govreport.schema import Finding, ReportMeta, ReportResult, Value
from govreport.sections import find_sections
from govreport.tables.mapping import map_tables
from govreport.validate import validate

T = TypeVar("T")


def process(
    doc: Document,
    labeller: Mode = "hybrid",
    review_below: float | None = None,
    policy: LabellerPolicy = DEFAULT_POLICY,
) -> ReportResult:
    """Run the stages after ingestion on a loaded document; ``labeller`` picks who decides
    sections, table row labels and prose facts (``rules``, ``model`` or ``hybrid``; the
    hybrid's order per decision is ``policy``'s). ``result.labeller`` is the mode that ran;
    ``review_below`` overrides the review threshold (``govreport.review.REVIEW_BELOW``)."""
    decider = Labeller(doc, labeller, policy)
    find_sections(doc, decider.section_finder())
    facts = decider.facts()
    year = next((f.value for f in facts if f.key == "meta.year"), None)
    doc.template = detect_template(doc, year if isinstance(year, int) else None)
    _check_is_report(doc)
    cells = map_tables(doc, decider.anchor_finder())
    findings = validate(doc, cells, facts)
    template_fact = Value(key="meta.template", value=doc.template, method="rules", raw=doc.template)
    meta_values = {f.key: f.value for f in facts}
    result = ReportResult(
        doc=doc.path,
        meta=ReportMeta(
            agency=meta_values.get("meta.agency"),  # type: ignore[arg-type]
            year=meta_values.get("meta.year"),  # type: ignore[arg-type]
            template=doc.template,  # type: ignore[arg-type]
            format=doc.format,
            encoding=doc.encoding,
            pages=doc.n_pages,
        ),
        sections=doc.sections,
        cells=cells,
        facts=[*facts, template_fact],
        findings=findings,
        labeller=decider.mode,
    )
    return add_review(calibrate(result), review_below)


def _check_is_report(doc: Document) -> None:
    """A document with none of the six parts and no table of the form is not a report;
    one with parts but no table is (some state their figures in prose only), noted."""
    found_parts = [s.part for s in doc.sections if s.heading]
    if doc.template is None and not found_parts:
        raise NotAReport("not an annual disclosure report: none of its six parts and no table of the form found")
    if doc.template is None:
        doc.findings.append(
            Finding(kind="warning", message="no table of the form found: only prose facts and sections extracted")
        )


def check_size(doc: Document, limits: Limits) -> None:
    """Raise ``LimitExceeded`` for a loaded document larger than the limits allow (lines, table
    grids of any format, digit runs), before the stages whose cost grows with it."""
    lines = sum(1 if isinstance(block, TextBlock) else block.n_rows for block in doc.blocks)
    limits.check("lines", lines)
    for table in doc.tables:
        limits.check("table_cells", table.n_rows * table.n_cols)
    if limits.digit_run:
        run = re.search(rf"\d{{{limits.digit_run + 1},}}", doc.text)
        if run is not None:
            limits.check("digit_run", len(run.group()))


def extract(
    path: str | Path,
    labeller: Mode = "hybrid",
    limits: Limits | None = None,
    review_below: float | None = None,
    policy: LabellerPolicy = DEFAULT_POLICY,
) -> ReportResult:
    """Extract one report under ``limits`` (default: those in force, ``options.active_limits``), listing
    for review the values below ``review_below`` (default ``review.REVIEW_BELOW``); errors become
    ``result.error``."""
    return extract_modes(path, (labeller,), limits, review_below, policy)[labeller]


def extract_modes(
    path: str | Path,
    labellers: tuple[Mode, ...] | list[Mode],
    limits: Limits | None = None,
    review_below: float | None = None,
    policy: LabellerPolicy = DEFAULT_POLICY,
) -> dict[Mode, ReportResult]:
    """``extract`` in several labeller modes, the document loaded (and OCR'd) once: each mode
    reads its own copy. Each result's ``seconds`` is the load's and its own, what ``extract``
    in that mode alone takes. ``limits.seconds`` bounds the load and the mode together for
    one mode; for several, the load and each mode."""
    limits = limits or active_limits()
    started = time.perf_counter()
    if len(labellers) == 1:
        mode = labellers[0]
        result = _guarded(path, limits, lambda: process(_loaded(path, limits), mode, review_below, policy))
        return {mode: _stamped(result, mode, time.perf_counter() - started)}
    loaded = _guarded(path, limits, lambda: _loaded(path, limits))
    load_seconds = time.perf_counter() - started
    results: dict[Mode, ReportResult] = {}
    for mode in labellers:
        begun = time.perf_counter()
        if isinstance(loaded, ReportResult):  # the load failed: every mode says why
            result = loaded.model_copy(deep=True)
        else:
            copy = deepcopy(loaded)
            result = _guarded(path, limits, lambda copy=copy, mode=mode: process(copy, mode, review_below, policy))
        results[mode] = _stamped(result, mode, load_seconds + time.perf_counter() - begun)
    return results


def _stamped(result: ReportResult, mode: Mode, seconds: float) -> ReportResult:
    result.seconds = round(seconds, 4)
    result.tool_version = __version__
    result.labeller = result.labeller or mode  # a failed document records the mode asked for
    return result


def _loaded(path: str | Path, limits: Limits) -> Document:
    doc = load(path)
    check_size(doc, limits)
    return doc


def _guarded(path: str | Path, limits: Limits, work: Callable[[], T]) -> T | ReportResult:
    """``work()`` under ``limits``; an error becomes a result that says it in one line (a bug must
    not stop a batch: it is reported with its type)."""
    try:
        with limits_in_force(limits), time_limit(limits.seconds):
            return work()
    except GovReportError as exc:
        return ReportResult(doc=str(path), error=str(exc))
    except MemoryError:
        return ReportResult(doc=str(path), error=memory_message(limits))
    except RecursionError:
        return ReportResult(doc=str(path), error="the document is nested too deeply to read")
    except Exception as exc:
        return ReportResult(doc=str(path), error=f"internal error: {type(exc).__name__}: {exc}")
