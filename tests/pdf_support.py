"""Test PDFs made on the fly (shared by the PDF and OCR tests): seed-003 printed by Chromium, garbled, one page."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import GOLD

from govreport.render import ReportSpec
from govreport.render.pdf import chromium_path, garble_pdf, render_pdf, select_pages

T4_PAGE = 2  # 0-based: the rendered seed-003's last page holds table 4 and parts five and six


def _has_cjk_font() -> bool:
    if shutil.which("fc-list") is None:
        return False
    return bool(subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout.strip())


needs_chromium = pytest.mark.skipif(
    chromium_path() is None or not _has_cjk_font(), reason="needs Chromium and a CJK font to render test PDFs"
)


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """seed-003 printed by Chromium (three pages, table 3 split over a page break), its garbled
    copy, and the garbled copy's last page alone (a small OCR case)."""
    folder = tmp_path_factory.mktemp("rendered")
    clean = render_pdf(ReportSpec.from_gold(GOLD / "seed-003.json"), folder / "seed-003.pdf")
    garbled = garble_pdf(clean, folder / "seed-003.garbled.pdf")
    return {
        "clean": clean,
        "garbled": garbled,
        "garbled_t4_page": select_pages(garbled, folder / "seed-003.garbled.p3.pdf", [T4_PAGE]),
        "clean_t4_page": select_pages(clean, folder / "seed-003.p3.pdf", [T4_PAGE]),
    }
