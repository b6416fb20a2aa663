"""Write a report — title, six parts, the three tables in the official form's
layout with merged cells — to HTML or DOCX.

This is how the project makes test documents: from a gold file (values and
headings) to a document that the extractor must read back to the same values.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, model_validator

from govreport.form.catalog import FORMS, Template
from govreport.render.docx import render_docx
from govreport.render.html import render_html
from govreport.render.layout import LayoutCell, TableLayout, Value, form_layouts, table_layouts
from govreport.text import squash


class ReportSpec(BaseModel):
    """What to render. ``values`` uses FIELDS.md keys (None or absent: a blank
    cell); ``headings`` overrides part headings (None drops one); ``template``
    None renders a report without tables (some reports have none)."""

    agency: str
    year: int
    template: Template | None
    values: dict[str, Value] = {}
    parts: dict[int, str] | None = None
    headings: dict[int, str | None] | None = None

    @model_validator(mode="after")
    def _keys_belong_to_template(self) -> ReportSpec:
        known = set(FORMS[self.template].keys()) if self.template else set()
        unknown = sorted(set(self.values) - known)
        if unknown:
            raise ValueError(f"keys not in template {self.template}: {', '.join(unknown[:5])}")
        return self

    @classmethod
    def from_gold(cls, gold_json_path: str | Path, source_text_path: str | Path | None = None) -> ReportSpec:
        """A spec from a gold fixture. Prose comes from the source text's parts
        where a text path is given, else a short paragraph per part that states
        the gold's prose facts."""
        gold: dict[str, Any] = json.loads(Path(gold_json_path).read_text(encoding="utf-8"))["values"]
        template: Template | None = gold.get("meta.template")
        table_keys = set(FORMS[template].keys()) if template else set()
        headings = {p: gold.get(f"section.{p}") for p in range(1, 7) if f"section.{p}" in gold}
        if source_text_path is not None:
            parts = parts_from_text(Path(source_text_path).read_text(encoding="utf-8"), headings)
        else:
            parts = generic_parts(gold)
        # a part the document lacks (section null) gets neither heading nor prose
        parts = {p: text for p, text in parts.items() if headings.get(p, "") is not None}
        return cls(
            agency=gold["meta.agency"],
            year=gold["meta.year"],
            template=template,
            values={k: v for k, v in gold.items() if k in table_keys},
            parts=parts,
            headings=headings,
        )


def generic_parts(gold: dict[str, Any]) -> dict[int, str]:
    """One plain paragraph per part carrying the gold's prose facts where it has them."""
    year, agency = gold["meta.year"], gold["meta.agency"]
    overview = [f"{year}年，{agency}认真贯彻落实《中华人民共和国政府信息公开条例》，扎实推进政务公开工作。"]
    proactive = gold.get("prose.proactive_total")
    if proactive is not None:
        overview.append(f"本年度主动公开政府信息{proactive}条。")
    received = gold.get("prose.applications_received")
    if received == 0:
        overview.append("本年度未收到政府信息公开申请。")
    elif received is not None:
        overview.append(f"本年度收到政府信息公开申请{received}件，均按时答复。")
    fee = gold.get("prose.fee_collected")
    if fee == 0:
        other = "本年度未收取信息处理费。"
    elif fee is not None:
        other = f"本年度收取信息处理费{fee}元。"
    else:
        other = "无其他需要报告的事项。"
    return {
        1: "".join(overview),
        2: "本年度主动公开政府信息情况如下表。",
        3: "本年度收到和处理政府信息公开申请情况如下表。",
        4: "本年度政府信息公开行政复议、行政诉讼情况如下表。",
        5: "政府信息公开工作仍存在公开内容不够全面等问题，下一步将进一步规范公开行为。",
        6: other,
    }


def parts_from_text(text: str, headings: dict[int, str | None]) -> dict[int, str]:
    """Crudely, the lines between one part heading and the next, without table cells.

    Headings are matched in order (squashed, so spacing and numerals' width do
    not matter), each after the previous one. Table cells in the seeds' DOCX
    dumps are lines starting with a tab; a line right after a cell line without
    a blank between continues that cell.
    """
    lines = text.splitlines()
    starts: dict[int, int] = {}
    at = 0
    for part, heading in sorted(headings.items()):
        if heading is None:
            continue
        target = squash(heading)
        hit = next((i for i in range(at, len(lines)) if squash(lines[i]) == target), None)
        if hit is not None:
            starts[part] = hit
            at = hit + 1
    bounds = [*sorted(starts.values()), len(lines)]
    parts: dict[int, str] = {}
    for part, start in starts.items():
        end = bounds[bounds.index(start) + 1]
        parts[part] = "\n".join(_prose_lines(lines[start + 1 : end], headings[part] or ""))
    return parts


def _prose_lines(lines: list[str], heading: str) -> list[str]:
    out: list[str] = []
    in_cell = False
    for line in lines:
        if line.startswith("\t") or (in_cell and line.strip()):
            in_cell = True
            continue
        in_cell = False
        stripped = line.strip()
        if stripped and squash(stripped) != squash(heading):  # a repeated heading is not prose
            out.append(stripped)
    return out


__all__ = [
    "LayoutCell",
    "ReportSpec",
    "TableLayout",
    "form_layouts",
    "render_docx",
    "render_html",
    "table_layouts",
]
