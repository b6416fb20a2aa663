"""The form's own identities (勾稽关系), FIELDS.md 1–4, as equations over keys.

Each is ``sum(left) == sum(right)``. Table mapping uses them to choose among
readings of run-together digits; validation checks them, explains breaks and
fills cells they determine.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

from govreport.form.catalog import (
    APPLICANT_COLUMNS,
    FORMS,
    T3_COLUMNS,
    T3_RESULT_ROWS_2019,
    T3_RESULT_ROWS_2021,
    T4,
    T4_COLUMNS,
    Template,
)

Number = int | float
Status = Literal["holds", "broken", "open"]


@dataclass(frozen=True, slots=True)
class Identity:
    table: str
    kind: str  # column_balance, results_sum, row_total, group_total
    where: str
    left: tuple[str, ...]
    right: tuple[str, ...]

    @property
    def name(self) -> tuple[str, str, str]:
        return (self.table, self.kind, self.where)

    @property
    def keys(self) -> tuple[str, ...]:
        return self.left + self.right

    def status(self, values: dict[str, Number | None]) -> Status:
        if any(values.get(k) is None for k in self.keys):
            return "open"
        return "holds" if _close(self.difference(values), 0) else "broken"

    def difference(self, values: dict[str, Number | None]) -> Number:
        """left minus right, unknown cells counted as 0."""
        return sum(values.get(k) or 0 for k in self.left) - sum(values.get(k) or 0 for k in self.right)


def _close(a: Number, b: Number) -> bool:
    return abs(a - b) < 1e-6


@cache
def identities(template: Template) -> tuple[Identity, ...]:
    results = T3_RESULT_ROWS_2021 if template == "2021" else T3_RESULT_ROWS_2019
    out: list[Identity] = []
    for col in (c.key for c in T3_COLUMNS):
        out.append(
            Identity(
                "t3",
                "column_balance",
                col,
                (f"t3.new_received.{col}", f"t3.carried_over.{col}"),
                (f"t3.results_total.{col}", f"t3.carried_forward.{col}"),
            )
        )
        out.append(
            Identity(
                "t3",
                "results_sum",
                col,
                (f"t3.results_total.{col}",),
                tuple(f"t3.{r}.{col}" for r in results),
            )
        )
    for row in FORMS[template].table("t3").rows:
        out.append(
            Identity(
                "t3",
                "row_total",
                row.key,
                (f"t3.{row.key}.total",),
                tuple(f"t3.{row.key}.{c}" for c in APPLICANT_COLUMNS),
            )
        )
    for group in T4.rows:
        parts = tuple(f"t4.{group.key}.{c.key}" for c in T4_COLUMNS if c.key != "total")
        out.append(Identity("t4", "group_total", group.key, (f"t4.{group.key}.total",), parts))
    return tuple(out)


def solve(identity: Identity, values: dict[str, Number | None]) -> dict[str, Number] | None:
    """Cells the identity determines given the known ones: the one unknown cell, or
    every unknown cell as 0 where they all stand on one side and must sum to 0
    (counts are never negative). None where it determines nothing, or where the
    determined value would be negative."""
    unknown_left = [k for k in identity.left if values.get(k) is None]
    unknown_right = [k for k in identity.right if values.get(k) is None]
    unknown = unknown_left + unknown_right
    if not unknown:
        return None
    diff = identity.difference(values)  # left - right over the known cells
    if len(unknown) == 1:
        value = -diff if unknown_left else diff
        return {unknown[0]: _tidy(value)} if value >= 0 else None
    if unknown_left and unknown_right:
        return None
    remaining = -diff if unknown_left else diff
    return {k: 0 for k in unknown} if _close(remaining, 0) else None


def _tidy(value: Number) -> Number:
    return round(value) if _close(value, round(value)) else value
