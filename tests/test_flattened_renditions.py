"""The text fixtures flattened the way crawlers flatten pages (lines run together, with
or without a blank between them): values stay right or are left empty, never invented."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import GoldCase, gold_cases

from govreport.pipeline import extract

# r006's labels stand apart from their rows in the source; run together, nothing ties
# them back, so it is left out here.
CASES = [c for c in gold_cases({".txt", ".md"}) if c.name != "real-r006"]


@pytest.mark.parametrize("joiner", ["", " "], ids=["run-together", "blank-separated"])
@pytest.mark.parametrize("case", CASES, ids=repr)
def test_flattened_report_keeps_every_value_it_reads(case: GoldCase, joiner: str, tmp_path: Path) -> None:
    lines = case.document.read_text(encoding="utf-8").splitlines()
    flat = tmp_path / f"{case.name}.txt"
    flat.write_text(joiner.join(line.strip() for line in lines), encoding="utf-8")

    result = extract(flat)
    values = result.values
    table_keys = [k for k in case.values if k.startswith(("t2.", "t3.", "t4."))]
    invented = {k: (case.values[k], values[k]) for k in table_keys if values[k] not in (None, case.values[k])}
    assert invented == {}
    assert sum(values[k] is None for k in table_keys) <= 10  # only runs of table 2 that read several ways
    assert sorted(result.broken_identities) == sorted(case.broken_identities)
    assert [values[f"section.{i}"] for i in range(1, 7)] == [case.values[f"section.{i}"] for i in range(1, 7)]
