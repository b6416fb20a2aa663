"""A page image as it really comes (photo, shaded or low-resolution scan, red seal) to a flat, straight page.

In order: coloured ink (the red seal, a reader's pen) is dropped by colour (a
scanner's colour dropout: where a pixel is clearly red or blue that channel is taken,
so the seal turns to paper and the black print under it stays black); a photographed page is found as the bright
quadrilateral on a darker desk and warped flat; a coarse page is upscaled to
``TARGET_DPI`` (the recognizer was trained on print of about that size); uneven
light (shadows, grey paper, vignette) is divided out by a background estimate, so
one threshold fits the whole page; the tilt is measured from the projection
profile of every straight thing on the page (text lines, and a table's rules where
the page holds only a table) and turned back.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

TARGET_DPI = 200.0  # pages coarser than this are upscaled for recognition
_MIN_UPSCALE = 1.15  # a smaller gain is not worth resampling
_COLOURED = 40  # red (blue) minus the larger of the other two channels: a pixel this red (blue) is not print
_MAX_SKEW = 6.0  # degrees searched for the page's tilt
_MIN_SKEW = 0.05  # smaller tilts are not worth resampling the page
_A4_WIDTH_INCHES = 8.27  # a photographed page's resolution is taken as if it were A4 wide
_MIN_SPECK = 1.2  # points² of ink: a smaller dark blob is scanner speckle, not print


@dataclass(frozen=True, slots=True)
class NormalizedPage:
    gray: np.ndarray  # flat, straight grayscale page, for recognition
    binary: np.ndarray  # its ink as 255 (speckle removed)
    dpi: float
    skew: float  # degrees the page was turned back by
    repairs: tuple[str, ...]  # what was done to the page (seal dropped, perspective, upscaled, ...)


def drop_colour(image: np.ndarray) -> tuple[np.ndarray, bool]:
    """Grayscale of an RGB page with coloured ink turned to paper: a red seal, a reader's red or
    blue pen; and whether there was a seal's worth of it. Print is black, so it stays black under
    the colour. Where a pixel is clearly red (blue) the red (blue) channel is taken, which sees
    through that ink, scaled so that the ink's own brightness in it becomes paper: a pen's dark
    red or blue leaves no grey stroke to be read as a 1 or a 7 beside a number."""
    rgb = image[:, :, :3]
    gray = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY)
    out, found = gray, False
    for channel in (0, 2):  # red, blue
        own = rgb[:, :, channel].astype(np.int16)
        first, second = (c for c in range(3) if c != channel)
        # elementwise: a max over the last axis of a page's (h, w, 2) array is ten times slower
        others = np.maximum(rgb[:, :, first], rgb[:, :, second]).astype(np.int16)
        colour = own - others
        ink = colour > _COLOURED
        if not ink.any():
            continue
        found = found or np.count_nonzero(ink) >= 0.0005 * ink.size  # a seal, not a few ticks
        # the ink's brightness in its own channel (a seal's red is light there, a pen's dark)
        brightest = max(float(np.percentile(own[ink], 25)), 1.0)
        # the halo around the strokes is coloured too, only fainter: take the channel there as well
        ink = cv2.dilate(ink.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0  # JPEG blurs colour over 2x2
        ink &= colour > _COLOURED / 4
        seen_through = np.clip(own.astype(np.float32) * 255 / brightest, 0, 255).astype(np.uint8)
        out = np.where(ink, np.maximum(out, seen_through), out).astype(np.uint8)
    return out, found


def _order_corners(points: np.ndarray) -> np.ndarray:
    """Four corners as top-left, top-right, bottom-right, bottom-left."""
    s, d = points.sum(axis=1), np.diff(points, axis=1).ravel()
    return np.float32([points[np.argmin(s)], points[np.argmin(d)], points[np.argmax(s)], points[np.argmax(d)]])


def page_quad(gray: np.ndarray) -> np.ndarray | None:
    """The corners of a page photographed on a darker surface, or None where the page fills the image."""
    scale = 600 / max(gray.shape)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (5, 5), 0)
    _, bright = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))  # the print is part of the page
    contours, _ = cv2.findContours(bright, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    page = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(page)
    if not 0.25 * small.size <= area <= 0.93 * small.size:
        return None  # no page edge in sight: a scan, or a photo cropped to the page
    outside = bright == 0
    if np.count_nonzero(outside) == 0 or small[outside].mean() > 0.75 * small[~outside].mean():
        return None  # the surround is not clearly darker than the page
    band = max(2, round(0.03 * min(small.shape)))
    sides = [outside[:band], outside[-band:], outside[:, :band], outside[:, -band:]]
    if sum(side.mean() > 0.6 for side in sides) < 3:
        return None  # a shadow along one edge, not a desk around the page
    hull = cv2.convexHull(page)
    quad = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
    if len(quad) != 4 or cv2.contourArea(quad) < 0.9 * area:
        return None
    return _order_corners(quad.reshape(4, 2).astype(np.float32) / scale)


def unwarp(gray: np.ndarray, quad: np.ndarray) -> tuple[np.ndarray, float]:
    """The page inside ``quad`` warped flat at ``TARGET_DPI`` (its size taken as A4 wide), and that dpi."""
    tl, tr, br, bl = quad
    width = (np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2
    height = (np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2
    k = TARGET_DPI * _A4_WIDTH_INCHES / width
    w, h = round(width * k), round(height * k)
    matrix = cv2.getPerspectiveTransform(quad, np.float32([(0, 0), (w, 0), (w, h), (0, h)]))
    flat = cv2.warpPerspective(gray, matrix, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
    return flat, TARGET_DPI


def flatten_light(gray: np.ndarray, dpi: float) -> np.ndarray:
    """The page divided by its background (the paper's brightness, estimated where no ink is):
    shadows, grey paper and vignetting become white, ink keeps its contrast."""
    scale = 50 / dpi  # the background varies slowly: estimate it at 50 dpi
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    # a closing wider than a character's strokes takes the ink out, leaving the paper
    paper = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9)))
    paper = cv2.GaussianBlur(paper, (0, 0), 3)
    paper = cv2.resize(paper, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    flat = gray.astype(np.float32) / np.maximum(paper.astype(np.float32), 1) * 255
    return np.clip(flat, 0, 255).astype(np.uint8)


def binarize(gray: np.ndarray, dpi: float) -> np.ndarray:
    """Ink as 255 on a flattened page (Otsu on a lightly smoothed page), speckle removed from it
    and, in place, from ``gray`` (a speck beside a number reads as a decimal point)."""
    _, binary = cv2.threshold(cv2.GaussianBlur(gray, (3, 3), 0), 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    min_area = _MIN_SPECK * (dpi / 72) ** 2
    count, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    specks = np.zeros(count, bool)
    specks[1:] = stats[1:, cv2.CC_STAT_AREA] < min_area
    if specks.any():
        dots = specks[labels]
        binary[dots] = 0
        gray[cv2.dilate(dots.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0] = 255
    return binary


def _profile_sharpness(binary: np.ndarray, angle: float) -> float:
    h, w = binary.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    turned = cv2.warpAffine(binary, matrix, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    profile = turned.sum(axis=1, dtype=np.float64)
    return float(np.square(np.diff(profile)).sum())


def skew_angle(binary: np.ndarray) -> float:
    """The page's tilt in degrees: the rotation that makes the ink's row profile sharpest
    (text lines and rules line up with the rows), searched coarse to fine."""
    scale = 800 / max(binary.shape)
    small = cv2.resize(binary, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    best, step = 0.0, 0.5
    candidates = np.arange(-_MAX_SKEW, _MAX_SKEW + step / 2, step)
    while True:
        scores = [_profile_sharpness(small, a) for a in candidates]
        best = float(candidates[int(np.argmax(scores))])
        if step <= 0.05:
            break
        step /= 4
        candidates = np.arange(best - 3 * step, best + 3.5 * step, step)
    return best if abs(best) >= _MIN_SKEW else 0.0


def keystone(binary: np.ndarray, dpi: float) -> float:
    """How much the page narrows per pixel down the page (a page that leant away from the glass or
    the camera): from the slants of the long vertical rules, which fan out linearly with their
    distance from the page's middle. 0 where fewer than three rules are seen."""
    length = round(60 * dpi / 72)
    mask = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, length // 4)))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask)
    cx = binary.shape[1] / 2
    offsets, slants = [], []
    for i in range(1, count):
        x, y, w, h, _ = stats[i]
        if h < length or w > h / 10:
            continue
        ys, xs = np.nonzero(labels[y : y + h, x : x + w] == i)
        slope = np.polyfit(ys.astype(np.float64), xs.astype(np.float64), 1)[0]  # dx/dy
        offsets.append(x + w / 2 - cx)
        slants.append(slope)
    if len(offsets) < 3 or np.ptp(offsets) < binary.shape[1] / 4:
        return 0.0
    k = float(np.polyfit(offsets, slants, 1)[0])
    return k if abs(k) * binary.shape[0] > 0.004 else 0.0  # under 0.4% of narrowing: not worth it


def unkeystone(gray: np.ndarray, k: float) -> np.ndarray:
    """Rows scaled about the middle so that rules that fan out (``keystone``'s ``k``) stand upright."""
    h, w = gray.shape
    cx, cy = w / 2, h / 2
    xs = np.arange(w, dtype=np.float32)[None, :] - cx
    scale = 1 + k * (np.arange(h, dtype=np.float32)[:, None] - cy)
    map_x = (cx + xs * scale).astype(np.float32)
    map_y = np.repeat(np.arange(h, dtype=np.float32)[:, None], w, axis=1)
    return cv2.remap(gray, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=255)


def rotate(gray: np.ndarray, angle: float, fill: int = 255) -> np.ndarray:
    h, w = gray.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=fill)


