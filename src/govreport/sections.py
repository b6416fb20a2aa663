"""Find the six parts of a report.

Rules find heading candidates (a numeral marker, then a part's heading text)
and keep the ordered chain that covers most parts. Real reports renumber parts
(``2、`` for ``二、``, tables renumbered ``一、…三、``), repeat or drop headings,
run headings into body text, and have sub-parts that look like headings
(``1、主动公开政府信息的情况``): the heading text, not the numeral, decides, and
parenthesized numerals (``（二）``) are sub-parts.

``SectionFinder`` is the interface the learned labeller implements too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from rapidfuzz import fuzz

from govreport.document import Document
from govreport.form.catalog import PART_HEADINGS
from govreport.schema import Method, Provenance, SectionResult
from govreport.text import spaced

_NUMERALS = "一二三四五六七八九"
# a part marker: one numeral and a separator, not 第二、 or 十二、, nor the 2 of 12、; or 第二部分
# (a colon or a blank after it); or, at the start of a line, a Chinese numeral and a blank (二 主动…)
_MARKER = (
    r"(?:(?:(?<![第十])(?P<cn>[一二三四五六七八九])|(?<![\d.])(?P<dg>[1-9１-９]))\s*[、､.．,，](?!\d)"
    r"|第(?P<section>[一二三四五六七八九])部分\s*[:：、.．]?"
    r"|(?:(?<![^\n])|(?<=\n[ \t\u3000])|(?<=\n[ \t\u3000]{2}))(?P<bare>[一二三四五六七八九])(?=[ \t\u3000]))\s*"
)
_TRAILING = " 　:：。."  # what may follow a heading on its line
_OWN_NUMERAL = 0.95  # the score of a heading the rules found under its part's numeral
_OTHER_NUMERAL = 0.8  # ... under another part's, as some reports number their parts
_OCR_NUMERAL_MISMATCH = 0.6  # ... under another part's as OCR read it, among headings numbered as the form
MISSING_PART = 0.6  # the score of a part no heading was found for, on text read exactly
BARE_HEADING = 0.5  # ... the share it keeps where a gap line reads, whole, as the part's heading (more as less so)
_BARE_HEADING_CHARS = 48
# OCR confidence from which a line is read right as good as always (the ocr path's calibration
# maps 0.65 and more to 99.9% right): only lines read below it leave doubt a heading is among them
READ_SURE = 0.65
# a line reads like a part's heading when its text (marker aside) is this close to the form's wording
# (rapidfuzz ratio / 100: OCR of a photocopy misreads a character or two of a heading)
RESEMBLES_HEADING = 0.75
_LEADING_MARKER = re.compile(r"^[\s一二三四五六七八九十1-9１-９()（）、､.．,，:：]*")
# where a part heading may start; the learned labeller looks only after these
PART_MARKER = re.compile(_MARKER)


_PART_HEADINGS: dict[int, str] = {  # the form's wording (and the ways reports lengthen parts 4 and 5)
    1: spaced("总体情况"),
    2: spaced("主动公开政府信息情况"),
    3: spaced("收到和处理政府信息公开申请情况"),
    4: r"[\u4e00-\u9fff]{0,16}?行\s*政\s*复\s*议[、和及与\s]{0,2}(?:提起)?行\s*政\s*诉\s*讼\s*(?:的)?情\s*况",
    5: r"[\u4e00-\u9fff]{0,10}?存\s*在\s*的?\s*主\s*要\s*问\s*题\s*(?:及|和)\s*改\s*进\s*(?:情\s*况|措\s*施)",
    6: spaced("其他需要报告的事项"),
}
# the same parts in other reports' words (一、概述, 二、主动公开情况, 三、依申请公开政府信息情况 of the
# older form, 五、存在的问题及改进措施, 六、其他需要说明的事项): sub-parts use such words too
# (1.主动公开情况 under part one), so these count only under the part's own numeral
_OTHER_WORDING: dict[int, str] = {
    1: "|".join(map(spaced, ("基本情况", "概述"))),
    2: "|".join(map(spaced, ("主动公开政府信息的情况", "主动公开情况", "政府信息主动公开情况"))),
    3: "|".join(
        map(
            spaced,
            (
                "收到和处理政府信息公开申请的情况",
                "依申请公开政府信息情况",
                "依申请公开情况",
                "政府信息公开申请办理情况",
            ),
        )
    ),
    # 存在的问题及改进措施, 主要问题和改进措施, 存在的不足及改进措施, 存在的主要问题及下一步工作打算
    5: r"[\u4e00-\u9fff]{0,10}?(?:存\s*在\s*的?\s*)?(?:主\s*要\s*)?(?:问\s*题|不\s*足)\s*(?:及|和|与)\s*"
    r"(?:改\s*进\s*(?:情\s*况|措\s*施|方\s*向)|下\s*一\s*步\s*(?:工\s*作\s*)?(?:打\s*算|计\s*划|安\s*排|措\s*施))",
    6: "|".join(map(spaced, ("其他需要说明的事项", "其他需要报告事项", "其他需要说明事项", "其他事项"))),
}
_CANDIDATE = re.compile(
    _MARKER
    + "(?:"
    + "|".join(
        f"(?P<p{part}>(?P<form{part}>{pattern})" + (f"|{_OTHER_WORDING[part]}" if part in _OTHER_WORDING else "") + ")"
        for part, pattern in _PART_HEADINGS.items()
    )
    + ")"
)


@dataclass(frozen=True, slots=True)
class HeadingCandidate:
    part: int
    start: int  # offsets in Document.text
    end: int
    numeral_matches: bool
    confidence: float | None = None  # set by a learned labeller; rules derive it from the numeral
    method: Method = "rules"


class SectionFinder(Protocol):
    def find(self, doc: Document) -> list[SectionResult]: ...


def _numeral_value(ch: str) -> int:
    if ch in _NUMERALS:
        return _NUMERALS.index(ch) + 1
    return int(ch.translate(str.maketrans("１２３４５６７８９", "123456789")))


def marker_numeral(text: str, at: int) -> int | None:
    """The part numeral of the marker at ``at`` in ``text`` (``三、`` is 3), or None."""
    match = PART_MARKER.match(text, at)
    if match is None:
        return None
    return _numeral_value(next(match.group(g) for g in ("cn", "dg", "section", "bare") if match.group(g)))


def heading_candidates(text: str) -> list[HeadingCandidate]:
    out = []
    for match in _CANDIDATE.finditer(text):
        part = next(p for p in _PART_HEADINGS if match.group(f"p{p}"))
        numeral = _numeral_value(next(match.group(g) for g in ("cn", "dg", "section", "bare") if match.group(g)))
        if numeral != part and not match.group(f"form{part}"):
            continue  # another report's words under another part's numeral: a sub-part
        out.append(HeadingCandidate(part, match.start(), match.end(), numeral == part))
    return out


def reads_as_heading(part: int, text: str) -> bool:
    """Whether ``text`` is, whole, a heading of ``part`` as the form words it: a marker, the
    part's heading text, nothing after it but punctuation (not cut short, nothing run into it)."""
    stripped = text.strip()
    return any(
        c.part == part and c.start == 0 and not stripped[c.end :].strip(_TRAILING) for c in heading_candidates(stripped)
    )


