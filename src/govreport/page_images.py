"""Pages of a PDF or an image as pictures, for people to look at what was read where.

Boxes in the document model are in points from the page's top-left corner, so a
picture is returned with its page size in points; any resolution overlays.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

from PIL import Image, ImageSequence

from govreport.document import Document

PICTURE_DPI = 96  # enough to read a table's digits on screen, small enough to embed
MAX_PAGES = 60  # a longer document gets its first pages only
_JPEG_QUALITY = 70


@dataclass(frozen=True, slots=True)
class PagePicture:
    data_uri: str  # image/jpeg
    width_pt: float
    height_pt: float


def _data_uri(image: Image.Image) -> str:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=_JPEG_QUALITY)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _pdf_pictures(path: str) -> dict[int, PagePicture]:
    import pypdfium2 as pdfium

    out: dict[int, PagePicture] = {}
    pdf = pdfium.PdfDocument(path)
    try:
        for number in range(1, min(len(pdf), MAX_PAGES) + 1):
            page = pdf[number - 1]
            width, height = page.get_size()
            out[number] = PagePicture(_data_uri(page.render(scale=PICTURE_DPI / 72).to_pil()), width, height)
            page.close()
    finally:
        pdf.close()
    return out


def _image_pictures(path: str) -> dict[int, PagePicture]:
    from govreport.ingest.image import image_dpi  # the resolution ingestion placed the boxes at

    out: dict[int, PagePicture] = {}
    with Image.open(path) as image:
        for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
            if number > MAX_PAGES:
                break
            dpi = image_dpi(frame)
            width_pt, height_pt = frame.width * 72 / dpi, frame.height * 72 / dpi
            scale = min(1.0, PICTURE_DPI / dpi)
            small = frame.convert("L").resize((max(1, round(frame.width * scale)), max(1, round(frame.height * scale))))
            out[number] = PagePicture(_data_uri(small), width_pt, height_pt)
    return out


def page_pictures(doc: Document) -> dict[int, PagePicture]:
    """Each page as printed, for PDFs and images; nothing for text-like inputs, nor where the
    file cannot be drawn (the boxes are shown without their page then)."""
    import pypdfium2 as pdfium

    draw = {"pdf": _pdf_pictures, "image": _image_pictures}.get(doc.format)
    if draw is None:
        return {}
    try:
        return draw(doc.path)
    except (OSError, pdfium.PdfiumError):
        return {}