def normalize_page(image: np.ndarray, dpi: float) -> NormalizedPage:
    """A grayscale or RGB page image made flat, straight and fine enough for line finding and OCR."""
    repairs = []
    if image.ndim == 3:
        gray, had_seal = drop_colour(image)
        if had_seal:
            repairs.append("seal dropped by its colour")
    else:
        gray = image
    quad = page_quad(gray)
    if quad is not None:
        gray, dpi = unwarp(gray, quad)
        repairs.append("page edges found, perspective corrected")
    elif dpi * _MIN_UPSCALE <= TARGET_DPI:
        k = TARGET_DPI / dpi
        gray = cv2.resize(gray, None, fx=k, fy=k, interpolation=cv2.INTER_CUBIC)
        dpi = TARGET_DPI
        repairs.append("upscaled")
    gray = flatten_light(gray, dpi)
    binary = binarize(gray, dpi)
    angle = skew_angle(binary)
    if angle:
        gray = rotate(gray, angle)
        binary = binarize(gray, dpi)
        if abs(angle) > 1.5:
            repairs.append(f"turned by {angle:.1f}°")
    fan = keystone(binary, dpi)
    if fan:
        gray = unkeystone(gray, fan)
        binary = binarize(gray, dpi)
        repairs.append("keystone corrected")
    return NormalizedPage(gray, binary, dpi, angle, tuple(repairs))


__all__ = ["TARGET_DPI", "NormalizedPage", "normalize_page", "skew_angle"]
