"""Score extraction results against gold labels (the contract is FIELDS.md).

Any prediction works as long as it carries the top-level ``doc`` / ``values`` /
``broken_identities`` / ``error`` of ``ReportResult.to_json_dict``, so a run of
this toolkit, an older run, or another tool's output can all be held against
the same gold files. Scoring is pure: ``score`` and ``evaluate`` take dicts and
return pydantic models; rendering (rich, JSON) is kept apart.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from itertools import pairwise
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from pydantic import BaseModel, Field, computed_field
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

GROUPS: tuple[str, ...] = ("tables", "sections", "meta", "prose")
HARD_KINDS = frozenset({"column_balance", "results_sum", "row_total", "group_total"})
SOFT_KINDS = frozenset({"prose_table"})
MONEY_TOLERANCE = 1e-6
# a value below this is drawn as uncertain (the inspect page) and, in a record made before review
# lists, counted as flagged (govreport.review chooses its own threshold on calibrated values)
LOW_CONFIDENCE = 0.9
RELIABILITY_BINS: tuple[float, ...] = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0001)

Identity = tuple[str, str, str]


# ---------------------------------------------------------------- models
class Gold(BaseModel):
    """One gold file: ``doc`` is a path relative to the shared/ folder."""

    doc: str
    values: dict[str, Any]
    broken_identities: list[Identity] = Field(default_factory=list)
    notes: str = ""

    @property
    def name(self) -> str:
        return doc_name(self.doc)


class Miss(BaseModel):
    key: str
    group: str
    gold: Any
    predicted: Any = None
    present: bool = True  # False: the prediction has no such key (or the document failed)


class GroupCount(BaseModel):
    right: int = 0
    total: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def accuracy(self) -> float | None:
        return self.right / self.total if self.total else None

    def add(self, other: GroupCount) -> GroupCount:
        return GroupCount(right=self.right + other.right, total=self.total + other.total)


class IdentityCount(BaseModel):
    """Counts of broken identities found: true positives, false positives, false negatives."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    missed: list[Identity] = Field(default_factory=list)  # in gold, not predicted
    spurious: list[Identity] = Field(default_factory=list)  # predicted, not in gold

    @computed_field  # type: ignore[prop-decorator]
    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    def add(self, other: IdentityCount) -> IdentityCount:
        # Aggregates keep counts only; the lists stay with each document.
        return IdentityCount(tp=self.tp + other.tp, fp=self.fp + other.fp, fn=self.fn + other.fn)


class DocScore(BaseModel):
    doc: str  # the prediction's doc as given
    gold_doc: str
    error: str | None = None
    groups: dict[str, GroupCount]
    hard: IdentityCount
    soft: IdentityCount
    misses: list[Miss] = Field(default_factory=list)


class EvalReport(BaseModel):
    documents: list[DocScore]
    groups: dict[str, GroupCount]  # micro over all scored documents
    overall: GroupCount
    hard: IdentityCount
    soft: IdentityCount
    errored: dict[str, str] = Field(default_factory=dict)  # doc -> error message
    gold_without_prediction: list[str] = Field(default_factory=list)  # not scored
    predictions_without_gold: list[str] = Field(default_factory=list)  # not scored


# ---------------------------------------------------------------- loading
def doc_name(path: str) -> str:
    """The basename predictions and gold are matched by (either path style)."""
    return PureWindowsPath(PurePosixPath(path).name).name


def load_gold(directory: str | Path) -> dict[str, Gold]:
    """Every ``*.json`` gold file in ``directory``, keyed by the basename of its document."""
    golds: dict[str, Gold] = {}
    for path in sorted(Path(directory).glob("*.json")):
        gold = Gold.model_validate(json.loads(path.read_text(encoding="utf-8")))
        golds[gold.name] = gold
    return golds


def load_predictions(path: str | Path) -> list[dict[str, Any]]:
    """Read a JSONL file of results, with the corrections beside it applied; blank lines are skipped,
    a bad line raises ValueError."""
    predictions: list[dict[str, Any]] = []
    with Path(path).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not JSON ({exc.msg})") from exc
            if not isinstance(record, dict) or "doc" not in record:
                raise ValueError(f"{path}:{number}: not a result record (no 'doc')")
            predictions.append(record)
    from govreport.corrections import corrected, corrections_path, read_corrections

    return list(corrected(predictions, read_corrections(corrections_path(Path(path)))))


# ---------------------------------------------------------------- comparing
def key_group(key: str) -> str | None:
    """The scoring group of a key, or None for keys outside the four groups."""
    head = key.split(".", 1)[0]
    if head in ("t2", "t3", "t4"):
        return "tables"
    if head == "section":
        return "sections"
    if head in ("meta", "prose"):
        return head
    return None


