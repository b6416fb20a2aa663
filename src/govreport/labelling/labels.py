"""The labeller's classes: what a character of ``Document.text`` can belong to.

One entity type per thing the pipeline looks for: the six part headings, sub-part
headings (their own class, so that ``（二）主动公开政府信息情况`` is learnt as *not*
part 2), one class per canonical table row (both form versions), column headers,
row-group labels (``（三）不予公开``, ``三、本年度办理结果``), the title's agency and
year, and each prose fact. Tags are BIO over characters.
"""

from __future__ import annotations

from govreport.form.catalog import FORMS

PART_TYPES = tuple(f"PART{p}" for p in range(1, 7))
SUB = "SUB"
COL = "COL"
GROUP = "GROUP"
AGENCY = "AGENCY"
YEAR = "YEAR"
FACT_TYPES = {
    "prose.proactive_total": "PROACTIVE",
    "prose.applications_received": "RECEIVED",
    "prose.fee_collected": "FEE",
}


def _row_types() -> tuple[str, ...]:
    """``t3.denied.state_secret`` … for every row of either form version, in form order."""
    seen: dict[str, None] = {}
    for template in ("2021", "2019"):
        for table in FORMS[template].tables:
            for row in table.rows:
                seen[f"{table.name}.{row.key}"] = None
    return tuple(seen)


ROW_TYPES = _row_types()
ENTITY_TYPES: tuple[str, ...] = (*PART_TYPES, SUB, *ROW_TYPES, COL, GROUP, AGENCY, YEAR, *FACT_TYPES.values())
LABELS: tuple[str, ...] = ("O", *(f"{prefix}-{t}" for t in ENTITY_TYPES for prefix in ("B", "I")))
LABEL_ID = {label: i for i, label in enumerate(LABELS)}


def part_of(entity: str) -> int | None:
    """1…6 for a part heading type, else None."""
    return int(entity[4:]) if entity in PART_TYPES else None
