"""The inspection page: what it marks (methods, confidence, broken identities, derived values), that it
needs nothing from the network, and that a real browser renders it (headless Chromium screenshot)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from govreport.cli import app
from govreport.document import Document, Location, TextBlock
from govreport.inspect import inspect_report, render_page
from govreport.schema import Provenance, ReportResult, Value

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
runner = CliRunner()


def test_page_marks_values_in_the_text_and_broken_identities_in_the_tables() -> None:
    page = inspect_report(str(SAMPLES / "003_1244fb917606d24f.txt"))
    assert page.count("<html") == 1 and "绥化市卫生健康委员会" in page
    assert re.search(r'<mark class="v m-table c-hi[^"]*" data-keys="t3\.new_received\.natural_person"', page)
    assert re.search(r'id="v-t3.granted.total" class="v m-table c-\w+ review broken culprit"', page)
    # in Chinese, with the value that would restore the broken identities; the keys on hover
    assert "表三“予以公开”行合计不等于各列之和：应为 2，印为 0" in page
    assert "表三“予以公开”行“总计”列印为 0；改为 2 则相关勾稽关系全部成立" in page
    assert 'title="t3 / row_total / granted' in page
    assert "表三 收到和处理政府信息公开申请情况" in page and "法律服务机构" in page


def test_derived_values_are_marked_and_html_tables_outlined() -> None:
    page = inspect_report(str(SAMPLES / "r004.html"))
    assert re.search(r'class="v m-derived[^"]*"[^>]*><a href="#d-[^"]+">0</a><sup class="badge">推算</sup>', page)
    assert re.search(r'<td class="v m-table c-hi" data-keys="t3\.new_received\.natural_person"', page)


def test_page_is_self_contained() -> None:
    page = inspect_report(str(SAMPLES / "r010.txt"))
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "<link" not in page and "@import" not in page


def test_a_document_laid_out_on_pages_is_drawn_at_its_boxes() -> None:
    box = (100.0, 200.0, 130.0, 212.0)
    doc = Document(
        path="scan.pdf", format="pdf", n_pages=1, blocks=[TextBlock("本年新收 12", Location(page=1, box=box))]
    )
    value = Value(key="t3.new_received.total", value=12, raw="12", confidence=0.6, location=Provenance(page=1, box=box))
    page = render_page(ReportResult(doc="scan.pdf", cells=[value]), doc)
    assert "第 1 页" in page
    assert 'class="v m-table c-lo boxmark"' in page
    assert "left:16.81%;top:23.75%;width:5.04%" in page  # shares of the A4 page: it scales to its panel


def test_an_unreadable_document_gets_a_page_saying_why(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert "File is empty" in inspect_report(str(empty))


def test_inspect_command_writes_the_page(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["inspect", str(SAMPLES / "r012.txt"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "平潭综合实验区" in out.read_text(encoding="utf-8")


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (CI installs it)")
def test_headless_chromium_renders_the_page(tmp_path: Path) -> None:
    page, shot = tmp_path / "report.html", tmp_path / "report.png"
    page.write_text(inspect_report(str(SAMPLES / "003_1244fb917606d24f.txt")), encoding="utf-8")
    command = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--window-size=1400,1800",
        f"--screenshot={shot}",
        page.as_uri(),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=60)
    png = shot.read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 50_000  # a rendered page, not a blank one


def test_a_pdf_page_is_shown_as_printed_behind_its_boxes() -> None:
    page = inspect_report(str(REPO / "tests" / "fixtures" / "real" / "r002.pdf"))
    assert page.count("data:image/jpeg;base64,") == 5  # every page of the report, embedded
    assert 'class="sheet pictured"' in page
    assert re.search(r'class="v m-(table|model) c-\w+ boxmark"', page)  # the values read, outlined on it


def test_an_unreadable_cell_looks_unreadable_not_like_a_value() -> None:
    unread = Value(key="t3.granted.total", value=None, raw="", confidence=0.0)
    page = render_page(ReportResult(doc="a.txt", meta={"template": "2021"}, cells=[unread]), None)
    assert re.search(
        r'id="v-t3.granted.total" class="v m-table c-lo unread"[^>]*title="t3.granted.total = unreadable', page
    )
    assert ".v.unread{outline:2px dotted #888" in page
    assert '<span class="v m-table unread">? 无法识别</span>' in page  # in the one legend


def test_pages_are_laid_out_to_fit_their_panel() -> None:
    page = inspect_report(str(REPO / "tests" / "fixtures" / "real" / "r002.pdf"))
    assert page.count('style="aspect-ratio:595') == 5  # each page is as wide as its panel, at its own shape
    assert "width:100%" in page and "pt;" not in page.split("<body>")[1].split("<script>")[0]  # no fixed sizes
