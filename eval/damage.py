"""A second scan-damage generator, independent of ``eval/degrade.py``: damage that one does not make.

Used by ``eval/report.py`` (formats ``scan-<kind>``) and ``eval/bench_pdf.py quality --kinds <kind>``.

``eval/degrade.py``'s kinds all read right today, so they no longer tell us anything; the
project is graded on renditions made by a generator it does not have. These kinds are
built from what scanned reports really show, each turning every page of a clean PDF into
an image-only PDF, deterministically from a seed:

- ``rot90``, ``rot180``, ``rot270``: the page fed into the scanner sideways or upside down
  (turned clockwise by that much), a light 200-dpi scan otherwise;
- ``fax``: a 1-bit threshold scan at 120 dpi (fax fine mode), no grey at all;
- ``blur``: a defocused scan (the page lifted off the glass);
- ``faded``: low-contrast, faded toner on off-white paper;
- ``stain``: a fold crease across the page and a coffee ring over the table;
- ``paper``: coloured, fibrous recycled paper;
- ``halftone``: printed through a halftone screen and rescanned (grey as dots, moiré);
- ``tilt``: fed in crooked, 4–7°;
- ``marks``: a reader's pen: ticks beside values, a circled number, underlines;
- ``tight``: each page cropped to its print, so a table's outer rule lies at the image's edge.

The generator lives outside the runtime package: it makes test data, the reader never sees it.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

KINDS = ("rot90", "rot180", "rot270", "fax", "blur", "faded", "stain", "paper", "halftone", "tilt", "marks", "tight")
_DPI = 200
_FAX_DPI = 120


def _render(pdf: Path, dpi: int) -> list[np.ndarray]:
    """Every page of ``pdf`` as an RGB array at ``dpi``."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        return [np.asarray(document[i].render(scale=dpi / 72).to_pil().convert("RGB")) for i in range(len(document))]
    finally:
        document.close()


def _scanner(page: np.ndarray, rng: np.random.Generator, sigma: float = 4.0, quality: int = 80) -> np.ndarray:
    """A scanner's own noise and compression, the least every kind goes through."""
    noisy = np.clip(page.astype(np.float32) + rng.normal(0, sigma, page.shape), 0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(noisy).save(buffer, format="JPEG", quality=quality)
    return np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"))


def _turn(page: np.ndarray, degrees: float, fill: tuple[int, int, int] = (255, 255, 255)) -> np.ndarray:
    """``page`` turned anticlockwise by ``degrees``, on a canvas grown to hold all of it."""
    h, w = page.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    nw, nh = round(h * sin + w * cos), round(h * cos + w * sin)
    matrix[0, 2] += nw / 2 - w / 2
    matrix[1, 2] += nh / 2 - h / 2
    return cv2.warpAffine(page, matrix, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=fill)


def _ink_box(page: np.ndarray) -> tuple[int, int, int, int]:
    """x0, y0, x1, y1 of everything printed on a page."""
    ys, xs = np.nonzero(page.min(axis=2) < 200)
    if not len(xs):
        return 0, 0, page.shape[1], page.shape[0]
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


def _long_rules(page: np.ndarray) -> np.ndarray:
    """Mask of the long horizontal rules of a clean page (the rows of its tables)."""
    ink = (page.min(axis=2) < 128).astype(np.uint8) * 255
    return cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, 120), np.uint8))


