"""OCR: grid recovery, deskew, number confusions, engine choice, and two small end-to-end cases
(a garbled PDF page and a tilted scan of it) read through the OCR path."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from pdf_support import needs_chromium, rendered
from PIL import Image

from govreport.document import Document, Table
from govreport.errors import IngestError
from govreport.ingest import load
from govreport.ocr import engine as engine_module
from govreport.ocr.grid import Segment, find_grids
from govreport.ocr.numbers import FIXED_CONFIDENCE, fix_number
from govreport.ocr.page import _ink_glyphs, ink_lines, line_crop, read_page, skew_angle
from govreport.render.pdf import html_to_pdf, rasterize, simulate_scan

__all__ = ["rendered"]  # the session fixture, used by name


def _rules(ys: list[float], xs: list[float]) -> list[Segment]:
    return [Segment(True, y, xs[0], xs[-1]) for y in ys] + [Segment(False, x, ys[0], ys[-1]) for x in xs]


def test_grid_spans_come_from_missing_rules() -> None:
    # a 3×3 grid whose top row has no inner vertical rules: one cell spanning three columns
    segments = [s for s in _rules([0, 20, 40, 60], [0, 50, 100, 150]) if s.horizontal]
    segments += [Segment(False, 0, 0, 60), Segment(False, 150, 0, 60)]
    segments += [Segment(False, 50, 20, 60), Segment(False, 100, 20, 60)]
    (grid,) = find_grids(segments, tol=2, min_gap=3)
    assert (grid.n_rows, grid.n_cols) == (3, 3)
    assert (grid.cells[0].row, grid.cells[0].col, grid.cells[0].rowspan, grid.cells[0].colspan) == (0, 0, 1, 3)
    assert len(grid.cells) == 7


def test_a_table_left_open_by_a_page_break_is_closed_by_its_rules_ends() -> None:
    segments = [Segment(True, 0, 0, 100), Segment(True, 20, 0, 100)]
    segments += [Segment(False, x, 0, 45) for x in (0, 50, 100)]  # no rule at the bottom
    (grid,) = find_grids(segments, tol=2, min_gap=3)
    assert grid.n_rows == 2 and grid.box[3] == 45


def test_a_framed_paragraph_is_not_a_table() -> None:
    assert find_grids(_rules([0, 100], [0, 400]), tol=2, min_gap=3) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("O", "0"),
        ("1O5", "105"),
        ("l2", "12"),
        ("3。5", "3.5"),
        ("I|", "11"),
        ("95", "95"),
        ("其他", "其他"),
        ("Ol合计", "Ol合计"),
        ("..1584", "1584"),
    ],
)
def test_number_confusions(text: str, expected: str) -> None:
    fixed, confidence = fix_number(text, 0.99)
    assert fixed == expected
    assert confidence == (0.99 if fixed == text else FIXED_CONFIDENCE)


def _printed_band(rows: list[tuple[int, int, list[tuple[int, int]]]], height: int = 400) -> np.ndarray:
    """A band of ink (255): per row its top, its height, and the spans of its glyphs' ink."""
    ink = np.zeros((height, 1200), np.uint8)
    for top, tall, spans in rows:
        for left, right in spans:
            for x in range(left, right, 40):  # glyphs 34 px wide, 6 apart
                ink[top : top + tall, x : min(x + 34, right)] = 255
    return ink


def test_lines_of_plain_print_are_found_from_their_ink() -> None:
    band = _printed_band([(20, 40, [(100, 900)]), (90, 40, [(100, 500), (620, 900)]), (160, 36, [(100, 300)])])
    lines = ink_lines(band, 200)
    # a space of three glyph heights parts the second line; every box keeps the detector's margin
    assert [tuple(round(v) for v in box) for box in lines] == [
        (95, 15, 899, 65),
        (95, 85, 499, 135),
        (615, 85, 899, 135),
        (96, 156, 298, 200),
    ]
    wide_punctuation = _printed_band([(20, 40, [(100, 300), (360, 600)])])  # 》（ leave about a glyph of paper
    assert len(ink_lines(wide_punctuation, 200)) == 1


