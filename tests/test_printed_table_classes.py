"""The ways Word and web CMSs print the form tables (eval/variations.py's ``label-styles``,
``cell-formats``, ``header-variants``, ``table-pieces``), each made from every fixture with
tables and written as HTML, DOCX, markdown, a Word text dump and a crawled page."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.variations import GENERATORS, TABLE_CHANGES, Variant, variants
from govreport.evaluate import flagged_keys
from govreport.pipeline import extract

TABLE = ("t2.", "t3.", "t4.")


def _read(variant: Variant) -> tuple[dict, dict]:
    """Wrong table values (gold, read) and of them those neither empty nor flagged (silent)."""
    result = extract(variant.path, labeller="rules")
    assert result.error is None, variant.case.name
    values, flagged = result.values, flagged_keys(result)
    wrong = {
        k: (g, values.get(k)) for k, g in variant.case.values.items() if k.startswith(TABLE) and values.get(k) != g
    }
    silent = {k: w for k, w in wrong.items() if w[1] is not None and k not in flagged}
    return wrong, silent


@pytest.mark.parametrize("writer", ["", "-docx", "-md"])
@pytest.mark.parametrize("name", list(TABLE_CHANGES))
def test_every_fixture_reads_back_exactly_from_a_grid(tmp_path: Path, name: str, writer: str) -> None:
    made = list(variants(f"{name}{writer}", tmp_path))
    assert len(made) >= 5  # the class applies to several fixtures, not one
    for variant in made:
        wrong, _ = _read(variant)
        assert wrong == {}, variant.case.name


def _variant(name: str, fixture: str, folder: Path) -> Variant:
    return next(v for v in variants(name, folder) if v.case.name == fixture)


def test_a_label_cell_beside_its_value_cell_is_no_sentence(tmp_path: Path) -> None:
    """``一、本年新收政府信息公开申请数量 | 23件`` reads like "new applications: 23" but is a row of
    table 3; r008's prose states no such figure."""
    variant = _variant("cell-formats", "real-r008", tmp_path)
    assert "23件" in variant.path.read_text(encoding="utf-8")
    facts = {f.key: f.value for f in extract(variant.path, labeller="rules").facts}
    assert facts["prose.applications_received"] is None


def test_a_blank_column_among_the_values_is_no_value_slot(tmp_path: Path) -> None:
    """Word tables carry blank columns; one inside table 4's value row (r004 prints its last
    five cells blank) once shifted every value by one."""
    made = [v for v in variants("header-variants", tmp_path) if v.case.name in ("real-r004", "real-r008")]
    for variant in made:
        wrong, _ = _read(variant)
        assert wrong == {}, variant.case.name


def test_a_header_row_is_no_value_row_whatever_its_label(tmp_path: Path) -> None:
    """Table 3's header row ends in 其他 (a column) above a blank slot; the 3、其他 row names
    other.misc only by that weak word, and once lost its values to the header row."""
    variant = _variant("label-styles-md", "seed-003", tmp_path)
    assert "3  、  其  他" in variant.path.read_text(encoding="utf-8")
    wrong, _ = _read(variant)
    assert wrong == {}


def test_every_class_is_a_format_of_the_benchmark_report() -> None:
    from eval.report import FORMATS

    assert {f"{name}{w}" for name in TABLE_CHANGES for w in ("", "-docx", "-md", "-txt", "-run")} <= set(FORMATS)
    assert set(GENERATORS) <= set(FORMATS)
