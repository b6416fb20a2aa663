"""One report through every stage: ingest → sections → form → tables → prose → validation →
calibrated confidence and review → result.

``extract`` never raises for a bad document: the result carries the error, so a
batch goes on. It runs under the document ``Limits`` (``options.py``): a
document over one gets an error naming it.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

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
    started = time.perf_counter()
    limits = limits or active_limits()
    try:
        with limits_in_force(limits), time_limit(limits.seconds):
            doc = load(path)
            check_size(doc, limits)
            result = process(doc, labeller, review_below, policy)
    except GovReportError as exc:
        result = ReportResult(doc=str(path), error=str(exc))
    except MemoryError:
        result = ReportResult(doc=str(path), error=memory_message(limits))
    except RecursionError:
        result = ReportResult(doc=str(path), error="the document is nested too deeply to read")
    except Exception as exc:  # a bug must not stop a batch; it is reported with its type
        result = ReportResult(doc=str(path), error=f"internal error: {type(exc).__name__}: {exc}")
    result.seconds = round(time.perf_counter() - started, 4)
    result.tool_version = __version__
    result.labeller = result.labeller or labeller  # a failed document records the mode asked for
    return result
