"""Shared test data: the gold fixtures copied from shared/fixtures into tests/fixtures."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
GOLD = FIXTURES / "gold"
TEXT_LIKE = {".txt", ".md", ".html", ".htm", ".docx"}


@dataclass(frozen=True)
class GoldCase:
    name: str
    document: Path
    values: dict
    broken_identities: list

    def __repr__(self) -> str:
        return self.name


def gold_cases(suffixes: set[str] = TEXT_LIKE) -> list[GoldCase]:
    """Gold fixtures whose document is in tests/fixtures (``seeds/…`` or ``real/…``)."""
    cases = []
    for path in sorted(GOLD.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        document = (
            FIXTURES / Path(gold["doc"]).relative_to("fixtures")
            if gold["doc"].startswith("fixtures/")
            else (FIXTURES / gold["doc"])
        )
        if document.suffix.lower() in suffixes and document.exists():
            cases.append(GoldCase(path.stem, document, gold["values"], gold["broken_identities"]))
    return cases