def test_a_band_of_irregular_rows_is_left_to_the_detector() -> None:
    lines = [(20, 40, [(100, 900)]), (90, 40, [(100, 900)])]
    seal = _printed_band([*lines, (160, 200, [(400, 600)])])  # a grey seal's remains under the signature
    dots = _printed_band([*lines, (160, 6, [(100, 900)])])  # a row of dots or an underline
    # lines set too close: a glyph of one reaches the other (the tallest row is no taller than a title)
    touching = _printed_band([(20, 40, [(100, 900)]), (64, 40, [(100, 900)]), (59, 6, [(400, 430)])])
    alone = _printed_band([(20, 200, [(400, 600)])])  # a seal in a band of its own
    assert all(ink_lines(band, 200) is None for band in (seal, dots, touching, alone))
    assert ink_lines(_printed_band([(20, 40, [(100, 900)]), (64, 40, [(100, 900)])]), 200) is not None


def test_a_speck_before_a_lines_first_glyph_is_not_read() -> None:
    ink = _printed_band([(20, 40, [(100, 300)])])
    ink[55:59, 88:91] = 255  # toner before the first glyph (no mark starts a line of Chinese print)
    ink[55:59, 304:307] = 255  # a full stop after the last glyph stays
    gray = np.where(ink > 0, 0, 255).astype(np.uint8)
    crop = line_crop(gray, ink, (85.0, 15.0, 310.0, 65.0), _ink_glyphs(ink))
    assert (crop[55 - 11 : 59 - 11, 88 - 81 : 91 - 81] == 255).all()
    assert (crop[55 - 11 : 59 - 11, 304 - 81 : 307 - 81] == 0).all()
    assert (gray[55:59, 88:91] == 0).all()  # the page itself is left as it is
    broken = ink.copy()
    broken[20:60:6, 80:84] = 255  # a glyph's left part broken by a photocopy into pieces, each small
    broken[:, 88:91] = 0
    gray = np.where(broken > 0, 0, 255).astype(np.uint8)
    crop = line_crop(gray, broken, (75.0, 15.0, 310.0, 65.0), _ink_glyphs(broken))
    assert (crop[20 - 11 : 60 - 11 : 6, 80 - 71 : 84 - 71] == 0).all()


def test_skew_of_a_tilted_page_is_measured() -> None:
    page = np.full((1400, 1000), 255, np.uint8)
    for y in range(150, 1300, 60):
        cv2.line(page, (100, y), (900, y), 0, 2)
    tilted = np.asarray(Image.fromarray(page).rotate(0.8, resample=Image.Resampling.BILINEAR, fillcolor=255))
    _, binary = cv2.threshold(tilted, 128, 255, cv2.THRESH_BINARY_INV)
    assert abs(abs(skew_angle(binary)) - 0.8) < 0.1


def test_recognition_batches_keep_short_crops_apart_from_long_lines() -> None:
    widths = [20.0, 1.2, 20.1, 0.8, 1.0, 5.0, 1.1, 20.2]
    batches = engine_module.recognition_batches(widths, most=6)
    assert sorted(i for batch in batches for i in batch) == list(range(len(widths)))
    assert all(len(batch) <= 6 for batch in batches)
    # rapidocr's own cut (6 in order of width) would pad the five short crops to the line's width
    assert [sorted(b) for b in batches] == [[1, 3, 4, 6], [5], [0, 2, 7]]


def test_recognition_batches_of_equal_widths_are_full() -> None:
    assert [len(b) for b in engine_module.recognition_batches([3.0] * 14, most=6)] == [2, 6, 6]
    assert engine_module.recognition_batches([]) == []


