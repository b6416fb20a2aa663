"""Images of report pages (PNG, JPEG, TIFF with one page per frame, BMP, WebP, GIF) read by OCR.

The resolution is the file's own where it states one, else guessed from an A4
page's width. Pages finer than ``MAX_DPI`` are scaled down first: OCR gains
nothing above it and slows down. Boxes are in points (1/72 inch) of the page.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from PIL import Image, ImageSequence, UnidentifiedImageError

from govreport.document import Block, Document
from govreport.errors import IngestError
from govreport.ingest.pdf import join_continued_tables
from govreport.options import active_limits

MAX_DPI = 220
MIN_PIXELS = 32  # a page image narrower or lower than this holds no legible line
_A4_WIDTH_INCHES = 8.27
_MIN_DPI = 50  # a stated resolution below this is a placeholder (many files say 1 or 72)


def image_dpi(frame: Image.Image) -> float:
    """The resolution a page image was scanned at (stated, else as if it were A4 wide)."""
    stated = frame.info.get("dpi", (0, 0))[0]
    return float(stated) if stated and stated >= _MIN_DPI else frame.width / _A4_WIDTH_INCHES


def _gray_frames(path: str) -> Iterator[tuple[np.ndarray, float]]:
    limits = active_limits()
    try:
        with Image.open(path) as image:
            limits.check("pages", getattr(image, "n_frames", 1))
            for frame in ImageSequence.Iterator(image):
                limits.check("page_pixels", frame.width * frame.height)
                if min(frame.width, frame.height) < MIN_PIXELS:
                    raise IngestError(f"Image is too small to hold a report page ({frame.width}×{frame.height} pixels)")
                dpi = image_dpi(frame)
                # colour is kept where there is any: a red seal is told from the print by its colour
                gray = frame.convert("RGB" if frame.mode in ("RGB", "RGBA", "P", "CMYK", "YCbCr") else "L")
                if dpi > MAX_DPI:
                    scale = MAX_DPI / dpi
                    gray = gray.resize(
                        (round(gray.width * scale), round(gray.height * scale)), Image.Resampling.LANCZOS
                    )
                    dpi = MAX_DPI
                yield np.asarray(gray), dpi
    except Image.DecompressionBombError:
        raise IngestError("Image is too large to read (over Pillow's pixel limit)") from None
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise IngestError(f"Corrupt or unreadable image ({exc})") from None


def load_image(path: str) -> Document:
    from govreport.ocr.page import read_page, repair_findings  # OpenCV and OCR load only for OCR input

    pages: list[list[Block]] = []
    repairs: dict[int, tuple[str, ...]] = {}
    for number, (gray, dpi) in enumerate(_gray_frames(path), start=1):
        read = read_page(gray, dpi)
        repairs[number] = read.notes
        pages.append(read.blocks(number))
    blocks = join_continued_tables(pages)
    if not blocks:
        raise IngestError("No text found in the image")
    doc = Document(path=path, format="image", blocks=blocks, n_pages=len(pages))
    doc.findings += repair_findings(repairs)
    return doc
