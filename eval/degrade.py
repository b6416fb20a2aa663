"""Scan damage made deterministically from a clean PDF: the kinds of scans these reports really come as.

    python eval/degrade.py out/clean/seed-003.pdf --kinds seal photo --out out/degraded

Each kind turns every page of a clean PDF into an image-only PDF (a scanned report, no
text layer), from a seed, so a benchmark run is repeatable:

- ``seal``: the office's red seal (ring, star, text on the arc) stamped over the last
  rows of the document's last table, the page tilted 0.5°;
- ``skew``: a 2.5° rotation with keystone (the top of the page narrower than the bottom);
- ``lowres``: 150 dpi, grey paper, a shadow along one edge, JPEG quality 40;
- ``photocopy``: black and white, thin rules broken by small gaps, speckle;
- ``photo``: a phone photo of the page lying on a desk: perspective, warm cast, vignette;
- ``borderless``: tables printed without their vertical rules, the horizontal ones kept or
  printed faint (a light grey that a scan's binarization may lose), a light 200-dpi scan;
- ``halfruled``: the vertical rules lost below 35-65% of each page's height, a light scan.

The generator lives outside the runtime package: it makes test data, the reader never sees it.
"""

from __future__ import annotations

import argparse
import io
import math
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))  # runs from a checkout without installing

KINDS = ("seal", "skew", "lowres", "photocopy", "photo", "borderless", "halfruled")
_DPI = 200
_LOWRES_DPI = 150
_SEAL_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
_SEAL_TEXT = "人民政府办公室政务公开专用章"


def _jpeg(image: Image.Image, quality: int) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue())).convert(image.mode)


def _noise(image: Image.Image, rng: np.random.Generator, sigma: float) -> Image.Image:
    pixels = np.asarray(image, dtype=np.float32)
    pixels = pixels + rng.normal(0, sigma, pixels.shape)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), image.mode)


def _pages(pdf: Path, dpi: int) -> list[Image.Image]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        return [document[i].render(scale=dpi / 72).to_pil().convert("RGB") for i in range(len(document))]
    finally:
        document.close()


def last_table_bottom(pdf: Path) -> tuple[int, tuple[float, float, float, float]] | None:
    """The page (0-based) and box (points) of the last table in the PDF's drawn rules."""
    import pypdfium2 as pdfium

    from govreport.ingest.pdf import _GRID_TOL, _MIN_CELL, _path_segments
    from govreport.ocr.grid import find_grids

    document = pdfium.PdfDocument(str(pdf))
    try:
        found = None
        for index in range(len(document)):
            page = document[index]
            grids = find_grids(_path_segments(page, page.get_height()), tol=_GRID_TOL, min_gap=_MIN_CELL)
            if grids:
                found = (index, max(grids, key=lambda g: g.box[3]).box)
        return found
    finally:
        document.close()