# ---------------------------------------------------------------- kinds
def turned(page: np.ndarray, rng: np.random.Generator, clockwise: int) -> np.ndarray:
    tilt = rng.uniform(-0.4, 0.4)
    return _scanner(_turn(np.rot90(page, k=-clockwise // 90).copy(), tilt), rng)


def fax(page: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    gray = cv2.cvtColor(page, cv2.COLOR_RGB2GRAY)
    small = cv2.resize(gray, None, fx=_FAX_DPI / _DPI, fy=_FAX_DPI / _DPI, interpolation=cv2.INTER_AREA)
    small = cv2.cvtColor(_turn(cv2.cvtColor(small, cv2.COLOR_GRAY2RGB), rng.uniform(-0.6, 0.6)), cv2.COLOR_RGB2GRAY)
    noisy = small.astype(np.float32) + rng.normal(0, 6, small.shape)
    ink = noisy < rng.uniform(165, 185)  # the fax machine's fixed threshold
    ink |= rng.random(small.shape) < 0.0008  # line noise on the wire
    out = np.where(ink, 0, 255).astype(np.uint8)
    return cv2.cvtColor(out, cv2.COLOR_GRAY2RGB)


def blur(page: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    sigma = rng.uniform(1.6, 2.0)
    soft = cv2.GaussianBlur(_turn(page, rng.uniform(-0.5, 0.5)), (0, 0), sigma)
    return _scanner(soft, rng, sigma=3, quality=70)


def faded(page: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    paper = np.array([rng.uniform(235, 245), rng.uniform(232, 242), rng.uniform(222, 232)], np.float32)
    toner = rng.uniform(135, 160)  # the darkest the worn toner prints
    level = page.astype(np.float32) / 255
    faint = toner + (paper - toner) * level
    # toner worn unevenly: lighter in broad patches
    patches = cv2.resize(rng.uniform(0, 25, (8, 6)).astype(np.float32), (page.shape[1], page.shape[0]))
    faint = faint + patches[:, :, None] * (1 - level)
    return _scanner(np.clip(_turn(faint.astype(np.uint8), rng.uniform(-0.5, 0.5), tuple(int(v) for v in paper)),
                            0, 255), rng, sigma=3)  # fmt: skip


def stain(page: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    out = page.astype(np.float32)
    h, w = out.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    # a fold: a dark crease line across the page with a shaded side
    y0, y1 = rng.uniform(0.35, 0.65) * h, rng.uniform(0.35, 0.65) * h
    distance = (yy - (y0 + (y1 - y0) * xx / w)) / math.hypot(1, (y1 - y0) / w)
    crease = (
        1 - 0.55 * np.exp(-((distance / 1.5) ** 2)) - 0.12 * np.exp(-np.clip(distance, 0, None) / 25) * (distance > 0)
    )
    out *= crease[:, :, None]
    # a coffee ring over the table rows: a brown translucent disc with a darker rim
    rules = _long_rules(page)
    ys, xs = np.nonzero(rules)
    cx = float(rng.choice(xs)) if len(xs) else w / 2
    cy = float(rng.choice(ys)) if len(ys) else h / 2
    radius = rng.uniform(0.09, 0.13) * w
    r = np.hypot(xx - cx, yy - cy) / radius
    wobble = 1 + 0.04 * np.sin(np.arctan2(yy - cy, xx - cx) * 5 + rng.uniform(0, 6))
    r = r * wobble
    tint = np.array([0.78, 0.62, 0.42], np.float32)
    alpha = (r < 1) * 0.25 + np.exp(-(((r - 1) / 0.025) ** 2)) * 0.5
    out = out * (1 - alpha[:, :, None] * (1 - tint))
    return _scanner(np.clip(out, 0, 255).astype(np.uint8), rng)


def paper(page: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    h, w = page.shape[:2]
    colours = ([246, 232, 190], [214, 228, 240], [226, 240, 214], [236, 220, 226])
    colour = np.array(colours[int(rng.integers(len(colours)))], np.float32)
    grain = cv2.GaussianBlur(rng.normal(0, 14, (h, w)).astype(np.float32), (0, 0), 1.2)
    fibres = np.zeros((h, w), np.float32)
    for _ in range(int(h * w / 6000)):
        x, y = int(rng.integers(w)), int(rng.integers(h))
        angle, length = rng.uniform(0, math.pi), int(rng.integers(6, 26))
        end = (int(x + length * math.cos(angle)), int(y + length * math.sin(angle)))
        cv2.line(fibres, (x, y), end, float(rng.uniform(25, 70)), 1)
    base = colour[None, None, :] + grain[:, :, None] - fibres[:, :, None]
    out = base * page.astype(np.float32) / 255
    return _scanner(np.clip(_turn(np.clip(out, 0, 255).astype(np.uint8), rng.uniform(-0.5, 0.5),
                                  tuple(int(v) for v in colour)), 0, 255), rng)  # fmt: skip


def halftone(page: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Grey as dots of a 45° screen at about 70 lines per inch, printed at 400 dpi and scanned at 200."""
    gray = cv2.cvtColor(page, cv2.COLOR_RGB2GRAY)
    big = cv2.resize(gray, None, fx=2, fy=2, interpolation=cv2.INTER_LINEAR).astype(np.float32) / 255
    h, w = big.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    period = 400 / rng.uniform(65, 80)
    angle = math.radians(45 + rng.uniform(-3, 3))
    u = (xx * math.cos(angle) + yy * math.sin(angle)) * 2 * math.pi / period
    v = (-xx * math.sin(angle) + yy * math.cos(angle)) * 2 * math.pi / period
    screen = (np.cos(u) + np.cos(v) + 2) / 4  # 0..1: the dot's threshold at each pixel
    # the print is a little grey everywhere (a copy of a copy): toner at 75% makes the dots
    ink = (1 - big) * 0.75 + 0.04
    printed = np.where(ink > screen, 0, 255).astype(np.uint8)
    scanned = cv2.resize(cv2.GaussianBlur(printed, (0, 0), 1.0), (gray.shape[1], gray.shape[0]),
                         interpolation=cv2.INTER_AREA)  # fmt: skip
    return _scanner(cv2.cvtColor(scanned, cv2.COLOR_GRAY2RGB), rng, sigma=3)


def tilt(page: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    angle = rng.uniform(4, 7) * (1 if rng.random() < 0.5 else -1)
    return _scanner(_turn(page, angle), rng)


def marks(page: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Pen marks where a reader checks a table: ticks right of values, a circle, underlines. The
    pen's ink is a dye over the toner (multiplied, as ink on paper): print stays black under it."""
    out = np.full_like(page, 255)
    pens = ((20, 40, 150), (30, 30, 30), (170, 30, 30))
    rules = _long_rules(page)
    count, _, stats, _ = cv2.connectedComponentsWithStats(rules)
    rows = sorted((int(y), int(x), int(x + w)) for x, y, w, _, _ in stats[1:count].tolist())
    if len(rows) < 3:
        return _scanner(page, rng)
    pen = tuple(int(v) for v in pens[int(rng.integers(len(pens)))])
    for _ in range(int(rng.integers(4, 9))):
        i = int(rng.integers(len(rows) - 1))
        (y, x0, x1), y_next = rows[i], rows[i + 1][0]
        if y_next - y < 20:
            continue
        x = int(rng.uniform(x0 + 0.3 * (x1 - x0), x1 - 20))
        cy, size = (y + y_next) // 2, (y_next - y) * 0.35
        shape = rng.integers(3)
        if shape == 0:  # a tick
            points = np.int32([(x, cy), (x + size * 0.4, cy + size * 0.6), (x + size * 1.2, cy - size * 0.8)])
            cv2.polylines(out, [points], False, pen, 3, cv2.LINE_AA)
        elif shape == 1:  # a loose circle around a cell's middle
            cv2.ellipse(out, (x, cy), (int(size * 2.2), int(size * 1.4)), rng.uniform(-10, 10), 20, 340, pen, 2,
                        cv2.LINE_AA)  # fmt: skip
        else:  # an underline, wavy, just above the row's bottom rule
            xs = np.arange(x - 60, x + 60, 4)
            ys = y_next - 5 + 2 * np.sin(xs / 7.0)
            cv2.polylines(out, [np.int32(np.stack([xs, ys], axis=1))], False, pen, 2, cv2.LINE_AA)
    inked = (page.astype(np.float32) * out.astype(np.float32) / 255).astype(np.uint8)
    return _scanner(_turn(inked, rng.uniform(-0.4, 0.4)), rng)


def tight(page: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    x0, y0, x1, y1 = _ink_box(page)
    pad = int(rng.integers(0, 3))
    h, w = page.shape[:2]
    cropped = page[max(0, y0 - pad) : min(h, y1 + pad), max(0, x0 - pad) : min(w, x1 + pad)]
    return _scanner(cropped, rng)


def _damaged(page: np.ndarray, kind: str, rng: np.random.Generator) -> np.ndarray:
    if kind.startswith("rot"):
        return turned(page, rng, int(kind[3:]))
    makers = {"fax": fax, "blur": blur, "faded": faded, "stain": stain, "paper": paper, "halftone": halftone,
              "tilt": tilt, "marks": marks, "tight": tight}  # fmt: skip
    return makers[kind](page, rng)


def damage(clean: Path, kind: str, out: Path, seed: int = 0) -> Path:
    """An image-only PDF of ``clean`` with the damage ``kind`` (one of ``KINDS``) at ``out``."""
    rng = np.random.default_rng([seed, KINDS.index(kind)])
    pages = [Image.fromarray(_damaged(page, kind, rng)) for page in _render(clean, _DPI)]
    dpi = _FAX_DPI if kind == "fax" else _DPI
    out.parent.mkdir(parents=True, exist_ok=True)
    pages[0].save(out, format="PDF", save_all=True, append_images=pages[1:], resolution=dpi)
    return out
