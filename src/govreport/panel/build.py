"""From extract outputs to a panel: one row per agency and report year, and the findings made on the way.

Records are read only through ``outputs.summary.read_reports`` (so whatever it
applies — corrections — reaches the panel). What happens to each record:

- a record with an error, or without agency or year, is not placed and is a
  finding (``failed_record``, ``no_agency``, ``no_year``);
- the same document in several outputs: the later output's record is used
  (``superseded_record``);
- one report under several documents (same file content, or the same numbers
  for the same agency and year): one row, the others ``duplicate_report``;
- documents claiming the same agency and year with different numbers: the one
  with fewest broken identities (then most values read, then first path) is the
  row; each other is a ``conflicting_reports`` finding naming the keys that
  differ, and is listed in the row's ``other_docs``;
- an agency whose years switch form version: ``form_version_change`` (keys only
  one form has stay apart; the measures below are comparable across forms);
- identity 7 (FIELDS.md), ``["t3", "cross_year", c]``: for years y and y+1,
  ``t3.carried_forward.c`` of y = ``t3.carried_over.c`` of y+1 per applicant
  column and total; a break is ``cross_year_break`` naming both documents and
  cells, an unread cell ``cross_year_open``; a year missing between an agency's
  first and last is ``missing_year`` (not guessed, and not checked across).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from govreport.form.catalog import APPLICANT_COLUMNS, FORMS, Template
from govreport.identities import identities
from govreport.outputs.rows import KEY_COLUMNS, REPORT_COLUMNS, ColumnType
from govreport.outputs.summary import read_reports
from govreport.panel.agency import AgencyMapping, AgencyName, resolve_agencies

Number = int | float
CROSS_YEAR_COLUMNS = (*APPLICANT_COLUMNS, "total")
TABLE_KEYS = tuple(name for name, _, _ in KEY_COLUMNS if name.startswith(("t2.", "t3.", "t4.")))
_KINDS: dict[str, ColumnType] = {name: kind for name, _, kind in REPORT_COLUMNS}
_TEXT_FORMATS = (".csv", ".xlsx")  # the other outputs keep each column's type
_T3_LABELS = {row.key: row.label for form in FORMS.values() for row in form.table("t3").rows}
_COLUMN_LABELS = {col.key: col.label for col in FORMS["2021"].table("t3").rows[0].columns}

# Result groups of table 3, summed per column so that both forms compare (2019 prints one 其他处理 row,
# 2021 three) — plus the applications handled in the year.
GROUPS = {
    "denied": "不予公开",
    "unavailable": "无法提供",
    "not_processed": "不予处理",
    "other": "其他处理",
}
T3_ROWS = tuple(dict.fromkeys(row.key for form in (FORMS["2021"], FORMS["2019"]) for row in form.table("t3").rows))

PANEL_HEAD: tuple[tuple[str, str, ColumnType], ...] = (
    ("agency_key", "机关标识", "str"),
    ("region", "地区", "str"),
    ("year", "报告年度", "int"),
    ("doc", "文件", "str"),
    ("template", "表格版本", "str"),
    ("agency_rules", "机关标识规则", "str"),  # the rule classes (or "mapping") that gave the key
    ("other_docs", "同机关同年度的其他文件", "str"),  # JSON list: duplicates and conflicting documents
    ("broken_identities", "勾稽关系不符", "str"),
    ("cross_year", "跨年度勾稽", "str"),  # holds, broken, open, first_year, previous_year_missing
    ("review", "待核对字段", "str"),  # JSON list: the report's review list (or its broken identities' cells)
    ("content_sha256", "文件SHA-256", "str"),
)


def _measure_columns() -> tuple[tuple[str, str, ColumnType], ...]:
    shares = (
        ("share.granted", "指标/予以公开占办理结果", "float"),
        ("share.partially_granted", "指标/部分公开占办理结果", "float"),
        ("share.denied", "指标/不予公开占办理结果", "float"),
    )
    sums = [
        (f"sum.t3.{group}.{col}", f"合计/表三/{label}/{_COLUMN_LABELS[col]}", "int")
        for group, label in (("applications", "新收与上年结转"), *GROUPS.items())
        for col in CROSS_YEAR_COLUMNS
    ]
    changes = [(f"yoy.t3.{row}.total", f"同比变化/表三/{_T3_LABELS[row]}/总计", "int") for row in T3_ROWS]
    return (*shares, *sums, *changes)  # type: ignore[return-value]


MEASURE_COLUMNS = _measure_columns()
PANEL_COLUMNS: tuple[tuple[str, str, ColumnType], ...] = (*PANEL_HEAD, *KEY_COLUMNS, *MEASURE_COLUMNS)

FINDING_COLUMNS: tuple[tuple[str, ColumnType], ...] = (
    ("kind", "str"),
    ("agency_key", "str"),
    ("year", "int"),
    ("doc", "str"),
    ("other_doc", "str"),
    ("identity_table", "str"),
    ("identity_kind", "str"),
    ("identity_where", "str"),
    ("cells", "str_list"),  # "doc#key" for each cell involved
    ("value", "float"),
    ("other_value", "float"),
    ("message", "str"),
)


@dataclass
class PanelFinding:
    kind: str
    message: str
    agency_key: str | None = None
    year: int | None = None
    doc: str | None = None
    other_doc: str | None = None
    identity: tuple[str, str, str] | None = None
    cells: list[str] = field(default_factory=list)
    value: Number | None = None
    other_value: Number | None = None

    def row(self) -> dict[str, Any]:
        table, kind, where = self.identity or (None, None, None)
        return {
            "kind": self.kind,
            "agency_key": self.agency_key,
            "year": self.year,
            "doc": self.doc,
            "other_doc": self.other_doc,
            "identity_table": table,
            "identity_kind": kind,
            "identity_where": where,
            "cells": self.cells,
            "value": None if self.value is None else float(self.value),
            "other_value": None if self.other_value is None else float(self.other_value),
            "message": self.message,
        }


@dataclass
class Panel:
    rows: list[dict[str, Any]]  # PANEL_COLUMNS, sorted by agency key and year
    findings: list[PanelFinding]
    agencies: dict[str, AgencyName]  # printed name -> identity

    def series(self, agency_key: str) -> list[dict[str, Any]]:
        return [row for row in self.rows if row["agency_key"] == agency_key]

    def findings_of(self, kind: str) -> list[PanelFinding]:
        return [f for f in self.findings if f.kind == kind]


# ---------------------------------------------------------------- reading
def _coerce(value: Any, kind: ColumnType) -> Any:
    """A value from a spreadsheet as its column's type: CSV gives text, Excel may give floats for ints."""
    if value is None or value == "":
        return None
    if kind == "str":
        return str(value)
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if kind == "int":
        return int(value) if float(value).is_integer() else value
    return value


