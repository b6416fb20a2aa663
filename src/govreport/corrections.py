"""Corrections: what a person confirmed or corrected, kept in a JSONL journal beside the output.

Each line is one review action on one value (``Correction``). Lines are keyed by
the document's ``content_sha256``, so a re-extraction of an unchanged document
(a new tool version, another labeller) keeps its corrections, and a changed
document does not inherit them; of several lines for one (document, key) the
later wins. The extraction journal itself is never rewritten: every reader
applies the corrections as it reads (``corrected_records``: ``summary``, the
exports, ``eval --pred``, ``review``). A corrected value gets method
``corrected``, keeps its location and printed text, and says in its note what
was extracted; the identities are then checked again with the corrected values.
"""

from __future__ import annotations

import json
import os
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from govreport.calibrate import calibrate_derived
from govreport.form.catalog import SECTION_KEYS
from govreport.identities import identities
from govreport.review import add_review
from govreport.schema import Number, ReportResult, Value
from govreport.validate import PROSE_IDENTITY, PROSE_TABLE_KEY, check, is_check_finding

Action = Literal["confirm", "correct"]
Corrections = dict[str, dict[str, "Correction"]]  # content_sha256 -> key -> the latest correction


class CorrectionError(ValueError):
    """A correction that cannot be taken (the message says why, for the reviewer)."""


class Correction(BaseModel):
    content_sha256: str  # the document's content hash: what the correction is about
    doc: str  # its path, for people reading the journal
    key: str
    printed: str | None = None  # the text printed in the document
    extracted: Number | str | None = None  # the value the extraction gave
    value: Number | str | None = None  # the value the reviewer settled on (the extracted one, for confirm)
    action: Action
    reviewer: str
    time: str  # ISO 8601, UTC
    note: str | None = None


def corrections_path(journal: Path) -> Path:
    """The corrections journal beside an extraction journal: ``out.jsonl`` -> ``out.corrections.jsonl``."""
    return journal.with_name(journal.stem + ".corrections.jsonl")


def read_corrections(path: Path) -> Corrections:
    """The latest correction per (document, key); lines that are not corrections (a torn tail) are skipped."""
    latest: Corrections = {}
    if not path.exists():
        return latest
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            try:
                correction = Correction.model_validate_json(line)
            except ValueError:
                continue
            latest.setdefault(correction.content_sha256, {})[correction.key] = correction
    return latest


def append_correction(path: Path, correction: Correction) -> None:
    """One line, written whole and synced: a concurrent reader sees it complete or not at all."""
    line = correction.model_dump_json() + "\n"
    with path.open("a", encoding="utf-8", newline="\n") as handle:
        handle.write(line)
        handle.flush()
        os.fsync(handle.fileno())


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# ---------------------------------------------------------------- checking a value typed by a person
def _key_kinds() -> dict[str, str]:
    from govreport.outputs.rows import KEY_COLUMNS

    return {key: kind for key, _, kind in KEY_COLUMNS}


def parse_value(key: str, text: str) -> Number | str | None:
    """The value ``text`` stands for at ``key``: a count, an amount (万元), a year or a heading.
    Raises CorrectionError, in Chinese and English, for anything else."""
    kind = _key_kinds().get(key)
    if kind is None:
        raise CorrectionError(f"未知字段 {key}（unknown key）")
    if key == "meta.template":
        raise CorrectionError("表格版本不能在此更正，请重新提取（the form version cannot be corrected here）")
    cleaned = unicodedata.normalize("NFKC", text).strip().replace(",", "")
    if kind == "str":
        if not cleaned and key not in SECTION_KEYS:
            raise CorrectionError(f"{key} 不能为空（cannot be empty）")
        return cleaned or None  # a section heading left empty: the part is missing
    try:
        number = float(cleaned)
    except ValueError:
        raise CorrectionError(f"“{text}”不是数字（not a number）：{key} 须填数字") from None
    if kind == "int" and not number.is_integer():
        raise CorrectionError(f"“{text}”不是整数（not a whole number）：{key} 须填整数")
    if number < 0 and not key.endswith(".change"):
        raise CorrectionError(f"“{text}”为负数（negative）：{key} 不能为负")
    return int(number) if kind == "int" else number


# ---------------------------------------------------------------- applying them
def _note(correction: Correction, before: Value | None) -> str:
    who = f"{correction.reviewer} {correction.time}"
    if correction.action == "confirm" and before is not None and before.value == correction.value:
        text = f"confirmed by {who}"
    else:
        extracted = (
            "nothing" if before is None else f"{before.value!r} ({before.method}, confidence {before.confidence:.2f})"
        )
        text = f"corrected by {who}; extracted {extracted}"
    return f"{text}: {correction.note}" if correction.note else text


def _apply_value(target: Value, correction: Correction) -> bool:
    """Apply to one value; True where its value changed (a confirmation of a value the extraction
    no longer gives is taken as a correction to it)."""
    before = target.model_copy()
    target.note = _note(correction, before)
    target.confidence = 1.0
    if before.value == correction.value:
        return False
    target.value = correction.value
    target.method = "corrected"
    return True


