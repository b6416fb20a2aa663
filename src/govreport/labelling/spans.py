"""From per-character label probabilities to labelled spans with a confidence.

A span's confidence is the mean, over its characters, of the probability the model
gives the label it chose there: calibration (``training/calibrate.py``) measures how
often spans at a given confidence are exactly right, and the hybrid's threshold is
read off that curve.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from govreport.labelling.labels import LABELS


@dataclass(frozen=True, slots=True)
class Span:
    entity: str
    start: int  # offsets in the labelled text
    end: int
    confidence: float


_MAX_GAP = 2  # outside characters bridged between two pieces of one span (a damaged or wrapped label)


def decode(probs: np.ndarray, offset: int = 0) -> list[Span]:
    """Spans of ``probs`` (characters × labels): a span starts at ``B-X`` (or an ``I-X``
    that follows no ``X``) and runs over the ``I-X`` after it; two pieces of the same
    type with at most ``_MAX_GAP`` outside characters between are one span."""
    best = probs.argmax(axis=1)
    chosen = probs[np.arange(len(best)), best]
    pieces: list[tuple[str, int, int]] = []
    entity, start = None, 0
    for i, label_id in enumerate([*best.tolist(), 0]):
        label = LABELS[label_id]
        if entity is not None and label == f"I-{entity}":
            continue
        if entity is not None:
            pieces.append((entity, start, i))
        entity, start = (label[2:], i) if label != "O" else (None, i)
    merged: list[list] = []
    for entity, start, end in pieces:
        last = merged[-1] if merged else None
        if last and last[0] == entity and 0 < start - last[2] <= _MAX_GAP and not best[last[2] : start].any():
            last[2] = end
            last[3].append((start, end))
        else:
            merged.append([entity, start, end, [(start, end)]])
    return [
        Span(entity, offset + start, offset + end, float(np.concatenate([chosen[a:b] for a, b in parts]).mean()))
        for entity, start, end, parts in merged
    ]


def label_spans(labels: list[int], offset: int = 0) -> list[Span]:
    """Spans of gold label ids (confidence 1)."""
    one_hot = np.zeros((len(labels), len(LABELS)), dtype=np.float32)
    one_hot[np.arange(len(labels)), labels] = 1.0
    return decode(one_hot, offset)


def window_starts(length: int, window: int, stride: int | None = None) -> list[int]:
    """Starts of overlapping windows covering ``length`` characters (by default each window
    overlaps the next by a quarter, as the runtime reads and training cuts them)."""
    stride = stride or window * 3 // 4
    if length <= window:
        return [0]
    starts = list(range(0, length - window, stride))
    return [*starts, length - window]


def stitch(length: int, window: int, starts: list[int], window_probs: list[np.ndarray]) -> np.ndarray:
    """One row of probabilities per character, each from the window it stands most centrally in."""
    out = np.zeros((length, window_probs[0].shape[-1]), dtype=np.float32)
    best_margin = np.full(length, -1)
    for start, probs in zip(starts, window_probs, strict=True):
        n = min(window, length - start)
        pos = np.arange(n)
        margin = np.minimum(pos, n - 1 - pos)
        take = margin > best_margin[start : start + n]
        out[start : start + n][take] = probs[:n][take]
        best_margin[start : start + n][take] = margin[take]
    return out