def best_chain(candidates: list[HeadingCandidate]) -> list[HeadingCandidate]:
    """The candidates in document order with strictly increasing part numbers that
    cover most parts (a numeral that agrees with the part breaks ties; among equal
    chains the earliest). Linear: the best chain ending in each part is kept."""
    # part -> (score, index of its last candidate, chain) of the best chain ending in that part
    best_ending: dict[int, tuple[float, int, list[HeadingCandidate]]] = {}
    overall: tuple[float, int, list[HeadingCandidate]] | None = None
    for i, cand in enumerate(candidates):
        before = [best_ending[p] for p in best_ending if p < cand.part]
        score, _, chain = min(before, key=lambda item: (-item[0], item[1])) if before else (0.0, -1, [])
        weight = 1.0 + (0.01 if cand.numeral_matches else 0.0)
        made = (score + weight, i, [*chain, cand])
        if cand.part not in best_ending or made[0] > best_ending[cand.part][0]:
            best_ending[cand.part] = made
        if overall is None or made[0] > overall[0]:
            overall = made
    return overall[2] if overall is not None else []


def _heading_text(doc: Document, cand: HeadingCandidate) -> str:
    """The heading as it stands: its whole line when the line holds only the heading
    (trailing punctuation aside), else the matched marker and heading text; a heading
    broken over two lines (OCR, wrapping) is one heading, its lines joined."""
    unit = doc.units[doc.unit_at(cand.start)]
    line = unit.text.strip()
    matched = "".join(piece.strip() for piece in doc.text[cand.start : cand.end].splitlines())
    rest = line[line.find(matched) + len(matched) :] if matched in line else "x"
    return line if len(rest.strip(_TRAILING)) == 0 else matched


