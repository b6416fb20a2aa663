"""Test PDFs and scans made from rendered reports: HTML → PDF with headless Chromium,
a garbled copy without ToUnicode maps, and simulated scans (tilt, blur, noise, JPEG).

Needs a Chromium binary and a CJK font (Debian: ``chromium``, ``fonts-noto-cjk``);
``chromium_path()`` is None where there is none, so tests can skip.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter

from govreport.render.html import render_html

if TYPE_CHECKING:
    from govreport.render import ReportSpec

_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_TO_UNICODE = re.compile(rb"/ToUnicode\s+\d+\s+\d+\s+R")


# headless Chromium that never reaches for the network (updates, sync, QUIC probes, first-run pages)
CHROMIUM_OFFLINE_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def chromium_path() -> str | None:
    return next((p for p in map(shutil.which, _BROWSERS) if p), None)


def html_to_pdf(html: str, out: Path) -> Path:
    """Print an HTML page to ``out`` with headless Chromium (A4, no header or footer)."""
    browser = chromium_path()
    if browser is None:
        raise RuntimeError("no Chromium found to print HTML to PDF (install the 'chromium' package)")
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(html, encoding="utf-8")
        command = [
            browser, *CHROMIUM_OFFLINE_FLAGS, "--no-pdf-header-footer",
            f"--user-data-dir={tmp}/profile", f"--print-to-pdf={out}", page.as_uri(),
        ]  # fmt: skip
        subprocess.run(command, check=True, capture_output=True, timeout=120)
    return out


def strip_to_unicode(pdf: bytes) -> bytes:
    """The same PDF with every font's ToUnicode map unlinked: text extracts as glyph codes
    (what many published reports do). Same-length edits keep the xref offsets valid."""
    return _TO_UNICODE.sub(lambda m: b"/Unused" + b" " * (len(m.group(0)) - 7), pdf)


def rasterize(pdf: Path, dpi: int = 200) -> list[Image.Image]:
    """Every page of ``pdf`` as a grayscale image."""
    document = pdfium.PdfDocument(str(pdf))
    try:
        return [document[i].render(scale=dpi / 72).to_pil().convert("L") for i in range(len(document))]
    finally:
        document.close()


def simulate_scan(page: Image.Image, seed: int, tilt: float = 0.6, quality: int = 55) -> Image.Image:
    """A scanner's copy of a clean page: rotated by ``tilt`` degrees, blurred, noisy, JPEG-compressed."""
    rng = np.random.default_rng(seed)
    angle = tilt * (1 if rng.random() < 0.5 else -1)
    tilted = page.rotate(angle, resample=Image.Resampling.BILINEAR, expand=False, fillcolor=255)
    blurred = tilted.filter(ImageFilter.GaussianBlur(0.7))
    pixels = np.asarray(blurred, dtype=np.float32) + rng.normal(0, 12, (blurred.height, blurred.width))
    noisy = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    buffer = io.BytesIO()
    noisy.save(buffer, format="JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("L")


def save_scan_pdf(pages: list[Image.Image], out: Path, dpi: int = 200) -> Path:
    """Images as an image-only PDF (a scanned report: no text layer)."""
    rgb = [p.convert("RGB") for p in pages]
    rgb[0].save(out, format="PDF", save_all=True, append_images=rgb[1:], resolution=dpi)
    return out


def render_pdf(spec: ReportSpec, out: Path) -> Path:
    """The report in the official form's layout as a Chromium-printed PDF."""
    return html_to_pdf(render_html(spec), out)


def garble_pdf(source: Path, out: Path) -> Path:
    out.write_bytes(strip_to_unicode(source.read_bytes()))
    return out


def scan_pdf(source: Path, out: Path, dpi: int = 200, seed: int = 0) -> Path:
    """A simulated scan of every page of ``source``, as an image-only PDF."""
    pages = [simulate_scan(page, seed + i) for i, page in enumerate(rasterize(source, dpi))]
    return save_scan_pdf(pages, out, dpi)


def select_pages(source: Path, out: Path, order: list[int]) -> Path:
    """A PDF of ``source``'s pages in the given order (0-based, repeats allowed): one page of a
    report for a small test, or a 300-page PDF for memory and speed checks."""
    src = pdfium.PdfDocument(str(source))
    made = pdfium.PdfDocument.new()
    try:
        made.import_pages(src, order)
        made.save(str(out))
    finally:
        made.close()
        src.close()
    return out
