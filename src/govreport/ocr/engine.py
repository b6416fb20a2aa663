"""OCR engines behind one small interface: text boxes on a page, text of line crops.

rapidocr (PP-OCR models shipped in its wheel, onnxruntime, offline) is the
default. ``GOVREPORT_OCR=paddle`` selects PaddleOCR, which needs its models on
disk (``GOVREPORT_PADDLE_MODELS``: a folder with ``det`` and ``rec`` model
folders), since it cannot download them here. The engine is loaded once per
process, on first use: a batch never reloads models per document.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import cv2
import numpy as np

from govreport.errors import IngestError
from govreport.ocr.grid import Box
from govreport.resources import compute_threads

ENGINE_VARIABLE = "GOVREPORT_OCR"
DETECT_LONG_SIDE = 1280  # pixels: a page is detected downscaled to this long side (lines stay findable, 3x less work)
REC_BATCH = 6  # crops per recognition call at most (rapidocr's own batch size)
# What one recognition call costs beyond its pixels, in crops of the model's height squared: measured
# here (rapidocr 3.10, PP-OCR rec, CPU) a call costs ~1.5 ms + ~2.8 ms per such square of padded width.
_CALL_COST = 0.5
PADDLE_MODELS_VARIABLE = "GOVREPORT_PADDLE_MODELS"


class OcrUnavailable(IngestError):
    """The OCR engine asked for cannot run here."""


class OcrEngine(Protocol):
    def detect(self, image: np.ndarray) -> list[Box]:
        """Axis-aligned boxes of the text lines in a grayscale page image."""
        ...

    def recognize(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        """Text and confidence (0–1) of each single-line grayscale crop."""
        ...


def _axis_boxes(polygons: Any) -> list[Box]:
    return [(float(p[:, 0].min()), float(p[:, 1].min()), float(p[:, 0].max()), float(p[:, 1].max())) for p in polygons]


def _rgb(image: np.ndarray) -> np.ndarray:
    return np.repeat(image[:, :, None], 3, axis=2) if image.ndim == 2 else image


class RapidOcrEngine:
    def __init__(self) -> None:
        from rapidocr import RapidOCR
        from rapidocr.ch_ppocr_rec import TextRecInput

        self._input = TextRecInput
        self._ocr = RapidOCR(
            params={
                "Global.use_cls": False,  # the orientation classifier flips digits on upright pages
                "Global.log_level": "error",
                # pad crops only to the widest in their batch, not to 320 px: most crops are short numbers
                "Rec.rec_img_shape": [3, 48, 48],
                "Det.limit_type": "max",
                "Det.limit_side_len": DETECT_LONG_SIDE,
                "EngineConfig.onnxruntime.intra_op_num_threads": compute_threads(),
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            }
        )

    def detect(self, image: np.ndarray) -> list[Box]:
        found = self._ocr(_rgb(image), use_det=True, use_cls=False, use_rec=False)
        boxes = getattr(found, "boxes", None)
        return [] if boxes is None else _axis_boxes(boxes)

    def read_whole_page(self, image: np.ndarray) -> list[tuple[str, float]]:
        """rapidocr's own reading of a whole page (detection, then recognition of every line found),
        with the same models and settings: the yardstick the scan path's speed is measured against."""
        found = self._ocr(_rgb(image), use_det=True, use_cls=False, use_rec=True)
        return [(t, float(s)) for t, s in zip(found.txts or (), found.scores or (), strict=True)]

    def recognize(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        recognizer = self._ocr._load_rec_model()  # rapidocr==3.10 loads models lazily; this is its loader
        read: list[tuple[str, float]] = [("", 0.0)] * len(crops)
        crops = [_at_least_square(c) for c in crops]
        for batch in recognition_batches([c.shape[1] / c.shape[0] for c in crops]):
            out = recognizer(self._input(img=[_rgb(crops[i]) for i in batch]))
            for i, text, score in zip(batch, out.txts, out.scores, strict=True):
                read[i] = (text, float(score))
        return read


def _at_least_square(crop: np.ndarray) -> np.ndarray:
    """A crop narrower than it is tall (a lone digit) widened to a square with paper on its right,
    where the recognizer pads: it pads a call's crops to the widest, and at least a square, with
    mid-grey, which beside a narrow crop it can read as one more character (``0`` read ``0魏`` on
    a 150-dpi scan). Paper on both sides lost a blurred ``9`` altogether."""
    height, width = crop.shape[:2]
    if width >= height:
        return crop
    return cv2.copyMakeBorder(crop, 0, 0, 0, height - width, cv2.BORDER_CONSTANT, value=(255, 255, 255))


def recognition_batches(widths: list[float], most: int = REC_BATCH) -> list[list[int]]:
    """Indices of crops (given their width over height) cut into recognition calls of at most
    ``most`` crops. A call pads every crop to its widest (and at least square), so the cost of a
    call is ``_CALL_COST`` plus its size times that width; taken in order of width, the cheapest
    cut is found exactly (a short number beside a full line of prose would pay for the line's width).
    """
    order = sorted(range(len(widths)), key=lambda i: widths[i])
    padded = [max(1.0, widths[i]) for i in order]
    best = [0.0] + [float("inf")] * len(order)  # best[k]: cheapest cut of the k narrowest
    cut = [0] * (len(order) + 1)
    for end in range(1, len(order) + 1):
        for start in range(max(0, end - most), end):
            cost = best[start] + _CALL_COST + (end - start) * padded[end - 1]
            if cost < best[end]:
                best[end], cut[end] = cost, start
    batches, end = [], len(order)
    while end:
        batches.append(order[cut[end] : end])
        end = cut[end]
    return batches[::-1]


class PaddleOcrEngine:
    def __init__(self) -> None:
        root = os.environ.get(PADDLE_MODELS_VARIABLE)
        if not root or not (Path(root) / "det").is_dir() or not (Path(root) / "rec").is_dir():
            raise OcrUnavailable(
                f"{ENGINE_VARIABLE}=paddle needs local PaddleOCR models: set {PADDLE_MODELS_VARIABLE} "
                "to a folder with 'det' and 'rec' model folders"
            )
        try:
            from paddleocr import TextDetection, TextRecognition
        except ImportError:
            raise OcrUnavailable(f"{ENGINE_VARIABLE}=paddle but paddleocr is not installed") from None
        self._det = TextDetection(model_dir=str(Path(root) / "det"))
        self._rec = TextRecognition(model_dir=str(Path(root) / "rec"))

    def detect(self, image: np.ndarray) -> list[Box]:
        result = self._det.predict(_rgb(image))
        return _axis_boxes(result[0]["dt_polys"]) if result else []

    def recognize(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        results = self._rec.predict([_rgb(c) for c in crops]) if crops else []
        return [(r["rec_text"], float(r["rec_score"])) for r in results]


@cache
def ocr_engine() -> OcrEngine:
    """The process's OCR engine, chosen by ``GOVREPORT_OCR`` (``rapidocr``, the default, or ``paddle``)."""
    name = os.environ.get(ENGINE_VARIABLE, "rapidocr").strip().lower()
    if name == "paddle":
        return PaddleOcrEngine()
    if name != "rapidocr":
        raise OcrUnavailable(f"unknown {ENGINE_VARIABLE}={name!r} (use 'rapidocr' or 'paddle')")
    try:
        return RapidOcrEngine()
    except ImportError:
        raise OcrUnavailable("OCR needs the 'rapidocr' and 'onnxruntime' packages") from None