def test_a_crop_narrower_than_square_is_widened_with_paper() -> None:
    digit = np.zeros((28, 18), np.uint8)
    square = engine_module._at_least_square(digit)
    assert square.shape == (28, 28) and (square[:, :18] == 0).all() and (square[:, 18:] == 255).all()
    wide = np.zeros((28, 60), np.uint8)
    assert engine_module._at_least_square(wide) is wide


def test_recognition_reads_each_crop_in_place() -> None:
    crops = [np.full((30, w), 255, np.uint8) for w in (600, 30, 580, 40)]
    for x, crop in zip((10, 8, 10, 8), crops, strict=True):
        cv2.putText(crop, "7" if crop.shape[1] < 100 else "2024 1 1", (x, 24), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 0, 2)
    texts = [text.replace(" ", "") for text, _ in engine_module.ocr_engine().recognize(crops)]
    assert texts[1] == texts[3] == "7"
    assert texts[0].startswith("2024") and texts[2].startswith("2024")


def test_paddle_backend_without_local_models_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(engine_module.ENGINE_VARIABLE, "paddle")
    monkeypatch.delenv(engine_module.PADDLE_MODELS_VARIABLE, raising=False)
    engine_module.ocr_engine.cache_clear()
    try:
        with pytest.raises(engine_module.OcrUnavailable, match="local PaddleOCR models"):
            engine_module.ocr_engine()
    finally:
        engine_module.ocr_engine.cache_clear()


def test_image_without_text_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "blank.png"
    Image.new("L", (1654, 2339), 255).save(path)
    with pytest.raises(IngestError, match="No text found"):
        load(path)


def _t4_values(doc: Document) -> list[str]:
    """The value row of table 4: the last row of the table fifteen columns wide."""
    return [c.text for c in _t4(doc).rows()[-1]]


def _t4(doc: Document) -> Table:
    return next(t for t in doc.tables if t.n_cols == 15)


@needs_chromium
def test_garbled_page_is_read_by_ocr(rendered: dict[str, Path]) -> None:
    doc = load(rendered["garbled_t4_page"])
    assert any("read by OCR" in f.message for f in doc.findings)
    assert _t4_values(doc) == ["0"] * 15
    assert "存在的主要问题" in doc.text  # the prose around the table is read too


@needs_chromium
def test_tilted_scan_is_deskewed_and_its_cells_read(rendered: dict[str, Path], tmp_path: Path) -> None:
    (page,) = rasterize(rendered["clean_t4_page"], dpi=200)
    path = tmp_path / "scan.jpg"
    simulate_scan(page, seed=3, tilt=0.8).save(path, dpi=(200, 200))
    doc = load(path)
    assert _t4_values(doc) == ["0"] * 15
    value_cells = _t4(doc).rows()[-1]
    assert all(c.loc.page == 1 and c.loc.box is not None and 0 < c.confidence <= 1 for c in value_cells)


