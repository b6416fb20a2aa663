"""The labeller at inference: onnxruntime and numpy only (no torch, no transformers).

``Tagger.probs(text)`` gives per-character label probabilities over overlapping
windows; ``Tagger.spans(text, regions)`` runs the model only over the given
character ranges, each span's confidence calibrated (the isotonic map fitted at
training time on held-apart data, ``labeller.json``). The model ships as package
data (``govreport/data/labeller``); where it is missing or does not fit this code,
``default_tagger`` is None and ``unavailable_reason`` says why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import numpy as np

from govreport.labelling.labels import LABELS
from govreport.labelling.spans import Span, decode, stitch, window_starts
from govreport.labelling.vocab import CharVocab

MODEL_DIR = Path(__file__).resolve().parents[1] / "data" / "labeller"
_BATCH = 16
# The GRU steps through short windows one character at a time: a second thread adds
# synchronisation, not speed (eval/bench.py here: 14 docs/s with one, 5 with two).
LABELLER_THREADS = 1


@dataclass(frozen=True)
class Calibration:
    """A monotone map from a span's raw confidence to the probability that it is right
    (isotonic regression's breakpoints, linearly interpolated, clipped at the ends)."""

    x: tuple[float, ...]
    y: tuple[float, ...]

    @classmethod
    def of(cls, raw: dict) -> Calibration:
        return cls(tuple(raw["x"]), tuple(raw["y"]))

    def __call__(self, confidence: np.ndarray) -> np.ndarray:
        return np.interp(confidence, self.x, self.y)


@dataclass(frozen=True)
class LabellerConfig:
    """``labeller.json``: what the runtime needs to know about the exported model."""

    max_len: int
    threshold: float  # a span is trusted at or above this calibrated confidence (chosen on validation data)
    calibration: Calibration
    labels: tuple[str, ...]
    model_file: str

    @classmethod
    def load(cls, directory: Path) -> LabellerConfig:
        raw = json.loads((directory / "labeller.json").read_text(encoding="utf-8"))
        calibration = Calibration.of(raw.get("calibration") or {"x": [0.0, 1.0], "y": [0.0, 1.0]})
        return cls(raw["max_len"], raw["threshold"], calibration, tuple(raw["labels"]), raw["model_file"])


class Tagger:
    def __init__(self, directory: str | Path = MODEL_DIR, threads: int = 2) -> None:
        import onnxruntime as ort

        self.directory = Path(directory)
        self.config = LabellerConfig.load(self.directory)
        if self.config.labels != LABELS:
            raise ValueError("the model's labels differ from govreport.labelling.labels: retrain or update")
        self.vocab = CharVocab.load(self.directory / "vocab.txt")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")  # no busy-wait on a shared CPU
        self.session = ort.InferenceSession(
            str(self.directory / self.config.model_file), options, providers=["CPUExecutionProvider"]
        )
        self.chars_labelled = 0  # how much text the model has read (the benchmark reports it)

    @property
    def threshold(self) -> float:
        return self.config.threshold

    def probs(self, text: str) -> np.ndarray:
        """Per-character label probabilities (characters × labels)."""
        return self.probs_many([text])[0]

    def probs_many(self, texts: list[str]) -> list[np.ndarray]:
        """``probs`` of several texts, their windows run together in batches (the GRU's
        cost is per time step, so many short regions cost little more than one)."""
        size = self.config.max_len
        encoded = [self.vocab.encode(t) for t in texts]
        windows = [(i, s) for i, ids in enumerate(encoded) if ids for s in window_starts(len(ids), size)]
        windows.sort(key=lambda w: len(encoded[w[0]]) - w[1])  # similar lengths share a batch: less padding
        read: dict[tuple[int, int], np.ndarray] = {}
        for k in range(0, len(windows), _BATCH):
            chunk = windows[k : k + _BATCH]
            width = min(size, max(len(encoded[i]) - s for i, s in chunk))
            input_ids = np.zeros((len(chunk), width), dtype=np.int64)
            mask = np.zeros_like(input_ids)
            for row, (i, s) in enumerate(chunk):
                piece = encoded[i][s : s + width]
                input_ids[row, : len(piece)] = piece
                mask[row, : len(piece)] = 1
            logits = self.session.run(["logits"], {"input_ids": input_ids, "attention_mask": mask})[0]
            exp = np.exp(logits - logits.max(axis=-1, keepdims=True))
            for row, window in enumerate(chunk):
                read[window] = exp[row] / exp[row].sum(axis=-1, keepdims=True)
        out = []
        for i, ids in enumerate(encoded):
            if not ids:
                out.append(np.zeros((0, len(LABELS)), dtype=np.float32))
                continue
            starts = window_starts(len(ids), size)
            out.append(stitch(len(ids), size, starts, [read[(i, s)] for s in starts]))
        return out

    def spans(self, text: str, regions: list[tuple[int, int]] | None = None) -> list[Span]:
        """Labelled spans of ``text`` (or of each region of it), offsets into ``text``,
        confidences calibrated."""
        merged = [(s, e) for s, e in merged_regions(regions if regions is not None else [(0, len(text))]) if e > s]
        self.chars_labelled += sum(e - s for s, e in merged)
        probs = self.probs_many([text[s:e] for s, e in merged])
        out = [span for (start, _), p in zip(merged, probs, strict=True) for span in decode(p, offset=start)]
        if not out:
            return out
        calibrated = self.config.calibration(np.array([s.confidence for s in out]))
        return [replace(s, confidence=float(c)) for s, c in zip(out, calibrated, strict=True)]


def merged_regions(regions: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The regions sorted, overlapping ones joined."""
    out: list[list[int]] = []
    for start, end in sorted(regions):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(s, e) for s, e in out]


@cache
def _load(directory: Path) -> tuple[Tagger | None, str | None]:
    if not (directory / "labeller.json").exists():
        return None, f"labeller model not found in {directory}"
    try:
        return Tagger(directory, threads=LABELLER_THREADS), None
    except (ValueError, KeyError, OSError) as exc:
        return None, f"labeller model in {directory} does not fit this version: {exc}"
    except Exception as exc:  # onnxruntime raises its own types for a broken or foreign graph
        return None, f"labeller model in {directory} cannot be loaded: {type(exc).__name__}: {exc}"


def load_tagger(directory: Path = MODEL_DIR) -> Tagger | None:
    """The model of ``directory`` (default: the packaged one), loaded once per process (an
    onnxruntime session costs ~30 ms), or None where it is missing or mismatched (the
    pipeline then falls back to rules)."""
    return _load(Path(directory))[0]


def default_tagger() -> Tagger | None:
    """The packaged model (``load_tagger(MODEL_DIR)``)."""
    return load_tagger(MODEL_DIR)


def unavailable_reason(directory: Path = MODEL_DIR) -> str | None:
    """Why ``load_tagger(directory)`` is None (missing or mismatched files), else None."""
    return _load(Path(directory))[1]
