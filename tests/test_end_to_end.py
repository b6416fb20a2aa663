"""Every TXT/MD/HTML/DOCX/PDF gold fixture through the whole pipeline: exact values, sections,
metadata, prose facts and broken identities."""

from __future__ import annotations

import pytest
from conftest import TEXT_LIKE, GoldCase, gold_cases

from govreport.form.catalog import FORMS
from govreport.pipeline import extract, extract_modes

CASES = gold_cases(TEXT_LIKE | {".pdf"})


def test_every_text_like_gold_fixture_is_covered() -> None:
    assert {c.name for c in CASES} >= {
        "seed-000", "seed-001", "seed-002", "seed-003", "seed-004",
        "real-r002", "real-r004", "real-r006", "real-r008", "real-r010", "real-r012",
    }  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_gold_values_exact(case: GoldCase) -> None:
    result = extract(case.document)
    assert result.error is None
    values = result.values
    wrong = {
        key: (expected, values.get(key, "missing"))
        for key, expected in case.values.items()
        if values.get(key, "missing") != expected
    }
    assert wrong == {}


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_gold_broken_identities_exact(case: GoldCase) -> None:
    result = extract(case.document)
    assert sorted(result.broken_identities) == sorted(case.broken_identities)


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_result_holds_every_key_of_its_template(case: GoldCase) -> None:
    data = extract(case.document).to_json_dict()
    template = data["values"]["meta.template"]
    expected = set(FORMS[template].keys()) if template else set()
    assert expected <= set(data["values"])
    assert {"doc", "values", "broken_identities", "error"} <= set(data)


def test_seed_003_names_the_cell_that_explains_both_breaks() -> None:
    result = extract(next(c for c in CASES if c.name == "seed-003").document)
    explanations = [f for f in result.findings if f.kind == "explanation"]
    assert [(f.cells, f.restoring_value) for f in explanations] == [(["t3.granted.total"], 2)]
    assert result.values["t3.granted.total"] == 0  # the printed value is kept


def test_seed_001_cells_missing_from_their_rows_are_derived_and_marked() -> None:
    result = extract(next(c for c in CASES if c.name == "seed-001").document)
    derived = {c.key for c in result.cells if c.method == "derived"}
    # rows 一、（一）、（二）、四 print six numbers for seven columns
    assert {k.rsplit(".", 1)[0] for k in derived} == {
        "t3.new_received", "t3.granted", "t3.partially_granted", "t3.carried_forward",
    }  # fmt: skip
    assert all(result.values[k] == 0 for k in derived)


def test_html_blank_cells_are_derived_not_printed_zeros() -> None:
    result = extract(next(c for c in CASES if c.name == "real-r004").document)
    cells = {c.key: c for c in result.cells}
    assert cells["t3.new_received.research"].raw == "" and cells["t3.new_received.research"].method == "derived"
    assert cells["t3.granted.total"].value == 272 and cells["t3.granted.total"].method == "derived"
    assert cells["t3.new_received.natural_person"].method == "table"
    # the identities do not determine a wholly blank group: left empty, never invented
    assert all(cells[f"t4.suit_after_review.{c}"].value is None for c in ("upheld", "total"))


def test_run_together_digits_left_ambiguous_are_null_and_reported() -> None:
    result = extract(next(c for c in CASES if c.name == "real-r008").document)
    assert result.values["t2.normative_doc.new_made"] is None  # '898989' reads several ways
    ambiguous = [f for f in result.findings if f.kind == "ambiguous"]
    assert ambiguous and "t2.normative_doc.new_made" in ambiguous[0].cells
    assert result.values["t3.new_received.natural_person"] == 23  # '230 000023' reads one way


def test_every_value_carries_method_confidence_and_location() -> None:
    result = extract(next(c for c in CASES if c.name == "real-r010").document)
    printed = [c for c in result.cells if c.method == "table" and c.value is not None]
    assert printed
    for cell in printed:
        assert 0 < cell.confidence <= 1
        assert cell.location is not None and cell.location.line is not None
        assert cell.location.char_start is not None


def test_several_labeller_modes_read_one_load_as_each_alone(tmp_path) -> None:
    """``extract_modes`` loads a document once (a scan's OCR is most of the time) and gives each
    mode its own copy: the same results as ``extract`` mode by mode, each timed with the load;
    a file that does not load gives every mode its one-line error."""
    case = next(c for c in gold_cases(TEXT_LIKE) if c.name == "real-r006")
    modes = extract_modes(case.document, ["rules", "model", "hybrid"])
    for mode, result in modes.items():
        alone = extract(case.document, labeller=mode)
        assert result.labeller == alone.labeller == mode
        assert result.values == alone.values and result.review == alone.review
        assert result.seconds and result.seconds > 0
    missing = extract_modes(tmp_path / "absent.txt", ["rules", "hybrid"])
    assert {m: r.error for m, r in missing.items()} == dict.fromkeys(
        ("rules", "hybrid"), f"File not found: {tmp_path / 'absent.txt'}"
    )