@needs_chromium
def test_the_blank_a_heading_prints_after_its_numeral_is_read_and_none_is_added(tmp_path: Path) -> None:
    # the recognizer never reads a blank; the ink's spacing after the 、 tells it (Chromium's CJK font)
    headings = ["一、总体情况", "二、 主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "4、 其他事项"]
    page = "".join(f"<h2>{h}</h2><p>本年度各项工作按时完成，情况如下。</p>" for h in headings)
    pdf = html_to_pdf(f"<html><body style='font-family: serif'>{page}</body></html>", tmp_path / "headings.pdf")
    (image,) = rasterize(pdf)
    lines = [w.text for w in read_page(np.array(simulate_scan(image, seed=3)), 200).words]
    assert [t for t in lines if t[:1] in "一二三4"] == headings


def test_lines_of_a_cell_set_tight_are_cut_apart_and_the_strokes_of_a_character_are_not() -> None:
    from govreport.ocr.page import _text_lines

    glyph, gap = 24, 4  # two lines of a Word table's narrow label cell: a gap a sixth of a glyph
    two_lines = np.zeros(2 * glyph + gap, dtype=int)
    two_lines[:glyph] = 9
    two_lines[glyph + gap :] = 9
    assert _text_lines(two_lines) == [(0, glyph), (glyph + gap, 2 * glyph + gap)]
    stroke = np.zeros(glyph + gap + 3, dtype=int)  # a line and a thin stroke just below it (the foot of 三, 二)
    stroke[:glyph] = 9
    stroke[glyph + gap :] = 9
    assert _text_lines(stroke) == [(0, glyph + gap + 3)]


@needs_chromium
def test_strokes_stacked_in_a_narrow_cell_set_tight_are_no_rule_and_a_rule_in_short_pieces_is(tmp_path: Path) -> None:
    # a Word table's narrow label column: lines of one character set tight, so its upright strokes
    # stand line over line with small gaps, as a photocopy leaves of a rule; beside it, a rule
    # broken every 9 pt (pieces shorter than a character's strokes can be)
    from govreport.ocr.normalize import normalize_page
    from govreport.ocr.page import ruled_grids

    label = "<br>".join(["申申申"] * 4)
    cell = "border: 0.5pt solid black; padding: 1pt 2pt; font-size: 10.5pt; line-height: 11pt"
    rows = "".join(
        f"<tr><td style='{cell}; width: 40pt'>{label}</td><td style='{cell}'>{n}</td><td style='{cell}'>{n}</td></tr>"
        for n in (12, 7)
    )
    table = f"<table style='border-collapse: collapse; table-layout: fixed; width: 400pt; margin: 40pt'>{rows}</table>"
    (image,) = rasterize(html_to_pdf(f"<html><body>{table}</body></html>", tmp_path / "tight.pdf"))
    clean = np.array(image)
    rules_x = np.flatnonzero((clean < 128).sum(axis=0) > 150)  # columns of the upright rules
    middle = rules_x[(rules_x > rules_x.min() + 200) & (rules_x < rules_x.max() - 50)]
    assert middle.size
    for y in range(0, clean.shape[0], 25):
        clean[y : y + 5, middle.min() - 2 : middle.max() + 3] = 255
    page = normalize_page(np.array(simulate_scan(Image.fromarray(clean), seed=2)), 200)
    grids, _ = ruled_grids(page.binary, page.dpi)
    assert [(g.n_rows, g.n_cols, len(g.cells)) for g in grids] == [(2, 3, 6)]


def test_a_cell_printed_upright_is_cut_one_character_per_line() -> None:
    from govreport.ocr.page import _one_character_per_line

    profile = np.full(120, 20)
    profile[[27, 55, 81]] = 2  # where the touching characters meet
    upright = [(0, 27, 3, 30), (28, 81, 4, 30), (82, 108, 3, 29)]  # the middle line is two characters
    assert _one_character_per_line(upright, profile, point=3) == [
        (0, 27, 3, 30),
        (28, 55, 4, 30),
        (55, 81, 4, 30),
        (82, 108, 3, 29),
    ]
    wrapped = [(0, 27, 0, 110), (30, 57, 0, 80)]  # a label wrapped over two lines: as wide as tall, or wider
    assert _one_character_per_line(wrapped, profile, point=3) == wrapped
    digits = [(0, 20, 0, 11), (24, 64, 0, 11)]  # digits are narrower than a character
    assert _one_character_per_line(digits, profile, point=3) == digits
    numbered = np.zeros(120, dtype=int)
    numbered[0:22] = 9  # 三
    numbered[30:37] = 4  # its 、 below it, then 本
    numbered[48:75] = 9
    lines = [(0, 75, 2, 29), (78, 105, 2, 29)]
    assert _one_character_per_line(lines, numbered, point=3) == [(0, 41, 2, 29), (41, 75, 2, 29), (78, 105, 2, 29)]
