"""The layout model (``ocr.layout``) finds a rendered report page's tables where the ruled grid is."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from pdf_support import needs_chromium, rendered

from govreport.ocr.grid import Box
from govreport.ocr.layout import layout_regions
from govreport.ocr.normalize import normalize_page
from govreport.ocr.page import ruled_grids

__all__ = ["rendered"]  # the session fixture, used by name

DPI = 200


def _iou(a: Box, b: Box) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    inter = max(0.0, w) * max(0.0, h)
    area = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1])
    return inter / (area - inter)


@needs_chromium
def test_the_layout_model_finds_each_ruled_table_of_a_page(rendered: dict[str, Path]) -> None:
    document = pdfium.PdfDocument(str(rendered["clean_t4_page"]))
    image = np.asarray(document[0].render(scale=DPI / 72).to_pil().convert("RGB"))
    document.close()
    page = normalize_page(image, DPI)
    grids, _ = ruled_grids(page.binary, page.dpi)
    tables = [r.box for r in layout_regions(page.gray) if r.kind == "table"]
    assert grids
    for grid in grids:
        assert max(_iou(grid.box, box) for box in tables) >= 0.8
    texts = [r for r in layout_regions(page.gray) if r.kind == "text"]
    assert all(max(_iou(r.box, g.box) for g in grids) < 0.3 for r in texts)  # prose is not taken for a table
