"""The review list of a batch: every value a person should check, most risky first.

One entry per key in a record's ``review`` (FIELDS.md "Review list"), with what a
checker needs to find it in the document and judge it: the document, page and
line, the printed text, the value read, its confidence and why it is listed.
Entries are ordered by risk over the whole batch: more reasons first, then lower
confidence. Written as a sheet ``待核`` (the XLSX export carries the same sheet),
as CSV, or shown in the terminal.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from govreport.outputs.rows import HEADERS, review_keys
from govreport.review import risk_order

REVIEW_SHEET = "待核"
REASON_LABELS = {
    "low_confidence": "置信度低",
    "broken_identity": "勾稽关系不符",
    "derived_not_unique": "推算值不唯一",
    "evidence": "取自表外依据",
    "unchecked_placing": "按顺序推定所在行",
}
# (entry field, header)
ENTRY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("doc", "文件"),
    ("key", "字段"),
    ("label", "项目"),
    ("page", "页"),
    ("line", "行"),
    ("printed", "原文"),
    ("value", "提取值"),
    ("confidence", "置信度"),
    ("why", "原因"),
)


def _by_key(record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    items = {f["key"]: f for f in record.get("facts") or []}
    for section in record.get("sections") or []:
        heading = section.get("heading")
        items[f"section.{section['part']}"] = {**section, "value": heading, "raw": heading}
    items.update({c["key"]: c for c in record.get("cells") or []})
    return items


def _reasons(record: dict[str, Any], key: str) -> list[str]:
    listed = (record.get("review_reasons") or {}).get(key)
    if listed:
        return list(listed)
    broken = {k for f in record.get("findings") or [] if f.get("kind") == "broken_identity" for k in f.get("cells", [])}
    return ["broken_identity" if key in broken else "low_confidence"]


def record_entries(record: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The entries of one result record, in its own order."""
    if record.get("error"):
        return
    items = _by_key(record)
    explained = {k for f in record.get("findings") or [] if f.get("kind") == "explanation" for k in f.get("cells", [])}
    for key in review_keys(record):
        item = items.get(key, {})
        location = item.get("location") or {}
        reasons = _reasons(record, key)
        yield {
            "doc": record["doc"],
            "key": key,
            "label": HEADERS.get(key, key),
            "page": location.get("page"),
            "line": location.get("line"),
            "printed": item.get("raw"),
            "value": item.get("value"),
            "confidence": item.get("confidence"),
            "why": "; ".join(REASON_LABELS.get(r, r) for r in reasons),
            "reasons": reasons,
            "explained": key in explained,  # the one cell that explains a document's broken identities
        }


def by_risk(entries: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Most risky first, in the order of one result's list (``review.risk_order``; a record's own order
    kept on ties)."""
    return sorted(entries, key=lambda e: risk_order(e["explained"], len(e["reasons"]), e["confidence"]))


def review_entries(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every listed value of a batch, most risky first."""
    return by_risk(entry for record in records for entry in record_entries(record))


def entry_cells(entry: dict[str, Any]) -> list[Any]:
    return [entry[name] for name, _ in ENTRY_COLUMNS]


def write_review_csv(entries: list[dict[str, Any]], path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header for _, header in ENTRY_COLUMNS)
        writer.writerows(entry_cells(e) for e in entries)


def write_review_xlsx(entries: list[dict[str, Any]], path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    append_review_sheet(book, entries)
    book.save(path)


def append_review_sheet(book: Any, entries: list[dict[str, Any]]) -> None:
    """The ``待核`` sheet of a write-only workbook."""
    sheet = book.create_sheet(REVIEW_SHEET)
    sheet.freeze_panes = "A2"
    sheet.append([header for _, header in ENTRY_COLUMNS])
    for entry in entries:
        sheet.append(entry_cells(entry))
