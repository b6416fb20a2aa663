"""A DOCX made from a seed's tables (real merged cells) extracts the same values as the seed's text."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import GOLD, gold_cases

from govreport.pipeline import extract
from govreport.render import ReportSpec, render_docx, render_html

TABLE_PREFIXES = ("t2.", "t3.", "t4.")


@pytest.mark.parametrize("name", ["seed-003", "seed-004", "seed-001", "real-r004"])
@pytest.mark.parametrize("writer", ["docx", "html"])
def test_rendered_report_extracts_like_its_source(name: str, writer: str, tmp_path: Path) -> None:
    case = next(c for c in gold_cases() if c.name == name)
    spec = ReportSpec.from_gold(GOLD / f"{name}.json")
    path = tmp_path / f"{name}.{writer}"
    if writer == "docx":
        render_docx(spec, path)
    else:
        path.write_text(render_html(spec), encoding="utf-8")

    from_rendering = extract(path)
    from_source = extract(case.document)

    assert from_rendering.error is None
    assert from_rendering.meta.template == from_source.meta.template
    rendered, source = from_rendering.values, from_source.values
    table_keys = [k for k in case.values if k.startswith(TABLE_PREFIXES)]
    assert {k: rendered[k] for k in table_keys} == {k: source[k] for k in table_keys}
    assert sorted(from_rendering.broken_identities) == sorted(
        b for b in from_source.broken_identities if b[0] != "prose"
    )
    assert rendered["meta.agency"] == source["meta.agency"] and rendered["meta.year"] == source["meta.year"]
