"""Pages of a PDF or an image as pictures, for people to look at what was read where.

Boxes in the document model are in points from the page's top-left corner, so a
picture is returned with its page size in points; any resolution overlays. A
page can be embedded (a data URI, for a self-contained file) or left to be
fetched by URL (the review app: the page's values show before its pictures).
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageSequence

from govreport.document import Document

PICTURE_DPI = 96  # enough to read a table's digits on screen, small enough to embed
MAX_PAGES = 60  # a longer document gets its first pages only
_JPEG_QUALITY = 70

PictureSource = Callable[[int], str]  # page number -> the URL a page shows its picture from


@dataclass(frozen=True, slots=True)
class PagePicture:
    src: str  # a data URI (image/jpeg) or a URL serving one
    width_pt: float
    height_pt: float


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=_JPEG_QUALITY)
    return buffer.getvalue()


def _data_uri(jpeg: bytes) -> str:
    return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii")


def _pdf_pages(path: str, render: int | None) -> dict[int, tuple[float, float, bytes | None]]:
    """Page sizes of a PDF, and the JPEG of page ``render`` (0: of every page, None: of none)."""
    import pypdfium2 as pdfium

    out: dict[int, tuple[float, float, bytes | None]] = {}
    pdf = pdfium.PdfDocument(path)
    try:
        for number in range(1, min(len(pdf), MAX_PAGES) + 1):
            if render not in (0, None, number):
                continue
            page = pdf[number - 1]
            width, height = page.get_size()
            jpeg = _jpeg(page.render(scale=PICTURE_DPI / 72).to_pil()) if render in (0, number) else None
            out[number] = (width, height, jpeg)
            page.close()
    finally:
        pdf.close()
    return out


def _image_pages(path: str, render: int | None) -> dict[int, tuple[float, float, bytes | None]]:
    from govreport.ingest.image import image_dpi  # the resolution ingestion placed the boxes at

    out: dict[int, tuple[float, float, bytes | None]] = {}
    with Image.open(path) as image:
        for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
            if number > MAX_PAGES:
                break
            if render not in (0, None, number):
                continue
            dpi = image_dpi(frame)
            jpeg = None
            if render in (0, number):
                scale = min(1.0, PICTURE_DPI / dpi)
                size = (max(1, round(frame.width * scale)), max(1, round(frame.height * scale)))
                jpeg = _jpeg(frame.convert("L").resize(size))
            out[number] = (frame.width * 72 / dpi, frame.height * 72 / dpi, jpeg)
    return out


def _pages(doc: Document, render: int | None) -> dict[int, tuple[float, float, bytes | None]]:
    """Sizes (and JPEGs, see ``_pdf_pages``); nothing for text-like inputs, nor where the file
    cannot be drawn (the boxes are shown without their page then)."""
    import pypdfium2 as pdfium

    draw = {"pdf": _pdf_pages, "image": _image_pages}.get(doc.format)
    if draw is None:
        return {}
    try:
        return draw(doc.path, render)
    except (OSError, pdfium.PdfiumError):
        return {}


def page_pictures(doc: Document, source: PictureSource | None = None) -> dict[int, PagePicture]:
    """Each page as printed, for PDFs and images: embedded, or (with ``source``) to be fetched from
    ``source(page)``, in which case the pages are only measured here, not drawn."""
    pages = _pages(doc, None if source else 0)
    return {
        number: PagePicture(source(number) if source else _data_uri(jpeg or b""), width, height)
        for number, (width, height, jpeg) in pages.items()
    }


def page_jpeg(doc: Document, number: int) -> bytes | None:
    """One page drawn as a JPEG (None where there is no such page)."""
    page = _pages(doc, number).get(number)
    return page[2] if page else None
