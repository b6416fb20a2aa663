"""PDF input: the real digital PDF, Chromium renderings of fixtures, garbled text layers, bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from conftest import FIXTURES, GOLD
from pdf_support import needs_chromium, rendered

from govreport.errors import IngestError
from govreport.ingest import load
from govreport.ocr.garbage import GARBLED_SCORE, garbage_score
from govreport.pipeline import extract
from govreport.render import ReportSpec
from govreport.render.pdf import select_pages
from govreport.text import fold_radicals

R002 = FIXTURES / "real" / "r002.pdf"
__all__ = ["rendered"]  # the session fixture, used by name


def _page_texts(pdf: Path) -> list[str]:
    document = pdfium.PdfDocument(str(pdf))
    try:
        return [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()


def test_r002_values_carry_page_and_box() -> None:
    result = extract(R002)
    printed = [c for c in result.cells if c.method == "table" and c.value is not None]
    assert len(printed) > 150
    for cell in printed:
        assert cell.location is not None and cell.location.page in range(1, 6) and cell.location.box is not None
    assert result.meta is not None and result.meta.pages == 5


def test_r002_merged_cells_come_from_the_ruled_grid_and_page_marks_are_dropped() -> None:
    doc = load(R002)
    spans = {c.text: (c.rowspan, c.colspan) for t in doc.tables for c in t.cells}
    assert spans["（三）不予公开"] == (8, 1)  # the label of its eight sub-rows
    assert spans["法人或其他组织"] == (1, 5)
    assert not any(line.strip() in {"- 1 -", "- 2 -", "- 3 -"} for line in doc.text.splitlines())


def test_radical_code_points_are_folded() -> None:
    assert fold_radicals("⼆⼊⽐⻓⻅⼾") == "二入比长见户"
    assert fold_radicals("总计 95 ⺅") == "总计 95 ⺅"  # a radical with no character of its own stays


@needs_chromium
def test_rendered_pdf_table_split_over_pages_is_joined(rendered: dict[str, Path]) -> None:
    doc = load(rendered["clean"])
    t3 = [t for t in doc.tables if any("申请人情况" in c.text for c in t.cells)]
    assert len(t3) == 1
    assert any("本年新收" in c.text for c in t3[0].cells)
    assert {c.loc.page for c in t3[0].cells} == {1, 2}


@needs_chromium
def test_rendered_pdf_extracts_like_its_gold(rendered: dict[str, Path]) -> None:
    gold = ReportSpec.from_gold(GOLD / "seed-003.json").values
    values = extract(rendered["clean"]).values
    assert {k: values[k] for k in gold} == gold


@needs_chromium
def test_rendered_pdf_headings_keep_their_printed_space(rendered: dict[str, Path]) -> None:
    gold = json.loads((GOLD / "seed-003.json").read_text(encoding="utf-8"))["values"]
    headings = {k: v for k, v in extract(rendered["clean"]).values.items() if k.startswith("section.")}
    assert headings["section.2"] == "2、 主动公开政府信息情况"  # the text layer's blank, as printed
    assert headings == {k: v for k, v in gold.items() if k.startswith("section.")}


@needs_chromium
def test_every_garbled_page_scores_above_the_threshold_and_clean_pages_below(rendered: dict[str, Path]) -> None:
    clean = [garbage_score(t) for t in _page_texts(rendered["clean"])]
    garbled = [garbage_score(t) for t in _page_texts(rendered["garbled"])]
    assert max(clean) < GARBLED_SCORE < min(garbled)
    assert all(garbage_score(t) < GARBLED_SCORE for t in _page_texts(R002))


def test_garbage_score_counts_cid_codes_and_private_use_characters() -> None:
    assert garbage_score("(cid:12)(cid:13)(cid:14)本年度(cid:15)(cid:16)(cid:17)(cid:18)") > GARBLED_SCORE
    assert garbage_score("\ue001\ue002\ue003\ue004 政府信息公开 \ue005\ue006") > GARBLED_SCORE
    assert garbage_score("2024年，本机关收到政府信息公开申请17件（含上年结转0件）。") == 0.0


def test_corrupt_pdf_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage")
    with pytest.raises(IngestError, match="Corrupt or unreadable PDF"):
        load(path)
    assert extract(path).error is not None


def _encrypted(path: Path, user_password: str) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=R002)
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    writer.write(path)
    return path


def test_encrypted_pdf_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="Encrypted PDF"):
        load(_encrypted(tmp_path / "locked.pdf", user_password="secret"))


def test_pdf_locked_only_against_editing_opens_with_the_empty_password(tmp_path: Path) -> None:
    result = extract(_encrypted(tmp_path / "owner_only.pdf", user_password=""))
    assert result.error is None and result.values["t3.new_received.total"] == 95


def test_long_pdf_is_read_page_by_page(tmp_path: Path) -> None:
    long = select_pages(R002, tmp_path / "long.pdf", [i % 5 for i in range(60)])
    result = extract(long)
    assert result.error is None and result.meta is not None and result.meta.pages == 60