def _read(outputs: Sequence[Path], findings: list[PanelFinding]) -> list[dict[str, Any]]:
    """The latest record per document over all outputs (a later output wins), with typed values."""
    names = [name for name, _, _ in REPORT_COLUMNS]
    latest: dict[str, dict[str, Any]] = {}
    for output in outputs:
        as_text = output.suffix.lower() in _TEXT_FORMATS
        for stored in read_reports(output, names):
            row = {name: _coerce(stored.get(name), _KINDS[name]) for name in names} if as_text else dict(stored)
            row["_output"] = str(output)
            row["_review"] = _review(stored, row)
            earlier = latest.get(row["doc"])
            if earlier is not None and earlier["_output"] != row["_output"]:
                findings.append(
                    PanelFinding(
                        "superseded_record",
                        f"{row['doc']} is in {earlier['_output']} and {output}: the record of {output} is used",
                        doc=row["doc"],
                    )
                )
            latest[row["doc"]] = row
    return [latest[doc] for doc in sorted(latest)]


def _review(stored: dict[str, Any], row: dict[str, Any]) -> frozenset[str]:
    """The keys a person should check (the record's review list, FIELDS.md); where the output has
    none, the cells of the report's broken identities (confidences are not in the report rows)."""
    review = stored.get("review")
    if isinstance(review, str):
        review = json.loads(review)
    if review is not None:
        return frozenset(review)
    template = row.get("meta.template")
    if template not in FORMS:
        return frozenset()
    cells = {identity.name: identity.keys for identity in identities(template)}
    return frozenset(key for name in _hard_broken(row) for key in cells.get(tuple(name), ()))


def _placeable(rows: list[dict[str, Any]], findings: list[PanelFinding]) -> list[dict[str, Any]]:
    kept = []
    for row in rows:
        doc = row["doc"]
        if row.get("error"):
            findings.append(PanelFinding("failed_record", f"{doc}: extraction failed: {row['error']}", doc=doc))
        elif not row.get("meta.agency"):
            findings.append(PanelFinding("no_agency", f"{doc}: no agency read; not placed in the panel", doc=doc))
        elif row.get("meta.year") is None:
            findings.append(PanelFinding("no_year", f"{doc}: no report year read; not placed in the panel", doc=doc))
        else:
            kept.append(row)
    return kept


