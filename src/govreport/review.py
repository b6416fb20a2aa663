"""The review list: the keys of one result a person should check before relying on them.

A key is listed (FIELDS.md "Review list") where its calibrated confidence is below
the review threshold, where it is a cell of a broken identity, where it was
derived but the identities do not determine it from the printed cells, where it was
read from evidence other than its table cell, or where it was placed in its row by a
guess nothing checks (table 2's numbers after a label that printed none). A wrong value outside the list is a
silent error; the threshold (``REVIEW_BELOW``, chosen by ``eval/calibrate.py`` on
held-apart values) is where silent errors stay under 0.1% of values while the
list stays as short as it can.
"""

from __future__ import annotations

from govreport.calibrate import PLACED, shipped_calibration
from govreport.identities import identities
from govreport.schema import DERIVED_OVER_AMBIGUOUS, ReportResult, ReviewReason, SectionResult, Value
from govreport.validate import rederive

# (the shipped calibration's threshold; ``--review-below P`` overrides it)
REVIEW_BELOW = shipped_calibration().review_below


def _keyed(result: ReportResult) -> dict[str, Value | SectionResult]:
    items: dict[str, Value | SectionResult] = {f.key: f for f in result.facts}
    items.update({f"section.{s.part}": s for s in result.sections})
    items.update({c.key: c for c in result.cells})
    return items


def pinned_derived(result: ReportResult) -> set[str]:
    """Derived cells the identities determine from the printed cells alone: solving them again
    from the printed values (``validate.rederive``) gives the same value. Never a cell whose
    print reads several ways: the identities fill it only as if the report held them."""
    if result.meta.template is None:
        return set()
    again, _ = rederive(result.cells, identities(result.meta.template))
    derived = [
        c
        for c in result.cells
        if c.method == "derived" and c.value is not None and not (c.note or "").startswith(DERIVED_OVER_AMBIGUOUS)
    ]
    return {c.key for c in derived if _same(again[c.key], c.value)}


def _same(a: object, b: object) -> bool:
    return isinstance(a, int | float) and isinstance(b, int | float) and abs(a - b) < 1e-6


def risk_order(explained: bool, reasons: int, confidence: float | None) -> tuple[bool, int, float]:
    """The sort key of a listed value, most risky first: the one cell an explanation names, then
    more reasons, then lower confidence (for one result's list and for a batch's)."""
    return (not explained, -reasons, confidence if confidence is not None else 0.0)


def review_reasons(result: ReportResult, review_below: float | None = None) -> dict[str, list[ReviewReason]]:
    """Every listed key and why, most risky first."""
    threshold = REVIEW_BELOW if review_below is None else review_below
    reasons: dict[str, list[ReviewReason]] = {}

    def add(key: str, reason: ReviewReason) -> None:
        listed = reasons.setdefault(key, [])
        if reason not in listed:
            listed.append(reason)

    items = _keyed(result)
    for key, item in items.items():
        if item.confidence < threshold:
            add(key, "low_confidence")
    for finding in result.findings:
        if finding.kind == "broken_identity":
            for key in finding.cells:
                add(key, "broken_identity")
    pinned = pinned_derived(result)
    for cell in result.cells:
        if cell.method == "derived" and cell.key not in pinned:
            add(cell.key, "derived_not_unique")
        if cell.method == "evidence":
            add(cell.key, "evidence")
        if cell.path == PLACED and cell.value is not None:
            add(cell.key, "unchecked_placing")
    for fact in result.facts:
        if fact.method == "evidence":
            add(fact.key, "evidence")
    explained = {k for f in result.findings if f.kind == "explanation" for k in f.cells}

    def risk(key: str) -> tuple[bool, int, float]:
        item = items.get(key)
        return risk_order(key in explained, len(reasons[key]), item.confidence if item is not None else None)

    return {key: reasons[key] for key in sorted(reasons, key=risk)}


def add_review(result: ReportResult, review_below: float | None = None) -> ReportResult:
    """Set ``result.review`` (most risky first) and ``result.review_reasons``."""
    result.review_reasons = review_reasons(result, review_below)
    result.review = list(result.review_reasons)
    return result