def _is_number(value: Any) -> bool:
    # bool is an int subclass, but True is not the count 1 here
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def values_equal(gold: Any, predicted: Any) -> bool:
    """Numbers numerically (int 5 == float 5.0, money within 1e-6); strings after strip; None only to None."""
    if gold is None or predicted is None:
        return gold is None and predicted is None
    if _is_number(gold) and _is_number(predicted):
        if isinstance(gold, float) and math.isnan(gold):
            return isinstance(predicted, float) and math.isnan(predicted)
        return abs(gold - predicted) <= MONEY_TOLERANCE
    if isinstance(gold, str) and isinstance(predicted, str):
        return gold.strip() == predicted.strip()
    return type(gold) is type(predicted) and gold == predicted


def _identity_set(items: Iterable[Any]) -> set[Identity]:
    identities: set[Identity] = set()
    for item in items or ():
        if isinstance(item, (list, tuple)) and len(item) == 3:
            identities.add((str(item[0]), str(item[1]), str(item[2])))
    return identities


def compare_identities(gold: set[Identity], predicted: set[Identity], kinds: frozenset[str]) -> IdentityCount:
    """Set comparison restricted to identities of the given kinds."""
    gold_k = {i for i in gold if i[1] in kinds}
    pred_k = {i for i in predicted if i[1] in kinds}
    return IdentityCount(
        tp=len(gold_k & pred_k),
        fp=len(pred_k - gold_k),
        fn=len(gold_k - pred_k),
        missed=sorted(gold_k - pred_k),
        spurious=sorted(pred_k - gold_k),
    )


def score(gold: Gold, pred: Mapping[str, Any]) -> DocScore:
    """Score one prediction (a ``to_json_dict``-shaped mapping) against its gold.

    Only keys in gold are scored. A failed prediction (``error`` set) gets every
    key wrong, whatever values it carries.
    """
    error = pred.get("error")
    values: Mapping[str, Any] = {} if error else (pred.get("values") or {})
    groups = {group: GroupCount() for group in GROUPS}
    misses: list[Miss] = []
    for key, gold_value in gold.values.items():
        group = key_group(key)
        if group is None:
            continue
        present = key in values
        predicted = values.get(key)
        right = present and values_equal(gold_value, predicted)
        groups[group] = groups[group].add(GroupCount(right=int(right), total=1))
        if not right:
            misses.append(Miss(key=key, group=group, gold=gold_value, predicted=predicted, present=present))

    gold_ids = set(gold.broken_identities)
    pred_ids = set() if error else _identity_set(pred.get("broken_identities", []))
    return DocScore(
        doc=str(pred.get("doc", gold.doc)),
        gold_doc=gold.doc,
        error=str(error) if error else None,
        groups=groups,
        hard=compare_identities(gold_ids, pred_ids, HARD_KINDS),
        soft=compare_identities(gold_ids, pred_ids, SOFT_KINDS),
        misses=misses,
    )


def evaluate(golds: Mapping[str, Gold], predictions: Iterable[Mapping[str, Any]]) -> EvalReport:
    """Match predictions to gold by document basename and aggregate (micro) over matched documents.

    A later prediction for the same document replaces an earlier one (a re-run
    appended to the same file wins).
    """
    by_name: dict[str, Mapping[str, Any]] = {}
    without_gold: list[str] = []
    for pred in predictions:
        name = doc_name(str(pred.get("doc", "")))
        if name in golds:
            by_name[name] = pred
        else:
            without_gold.append(str(pred.get("doc", "")))

    documents = [score(golds[name], pred) for name, pred in sorted(by_name.items())]
    groups = {group: GroupCount() for group in GROUPS}
    hard, soft = IdentityCount(), IdentityCount()
    for doc in documents:
        groups = {g: groups[g].add(doc.groups[g]) for g in GROUPS}
        hard, soft = hard.add(doc.hard), soft.add(doc.soft)
    overall = GroupCount()
    for count in groups.values():
        overall = overall.add(count)
    return EvalReport(
        documents=documents,
        groups=groups,
        overall=overall,
        hard=hard,
        soft=soft,
        errored={d.doc: d.error for d in documents if d.error},
        gold_without_prediction=sorted(golds[n].doc for n in golds if n not in by_name),
        predictions_without_gold=without_gold,
    )


# ---------------------------------------------------------------- confidence
def flagged_keys(result: Any) -> set[str]:
    """Keys a reader of ``result`` (a ``ReportResult``) is warned about: its review list
    (``govreport.review``) and the cells of a broken identity. A wrong value outside them is
    a silent error. (A JSON record made before review lists: ``outputs.rows.review_keys``.)"""
    in_broken = {k for f in result.findings if f.kind == "broken_identity" for k in f.cells}
    return in_broken | set(result.review)


