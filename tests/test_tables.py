"""Table mapping corner cases beyond the gold fixtures."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import GOLD

from govreport.pipeline import extract
from govreport.render import ReportSpec, render_html


def _spec_with_law_prohibited_row(count: int) -> ReportSpec:
    """seed-003's report with ``count`` applications refused as 法律行政法规禁止公开, totals kept whole."""
    spec = ReportSpec.from_gold(GOLD / "seed-003.json")
    gold = json.loads((GOLD / "seed-003.json").read_text(encoding="utf-8"))["values"]
    values = dict(spec.values)
    values["t3.granted.total"] = gold["t3.granted.natural_person"]  # seed 003 misprints it; keep this one whole
    for key in (
        "t3.denied.law_prohibited.natural_person",
        "t3.denied.law_prohibited.total",
        "t3.new_received.natural_person",
        "t3.new_received.total",
        "t3.results_total.natural_person",
    ):
        values[key] = (values[key] or 0) + count
    values["t3.results_total.total"] = values["t3.results_total.natural_person"]
    return spec.model_copy(update={"values": values})


def test_a_row_whose_label_is_unreadable_is_placed_by_the_form_order(tmp_path: Path) -> None:
    html = render_html(_spec_with_law_prohibited_row(3))
    damaged = html.replace("其他法律行政法规禁止公开", "其他法律行政止公开")  # a typo seen in a real PDF (r002)
    assert damaged != html
    path = tmp_path / "damaged.html"
    path.write_text(damaged, encoding="utf-8")

    result = extract(path, labeller="rules")
    cells = {c.key: c for c in result.cells}
    row = cells["t3.denied.law_prohibited.natural_person"]
    assert row.value == 3 and row.method == "table"
    assert row.score is not None and row.score <= 0.8 and "placed by the form's row order" in (row.note or "")
    assert [b for b in result.broken_identities if b[0] != "prose"] == []  # the prose still says 2
