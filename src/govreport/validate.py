"""Validation against the form's identities (FIELDS.md 1–6).

Three jobs, in order: fill the cells nothing legible was printed in where the
identities determine them (marked derived; a printed value is never
overwritten); report every identity the printed numbers break; and where one
cell explains every break, name it and the value that would restore them.
"""

from __future__ import annotations

import re

from govreport.document import Document
from govreport.form.catalog import Template
from govreport.identities import Identity, identities, solve
from govreport.schema import AMBIGUOUS_NOTE, DERIVED_OVER_AMBIGUOUS, Finding, Value

Number = int | float
PROSE_IDENTITY = ("prose", "prose_table", "prose.applications_received")
PROSE_TABLE_KEY = "t3.new_received.total"
_NEGATIVE_MESSAGE_END = "; counts cannot be"


def derive_cells(cells: dict[str, Value], rules: tuple[Identity, ...]) -> dict[str, frozenset[str]]:
    """Fill empty cells the identities determine, until nothing changes. A cell two
    identities determine differently (a printed number is wrong) stays empty: the
    breaks are reported instead. Returns, per filled cell, the printed cells it rests on
    (through the identity that determined it, and what determined those; the identity's
    other unknowns, solved with it, are not its sources)."""
    values = {k: v.value for k, v in cells.items()}
    sources: dict[str, frozenset[str]] = {}
    while True:
        proposals: dict[str, dict[Number, Identity]] = {}
        for identity in rules:
            if identity.status(values) != "open":
                continue
            for key, value in (solve(identity, values) or {}).items():
                if key in cells and cells[key].value is None:
                    proposals.setdefault(key, {}).setdefault(value, identity)
        agreed = {key: next(iter(options.items())) for key, options in proposals.items() if len(options) == 1}
        if not agreed:
            return sources
        for key, (value, identity) in agreed.items():
            cells[key].value = value
            cells[key].method = "derived"
            cells[key].confidence = 0.0  # until calibration scores it by its sources (``calibrate_derived``)
            cells[key].path = "derived"
            printed = DERIVED_OVER_AMBIGUOUS if cells[key].note == AMBIGUOUS_NOTE else "not printed"
            cells[key].note = f"{printed}; determined by {identity.kind} {identity.where}"
            known = [k for k in identity.keys if k != key and values.get(k) is not None]
            sources[key] = frozenset().union(*(sources.get(k, {k}) for k in known))
        for key in agreed:
            values[key] = cells[key].value


def rederive(
    cells: list[Value], rules: tuple[Identity, ...], kept: set[str] | frozenset[str] = frozenset()
) -> tuple[dict[str, Number | None], dict[str, frozenset[str]]]:
    """The derived cells solved again from the printed cells alone (a derived value in ``kept``,
    one a person confirmed, counts as printed): the values that gives, and the sources of each."""
    printed = {
        c.key: c.model_copy(update={"value": None} if c.method == "derived" and c.key not in kept else {})
        for c in cells
    }
    sources = derive_cells(printed, rules)
    return {k: c.value for k, c in printed.items()}, sources


def broken_identities(values: dict[str, Number | None], rules: tuple[Identity, ...]) -> list[Identity]:
    return [i for i in rules if i.status(values) == "broken"]


def explain(values: dict[str, Number | None], broken: list[Identity], rules: tuple[Identity, ...]) -> Finding | None:
    """The one cell whose change restores every broken identity without breaking another."""
    if not broken:
        return None
    shared = set(broken[0].keys).intersection(*(set(b.keys) for b in broken[1:]))
    fixes = []
    for key in sorted(shared):
        trial = dict(values)
        trial[key] = None
        restored = solve(broken[0], trial)
        if not restored or key not in restored:
            continue
        trial[key] = restored[key]
        if all(i.status(trial) != "broken" for i in rules):
            fixes.append((key, restored[key]))
    if len(fixes) != 1:
        return None
    key, value = fixes[0]
    names = ", ".join("/".join(b.name) for b in broken)
    return Finding(
        kind="explanation",
        message=f"{key} printed {values[key]}; {value} would restore {names}",
        cells=[key],
        restoring_value=value,
    )


