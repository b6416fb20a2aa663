"""A page image (scan, photo or a rendered PDF page) to positioned words and table grids.

Steps: binarize; deskew by the angle of the text lines and rules; find the
ruling lines (OpenCV morphology, headless build) and from them the table grids;
OCR only what needs it. Table cells are not searched by the detector: each
inked cell is cut into its text lines by its ink profile and those crops are
recognized in one batch with the text lines the detector finds outside the
tables. A blank cell costs nothing. Coordinates are pixels of the deskewed
image.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from govreport.ocr.assemble import Word
from govreport.ocr.engine import ocr_engine
from govreport.ocr.grid import Box, Grid, GridCell, Segment, find_grids, scale_box, scale_grid
from govreport.ocr.numbers import fix_number

_MIN_SKEW = 0.05  # degrees; smaller tilts are not worth resampling the page
_MAX_SKEW = 5.0  # a larger estimate is a misreading (a figure, a stamp), not the page's tilt
_MIN_INK_PIXELS = 25  # fewer dark pixels in a cell is noise, not a character
_CROP_PAD = 4  # pixels of white around a line crop, as the recognizer was trained on


@dataclass(frozen=True, slots=True)
class PageRead:
    words: list[Word]
    grids: list[Grid]
    skew: float  # degrees the page was turned back by

    def in_points(self, dpi: float) -> tuple[list[Word], list[Grid]]:
        """Words and grids with pixel boxes turned into points (1/72 inch)."""
        k = 72 / dpi
        words = [Word(w.text, scale_box(w.box, k), w.confidence) for w in self.words]
        return words, [scale_grid(g, k) for g in self.grids]


def _ink(gray: np.ndarray) -> np.ndarray:
    """Dark pixels as 255 (Otsu on a lightly smoothed page, so scan noise stays white)."""
    _, binary = cv2.threshold(cv2.GaussianBlur(gray, (3, 3), 0), 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return binary


def skew_angle(binary: np.ndarray) -> float:
    """The page's tilt in degrees: median orientation of wide blobs (text lines, rules)."""
    width = binary.shape[1]
    joined = cv2.morphologyEx(
        binary, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (max(15, width // 60), 1))
    )
    count, labels, stats, _ = cv2.connectedComponentsWithStats(joined)
    angles = []
    for i in range(1, count):
        x, y, w, h, _ = stats[i]
        if w < width * 0.15 or h > w * 0.15:
            continue
        ys, xs = np.nonzero(labels[y : y + h, x : x + w] == i)
        vx, vy, _, _ = cv2.fitLine(np.column_stack([xs, ys]).astype(np.float32), cv2.DIST_L2, 0, 0.01, 0.01).ravel()
        angles.append(math.degrees(math.atan2(vy, vx)))
    if not angles:
        return 0.0
    angle = float(np.median(angles))
    return angle if _MIN_SKEW <= abs(angle) <= _MAX_SKEW else 0.0


def _rotate(gray: np.ndarray, angle: float) -> np.ndarray:
    h, w = gray.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def _rule_mask(binary: np.ndarray, horizontal: bool, length: int) -> np.ndarray:
    """Pixels of straight runs at least ``length`` long: rules, not strokes of characters."""
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1) if horizontal else (1, length))
    return cv2.morphologyEx(binary, cv2.MORPH_OPEN, kernel)


def _segments(mask: np.ndarray, horizontal: bool) -> list[Segment]:
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask)
    out = []
    for i in range(1, count):
        x, y, w, h, _ = stats[i]
        if horizontal:
            out.append(Segment(True, y + h / 2, float(x), float(x + w)))
        else:
            out.append(Segment(False, x + w / 2, float(y), float(y + h)))
    return out


def ruled_grids(binary: np.ndarray, dpi: float) -> tuple[list[Grid], np.ndarray]:
    """Table grids from the page's ruling lines, and the ink with the rules taken out."""
    unit = dpi / 72  # pixels per point
    horizontal = _rule_mask(binary, True, round(30 * unit))
    vertical = _rule_mask(binary, False, round(14 * unit))
    segments = _segments(horizontal, True) + _segments(vertical, False)
    rules = cv2.dilate(cv2.bitwise_or(horizontal, vertical), np.ones((3, 3), np.uint8))
    return find_grids(segments, tol=3 * unit, min_gap=5 * unit), cv2.bitwise_and(binary, cv2.bitwise_not(rules))