# ---------------------------------------------------------------- one row per agency and year
def _hard_broken(row: dict[str, Any]) -> list[list[str]]:
    broken = json.loads(row["broken_identities"]) if row.get("broken_identities") else []
    return [identity for identity in broken if identity[1] != "prose_table"]


def _numbers(row: dict[str, Any]) -> tuple[Any, ...]:
    return (row.get("meta.template"), *(row.get(key) for key in TABLE_KEYS))


def _preference(row: dict[str, Any]) -> tuple[int, int, str]:
    read = sum(row.get(key) is not None for key in TABLE_KEYS)
    return (len(_hard_broken(row)), -read, row["doc"])


def _one_per_year(
    agency: str, year: int, candidates: list[dict[str, Any]], findings: list[PanelFinding]
) -> dict[str, Any]:
    by_numbers: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in sorted(candidates, key=lambda r: r["doc"]):
        by_numbers[_numbers(row)].append(row)
    variants = []
    for same in by_numbers.values():
        kept = same[0]
        for duplicate in same[1:]:
            same_file = kept.get("content_sha256") and kept.get("content_sha256") == duplicate.get("content_sha256")
            why = "the same file content" if same_file else "the same numbers"
            findings.append(
                PanelFinding(
                    "duplicate_report",
                    f"{duplicate['doc']} is {kept['doc']} again ({why}): counted once",
                    agency,
                    year,
                    duplicate["doc"],
                    kept["doc"],
                )
            )
        variants.append(kept)
    chosen = variants[0] if len(variants) == 1 else min(variants, key=_preference)
    for other in variants:
        if other is chosen:
            continue
        differing = [k for k in ("meta.template", *TABLE_KEYS) if other.get(k) != chosen.get(k)]
        findings.append(
            PanelFinding(
                "conflicting_reports",
                f"{other['doc']} and {chosen['doc']} both claim {agency} {year} with different numbers "
                f"({len(differing)} keys differ: {', '.join(differing[:8])}{' …' if len(differing) > 8 else ''}); "
                f"the row is {chosen['doc']} (fewest broken identities, then most values read)",
                agency,
                year,
                other["doc"],
                chosen["doc"],
                cells=[f"{doc}#{key}" for key in differing[:20] for doc in (other["doc"], chosen["doc"])],
            )
        )
    chosen["_others"] = sorted(row["doc"] for row in candidates if row is not chosen)
    return chosen


# ---------------------------------------------------------------- measures
def _sum(values: list[Any]) -> Number | None:
    """The sum, or None where a term is unread or there are none (the form does not have the group)."""
    if not values or None in values:
        return None
    return sum(values)


def _share(part: Number | None, whole: Number | None) -> float | None:
    return None if part is None or not whole else part / whole


