"""Scores and calibration of the labeller's spans.

``scores``: seqeval entity precision/recall/F1 (overall and per group of types)
and scikit-learn per-character accuracy / macro F1. ``fit``: an isotonic regression
(scikit-learn) from a span's raw confidence to the probability that it is exactly
right, fitted on a held-apart split and shipped in ``labeller.json``
(``govreport.labelling.runtime.Calibration`` applies it); then the threshold the
labeller uses: the lowest *calibrated* confidence above which every band of spans is
right at least ``TARGET_PRECISION`` of the time; and the reliability tables before and after.
"""

from __future__ import annotations

import numpy as np
from seqeval.metrics import f1_score, precision_score, recall_score
from sklearn.metrics import accuracy_score
from sklearn.metrics import f1_score as sk_f1

from govreport.evaluate import reliability
from govreport.labelling.labels import LABELS, PART_TYPES, ROW_TYPES
from govreport.labelling.runtime import Calibration
from govreport.labelling.spans import Span, decode, label_spans

IDENTITY = {"method": "identity", "x": [0.0, 1.0], "y": [0.0, 1.0]}

TARGET_PRECISION = 0.95  # in every confidence band above the threshold
BAND = 0.05
MIN_BAND = 10
BINS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0001)
GROUPS = {
    "sections": set(PART_TYPES),
    "sub_parts": {"SUB"},
    "rows": set(ROW_TYPES),
    "headers": {"COL", "GROUP"},
    "meta": {"AGENCY", "YEAR"},
    "prose": {"PROACTIVE", "RECEIVED", "FEE"},
}


def _tags(ids) -> list[str]:
    return [LABELS[i] for i in ids]


def _only(tags: list[str], types: set[str]) -> list[str]:
    return [t if t != "O" and t[2:] in types else "O" for t in tags]


def scores(split, probs: list[np.ndarray]) -> dict:
    gold = [_tags(labels) for labels in split["labels"]]
    pred = [_tags(p.argmax(axis=1)) for p in probs]
    flat_gold = [t for seq in gold for t in seq]
    flat_pred = [t for seq in pred for t in seq]
    out = {
        "entity_f1": round(f1_score(gold, pred), 4),
        "entity_precision": round(precision_score(gold, pred), 4),
        "entity_recall": round(recall_score(gold, pred), 4),
        "char_accuracy": round(accuracy_score(flat_gold, flat_pred), 4),
        "char_macro_f1": round(sk_f1(flat_gold, flat_pred, average="macro", zero_division=0), 4),
        "documents": len(gold),
    }
    for group, types in GROUPS.items():
        g = [_only(seq, types) for seq in gold]
        p = [_only(seq, types) for seq in pred]
        out[f"f1_{group}"] = round(f1_score(g, p), 4)
    surfaces = sorted(set(split["surface"]))
    for surface in surfaces:
        idx = [i for i, s in enumerate(split["surface"]) if s == surface]
        out[f"f1_surface_{surface}"] = round(f1_score([gold[i] for i in idx], [pred[i] for i in idx]), 4)
    return out


def span_outcomes(labels_list, probs: list[np.ndarray]) -> list[tuple[Span, bool]]:
    """Every predicted span with whether it matches a gold span exactly."""
    out = []
    for labels, p in zip(labels_list, probs, strict=True):
        gold = {(s.entity, s.start, s.end) for s in label_spans(list(labels))}
        out += [(s, (s.entity, s.start, s.end) in gold) for s in decode(p)]
    return out


def expected_calibration_error(table: list[dict]) -> float:
    total = sum(row["count"] for row in table)
    return round(sum(row["count"] * abs(row["accuracy"] - row["mean_confidence"]) for row in table) / max(1, total), 4)


