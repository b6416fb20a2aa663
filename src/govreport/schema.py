"""The result of one report, as other tools read it (FIELDS.md is the contract).

Every value keeps its raw text, the method that produced it, a confidence and
where in the document it came from. ``ReportResult.to_json_dict`` adds the flat
top-level ``values`` / ``broken_identities`` / ``error`` every scorer relies on.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

# evidence: a table value the report's prose decided (tables.evidence); corrected: a person set it (corrections)
Method = Literal["table", "rules", "model", "derived", "evidence", "corrected"]
# why a key is on the review list (FIELDS.md "Review list")
ReviewReason = Literal["low_confidence", "broken_identity", "derived_not_unique", "evidence", "unchecked_placing"]
Number = int | float
# a table cell whose print reads several ways (``tables.mapping``); an identity that fills it
# assumes the report holds its identities, which the print does not show (``review``)
AMBIGUOUS_NOTE = "ambiguous: several readings fit"
DERIVED_OVER_AMBIGUOUS = "printed, but it reads several ways"


class Provenance(BaseModel):
    """Where a value was read: line and character span for text, page and box for PDFs."""

    line: int | None = None
    char_start: int | None = None
    char_end: int | None = None
    page: int | None = None
    box: tuple[float, float, float, float] | None = None
    table: int | None = None
    row: int | None = None
    col: int | None = None

    @classmethod
    def of(cls, loc: object) -> Provenance:
        """From a ``govreport.document.Location``."""
        return cls(**{name: getattr(loc, name) for name in cls.model_fields})


class Value(BaseModel):
    key: str
    value: Number | str | None = None
    raw: str | None = None  # the text printed in the cell ("" blank, "/" and "0" stay apart)
    method: Method = "table"
    confidence: float = 1.0  # the calibrated probability that the value is right (``govreport.calibrate``)
    location: Provenance | None = None
    note: str | None = None
    path: str | None = None  # the reading path that produced it: grid, segment, ocr, derived, prose_rule, …
    score: float | None = None  # that path's raw score, before calibration


class SectionResult(BaseModel):
    part: int  # 1..6
    heading: str | None  # the heading as it stands, or None where the part is missing
    method: Method = "rules"
    confidence: float = 1.0
    location: Provenance | None = None
    path: str | None = None
    score: float | None = None


FindingKind = Literal["broken_identity", "explanation", "ambiguous", "unreadable", "warning"]


class Finding(BaseModel):
    kind: FindingKind
    message: str
    identity: tuple[str, str, str] | None = None  # [table, kind, where] as in FIELDS.md
    cells: list[str] = Field(default_factory=list)
    soft: bool = False  # identity 6 (prose vs table) is a warning, scored apart
    restoring_value: Number | None = None  # for an explanation: the value that restores the identities


class ReportMeta(BaseModel):
    agency: str | None = None
    year: int | None = None
    template: Literal["2019", "2021"] | None = None
    format: str | None = None
    encoding: str | None = None
    pages: int | None = None


class ReportResult(BaseModel):
    doc: str
    error: str | None = None
    meta: ReportMeta = Field(default_factory=ReportMeta)
    sections: list[SectionResult] = Field(default_factory=list)
    cells: list[Value] = Field(default_factory=list)  # tables 2, 3, 4 in form order
    facts: list[Value] = Field(default_factory=list)  # meta.* and prose.* with provenance
    findings: list[Finding] = Field(default_factory=list)
    seconds: float | None = None
    tool_version: str | None = None
    labeller: str | None = None  # who decided sections, row labels and prose facts: rules, model or hybrid
    review: list[str] = Field(default_factory=list)  # keys a person should check, most risky first
    review_reasons: dict[str, list[ReviewReason]] = Field(default_factory=dict)  # key -> why it is listed

    @property
    def values(self) -> dict[str, Number | str | None]:
        """The flat map of FIELDS.md: every key of the detected template, sections, meta, prose."""
        out: dict[str, Number | str | None] = {}
        for fact in self.facts:
            out[fact.key] = fact.value
        for section in self.sections:
            out[f"section.{section.part}"] = section.heading
        for cell in self.cells:
            out[cell.key] = cell.value
        return out

    @property
    def broken_identities(self) -> list[list[str]]:
        return [list(f.identity) for f in self.findings if f.kind == "broken_identity" and f.identity]

    def to_json_dict(self) -> dict:
        body = self.model_dump(mode="json", exclude_none=False)
        return {
            "doc": self.doc,
            "values": self.values,
            "broken_identities": self.broken_identities,
            "error": self.error,
            "review": self.review,
            **{k: v for k, v in body.items() if k not in ("doc", "error", "review")},
        }
