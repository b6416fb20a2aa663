"""One report through every stage: ingest → sections → form → tables → prose → validation → result.

``extract`` never raises for a bad document: the result carries the error, so a
batch goes on.
"""

from __future__ import annotations

import time
from pathlib import Path

from govreport import __version__
from govreport.document import Document
from govreport.errors import GovReportError, NotAReport
from govreport.form.detect import detect_template
from govreport.ingest import load
from govreport.labelling.labeller import DEFAULT_POLICY, Labeller, LabellerPolicy, Mode
from govreport.schema import Finding, ReportMeta, ReportResult, Value
from govreport.sections import find_sections
from govreport.tables.mapping import map_tables
from govreport.validate import validate


def process(doc: Document, labeller: Mode = "hybrid", policy: LabellerPolicy = DEFAULT_POLICY) -> ReportResult:
    """Run the stages after ingestion on a loaded document; ``labeller`` picks who decides
    sections, table row labels and prose facts (``rules``, ``model`` or ``hybrid``; the
    hybrid's order per decision is ``policy``'s). ``result.labeller`` is the mode that ran."""
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
    return ReportResult(
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


def extract(path: str | Path, labeller: Mode = "hybrid", policy: LabellerPolicy = DEFAULT_POLICY) -> ReportResult:
    """Extract one report; errors become ``result.error``."""
    started = time.perf_counter()
    try:
        result = process(load(path), labeller, policy)
    except GovReportError as exc:
        result = ReportResult(doc=str(path), error=str(exc))
    except Exception as exc:  # a bug must not stop a batch; it is reported with its type
        result = ReportResult(doc=str(path), error=f"internal error: {type(exc).__name__}: {exc}")
    result.seconds = round(time.perf_counter() - started, 4)
    result.tool_version = __version__
    result.labeller = result.labeller or labeller  # a failed document records the mode asked for
    return result