# ---------------------------------------------------------------- seal
def _seal(diameter: int, rng: np.random.Generator) -> Image.Image:
    """A red seal as an RGBA stamp: a ring, a five-pointed star and the office's name along the arc."""
    size = diameter + 8
    stamp = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(stamp)
    c, r = size / 2, diameter / 2
    ring = max(4, diameter // 28)
    draw.ellipse((c - r, c - r, c + r, c + r), outline=255, width=ring)
    star = [
        (c + (0.3 * r if k % 2 == 0 else 0.12 * r) * math.sin(k * math.pi / 5),
         c - (0.3 * r if k % 2 == 0 else 0.12 * r) * math.cos(k * math.pi / 5))
        for k in range(10)
    ]  # fmt: skip
    draw.polygon(star, fill=255)
    font = ImageFont.truetype(_SEAL_FONT, max(10, diameter // 9))
    chars = _SEAL_TEXT
    span = 240.0  # degrees of the arc the name covers, centred at the top
    for i, ch in enumerate(chars):
        angle = -span / 2 + span * i / (len(chars) - 1)
        glyph = Image.new("L", (diameter // 7, diameter // 7), 0)
        ImageDraw.Draw(glyph).text((glyph.width / 2, glyph.height / 2), ch, fill=255, font=font, anchor="mm")
        glyph = glyph.rotate(-angle, resample=Image.Resampling.BILINEAR)
        radius = r - ring - glyph.width * 0.6
        x = c + radius * math.sin(math.radians(angle)) - glyph.width / 2
        y = c - radius * math.cos(math.radians(angle)) - glyph.height / 2
        stamp.paste(255, (round(x), round(y)), glyph)
    # uneven ink: a stamp never prints solid
    ink = np.asarray(stamp, dtype=np.float32) / 255 * rng.uniform(0.55, 0.95, (size, size))
    alpha = Image.fromarray((ink * 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(0.8))
    red = Image.new("RGB", (size, size), (214, 38, 46))
    red.putalpha(alpha)
    return red


def _stamp(page: Image.Image, box_px: tuple[float, float, float, float], rng: np.random.Generator) -> Image.Image:
    x0, _, x1, y1 = box_px
    diameter = round(page.width * 0.2)
    stamp = _seal(diameter, rng).rotate(rng.uniform(-25, 25), resample=Image.Resampling.BILINEAR, expand=True)
    cx = x0 + (x1 - x0) * rng.uniform(0.55, 0.75)  # over the value columns
    cy = y1 - diameter * rng.uniform(0.15, 0.3)  # over the last rows
    # multiply, as ink on paper: black text stays black under the red
    layer = Image.new("RGB", page.size, (255, 255, 255))
    layer.paste(stamp, (round(cx - stamp.width / 2), round(cy - stamp.height / 2)), stamp)
    return Image.fromarray((np.asarray(page, np.float32) * np.asarray(layer, np.float32) / 255).astype(np.uint8))


def seal(
    pages: list[Image.Image], table: tuple[int, tuple[float, float, float, float]] | None, seed: int
) -> list[Image.Image]:
    rng = np.random.default_rng(seed)
    out = []
    for index, page in enumerate(pages):
        if table is not None and index == table[0]:
            k = _DPI / 72
            page = _stamp(page, tuple(v * k for v in table[1]), rng)  # type: ignore[arg-type]
        tilted = page.rotate(0.5 if seed % 2 else -0.5, resample=Image.Resampling.BILINEAR, fillcolor=(255, 255, 255))
        out.append(_jpeg(_noise(tilted.filter(ImageFilter.GaussianBlur(0.6)), rng, 6), 70))
    return out


# ---------------------------------------------------------------- geometry
def _perspective(image: Image.Image, corners: list[tuple[float, float]], size: tuple[int, int], fill) -> Image.Image:
    """``image`` drawn so that its corners (tl, tr, br, bl) land on ``corners`` of a ``size`` canvas."""
    import cv2

    w, h = image.size
    matrix = cv2.getPerspectiveTransform(np.float32([(0, 0), (w, 0), (w, h), (0, h)]), np.float32(corners))
    warped = cv2.warpPerspective(
        np.asarray(image), matrix, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=fill
    )
    return Image.fromarray(warped)


def skew(pages: list[Image.Image], seed: int) -> list[Image.Image]:
    rng = np.random.default_rng(seed)
    out = []
    for page in pages:
        w, h = page.size
        inset = w * rng.uniform(0.02, 0.03)  # the top edge narrower: the page leant away from the glass
        keystoned = _perspective(page, [(inset, 0), (w - inset, 0), (w, h), (0, h)], (w, h), (255, 255, 255))
        angle = 2.5 if rng.random() < 0.5 else -2.5
        tilted = keystoned.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=(255, 255, 255))
        out.append(_jpeg(_noise(tilted.filter(ImageFilter.GaussianBlur(0.6)), rng, 8), 60))
    return out


# ---------------------------------------------------------------- low resolution with shading
def lowres(pages: list[Image.Image], seed: int) -> list[Image.Image]:
    rng = np.random.default_rng(seed)
    out = []
    for page in pages:
        gray = np.asarray(page.convert("L"), np.float32) / 255
        h, w = gray.shape
        paper = rng.uniform(0.78, 0.86)  # recycled grey paper
        # a shadow along one edge (the book's spine or the scanner lid), fading over a fifth of the page
        edge = rng.integers(4)
        ramp = np.linspace(0, 1, w if edge < 2 else h)
        fade = 0.45 + 0.55 * np.clip(ramp / 0.2, 0, 1) ** 0.7
        fade = fade if edge in (0, 2) else fade[::-1]
        shade = np.tile(fade, (h, 1)) if edge < 2 else np.tile(fade[:, None], (1, w))
        pixels = (gray * paper) * shade * 255
        image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).rotate(
            rng.uniform(-0.6, 0.6), resample=Image.Resampling.BILINEAR, fillcolor=int(255 * paper * 0.9)
        )
        out.append(_jpeg(_noise(image, rng, 5), 40))
    return out


# ---------------------------------------------------------------- photocopy
def photocopy(pages: list[Image.Image], seed: int) -> list[Image.Image]:
    import cv2

    rng = np.random.default_rng(seed)
    out = []
    for page in pages:
        gray = np.asarray(page.convert("L").rotate(rng.uniform(-0.8, 0.8), resample=Image.Resampling.BILINEAR,
                                                   fillcolor=255))  # fmt: skip
        ink = gray < rng.uniform(150, 175)
        # thin rules broken by small gaps: white nicks across every long straight run
        binary = ink.astype(np.uint8) * 255
        rules = cv2.morphologyEx(binary, cv2.MORPH_OPEN, np.ones((1, 60), np.uint8)) | cv2.morphologyEx(
            binary, cv2.MORPH_OPEN, np.ones((60, 1), np.uint8)
        )
        gaps = np.zeros_like(binary)
        for _ in range(int(gray.size / 2500)):
            y, x = int(rng.integers(gray.shape[0])), int(rng.integers(gray.shape[1]))
            length = int(rng.integers(3, 9))
            cv2.rectangle(gaps, (x - length // 2, y - length // 2), (x + length // 2, y + length // 2), 255, -1)
        ink &= ~((rules > 0) & (gaps > 0))
        # toner speckle: black dots on the paper, white dropouts in the ink
        ink |= rng.random(gray.shape) < 0.0015
        ink &= ~(rng.random(gray.shape) < 0.02)
        dots = cv2.dilate((rng.random(gray.shape) < 0.0002).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
        ink |= dots
        image = Image.fromarray(np.where(ink, 0, 255).astype(np.uint8))
        out.append(image.convert("1").convert("L"))
    return out


# ---------------------------------------------------------------- borderless tables
_RULE_RUN = 50  # pixels at 200 dpi (18 pt): longer straight ink than any stroke of a character is a rule


def _vertical_rules(gray: np.ndarray) -> np.ndarray:
    """Mask of a clean page's vertical rules, their anti-aliased edges too."""
    import cv2

    ink = (gray < 200).astype(np.uint8) * 255
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((_RULE_RUN, 1), np.uint8))
    return cv2.dilate(vertical, np.ones((1, 3), np.uint8)) > 0


def _light_scan(gray: np.ndarray, rng: np.random.Generator) -> Image.Image:
    image = Image.fromarray(gray.astype(np.uint8)).rotate(
        rng.uniform(-0.4, 0.4), resample=Image.Resampling.BILINEAR, fillcolor=255
    )
    return _jpeg(_noise(image, rng, 4), 75)


def borderless(pages: list[Image.Image], seed: int) -> list[Image.Image]:
    """Each page's vertical rules taken out; on about half the pages the horizontal rules printed
    a faint grey instead of black (the two ways a table's rules go missing in print)."""
    import cv2

    rng = np.random.default_rng(seed)
    out = []
    for page in pages:
        gray = np.asarray(page.convert("L"), np.float32)
        ink = (gray < 200).astype(np.uint8) * 255  # the rules' anti-aliased edges too
        gray[_vertical_rules(gray)] = 255
        if rng.random() < 0.5:
            horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, _RULE_RUN), np.uint8))
            faint = rng.uniform(190, 215)
            on_rule = cv2.dilate(horizontal, np.ones((3, 1), np.uint8)) > 0
            gray[on_rule] = np.maximum(gray[on_rule], faint)
        out.append(_light_scan(gray, rng))
    return out


def halfruled(pages: list[Image.Image], seed: int) -> list[Image.Image]:
    """The vertical rules of each page's lower part taken out, below 35-65% of its height (toner
    running out down the page): a table there keeps its grid above and loses it below."""
    rng = np.random.default_rng(seed)
    out = []
    for page in pages:
        gray = np.asarray(page.convert("L"), np.float32)
        lost = _vertical_rules(gray)
        lost[: round(rng.uniform(0.35, 0.65) * gray.shape[0])] = False
        gray[lost] = 255
        out.append(_light_scan(gray, rng))
    return out


# ---------------------------------------------------------------- phone photo
def photo(pages: list[Image.Image], seed: int) -> list[Image.Image]:
    rng = np.random.default_rng(seed)
    out = []
    for page in pages:
        w, h = page.size
        canvas = (round(w * 1.25), round(h * 1.2))
        cw, ch = canvas
        # the page's corners on the desk: a perspective from a phone held at a slant
        jitter = lambda: rng.uniform(-0.05, 0.05)  # noqa: E731
        margin_x, margin_y = (cw - w) / 2, (ch - h) / 2
        corners = [
            (margin_x + w * (0.04 + jitter()), margin_y + h * (0.02 + jitter() / 2)),
            (margin_x + w * (0.96 + jitter()), margin_y + h * (0.01 + jitter() / 2)),
            (margin_x + w * (1.0 + jitter() / 2), margin_y + h * (1.0 + jitter() / 3)),
            (margin_x + w * (0.0 + jitter() / 2), margin_y + h * (0.99 + jitter() / 3)),
        ]
        desk_colour = np.array([rng.integers(70, 110), rng.integers(50, 80), rng.integers(30, 55)], np.float32)
        grain = rng.normal(0, 12, (ch // 6 + 1, 1, 1))  # the desk's wood grain: coarse bands
        desk = desk_colour + np.kron(grain, np.ones((6, cw, 1)))[:ch]
        shot = np.asarray(_perspective(page, corners, canvas, (0, 0, 0)), np.float32)
        on_page = (
            np.asarray(_perspective(Image.new("L", page.size, 255), corners, canvas, 0), np.float32)[:, :, None] / 255
        )
        shot = shot * on_page + desk * (1 - on_page)
        # warm cast and a vignette: the room's light, the phone's lens
        shot *= np.array([1.0, 0.93, 0.8], np.float32)
        yy, xx = np.mgrid[0:ch, 0:cw]
        r2 = ((xx - cw / 2) / (cw / 2)) ** 2 + ((yy - ch / 2) / (ch / 2)) ** 2
        shot *= (1 - 0.35 * np.clip(r2, 0, 2) / 2)[:, :, None]
        image = Image.fromarray(np.clip(shot, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(0.9))
        out.append(_jpeg(_noise(image, rng, 6), 75))
    return out


def degrade(clean: Path, kind: str, out: Path, seed: int = 0) -> Path:
    """An image-only PDF of ``clean`` with the damage ``kind`` (one of ``KINDS``) at ``out``."""
    dpi = _LOWRES_DPI if kind == "lowres" else _DPI
    pages = _pages(clean, dpi)
    makers: dict[str, Callable[[], list[Image.Image]]] = {
        "seal": lambda: seal(pages, last_table_bottom(clean), seed),
        "skew": lambda: skew(pages, seed),
        "lowres": lambda: lowres(pages, seed),
        "photocopy": lambda: photocopy(pages, seed),
        "photo": lambda: photo(pages, seed),
        "borderless": lambda: borderless(pages, seed),
        "halfruled": lambda: halfruled(pages, seed),
    }
    images = makers[kind]()
    rgb = [p.convert("RGB") for p in images]
    out.parent.mkdir(parents=True, exist_ok=True)
    rgb[0].save(out, format="PDF", save_all=True, append_images=rgb[1:], resolution=dpi)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pdfs", nargs="+", type=Path)
    parser.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS))
    parser.add_argument("--out", type=Path, default=REPO / "out" / "degraded")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    for pdf in args.pdfs:
        for kind in args.kinds:
            path = degrade(pdf, kind, args.out / kind / pdf.name, args.seed)
            print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
