"""Scores and calibration of the labeller's spans.

``scores``: seqeval entity precision/recall/F1 (overall and per group of types)
and scikit-learn per-character accuracy / macro F1. ``choose_threshold``: the
reliability of span confidences (bins of confidence vs the share of spans that
are exactly right) and the threshold the hybrid uses: the lowest confidence above
which the model's spans are right at least ``TARGET_PRECISION`` of the time.
"""

from __future__ import annotations

import numpy as np
from seqeval.metrics import f1_score, precision_score, recall_score
from sklearn.metrics import accuracy_score
from sklearn.metrics import f1_score as sk_f1

from govreport.evaluate import reliability
from govreport.labelling.labels import LABELS, PART_TYPES, ROW_TYPES
from govreport.labelling.spans import Span, decode, label_spans

TARGET_PRECISION = 0.97
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


def choose_threshold(labels_list, probs: list[np.ndarray]) -> tuple[float, dict]:
    """The lowest threshold on a 0.01 grid whose kept spans reach ``TARGET_PRECISION``."""
    outcomes = span_outcomes(labels_list, probs)
    threshold = 0.99
    for tau in np.arange(0.5, 1.0, 0.01):
        kept = [ok for s, ok in outcomes if s.confidence >= tau]
        if kept and np.mean(kept) >= TARGET_PRECISION:
            threshold = round(float(tau), 2)
            break
    table = reliability([(s.confidence, ok) for s, ok in outcomes], BINS)
    kept = [ok for s, ok in outcomes if s.confidence >= threshold]
    summary = {
        "table": table,
        "ece": expected_calibration_error(table),
        "target_precision": TARGET_PRECISION,
        "precision_above_threshold": round(float(np.mean(kept)), 4) if kept else None,
        "share_of_spans_above_threshold": round(len(kept) / max(1, len(outcomes)), 4),
    }
    return threshold, summary


def main() -> None:
    """Re-measure an exported model's calibration on a corpus split with onnxruntime, and
    (``--write``) record the threshold it gives in the model's ``labeller.json``."""
    import argparse
    import json
    from pathlib import Path

    from datasets import load_from_disk

    from govreport.labelling.runtime import Tagger

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--model", default="models/labeller")
    parser.add_argument("--data", required=True, help="a corpus saved by training.corpus")
    parser.add_argument("--split", default="validation")
    parser.add_argument("--write", action="store_true", help="store the chosen threshold in labeller.json")
    args = parser.parse_args()
    split = load_from_disk(args.data)[args.split]
    tagger = Tagger(args.model)
    probs = [tagger.probs(text) for text in split["text"]]
    threshold, summary = choose_threshold(split["labels"], probs)
    print(json.dumps({"threshold": threshold, **summary, "scores": scores(split, probs)}, indent=1))
    if args.write:
        path = Path(args.model) / "labeller.json"
        config = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps({**config, "threshold": threshold}, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