def reliability(
    decisions: Iterable[tuple[float, bool]], bins: tuple[float, ...] = RELIABILITY_BINS
) -> list[dict[str, Any]]:
    """Per confidence bin that holds any: how many (confidence, right) decisions, their mean
    confidence and the share that is right."""
    pairs = list(decisions)
    rows = []
    for lo, hi in pairwise(bins):
        inside = [(conf, right) for conf, right in pairs if lo <= conf < hi]
        if inside:
            rows.append(
                {
                    "bin": f"[{lo:.2f}, {min(hi, 1.0):.2f})",
                    "count": len(inside),
                    "mean_confidence": round(sum(c for c, _ in inside) / len(inside), 4),
                    "accuracy": round(sum(r for _, r in inside) / len(inside), 4),
                }
            )
    return rows


# ---------------------------------------------------------------- rendering
def report_json(report: EvalReport) -> str:
    return report.model_dump_json(indent=2)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def _show(value: Any, present: bool = True) -> Text:
    if not present:
        return Text("(absent)", style="dim")
    return Text(json.dumps(value, ensure_ascii=False))


def _accuracy_table(report: EvalReport) -> Table:
    table = Table(title="Accuracy by group", title_justify="left")
    table.add_column("group")
    for column in ("right", "total", "accuracy"):
        table.add_column(column, justify="right")
    for group, count in [*report.groups.items(), ("all", report.overall)]:
        table.add_row(group, str(count.right), str(count.total), _pct(count.accuracy))
    return table


def _identity_table(report: EvalReport) -> Table:
    table = Table(title="Broken identities (micro over documents)", title_justify="left")
    table.add_column("identities")
    for column in ("found", "spurious", "missed", "precision", "recall"):
        table.add_column(column, justify="right")
    for label, count in (("hard (1–4)", report.hard), ("soft (prose_table)", report.soft)):
        table.add_row(label, str(count.tp), str(count.fp), str(count.fn), _pct(count.precision), _pct(count.recall))
    return table


def _documents_table(report: EvalReport) -> Table:
    table = Table(title="Documents", title_justify="left")
    table.add_column("doc", overflow="fold", min_width=12)
    for group in GROUPS:
        table.add_column(group, justify="right")
    table.add_column("identities ±", justify="right")
    table.add_column("error")
    for doc in report.documents:
        ids = doc.hard.fn + doc.soft.fn, doc.hard.fp + doc.soft.fp
        table.add_row(
            doc_name(doc.doc),
            *(_pct(doc.groups[g].accuracy) for g in GROUPS),
            f"-{ids[0]} +{ids[1]}" if any(ids) else "ok",
            Text(doc.error or "", style="red"),
        )
    return table


def _misses_table(doc: DocScore, max_misses: int | None) -> Table:
    shown = doc.misses if max_misses is None else doc.misses[:max_misses]
    table = Table(title=f"Misses in {doc.doc} ({len(doc.misses)})", title_justify="left")
    for column in ("key", "gold", "predicted"):
        table.add_column(column, overflow="fold")
    for miss in shown:
        table.add_row(miss.key, _show(miss.gold), _show(miss.predicted, miss.present))
    for identity in doc.hard.missed + doc.soft.missed:
        table.add_row(Text("identity not reported", style="yellow"), str(list(identity)), "")
    for identity in doc.hard.spurious + doc.soft.spurious:
        table.add_row(Text("identity reported, not in gold", style="yellow"), "", str(list(identity)))
    if len(shown) < len(doc.misses):
        table.add_row(Text(f"… {len(doc.misses) - len(shown)} more", style="dim"), "", "")
    return table


def render_report(report: EvalReport, max_misses: int | None = None) -> RenderableType:
    """The terminal form: accuracy, identity P/R, a per-document line, then each document's misses."""
    parts: list[RenderableType] = [_accuracy_table(report), _identity_table(report), _documents_table(report)]
    for doc in report.documents:
        if doc.error:  # every key is a miss; listing them all would say nothing more
            line = f"{doc.doc} failed ({doc.error}): all {len(doc.misses)} gold keys counted wrong"
            parts.append(Text(line, style="red"))
        elif doc.misses or doc.hard.missed or doc.hard.spurious or doc.soft.missed or doc.soft.spurious:
            parts.append(_misses_table(doc, max_misses))
    if report.gold_without_prediction:
        parts.append(Text("Gold without a prediction (not scored): " + ", ".join(report.gold_without_prediction)))
    if report.predictions_without_gold:
        parts.append(Text("Predictions without gold (not scored): " + ", ".join(report.predictions_without_gold)))
    return Group(*parts)


def print_report(report: EvalReport, console: Console | None = None, max_misses: int | None = None) -> None:
    (console or Console()).print(render_report(report, max_misses))
