"""Result records as table rows: wide (one row per report), long (one row per value) and findings.

Every writer and reader shares these column lists, so a Parquet, CSV, Excel or
DuckDB output has the same columns in the same order. Wide columns are every
canonical key of both form versions (FIELDS.md); spreadsheets show them under
Chinese headers made from the form's own labels.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Literal

from govreport.evaluate import LOW_CONFIDENCE
from govreport.form.catalog import FORMS, META_KEYS, PART_HEADINGS, PROSE_KEYS, SECTION_KEYS

ColumnType = Literal["str", "int", "float", "bool", "box", "str_list"]

TABLE_NAMES = {"t2": "表二", "t3": "表三", "t4": "表四"}
# Columns of a report row before the canonical keys: (name, Chinese header, type).
REPORT_HEAD: tuple[tuple[str, str, ColumnType], ...] = (
    ("doc", "文件", "str"),
    ("error", "错误", "str"),
    ("broken_identities", "勾稽关系不符", "str"),  # JSON list of [table, kind, where]
    ("review", "待核", "str"),  # JSON list of the keys to check by hand, most risky first
    ("format", "文件格式", "str"),
    ("tool_version", "工具版本", "str"),
    ("content_sha256", "文件SHA-256", "str"),
)
_FACT_HEADERS = {
    "meta.agency": ("发布机关", "str"),
    "meta.year": ("报告年度", "int"),
    "meta.template": ("表格版本", "str"),
    "prose.proactive_total": ("正文/主动公开政府信息数", "int"),
    "prose.applications_received": ("正文/收到政府信息公开申请数", "int"),
    "prose.fee_collected": ("正文/收取信息处理费（元）", "float"),
}


def _table_columns() -> dict[str, tuple[str, ColumnType]]:
    """Every table key of both versions in form order (2021 first: its labels win for shared keys)."""
    out: dict[str, tuple[str, ColumnType]] = {}
    for form in (FORMS["2021"], FORMS["2019"]):
        for table in form.tables:
            for row in table.rows:
                for col in row.columns:
                    key = f"{table.name}.{row.key}.{col.key}"
                    header = f"{TABLE_NAMES[table.name]}/{row.label}/{col.label}"
                    out.setdefault(key, (header, "float" if col.money else "int"))
    return out


def _key_columns() -> tuple[tuple[str, str, ColumnType], ...]:
    facts = [(key, *_FACT_HEADERS[key]) for key in (*META_KEYS, *PROSE_KEYS)]
    sections = [(key, f"标题/{title}", "str") for key, title in zip(SECTION_KEYS, PART_HEADINGS.values(), strict=True)]
    tables = [(key, header, kind) for key, (header, kind) in _table_columns().items()]
    return tuple((*facts, *sections, *tables))  # type: ignore[arg-type]


KEY_COLUMNS: tuple[tuple[str, str, ColumnType], ...] = _key_columns()
REPORT_COLUMNS: tuple[tuple[str, str, ColumnType], ...] = (*REPORT_HEAD, *KEY_COLUMNS)
HEADERS: dict[str, str] = {name: header for name, header, _ in REPORT_COLUMNS}

VALUE_COLUMNS: tuple[tuple[str, ColumnType], ...] = (
    ("doc", "str"),
    ("key", "str"),
    ("value", "float"),  # numbers; text values (agency, headings, template) are in ``text``
    ("text", "str"),
    ("raw", "str"),
    ("method", "str"),
    ("confidence", "float"),
    ("note", "str"),
    ("path", "str"),
    ("score", "float"),
    ("review", "bool"),
    ("page", "int"),
    ("line", "int"),
    ("char_start", "int"),
    ("char_end", "int"),
    ("box", "box"),
    ("table", "int"),
    ("row", "int"),
    ("col", "int"),
)
FINDING_COLUMNS: tuple[tuple[str, ColumnType], ...] = (
    ("doc", "str"),
    ("kind", "str"),
    ("message", "str"),
    ("identity_table", "str"),
    ("identity_kind", "str"),
    ("identity_where", "str"),
    ("cells", "str_list"),
    ("soft", "bool"),
    ("restoring_value", "float"),
)
_LOCATION_FIELDS = ("page", "line", "char_start", "char_end", "box", "table", "row", "col")


def _typed(value: Any, kind: ColumnType) -> Any:
    """``value`` as the column's type, or None where it is not of it (the long form keeps the exact value)."""
    if value is None or isinstance(value, bool):
        return None
    if kind == "str":
        return str(value)
    if not isinstance(value, int | float):
        return None
    if kind == "int":
        return int(value) if float(value).is_integer() else None
    return float(value)