def _apply_section(result: ReportResult, correction: Correction) -> None:
    part = int(correction.key.split(".")[1])
    for section in result.sections:
        if section.part == part:
            if section.heading != correction.value:
                section.heading = correction.value  # type: ignore[assignment]
                section.method = "corrected"
            section.confidence = 1.0


def _recheck(result: ReportResult, reviewed: set[str]) -> None:
    """The identities again, with the corrected values: derived cells re-derived (but for those a
    person confirmed), breaks re-found."""
    if result.meta.template is None:
        return
    cells = {c.key: c for c in result.cells}
    for cell in cells.values():
        if cell.method == "derived" and cell.key not in reviewed:  # determined by values that may have changed
            cell.value, cell.confidence = None, 0.0
            cell.note = "not printed; not determined by the identities with the corrections"
    kept = [f for f in result.findings if not is_check_finding(f)]
    result.findings = kept + check(cells, result.facts, result.meta.template)
    calibrate_derived(result, confirmed=reviewed)  # what is derived now rests on the corrected values


def apply_corrections(record: dict[str, Any], corrections: Corrections) -> dict[str, Any]:
    """The record with its document's corrections applied (the record itself where there are none)."""
    latest = corrections.get(record.get("content_sha256") or "")
    if not latest or record.get("error"):
        return record
    result = ReportResult.model_validate(record)
    values = {v.key: v for v in (*result.facts, *result.cells)}
    changed = False
    for key, correction in latest.items():
        if key in SECTION_KEYS:
            _apply_section(result, correction)
        elif key in values:
            changed |= _apply_value(values[key], correction)
            if key in ("meta.agency", "meta.year"):
                setattr(result.meta, key.split(".")[1], values[key].value)
    if changed:
        _recheck(result, set(latest))
    add_review(result)  # what a person checked is off the list; what a correction broke is on it
    return {**record, **result.to_json_dict(), "corrections": [c.model_dump() for c in latest.values()]}


def corrected(records: Iterable[dict[str, Any]], corrections: Corrections) -> Iterator[dict[str, Any]]:
    return (apply_corrections(record, corrections) for record in records)


def corrected_records(journal: Path, docs: set[str] | None = None) -> Iterator[dict[str, Any]]:
    """The latest record of each document in an extraction journal, with the corrections beside it applied."""
    from govreport.outputs.journal import read_records

    return corrected(read_records(journal, docs), read_corrections(corrections_path(journal)))


def record_correction(
    path: Path,
    record: dict[str, Any],
    key: str,
    action: Action,
    reviewer: str,
    text: str | None = None,
    note: str | None = None,
) -> Correction:
    """Check a reviewer's confirmation or correction of ``key`` in ``record`` (the record as extracted)
    and append it to the corrections journal at ``path``."""
    sha = record.get("content_sha256")
    if not sha:
        raise CorrectionError("该记录没有内容哈希，无法记录更正（the record has no content hash）")
    values = record.get("values") or {}
    if key not in values:
        raise CorrectionError(f"该报告没有字段 {key}（the report has no such key）")
    printed = next(
        (v.get("raw") for v in (*record.get("facts", []), *record.get("cells", [])) if v["key"] == key), None
    )
    extracted = values[key]
    value = parse_value(key, text or "") if action == "correct" else extracted
    correction = Correction(
        content_sha256=sha,
        doc=record["doc"],
        key=key,
        printed=printed,
        extracted=extracted,
        value=value,
        action=action,
        reviewer=reviewer or "anonymous",
        time=now(),
        note=note or None,
    )
    append_correction(path, correction)
    return correction


# ---------------------------------------------------------------- reviews as gold
def gold_of(record: dict[str, Any]) -> dict[str, Any] | None:
    """A gold file (FIELDS.md format) from a corrected record: the values a person confirmed or
    corrected, and the broken identities whose every cell they checked (None: nothing checked)."""
    checked = {c["key"]: c for c in record.get("corrections") or []}
    if not checked:
        return None
    values = {key: correction["value"] for key, correction in checked.items()}
    template = (record.get("meta") or {}).get("template")
    rules = identities(template) if template else ()
    checks = [(list(i.name), i.keys) for i in rules] + [(list(PROSE_IDENTITY), (PROSE_IDENTITY[2], PROSE_TABLE_KEY))]
    verified = [name for name, keys in checks if all(k in checked for k in keys)]
    broken = [b for b in record.get("broken_identities") or [] if b in verified]
    reviewers = sorted({c["reviewer"] for c in checked.values()})
    return {
        "doc": record["doc"],
        "values": values,
        "broken_identities": broken,
        "notes": f"from the reviews of {', '.join(reviewers)} ({len(checked)} values checked, "
        f"content_sha256 {record.get('content_sha256')}); broken identities only among identities whose "
        "every cell was checked",
    }


def write_gold(journal: Path, folder: Path) -> list[Path]:
    """One gold file per reviewed report of an extraction journal, named after its document and content."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for record in corrected_records(journal):
        gold = gold_of(record)
        if gold is None:
            continue
        path = folder / f"{Path(record['doc']).stem}-{str(record.get('content_sha256'))[:8]}.json"
        path.write_text(json.dumps(gold, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        written.append(path)
    return written