@cache
def _sum_terms(template: Template | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each ``sum.t3.*`` measure and the keys it adds up, for a report on ``template``."""
    rows = [row.key for row in FORMS[template].table("t3").rows] if template in FORMS else []
    members = {"applications": ("new_received", "carried_over") if rows else ()}
    members |= {group: tuple(r for r in rows if r.startswith(f"{group}.")) for group in GROUPS}
    return tuple(
        (f"sum.t3.{group}.{col}", tuple(f"t3.{r}.{col}" for r in keys))
        for group, keys in members.items()
        for col in CROSS_YEAR_COLUMNS
    )


_YOY_TERMS = tuple((f"yoy.t3.{r}.total", f"t3.{r}.total") for r in T3_ROWS)


def _measures(row: dict[str, Any], previous: dict[str, Any] | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        name: _sum([row.get(key) for key in keys]) for name, keys in _sum_terms(row.get("meta.template"))
    }
    handled = row.get("t3.results_total.total")
    out["share.granted"] = _share(row.get("t3.granted.total"), handled)
    out["share.partially_granted"] = _share(row.get("t3.partially_granted.total"), handled)
    out["share.denied"] = _share(out["sum.t3.denied.total"], handled)
    before = previous or {}
    for name, key in _YOY_TERMS:
        now, then = row.get(key), before.get(key)
        out[name] = None if now is None or then is None else now - then
    return out


# ---------------------------------------------------------------- identity 7 and the years of an agency
def _cross_year(agency: str, before: dict[str, Any], after: dict[str, Any], findings: list[PanelFinding]) -> str:
    status = "holds"
    unread = []
    for col in CROSS_YEAR_COLUMNS:
        forward_key, over_key = f"t3.carried_forward.{col}", f"t3.carried_over.{col}"
        forward, over = before.get(forward_key), after.get(over_key)
        if forward is None or over is None:
            unread.append(col)
            continue
        if forward != over:
            status = "broken"
            suspect = [
                f"{r['doc']} {key}" for r, key in ((before, forward_key), (after, over_key)) if key in r["_review"]
            ]
            findings.append(
                PanelFinding(
                    "cross_year_break",
                    f"{agency}: {before['meta.year']} carried forward {forward} ({before['doc']} {forward_key}) "
                    f"but {after['meta.year']} carried over {over} ({after['doc']} {over_key})"
                    + (f"; to check first, on its report's review list: {', '.join(suspect)}" if suspect else ""),
                    agency,
                    after["meta.year"],
                    before["doc"],
                    after["doc"],
                    ("t3", "cross_year", col),
                    [f"{before['doc']}#{forward_key}", f"{after['doc']}#{over_key}"],
                    forward,
                    over,
                )
            )
    if unread:
        findings.append(
            PanelFinding(
                "cross_year_open",
                f"{agency}: {before['meta.year']}→{after['meta.year']} not checked for {', '.join(unread)} "
                "(a cell is not read)",
                agency,
                after["meta.year"],
                before["doc"],
                after["doc"],
            )
        )
        if status == "holds":
            status = "open"
    return status


def _series(agency: str, rows: list[dict[str, Any]], findings: list[PanelFinding]) -> None:
    """Fill measures and the cross-year status of one agency's rows (sorted by year); note gaps."""
    by_year = {row["meta.year"]: row for row in rows}
    first, last = rows[0]["meta.year"], rows[-1]["meta.year"]
    for year in range(first + 1, last):
        if year not in by_year:
            findings.append(
                PanelFinding(
                    "missing_year",
                    f"{agency}: no report for {year} (reports for {first}–{last}); "
                    f"{year - 1}→{year} and {year}→{year + 1} not checked",
                    agency,
                    year,
                )
            )
    templates = {row["meta.template"] for row in rows if row.get("meta.template")}
    if len(templates) > 1:
        years = ", ".join(f"{row['meta.year']}: {row['meta.template']}" for row in rows if row.get("meta.template"))
        findings.append(
            PanelFinding(
                "form_version_change",
                f"{agency} reports on both form versions ({years}); keys only one form has are apart",
                agency,
            )
        )
    for row in rows:
        previous = by_year.get(row["meta.year"] - 1)
        row.update(_measures(row, previous))
        if previous is not None:
            row["cross_year"] = _cross_year(agency, previous, row, findings)
        else:
            row["cross_year"] = "first_year" if row["meta.year"] == first else "previous_year_missing"


def _panel_row(row: dict[str, Any], identity: AgencyName) -> dict[str, Any]:
    head = {
        "agency_key": identity.key,
        "region": identity.region,
        "year": row["meta.year"],
        "doc": row["doc"],
        "template": row.get("meta.template"),
        "agency_rules": ",".join(identity.steps) or None,
        "other_docs": json.dumps(row["_others"], ensure_ascii=False) if row["_others"] else None,
        "broken_identities": row.get("broken_identities"),
        "cross_year": row.get("cross_year"),
        "review": json.dumps(sorted(row["_review"]), ensure_ascii=False) if row["_review"] else None,
        "content_sha256": row.get("content_sha256"),
    }
    return {**head, **{name: row.get(name) for name, _, _ in (*KEY_COLUMNS, *MEASURE_COLUMNS)}}


def build_panel(outputs: Sequence[Path], mapping: AgencyMapping | None = None) -> Panel:
    """The panel of every report in ``outputs`` (any extract output format), with its findings."""
    findings: list[PanelFinding] = []
    rows = _placeable(_read(outputs, findings), findings)
    agencies, ambiguities = resolve_agencies((row["meta.agency"] for row in rows), mapping)
    for ambiguity in ambiguities:
        findings.append(PanelFinding("agency_ambiguous", ambiguity.reason, ambiguity.key))
    grouped: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[(agencies[row["meta.agency"]].key, row["meta.year"])].append(row)
    by_agency: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for (agency, year), candidates in sorted(grouped.items()):
        by_agency[agency].append(_one_per_year(agency, year, candidates, findings))
    panel_rows = []
    for agency, series in by_agency.items():
        _series(agency, series, findings)
        panel_rows += [_panel_row(row, agencies[row["meta.agency"]]) for row in series]
    return Panel(panel_rows, findings, agencies)