def review_keys(record: dict[str, Any]) -> list[str]:
    """The record's review list; for a record made before there was one, the values below
    ``LOW_CONFIDENCE`` and the cells of its broken identities."""
    if "review" in record:
        return list(record["review"] or [])
    low = [v["key"] for v in [*(record.get("facts") or []), *(record.get("cells") or [])] if _low(v)]
    low += [f"section.{s['part']}" for s in record.get("sections") or [] if _low(s)]
    broken = [k for f in record.get("findings") or [] if f.get("kind") == "broken_identity" for k in f.get("cells", [])]
    return list(dict.fromkeys([*broken, *low]))


def _low(value: dict[str, Any]) -> bool:
    return (value.get("confidence") if value.get("confidence") is not None else 1.0) < LOW_CONFIDENCE


def report_row(record: dict[str, Any]) -> dict[str, Any]:
    """One report as a wide row: head columns, then every canonical key (None where absent)."""
    values = record.get("values") or {}
    broken = record.get("broken_identities") or []
    review = review_keys(record)
    row: dict[str, Any] = {
        "doc": record.get("doc"),
        "error": record.get("error"),
        "broken_identities": json.dumps(broken, ensure_ascii=False) if broken else None,
        "review": json.dumps(review, ensure_ascii=False) if review else None,
        "format": (record.get("meta") or {}).get("format"),
        "tool_version": record.get("tool_version"),
        "content_sha256": record.get("content_sha256"),
    }
    for key, _, kind in KEY_COLUMNS:
        row[key] = _typed(values.get(key), kind)
    return row


def _value_row(doc: str, key: str, value: Any, provenance: dict[str, Any], review: set[str]) -> dict[str, Any]:
    location = provenance.get("location") or {}
    number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
    return {
        "doc": doc,
        "key": key,
        "value": None if number is None else float(number),
        "text": value if isinstance(value, str) else None,
        "raw": provenance.get("raw"),
        "method": provenance.get("method"),
        "confidence": provenance.get("confidence"),
        "note": provenance.get("note"),
        "path": provenance.get("path"),
        "score": provenance.get("score"),
        "review": key in review,
        **{name: location.get(name) for name in _LOCATION_FIELDS},
    }


def value_rows(record: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every value of a report with its provenance: facts, section headings, then table cells."""
    doc = record["doc"]
    review = set(review_keys(record))
    for fact in record.get("facts") or []:
        yield _value_row(doc, fact["key"], fact.get("value"), fact, review)
    for section in record.get("sections") or []:
        heading = section.get("heading")
        yield _value_row(doc, f"section.{section['part']}", heading, {**section, "raw": heading}, review)
    for cell in record.get("cells") or []:
        yield _value_row(doc, cell["key"], cell.get("value"), cell, review)


def finding_rows(record: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for finding in record.get("findings") or []:
        identity = finding.get("identity") or (None, None, None)
        yield {
            "doc": record["doc"],
            "kind": finding.get("kind"),
            "message": finding.get("message"),
            "identity_table": identity[0],
            "identity_kind": identity[1],
            "identity_where": identity[2],
            "cells": list(finding.get("cells") or []),
            "soft": bool(finding.get("soft")),
            "restoring_value": _typed(finding.get("restoring_value"), "float"),
        }