def choose_threshold(outcomes: list[tuple[float, bool]]) -> float:
    """The lowest threshold on a 0.01 grid above which every band of spans is right at least
    ``TARGET_PRECISION`` of the time (bands ``[t, t + BAND)`` holding ``MIN_BAND`` spans or
    more): each span the labeller trusts is then likely right, not only their average."""
    grid = np.round(np.arange(0.99, 0.49, -0.01), 2)
    threshold = 0.99
    for tau in grid:
        band = [ok for conf, ok in outcomes if tau <= conf < tau + BAND]
        if len(band) >= MIN_BAND and np.mean(band) < TARGET_PRECISION:
            break
        threshold = float(tau)
    return threshold


def _summary(pairs: list[tuple[float, bool]], threshold: float) -> dict:
    table = reliability(pairs, BINS)
    kept = [ok for conf, ok in pairs if conf >= threshold]
    return {
        "table": table,
        "ece": expected_calibration_error(table),
        "precision_above_threshold": round(float(np.mean(kept)), 4) if kept else None,
        "share_of_spans_above_threshold": round(len(kept) / max(1, len(pairs)), 4),
    }


def fit(labels_list, probs: list[np.ndarray]) -> tuple[dict, float, dict]:
    """The isotonic calibrator of span confidences, the threshold on calibrated confidence,
    and the reliability before and after (all on this split)."""
    from sklearn.isotonic import IsotonicRegression

    outcomes = span_outcomes(labels_list, probs)
    if not outcomes:  # a model that marks nothing (a smoke run): nothing to fit
        return IDENTITY, 0.99, {"target_precision": TARGET_PRECISION, "spans": 0}
    raw = np.array([s.confidence for s, _ in outcomes])
    right = np.array([ok for _, ok in outcomes], dtype=float)
    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(raw, right)
    calibration = {"method": "isotonic", "x": [round(float(v), 6) for v in iso.X_thresholds_],
                   "y": [round(float(v), 6) for v in iso.y_thresholds_]}  # fmt: skip
    calibrated = list(zip(Calibration.of(calibration)(raw).tolist(), right.astype(bool).tolist(), strict=True))
    threshold = choose_threshold(calibrated)
    summary = {
        "target_precision": TARGET_PRECISION,
        "spans": len(outcomes),
        "raw": _summary([(float(c), bool(ok)) for c, ok in zip(raw, right, strict=True)], threshold),
        "calibrated": _summary(calibrated, threshold),
    }
    return calibration, threshold, summary


def reliability_after(calibration: dict, labels_list, probs: list[np.ndarray]) -> list[dict]:
    """The reliability of calibrated span confidences on another split (the test split)."""
    outcomes = span_outcomes(labels_list, probs)
    apply = Calibration.of(calibration)
    return reliability([(float(apply(np.array([s.confidence]))[0]), ok) for s, ok in outcomes], BINS)


def main() -> None:
    """Refit an exported model's calibrator on a corpus split with onnxruntime, and
    (``--write``) record it and the threshold it gives in the model's ``labeller.json``."""
    import argparse
    import json
    from pathlib import Path

    from datasets import load_from_disk

    from govreport.labelling.runtime import Tagger

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--model", default="src/govreport/data/labeller")
    parser.add_argument("--data", required=True, help="a corpus saved by training.corpus")
    parser.add_argument("--split", default="validation")
    parser.add_argument("--write", action="store_true", help="store the calibrator and threshold in labeller.json")
    args = parser.parse_args()
    split = load_from_disk(args.data)[args.split]
    tagger = Tagger(args.model)
    probs = [tagger.probs(text) for text in split["text"]]
    calibration, threshold, summary = fit(split["labels"], probs)
    print(json.dumps({"threshold": threshold, **summary, "scores": scores(split, probs)}, indent=1))
    if args.write:
        path = Path(args.model) / "labeller.json"
        config = json.loads(path.read_text(encoding="utf-8"))
        config.update(threshold=threshold, calibration=calibration)
        path.write_text(json.dumps(config, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