def sections_from_chain(doc: Document, chain: list[HeadingCandidate], method: Method = "rules") -> list[SectionResult]:
    """The six parts from a chain of headings (one per part, in document order); sets
    ``doc.section_spans``. Shared by the rules and the learned labeller (``method``:
    who decided that a part is missing)."""
    by_part = {c.part: c for c in chain}
    spans: dict[int, tuple[int, int]] = {}
    ordered = sorted(by_part.values(), key=lambda c: c.start)
    for i, cand in enumerate(ordered):
        spans[cand.part] = (cand.start, ordered[i + 1].start if i + 1 < len(ordered) else len(doc.text))
    doc.section_spans = spans
    results = []
    recognized = len(by_part) < 6 and any(u.confidence < 1.0 for u in doc.units)  # OCR'd, not a text layer
    form_numbered = 2 * sum(c.numeral_matches for c in by_part.values()) > len(by_part)  # as the form numbers them
    for part in range(1, 7):
        cand = by_part.get(part)
        if cand is None:
            confidence = round(_missing_part_score(doc, part, by_part, recognized), 4)
            results.append(SectionResult(part=part, heading=None, method=method, confidence=confidence))
            continue
        unit = doc.units[doc.unit_at(cand.start)]
        misread = unit.confidence < 1.0 and form_numbered
        confidence = _rule_heading_score(cand, misread) if cand.confidence is None else cand.confidence
        if misread and not cand.numeral_matches:
            # whoever found it (a model reads the heading, not whether OCR read its numeral right)
            confidence = min(confidence, _OCR_NUMERAL_MISMATCH)
        results.append(
            SectionResult(
                part=part,
                heading=_heading_text(doc, cand),
                method=cand.method,
                confidence=round(confidence, 4),
                location=Provenance.of(unit.loc),
            )
        )
    return results


def _rule_heading_score(cand: HeadingCandidate, misread: bool) -> float:
    """A heading the rules found: sure where its numeral is its part's; less where it is another
    part's, as some reports print it (``一、主动公开…`` for part 2, the parts after it shifted
    too); and doubtful where OCR read that numeral among headings numbered as the form numbers
    them (``misread``): OCR takes 三 for 二 where a stroke fades (a fax)."""
    if cand.numeral_matches:
        return _OWN_NUMERAL
    return _OCR_NUMERAL_MISMATCH if misread else _OTHER_NUMERAL


def heading_resemblance(part: int, text: str) -> float:
    """How closely a line reads as ``part``'s heading, 0..1: 1 where it is the heading
    (its numeral may be missing), else the similarity of its text (or of its end), a leading
    marker aside, to the form's wording where that reaches ``RESEMBLES_HEADING`` (0 below)."""
    line = _LEADING_MARKER.sub("", text)
    if reads_as_heading(part, f"{_NUMERALS[part - 1]}、{line}"):
        return 1.0
    line = line.strip(_TRAILING)
    wording = PART_HEADINGS[part].split("、", 1)[1]
    # the whole line, or its end: reports put words before the form's (政府信息公开工作存在的…)
    similarity = max(fuzz.ratio(wording, line), fuzz.ratio(wording, line[-len(wording) :])) / 100
    return similarity if similarity >= RESEMBLES_HEADING else 0.0


def _missing_part_score(doc: Document, part: int, by_part: dict[int, HeadingCandidate], recognized: bool) -> float:
    """How sure a part is missing, by the lines where its heading would stand (between the
    headings found before and after it): on a scan, doubtful where one of them is read
    below ``READ_SURE`` (a heading OCR misread); less sure the closer one of them reads as
    the part's heading: a character or two misread, or on recognized text the numeral lost. (On text read
    exactly, a heading printed whole without its numeral is what the convention counts as
    a missing part.)"""
    start = max((c.end for p, c in by_part.items() if p < part), default=0)
    end = min((c.start for p, c in by_part.items() if p > part), default=len(doc.text))
    gap = [u for u in doc.units if u.start < end and u.end > start]
    sure = min(1.0, min((u.confidence for u in gap), default=1.0) / READ_SURE)
    readings = [heading_resemblance(part, u.text) for u in gap if not u.slot and len(u.text) <= _BARE_HEADING_CHARS]
    resemblance = max((r for r in readings if recognized or r < 1.0), default=0.0)
    return MISSING_PART * sure * (1 - (1 - BARE_HEADING) * resemblance)


class RuleSectionFinder:
    def find(self, doc: Document) -> list[SectionResult]:
        return sections_from_chain(doc, best_chain(heading_candidates(doc.text)))


def find_sections(doc: Document, finder: SectionFinder | None = None) -> list[SectionResult]:
    doc.sections = (finder or RuleSectionFinder()).find(doc)
    return doc.sections
