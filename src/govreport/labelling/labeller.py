"""Which path decides: rules, the learned model, or both (hybrid).

The model's spans feed the same consumers the rules feed: part headings become
heading candidates (``govreport.sections``), row-label spans become table anchors
(``govreport.tables.anchors``), fact spans are read with the prose patterns
(``govreport.prose.read_fact_span``). Every decision keeps its path in ``method``
and its confidence.

Hybrid, as ``LabellerPolicy`` configures it, per decision:

* ``model`` first (default for part headings, the title's agency and year, and the
  prose facts): the model reads the stretches where the thing can stand (from each
  part numeral; the title lines; the sentences of a part with the fact's cue words)
  and its span is used where its calibrated confidence reaches the threshold
  (chosen on held-apart data, ``labeller.json``); below it, or where it finds
  nothing, the rules decide; where the rules read a heading exactly (or in the form's
  words under another numeral), or a fact as another value, the rules' reading stands;
* ``rules`` first (default for table row labels): the rules decide where they are
  sure, the model fills rows they miss or match only weakly. Reading every table
  with the model would cost most of the throughput budget, and the rules read the
  printed form's labels exactly.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from govreport.document import Document
from govreport.form.catalog import TableForm
from govreport.labelling.labels import AGENCY, FACT_TYPES, YEAR, part_of
from govreport.labelling.runtime import (
    MODEL_DIR,
    Tagger,
    default_tagger,
    load_tagger,
    merged_regions,
    unavailable_reason,
)
from govreport.labelling.spans import Span
from govreport.prose import (
    FACT_KEYS,
    extract_facts,
    join_wrapped_lines,
    lines_wrap,
    read_fact_span,
    with_negation_before,
)
from govreport.schema import Finding, Provenance, SectionResult, Value
from govreport.sections import (
    PART_MARKER,
    HeadingCandidate,
    RuleSectionFinder,
    SectionFinder,
    best_chain,
    heading_candidates,
    marker_numeral,
    sections_from_chain,
)
from govreport.tables.anchors import Anchor, find_anchors
from govreport.tables.mapping import AnchorFinder

Mode = Literal["rules", "model", "hybrid"]
First = Literal["model", "rules"]
DECISIONS = ("sections", "rows", "meta", "prose")


@dataclass(frozen=True)
class LabellerPolicy:
    """Who goes first in the hybrid, per decision, and on what model.

    ``first[decision]``: ``model`` (the model's confident span decides, the rules below
    the threshold) or ``rules`` (the rules decide, the model fills what they miss).
    ``threshold``: None takes the model's own (``labeller.json``, chosen on held-apart
    data). ``model_dir``: None is the packaged model."""

    first: dict[str, First] = field(
        default_factory=lambda: {"sections": "model", "rows": "rules", "meta": "model", "prose": "model"}
    )
    threshold: float | None = None
    model_dir: Path | None = None

    def tagger(self) -> Tagger | None:
        return default_tagger() if self.model_dir is None else load_tagger(self.model_dir)


DEFAULT_POLICY = LabellerPolicy()

_SURE_ANCHOR = 0.95  # a rule row label scoring this (an exact match) is not second-guessed
DISPUTED = 0.3  # the share of its score a model fact or heading keeps where the rules read it otherwise
_HEAD_CHARS = 600  # the title stands in the first characters
_MIN_HEADING = 4  # characters (blanks aside) of the shortest part heading, 总体情况
_YEAR = re.compile(r"(?<!\d)20\d{2}(?!\d)")
_HEADING_WINDOW = 48  # characters from a part numeral that hold the longest heading, blanks and all


class ModelView:
    """The model's spans over stretches of one document, each stretch labelled once
    (the stretches asked together go through the model in one batch)."""

    def __init__(self, doc: Document, tagger: Tagger) -> None:
        self.doc, self.tagger = doc, tagger
        self._done: dict[tuple[int, int], list[Span]] = {}

    def _covering(self, start: int, end: int) -> tuple[int, int] | None:
        return next(((s, e) for s, e in self._done if s <= start and end <= e), None)

    def spans_in(self, regions: list[tuple[int, int]]) -> list[Span]:
        missing = merged_regions([(s, e) for s, e in regions if self._covering(s, e) is None])
        if missing:
            found = self.tagger.spans(self.doc.text, missing)
            for s, e in missing:
                self._done[(s, e)] = [span for span in found if s <= span.start and span.end <= e]
        out: dict[Span, None] = {}
        for start, end in regions:
            covering = self._covering(start, end)
            out.update(dict.fromkeys(s for s in self._done[covering] if start <= s.start and s.end <= end))  # type: ignore[index]
        return list(out)

    def spans(self, start: int = 0, end: int | None = None) -> list[Span]:
        return self.spans_in([(start, len(self.doc.text) if end is None else end)])


# ---------------------------------------------------------------- sections


def _model_candidates(view: ModelView, regions: list[tuple[int, int]] | None = None) -> list[HeadingCandidate]:
    """Part headings the model marks (in ``regions``, else the whole text): cut at the line's
    end (a heading does not run on into the next line), and only those long enough to be
    one (a stray character is not)."""
    out = []
    regions = [(0, len(view.doc.text))] if regions is None else regions
    for span in view.spans_in(regions):
        part = part_of(span.entity)
        if part is None:
            continue
        text = view.doc.text[span.start : span.end]
        head = text.split("\n", 1)[0]
        end_ = span.start + len(head) if len("".join(head.split())) >= _MIN_HEADING else span.end
        if len("".join(view.doc.text[span.start : end_].split())) >= _MIN_HEADING:
            numeral = marker_numeral(view.doc.text, span.start)
            matches = numeral is None or numeral == part  # a heading the model reads under another part's numeral
            out.append(HeadingCandidate(part, span.start, end_, matches, confidence=span.confidence, method="model"))
    return out


class ModelSectionFinder:
    """The model's chain of headings alone; a part where the rules read another heading (or
    one where the model reads none) keeps only ``DISPUTED`` of its score, as a disputed fact
    does: on reports worded as the fixtures are not, the model alone misses headings the rules
    read (eval/rewording.py's wording-headings), and such a miss must be listed, not silent."""

    def __init__(self, view: ModelView) -> None:
        self.view = view

    def find(self, doc: Document) -> list[SectionResult]:
        by_rules = RuleSectionFinder().find(doc)
        found = sections_from_chain(doc, best_chain(_model_candidates(self.view)), method="model")
        for section, rule in zip(found, by_rules, strict=True):
            if section.heading != rule.heading:
                section.confidence = round(section.confidence * DISPUTED, 4)
        return found


class ModelFirstSectionFinder:
    """The model's confident headings first: it reads from every part numeral on, and a
    part it marks at or above the threshold takes the model's heading — unless the rules
    read that part's heading at the same place with a matching numeral, or in the form's
    own words at another place; the other parts take the rules' candidates; one chain in
    document order over both.

    The model's heading must open with a part numeral (any, even a wrong one): the model
    is trusted to read heading text, not to promote a bare line such as
    ``主动公开政府信息情况`` to a part, which the gold convention counts as missing."""

    def __init__(self, view: ModelView, threshold: float) -> None:
        self.view, self.threshold = view, threshold

    def find(self, doc: Document) -> list[SectionResult]:
        text = doc.text
        rules = heading_candidates(text)
        # where the rules read a part's heading with its own numeral, their exact heading pattern
        # stands: the model is not asked there (its span could only differ in extent: in
        # run-together text it ran on into the next sentence)
        sure = {c.start for c in rules if c.numeral_matches}
        confident = [
            c
            for c in _model_candidates(self.view, numbered_windows(text, 0, len(text), skip=sure))
            if (c.confidence or 0) >= self.threshold and PART_MARKER.match(text, c.start) and c.start not in sure
        ]  # (a window from an earlier numeral can run into a heading the rules read)
        # a part the rules' chain reads in the form's own words under another numeral (a report
        # that prints part 2 as 一、) stays where the rules read it: the model may re-read that
        # heading's extent, not move the part to a look-alike line elsewhere (三、主动公开工作情况)
        held = {c.part: c for c in best_chain(rules) if not c.numeral_matches}
        confident = [
            c for c in confident if c.part not in held or (c.start < held[c.part].end and held[c.part].start < c.end)
        ]
        by_model = {c.part for c in confident}
        rules = [c for c in rules if c.part not in by_model]
        return sections_from_chain(doc, best_chain(sorted([*confident, *rules], key=lambda c: c.start)))


class HybridSectionFinder:
    """The rules' chain; a part it misses is looked for by the model between its neighbours
    (the model's heading must open with a part numeral, as in ``ModelFirstSectionFinder``)."""

    def __init__(self, view: ModelView, threshold: float) -> None:
        self.view, self.threshold = view, threshold

    def find(self, doc: Document) -> list[SectionResult]:
        chain = best_chain(heading_candidates(doc.text))
        found = {c.part: c for c in chain}
        for part in range(1, 7):
            if part in found:
                continue
            lo = max((c.end for c in chain if c.part < part), default=0)
            hi = min((c.start for c in chain if c.part > part), default=len(doc.text))
            confident = [
                c
                for c in _model_candidates(self.view, numbered_windows(doc.text, lo, hi))
                if c.part == part and (c.confidence or 0) >= self.threshold and PART_MARKER.match(doc.text, c.start)
            ]
            if confident:
                chain = sorted([*chain, max(confident, key=lambda c: c.confidence or 0)], key=lambda c: c.start)
        return sections_from_chain(doc, chain)


def numbered_windows(text: str, lo: int, hi: int, skip: Collection[int] = ()) -> list[tuple[int, int]]:
    """The stretches of ``text[lo:hi]`` where a numbered heading could stand: from each part
    numeral on (but those at ``skip``), as long as the longest heading (merged where they
    overlap). Only these go through the model, not the whole gap."""
    windows: list[tuple[int, int]] = []
    for m in PART_MARKER.finditer(text, lo, hi):
        start = m.start()
        if start in skip:
            continue
        line_end = text.find("\n", m.end() + _MIN_HEADING)  # a heading does not run on into the next line
        end = min(hi, start + _HEADING_WINDOW, line_end + 1 if line_end >= 0 else hi)
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((start, end))
    return windows


# ---------------------------------------------------------------- table row labels


def _model_anchors(view: ModelView, start: int, end: int, form: TableForm, threshold: float = 0.0) -> list[Anchor]:
    """Per row of ``form``, the first confident span of its type after the previous row's."""
    spans = [s for s in view.spans(start, end) if s.confidence >= threshold]
    anchors: list[Anchor] = []
    cursor = start
    for row in form.rows:
        mine = [s for s in spans if s.entity == f"{form.name}.{row.key}"]
        pick = next((s for s in mine if s.start >= cursor), None) or (mine[0] if mine else None)
        if pick is not None:
            anchors.append(Anchor(row, pick.start, pick.end, round(pick.confidence, 4), method="model"))
            cursor = max(cursor, pick.end)
    return sorted(anchors, key=lambda a: a.start)


def _hybrid_anchors(view: ModelView, threshold: float) -> AnchorFinder:
    """The rules' row labels; rows they miss or match only weakly (fuzzy, a short core) get
    the model's confident label, where it stands between its neighbours in form order."""

    def find(doc: Document, start: int, end: int, form: TableForm) -> list[Anchor]:
        anchors = find_anchors(doc, start, end, form)
        if sum(a.score >= _SURE_ANCHOR for a in anchors) == len(form.rows):
            return anchors
        order = {row.key: i for i, row in enumerate(form.rows)}
        kept = {a.row.key: a for a in anchors}
        for model_anchor in _model_anchors(view, start, end, form, threshold):
            rule_anchor = kept.get(model_anchor.row.key)
            if rule_anchor is not None and rule_anchor.score >= _SURE_ANCHOR:
                continue
            if _between_neighbours(model_anchor, kept, order):
                kept[model_anchor.row.key] = model_anchor
        return sorted(kept.values(), key=lambda a: a.start)

    return find


def _model_first_anchors(view: ModelView, threshold: float) -> AnchorFinder:
    """The model's confident row labels first; rows it does not mark confidently take the
    rules' label where it stands between its neighbours in form order."""

    def find(doc: Document, start: int, end: int, form: TableForm) -> list[Anchor]:
        order = {row.key: i for i, row in enumerate(form.rows)}
        kept = {a.row.key: a for a in _model_anchors(view, start, end, form, threshold)}
        for rule_anchor in find_anchors(doc, start, end, form):
            if rule_anchor.row.key not in kept and _between_neighbours(rule_anchor, kept, order):
                kept[rule_anchor.row.key] = rule_anchor
        return sorted(kept.values(), key=lambda a: a.start)

    return find


def _between_neighbours(anchor: Anchor, kept: dict[str, Anchor], order: dict[str, int]) -> bool:
    i = order[anchor.row.key]
    before = [a.end for key, a in kept.items() if order[key] < i]
    after = [a.start for key, a in kept.items() if order[key] > i]
    return max(before, default=anchor.start) <= anchor.start and anchor.end <= min(after, default=anchor.end)


# ---------------------------------------------------------------- facts


def fact_regions(
    text: str, section_spans: dict[int, tuple[int, int]], key: str, wrapped: bool = False
) -> list[tuple[int, int]]:
    """Where the model looks for a fact: the title area for meta; for a prose fact, the
    sentences of its part (part 6 for the fee, part 1 for the counts) that hold a word the
    fact is stated with — a few hundred characters rather than the whole part. Where the
    lines are the page's (``wrapped``), a sentence runs on over a break inside it
    (``受理政府\n信息公开申请 17 件``), as the rules read it. (Training draws windows of
    these shapes too, ``training.train.runtime_windows``.)"""
    if key.startswith("meta."):
        return [title_region(text)]
    part = 6 if key == "prose.fee_collected" else 1
    start, end = section_spans.get(part, (0, len(text)))
    cue = _FACT_CUES[key]
    sentences = join_wrapped_lines(text, wrapped)
    return [(m.start(), m.end()) for m in _SENTENCE.finditer(sentences, start, end) if cue.search(m.group())]


def title_region(text: str) -> tuple[int, int]:
    """The lines up to the one naming the report (报告, or 年报 as a title may say) in the first
    characters, else the first characters."""
    head = text[:_HEAD_CHARS]
    named = _REPORT_NAMED.search(head)
    end = head.find("\n", named.start()) if named else -1
    return (0, end if end >= 0 else len(head))


_REPORT_NAMED = re.compile(r"报告|年报")


_SENTENCE = re.compile(r"[^。；;\n]+[。；;]?")
_FACT_CUES = {
    # a disclosing verb (更新 too: 更新政府信息N条), then a count of items (digits or numerals, 条/件, not
    # 条例): part 1's other sentences with these words (条例, 文件, no count) are most of its text and state
    # no headline
    "prose.proactive_total": re.compile(
        r"(?:主\s*动|公\s*[开布]|发\s*布|推\s*送|更\s*新)[^。；;]*?[\d零〇一二两三四五六七八九十百千万]\s*[余多]?\s*[条件](?!\s*例)"
    ),
    "prose.applications_received": re.compile(r"申\s*请"),
    "prose.fee_collected": re.compile(r"费"),
}


_ENTITY_OF = {"meta.agency": AGENCY, "meta.year": YEAR, **FACT_TYPES}
# What follows a whole agency name in a title: the year, 关于, 年度, the report's wording (政府信息公开,
# 政务公开 …), a mark or the line's end. A model span followed by anything else was cut short
# (``上海市|科委政府信息公开…`` read as 上海市, at 0.97, on r006's text flattened to one line).
_AGENCY_ENDS = re.compile(
    r"[^\S\n]*(?:$|\n|\d|二[〇零]|关\s*于|年\s*度|(?:政\s*府\s*)?(?:信\s*息|政\s*务)\s*公\s*开|[，,：:（(《“\"<])"
)


def _fact_value(key: str, text: str) -> int | float | str | None:
    squashed = "".join(text.split())
    if key == "meta.agency":
        name = squashed.strip(":：、，,。")
        return name if len(name) >= 2 else None
    if key == "meta.year":
        year = _YEAR.search(squashed)  # the span may take the 年 or a blank with it
        return int(year.group()) if year else None
    return read_fact_span(key, text)


def model_fact(doc: Document, view: ModelView, key: str, threshold: float = 0.0) -> Value | None:
    """The fact from the model's spans of its type: for the title's agency and year the first
    that reads as one (the title comes first); for a prose fact the first the model is sure of
    (at its threshold), else the most confident; or None. A report states its total before the
    breakdowns that follow it, as the rules read it: in r008 (eval/cv_labeller.py) the model was
    as sure of the total (``共公布政府信息2599条``) as of a department's figure further on
    (``全年共发布信息68条``), and the most confident of them was the department's."""
    found = view.spans_in(fact_regions(doc.text, doc.section_spans, key, lines_wrap(doc)))
    spans = [s for s in found if s.entity == _ENTITY_OF[key] and s.confidence >= threshold]
    if key.startswith("prose."):
        sure = view.tagger.threshold
        spans.sort(key=lambda s: (0, s.start) if s.confidence >= sure else (1, -s.confidence))
    for span in spans:
        if key == "meta.agency" and not _AGENCY_ENDS.match(doc.text, span.end):
            continue  # a name cut short: the title goes on with more of it
        start = with_negation_before(doc.text, span.start) if key.startswith("prose.") else span.start
        raw = doc.text[start : span.end]
        value = _fact_value(key, raw)
        if value is not None:
            location = Provenance.of(doc.units[doc.unit_at(start)].loc)
            confidence = round(span.confidence, 4)
            return Value(key=key, value=value, raw=raw, method="model", confidence=confidence, location=location)
    return None


# ---------------------------------------------------------------- the labeller


class Labeller:
    """The three decisions of one document made by ``mode``'s path (the hybrid's as ``policy`` says).

    ``mode`` is what really runs: a model mode without a usable model becomes ``rules``,
    with a warning finding naming why."""

    def __init__(self, doc: Document, mode: Mode = "hybrid", policy: LabellerPolicy = DEFAULT_POLICY,
                 tagger: Tagger | None = None) -> None:  # fmt: skip
        self.doc, self.policy = doc, policy
        self.mode: Mode = mode
        tagger = tagger or (policy.tagger() if mode != "rules" else None)
        if tagger is None and mode != "rules":
            why = unavailable_reason(policy.model_dir or MODEL_DIR) or "no model"
            message = f"labeller model not found or unusable ({why}): rules decided instead of '{mode}'"
            doc.findings.append(Finding(kind="warning", message=message))
            self.mode = "rules"
        self.view = ModelView(doc, tagger) if tagger is not None else None
        self.threshold = policy.threshold if policy.threshold is not None else tagger.threshold if tagger else 1.0

    def _model_first(self, decision: str) -> bool:
        return self.policy.first.get(decision) == "model"

    def section_finder(self) -> SectionFinder | None:
        if self.view is None:
            return None  # the rules
        if self.mode == "model":
            return ModelSectionFinder(self.view)
        if self._model_first("sections"):
            return ModelFirstSectionFinder(self.view, self.threshold)
        return HybridSectionFinder(self.view, self.threshold)

    def anchor_finder(self) -> AnchorFinder:
        view = self.view
        if view is None:
            return find_anchors
        if self.mode == "model":
            return lambda doc, start, end, form: _model_anchors(view, start, end, form)
        if self._model_first("rows"):
            return _model_first_anchors(view, self.threshold)
        return _hybrid_anchors(view, self.threshold)

    def facts(self) -> list[Value]:
        """The five meta/prose facts: the model's where it goes first and is confident,
        else the rules'; where the rules go first, the model only fills what they miss."""
        view = self.view
        if view is None:
            return extract_facts(self.doc)
        if self.mode == "model":
            by_rules = {fact.key: fact for fact in extract_facts(self.doc)}
            return [
                _second_opinion(model_fact(self.doc, view, key) or _not_found(key), by_rules[key]) for key in FACT_KEYS
            ]
        out = []
        for fact in extract_facts(self.doc):
            if self._model_first(fact.key.split(".")[0]) or fact.value is None:
                out.append(_unless_disputed(model_fact(self.doc, view, fact.key, self.threshold), fact))
            else:
                out.append(fact)
        return out


def _unless_disputed(by_model: Value | None, by_rules: Value) -> Value:
    """The model's confident fact, unless the rules read another value: then theirs stands
    (noting the model's), as a part heading the rules read exactly does. The model's confident
    mistakes on reports it never saw are figures from a neighbouring sentence (a cumulative
    total, a sub-count) and names cut short (eval/cv_labeller.py): taken over the rules' reading,
    each would be a wrong value at the model's high confidence, a silent error."""
    if by_model is None or by_rules.value is None or by_model.value == by_rules.value:
        return by_model or by_rules
    by_rules.note = f"{by_rules.note + '; ' if by_rules.note else ''}the model read {by_model.value!r}"
    return by_rules


def _not_found(key: str) -> Value:
    return Value(key=key, value=None, method="model", confidence=0.0, note="the labeller found no span")


def _second_opinion(fact: Value, by_rules: Value) -> Value:
    """The model's fact, scored by whether the rules read the same: two ways of reading that
    agree are as sure as the surer; where they differ, the model's reading is far less sure
    (in the calibration records, the model alone was wrong on every fact the rules read
    otherwise) and the note says what the rules read."""
    if fact.value == by_rules.value:
        fact.confidence = max(fact.confidence, by_rules.confidence)
    else:
        fact.confidence = round(fact.confidence * DISPUTED, 4)
        fact.note = f"{fact.note + '; ' if fact.note else ''}the rules read {by_rules.value!r}"
    return fact