def _broken_finding(identity: Identity, values: dict[str, Number | None]) -> Finding:
    left = sum(values[k] or 0 for k in identity.left)
    right = sum(values[k] or 0 for k in identity.right)
    return Finding(
        kind="broken_identity",
        identity=identity.name,
        message=f"{' + '.join(identity.left)} = {left} but {' + '.join(identity.right)} = {right}",
        cells=list(identity.keys),
    )


def _negative_counts(cells: dict[str, Value]) -> list[Finding]:
    """Identity 5: counts are never negative (table 2's 本年增/减 excepted)."""
    return [
        Finding(kind="warning", message=f"{key} is negative ({cell.value}){_NEGATIVE_MESSAGE_END}", cells=[key])
        for key, cell in cells.items()
        if isinstance(cell.value, int | float) and cell.value < 0 and not key.endswith(".change")
    ]


def _prose_table(values: dict[str, Number | None], facts: dict[str, Value]) -> list[Finding]:
    """Identity 6, soft: the prose count of applications against table 3's."""
    prose = facts.get(PROSE_IDENTITY[2])
    table = values.get(PROSE_TABLE_KEY)
    if prose is None or prose.value is None or table is None or prose.value == table:
        return []
    return [
        Finding(
            kind="broken_identity",
            identity=PROSE_IDENTITY,
            soft=True,
            message=f"prose states {prose.value} applications received, table 3 prints {table}",
            cells=[PROSE_IDENTITY[2], PROSE_TABLE_KEY],
        ),
        Finding(
            kind="explanation",
            message=f"{PROSE_IDENTITY[2]} states {prose.value}; {table} would restore prose_table",
            cells=[PROSE_IDENTITY[2]],
            restoring_value=table,
        ),
    ]


# Words of web pages and gambling ads, which no government body's name holds: a crawled page whose
# title a spam site rewrote (开云…官方网站卫生健康局) or whose title kept the site's chrome (首页 > …).
_INJECTED_TITLE = re.compile(
    r"官网|官方网站|网站|入口|手机版|客户端|下载|登录|注册|首页|网址|www\.|\.(com|net|cn)\b|app|APP|"
    r"娱乐|棋牌|博彩|彩金|真人|赌场|电竞|[·•]\s*[(（]中国[)）]|>|＞|»"
)


def injected_title(facts: list[Value]) -> Finding | None:
    """A warning where the agency read from the title holds words of web pages or ads (the value is kept:
    it is what the document prints)."""
    agency = next((f for f in facts if f.key == "meta.agency" and isinstance(f.value, str)), None)
    found = _INJECTED_TITLE.search(agency.value) if agency else None  # type: ignore[arg-type, union-attr]
    if found is None:
        return None
    return Finding(
        kind="warning",
        message=f"title looks injected: the agency {agency.value!r} holds {found.group()!r}, "  # type: ignore[union-attr]
        "words of web pages or ads, not of a government body's name",
        cells=["meta.agency"],
    )


def check(cells: dict[str, Value], facts: list[Value], template: Template) -> list[Finding]:
    """Derive what the identities determine, then report every break, its explanation, negative
    counts and the prose-vs-table warning: the findings that depend on the values alone (so a
    correction re-checks them with ``is_check_finding``)."""
    rules = identities(template)
    derive_cells(cells, rules)
    values = {k: v.value for k, v in cells.items()}
    broken = broken_identities(values, rules)
    findings = [_broken_finding(i, values) for i in broken]
    explanation = explain(values, broken, rules)
    if explanation:
        findings.append(explanation)
    findings += _negative_counts(cells)
    findings += _prose_table(values, {f.key: f for f in facts})
    return findings


def is_check_finding(finding: Finding) -> bool:
    """Whether ``check`` made this finding (rather than ingestion or table mapping)."""
    negative = finding.kind == "warning" and finding.message.endswith(_NEGATIVE_MESSAGE_END)
    return finding.kind in ("broken_identity", "explanation") or negative


def validate(doc: Document, cells: list[Value], facts: list[Value]) -> list[Finding]:
    """Derive, check and explain; returns every finding of the document."""
    findings = list(doc.findings)
    injected = injected_title(facts)
    if injected is not None:
        findings.append(injected)
    if doc.template is None:
        doc.findings = findings
        return findings
    findings += check({c.key: c for c in cells}, facts, doc.template)  # type: ignore[arg-type]
    doc.findings = findings
    return findings
