"""Identities: derivation of unprinted cells, breaks, and the one cell that explains them."""

from __future__ import annotations

from govreport.form.catalog import FORMS
from govreport.identities import identities, solve
from govreport.schema import Value
from govreport.validate import broken_identities, derive_cells, explain, rederive

RULES = identities("2021")


def zero_table() -> dict[str, Value]:
    return {k: Value(key=k, value=0) for k in FORMS["2021"].keys()}


def test_identity_counts() -> None:
    kinds = [i.kind for i in RULES]
    assert kinds.count("column_balance") == 7 and kinds.count("results_sum") == 7
    assert kinds.count("row_total") == 25 and kinds.count("group_total") == 3


def test_solve_one_unknown_and_zero_sums() -> None:
    review = next(i for i in RULES if i.name == ("t4", "group_total", "review"))
    values = {"t4.review.total": 7, "t4.review.upheld": 5, "t4.review.pending": 2}
    assert solve(review, values) == {"t4.review.corrected": 0, "t4.review.other": 0}
    values["t4.review.pending"] = None
    values["t4.review.corrected"] = values["t4.review.other"] = 0
    assert solve(review, values) == {"t4.review.pending": 2}


def test_derivation_never_overwrites_a_printed_value() -> None:
    cells = zero_table()
    cells["t3.granted.natural_person"].value = 2
    cells["t3.granted.total"].value = None
    cells["t3.results_total.total"].value = 5  # printed, and wrong
    derive_cells(cells, RULES)
    assert cells["t3.results_total.total"].value == 5 and cells["t3.results_total.total"].method == "table"
    # the row says 2, the column 5: identities that disagree determine nothing
    assert cells["t3.granted.total"].value is None


def test_derivation_fills_what_the_identities_agree_on() -> None:
    cells = zero_table()
    cells["t3.granted.natural_person"].value = 2
    cells["t3.results_total.natural_person"].value = cells["t3.results_total.total"].value = 2
    cells["t3.new_received.natural_person"].value = cells["t3.new_received.total"].value = 2
    cells["t3.granted.total"].value = None
    derive_cells(cells, RULES)
    assert cells["t3.granted.total"].value == 2 and cells["t3.granted.total"].method == "derived"


def test_one_cell_explains_every_break() -> None:
    values = {k: v.value for k, v in zero_table().items()}
    values["t3.granted.natural_person"] = 2
    values["t3.results_total.natural_person"] = 2
    values["t3.results_total.total"] = 2
    values["t3.new_received.natural_person"] = values["t3.new_received.total"] = 2
    broken = broken_identities(values, RULES)
    assert sorted(i.name for i in broken) == [("t3", "results_sum", "total"), ("t3", "row_total", "granted")]
    finding = explain(values, broken, RULES)
    assert finding is not None and finding.cells == ["t3.granted.total"] and finding.restoring_value == 2


def test_no_explanation_when_no_single_cell_restores_all() -> None:
    values = {k: v.value for k, v in zero_table().items()}
    values["t3.granted.natural_person"] = 2
    values["t4.review.total"] = 1
    broken = broken_identities(values, RULES)
    assert len(broken) >= 2 and explain(values, broken, RULES) is None


def test_a_derived_value_rests_on_the_printed_values_that_determine_it() -> None:
    cells = {k: Value(key=k, value=0) for k in FORMS["2021"].keys()}
    cells["t4.review.total"].value = cells["t4.review.upheld"].value = 7
    # two unknowns of one group, both 0 by the zero sum: neither is the other's source
    for key in ("t4.review.corrected", "t4.review.other"):
        cells[key].value = None
    sources = derive_cells(cells, RULES)
    assert cells["t4.review.corrected"].value == 0 and cells["t4.review.corrected"].method == "derived"
    group = {f"t4.review.{c}" for c in ("total", "upheld", "pending")}
    assert sources == {"t4.review.corrected": group, "t4.review.other": group}
    # a value derived from derived ones rests on the printed values under those
    cells = {k: Value(key=k, value=0) for k in FORMS["2021"].keys()}
    for key in ("t3.results_total.natural_person", "t3.new_received.natural_person", "t3.new_received.total"):
        cells[key].value = 2
    cells["t3.granted.natural_person"].value = None  # by the results column's sum, then the row
    cells["t3.granted.total"].value = cells["t3.results_total.total"].value = None
    sources = derive_cells(cells, RULES)
    assert cells["t3.granted.total"].value == 2 and cells["t3.granted.total"].method == "derived"
    assert len(sources) > 2 and all(rests_on.isdisjoint(sources) for rests_on in sources.values())  # printed only
    # solved again from the printed cells: the same values and sources; a kept one counts as printed
    again, resolved = rederive(list(cells.values()), RULES)
    assert resolved == sources and again["t3.granted.total"] == 2
    _, resolved = rederive(list(cells.values()), RULES, kept={"t3.granted.natural_person"})
    assert "t3.granted.natural_person" not in resolved
