"""The real gold fixtures as training examples: their own text, labelled by aligning their gold.

For each gold fixture (``tests/fixtures/gold``) the document is loaded with the project's
ingestion and its characters get labels where the gold places a thing:

* a part heading: the gold heading text, found in order after the previous part's;
* the title's agency and year: the gold agency and year found in the title area;
* a prose fact: the span the rules read it from, kept only where the rules' value is
  the gold value (on a fact the rules miss or misread, nothing is labelled);
* a table row label: the label the rules anchored the row's cells on, kept only
  where every cell of the document's tables agrees with gold (a row whose cells were
  read right was anchored on its own label).

Everything else is ``O``. So the real text teaches the model the real wordings, and a
cross-validation split (``train_without``) keeps a scored report out of training.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from govreport.evaluate import Gold, load_gold, values_equal
from govreport.form.detect import detect_template
from govreport.ingest import load
from govreport.labelling.labels import AGENCY, FACT_TYPES, LABEL_ID, YEAR
from govreport.prose import extract_facts, lines_wrap
from govreport.sections import find_sections
from govreport.tables.anchors import Anchor, find_anchors
from govreport.tables.mapping import map_tables

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
SUFFIXES = {".txt", ".md", ".html", ".pdf", ".docx"}
_TITLE_CHARS = 600


@dataclass(frozen=True)
class Fixture:
    name: str  # the document's name, e.g. ``r008.txt`` (``govreport.evaluate.doc_name``)
    document: Path
    gold: Gold


def fixtures(root: Path = FIXTURES) -> list[Fixture]:
    """Every gold fixture whose document is present (seeds/… and real/…)."""
    out = []
    for name, gold in sorted(load_gold(root / "gold").items()):
        relative = Path(gold.doc).relative_to("fixtures") if gold.doc.startswith("fixtures/") else Path(gold.doc)
        document = root / relative
        if document.suffix.lower() in SUFFIXES and document.exists():
            out.append(Fixture(name, document, gold))
    return out


def _mark(labels: list[int], start: int, end: int, entity: str) -> None:
    if start < 0 or end <= start or any(labels[start:end]):
        return  # not found, or overlapping an earlier label: leave it
    labels[start] = LABEL_ID[f"B-{entity}"]
    for i in range(start + 1, end):
        labels[i] = LABEL_ID[f"I-{entity}"]


def labelled_example(fixture: Fixture) -> dict:
    """``{"id", "surface", "template", "noise", "wrapped", "text", "labels"}`` like a corpus example."""
    doc = load(fixture.document)
    text, gold = doc.text, fixture.gold.values
    labels = [0] * len(text)
    cursor = 0
    for part in range(1, 7):
        heading = gold.get(f"section.{part}")
        if heading:
            at = text.find(heading, cursor)
            _mark(labels, at, at + len(heading), f"PART{part}")
            cursor = at + len(heading) if at >= 0 else cursor
    head = text[:_TITLE_CHARS]
    agency, year = gold.get("meta.agency"), gold.get("meta.year")
    if agency:
        at = head.find(agency)
        _mark(labels, at, at + len(agency), AGENCY)
    if year:
        at = head.find(str(year))
        _mark(labels, at, at + 4, YEAR)
    find_sections(doc)
    facts = extract_facts(doc)
    for fact in facts:
        if (
            fact.key in FACT_TYPES
            and fact.value is not None
            and fact.raw
            and values_equal(gold.get(fact.key), fact.value)
        ):
            part = 6 if fact.key == "prose.fee_collected" else 1
            at = text.find(fact.raw, doc.section_spans.get(part, (0, 0))[0])
            _mark(labels, at, at + len(fact.raw), FACT_TYPES[fact.key])
    year_value = next((f.value for f in facts if f.key == "meta.year"), None)
    doc.template = detect_template(doc, year_value if isinstance(year_value, int) else None)
    anchors: list[tuple[str, Anchor]] = []

    def recording(doc_, start: int, end: int, form) -> list[Anchor]:
        found = find_anchors(doc_, start, end, form)
        anchors.extend((form.name, a) for a in found)
        return found

    cells = map_tables(doc, recording)
    if cells and all(values_equal(gold[c.key], c.value) for c in cells if c.key in gold):
        for table, anchor in anchors:
            _mark(labels, anchor.start, anchor.end, f"{table}.{anchor.row.key}")
    return {
        "id": -1,
        "surface": f"fixture:{fixture.name}",
        "template": doc.template or "none",
        "noise": 0.0,
        "wrapped": lines_wrap(doc),
        "text": text,
        "labels": labels,
    }


def examples(exclude: set[str] = frozenset()) -> list[dict]:
    """The labelled text of every fixture not in ``exclude`` (fixture names)."""
    return [labelled_example(f) for f in fixtures() if f.name not in exclude]


def main() -> None:
    """Print what each fixture's alignment labelled (a check by eye)."""
    from govreport.labelling.spans import label_spans

    for fixture in fixtures():
        example = labelled_example(fixture)
        spans = label_spans(example["labels"])
        kinds: dict[str, int] = {}
        for span in spans:
            group = span.entity.split(".")[0]
            kinds[group] = kinds.get(group, 0) + 1
        print(fixture.name, len(example["text"]), "chars", kinds, file=sys.stdout)


if __name__ == "__main__":
    main()