def _ink_runs(profile: np.ndarray) -> list[tuple[int, int]]:
    runs, start = [], None
    for i, inked in enumerate(np.append(profile > 0, False)):
        if inked and start is None:
            start = i
        elif not inked and start is not None:
            runs.append((start, i))
            start = None
    return runs


def _text_lines(profile: np.ndarray) -> list[tuple[int, int]]:
    """Text lines in a cell's row ink profile: runs closer than a third of the tallest are
    one line (the strokes of 三 or 二), specks shorter than a fifth of it are dropped."""
    runs = _ink_runs(profile)
    if not runs:
        return []
    tallest = max(b - a for a, b in runs)
    lines = [runs[0]]
    for start, end in runs[1:]:
        if start - lines[-1][1] < tallest / 3:
            lines[-1] = (lines[-1][0], end)
        else:
            lines.append((start, end))
    return [(a, b) for a, b in lines if b - a >= max(3, tallest / 5)]


def _cell_lines(binary: np.ndarray, cell: GridCell, inset: int) -> list[Box]:
    """Boxes of the text lines printed in a cell, from its ink profile."""
    x0, y0, x1, y1 = (round(v) for v in cell.box)
    x0, y0, x1, y1 = x0 + inset, y0 + inset, x1 - inset, y1 - inset
    if x1 <= x0 or y1 <= y0:
        return []
    patch = binary[y0:y1, x0:x1]
    if int(np.count_nonzero(patch)) < _MIN_INK_PIXELS:
        return []
    boxes = []
    for top, bottom in _text_lines(np.count_nonzero(patch, axis=1)):
        columns = np.nonzero(np.count_nonzero(patch[top:bottom], axis=0))[0]
        boxes.append((float(x0 + columns[0]), float(y0 + top), float(x0 + columns[-1] + 1), float(y0 + bottom)))
    return boxes


def _crop(gray: np.ndarray, box: Box) -> np.ndarray:
    h, w = gray.shape
    x0, y0 = max(0, int(box[0]) - _CROP_PAD), max(0, int(box[1]) - _CROP_PAD)
    x1, y1 = min(w, math.ceil(box[2]) + _CROP_PAD), min(h, math.ceil(box[3]) + _CROP_PAD)
    return gray[y0:y1, x0:x1]


def _text_outside_tables(gray: np.ndarray, binary: np.ndarray, grids: list[Grid]) -> list[Box]:
    """Text line boxes found by the detector in the inked bands of the page above, between and
    below the tables (the tables' own text is read cell by cell)."""
    height = gray.shape[0]
    covered = sorted((max(0, round(g.box[1]) - 2), min(height, round(g.box[3]) + 3)) for g in grids)
    bands, top = [], 0
    for start, end in covered:
        bands.append((top, start))
        top = max(top, end)
    bands.append((top, height))
    engine = ocr_engine()
    boxes = []
    for start, end in bands:
        if end - start < 8 or np.count_nonzero(binary[start:end]) < _MIN_INK_PIXELS:
            continue
        found = engine.detect(gray[start:end])
        boxes += [(x0, y0 + start, x1, y1 + start) for x0, y0, x1, y1 in found]
    return boxes


def read_page(gray: np.ndarray, dpi: float) -> PageRead:
    """OCR one grayscale page image of the given resolution."""
    binary = _ink(gray)
    angle = skew_angle(binary)
    if angle:
        gray = _rotate(gray, angle)
        binary = _ink(gray)
    grids, text_ink = ruled_grids(binary, dpi)
    inset = max(2, round(dpi / 72))
    cell_boxes = [box for grid in grids for cell in grid.cells for box in _cell_lines(text_ink, cell, inset)]
    boxes = cell_boxes + _text_outside_tables(gray, text_ink, grids)
    read = ocr_engine().recognize([_crop(gray, box) for box in boxes])
    words = []
    for box, (text, score) in zip(boxes, read, strict=True):
        fixed, confidence = fix_number(text, score)
        if fixed.strip():
            words.append(Word(fixed, box, confidence))
    return PageRead(words, grids, angle)
