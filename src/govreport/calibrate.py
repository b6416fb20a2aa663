"""Calibrated confidence: each value's raw score mapped to the probability that it is right.

Every stage that produces a value sets its ``confidence`` to a raw score of its
own path (a grid cell, a cut digit run, an OCR cell, a cell the identities
derived, a prose rule, the learned model, a heading rule…); scores of different
paths mean different things. This stage records the ``path`` and keeps in
``score`` the raw score with two checks folded in: for a table value, what its
identities say (all hold, some open because a cell they need is unknown, none
cover it); for a part heading, whether it reads, whole, as the form words that
part (not cut short, no text run into it). It then replaces ``confidence`` with
the path's calibrated map, an isotonic step function fitted on the gold fixtures
and every benchmark rendition (``eval/calibrate.py`` refits it; the maps ship in
``govreport/data/calibration.json``). A path without a map of its own uses the
map fitted on all paths together.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

from govreport.identities import Identity, identities
from govreport.schema import ReportResult, SectionResult, Value
from govreport.sections import reads_as_heading
from govreport.validate import rederive

CALIBRATION_FILE = "calibration.json"
POOLED = "*"  # the map fitted on every path's values, for a path without its own
DERIVED = "derived"
PLACED = "placed"  # a table value placed in its row by a guess nothing checks (``review`` always lists it)
# how much a table value's score keeps by what its identities say: every identity it is in
# holds; some hold, some are open (a cell they need is unknown); outside every identity
# (table 2 has none); all open
_CHECKED, _PARTLY_CHECKED, _UNCHECKED, _OPEN = 1.0, 0.9, 0.97, 0.8
_ODD_HEADING = 0.7  # a part heading not worded as the form words it (cut short, text run into it)


@dataclass(frozen=True)
class StepMap:
    """A monotone map from score to probability: linear between the fitted points, flat outside."""

    scores: tuple[float, ...]
    probabilities: tuple[float, ...]

    def __call__(self, score: float) -> float:
        return float(np.interp(score, self.scores, self.probabilities))


@dataclass(frozen=True)
class Calibration:
    maps: dict[str, StepMap]
    review_below: float  # the review threshold chosen with these maps (``govreport.review``)

    def probability(self, path: str, score: float) -> float:
        step = self.maps.get(path) or self.maps.get(POOLED)
        return round(step(score), 6) if step else score

    @classmethod
    def from_json(cls, data: dict) -> Calibration:
        maps = {path: StepMap(tuple(m["scores"]), tuple(m["probabilities"])) for path, m in data["paths"].items()}
        return cls(maps, float(data["review_below"]))


@cache
def shipped_calibration() -> Calibration:
    text = resources.files("govreport").joinpath("data", CALIBRATION_FILE).read_text(encoding="utf-8")
    return Calibration.from_json(json.loads(text))


def load_calibration(path: str | Path | None = None) -> Calibration:
    """The maps in ``path``, or the shipped ones."""
    if path is None:
        return shipped_calibration()
    return Calibration.from_json(json.loads(Path(path).read_text(encoding="utf-8")))


def value_path(item: Value | SectionResult) -> str:
    """The path of a value whose stage did not name one, from its kind and method."""
    if item.path:
        return item.path
    if isinstance(item, SectionResult):
        if item.heading is None:  # a part found missing: right as often as parts are missing, not as headings read
            return "heading_absent"
        return "heading_model" if item.method == "model" else "heading_rule"
    if item.key == "meta.template":
        return "template"
    if item.method == "evidence":
        return "evidence"
    if item.method == "derived":
        return DERIVED
    if item.key.startswith(("meta.", "prose.")):
        if item.value is None:
            return "prose_absent"
        return "prose_model" if item.method == "model" else "prose_rule"
    return "table_model" if item.method == "model" else "text"


def identity_check(result: ReportResult) -> dict[str, float]:
    """Per table key, the factor its score keeps by the status of the identities it is in."""
    if result.meta.template is None:
        return {}
    values = {c.key: c.value for c in result.cells}
    statuses: dict[str, list[str]] = {key: [] for key in values}
    for identity in identities(result.meta.template):  # type: ignore[arg-type]
        status = identity.status(values)
        for key in identity.keys:
            statuses.setdefault(key, []).append(status)
    factors = {}
    for key, seen in statuses.items():
        if not seen:
            factors[key] = _UNCHECKED
        elif "open" not in seen:
            factors[key] = _CHECKED  # (a broken identity lists its cells for review anyway)
        else:
            factors[key] = _OPEN if seen.count("open") == len(seen) else _PARTLY_CHECKED
    return factors


def _factor(item: Value | SectionResult, checks: dict[str, float]) -> float:
    if isinstance(item, Value):
        return checks.get(item.key, 1.0)
    return 1.0 if item.heading is None or reads_as_heading(item.part, item.heading) else _ODD_HEADING


def calibrate(result: ReportResult, calibration: Calibration | None = None) -> ReportResult:
    """Set ``path``, ``score`` (the raw score, identity checks folded in) and the calibrated
    ``confidence`` of every value. Calibrating again maps the kept score again, so a
    record can be recalibrated."""
    calibration = calibration or shipped_calibration()
    checks = identity_check(result)
    for item in [*result.cells, *result.facts, *result.sections]:
        item.path = value_path(item)
        if item.path == DERIVED:  # scored by what it rests on, once those are calibrated
            continue
        if item.score is None:
            item.score = round(item.confidence * _factor(item, checks), 6)
        item.confidence = calibration.probability(item.path, item.score)
    return calibrate_derived(result, calibration)


def calibrate_derived(
    result: ReportResult, calibration: Calibration | None = None, confirmed: Iterable[str] = ()
) -> ReportResult:
    """A derived value is right where the printed values that determine it are: its score is
    their least calibrated confidence, so it means the same whatever paths read them; the
    derived map then says how often such values were right. A derived value a person
    ``confirmed`` keeps its confidence, and counts as printed."""
    calibration = calibration or shipped_calibration()
    kept = set(confirmed)
    derived = [c for c in result.cells if c.method == "derived" and c.key not in kept]
    if not derived or result.meta.template is None:
        return result
    rules = identities(result.meta.template)  # type: ignore[arg-type]
    sure = {c.key: c.confidence for c in result.cells if c.method != "derived" or c.key in kept}
    again, sources = rederive(result.cells, rules, kept)
    values = {c.key: c.value for c in result.cells}
    for cell in derived:
        if cell.key in sources and again[cell.key] == cell.value:
            score = min((sure[k] for k in sources[cell.key]), default=1.0)
        else:  # filled in a table row the identities alone do not settle (``review.pinned_derived``)
            score = _holding_sources(cell.key, rules, values, sure)
        cell.path, cell.score = DERIVED, round(score, 6)
        cell.confidence = calibration.probability(DERIVED, cell.score)
    return result


def _holding_sources(key: str, rules: tuple[Identity, ...], values: dict, sure: dict[str, float]) -> float:
    """The least sure printed value of the surest identity that holds with ``key`` (0 where none does)."""
    holding = [i for i in rules if key in i.keys and i.status(values) == "holds"]
    return max((min((sure[k] for k in i.keys if k in sure), default=1.0) for i in holding), default=0.0)
