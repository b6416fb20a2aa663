"""Finding the six parts: wrong numerals, sub-parts that look like headings, run-in headings."""

from __future__ import annotations

import pytest
from conftest import gold_cases

from govreport.document import Document, Location, TextBlock
from govreport.ingest import load
from govreport.schema import SectionResult
from govreport.sections import (
    READ_SURE,
    HeadingCandidate,
    find_sections,
    heading_candidates,
    heading_resemblance,
    reads_as_heading,
    sections_from_chain,
)


def doc_of(*lines: str) -> Document:
    return Document("x.txt", "txt", [TextBlock(line, Location(line=i + 1)) for i, line in enumerate(lines)])


def headings(doc: Document) -> dict[int, str | None]:
    return {s.part: s.heading for s in find_sections(doc)}


def test_heading_text_decides_not_the_numeral() -> None:
    found = headings(
        doc_of(
            "一、总体情况",
            "1、主动公开政府信息的情况",  # a sub-part of part one
            "2、 主动公开政府信息情况",  # part two, misnumbered
            "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况",
            "五、政府信息公开工作存在的主要问题及改进情况",
            "　　六、其他需要报告的事项",
        )
    )
    assert found == {
        1: "一、总体情况",
        2: "2、 主动公开政府信息情况",
        3: "三、收到和处理政府信息公开申请情况",
        4: "四、政府信息公开行政复议、行政诉讼情况",
        5: "五、政府信息公开工作存在的主要问题及改进情况",
        6: "六、其他需要报告的事项",
    }


def test_missing_parts_are_none_and_unnumbered_mentions_are_not_headings() -> None:
    found = headings(
        doc_of(
            "本报告包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况等六个部分。",
            "一、总体情况",
            "（一）主动公开政府信息情况",
            "五、存在的主要问题及改进情况",
        )
    )
    assert found == {1: "一、总体情况", 2: None, 3: None, 4: None, 5: "五、存在的主要问题及改进情况", 6: None}


def test_headings_run_into_body_text_are_cut_out() -> None:
    line = (
        "…联系。一、总体情况2019年，我区…规章000"
        "三、收到和处理政府信息公开申请情况（本列数据…）1000001四、结转下年度继续办理"
    )
    found = headings(doc_of(line))
    assert found[1] == "一、总体情况"
    assert found[3] == "三、收到和处理政府信息公开申请情况"
    assert found[4] is None  # 四、结转下年度继续办理 is a table row, not part four


def test_renumbered_table_parts_keep_their_order() -> None:
    found = headings(
        doc_of("一、总体情况", "二、工作机制保障", "一、主动公开政府信息情况", "二、收到和处理政府信息公开申请情况")
    )
    assert found[2] == "一、主动公开政府信息情况" and found[3] == "二、收到和处理政府信息公开申请情况"


def test_part_headings_in_other_reports_words_and_numbering() -> None:
    """The same six parts as other reports print them: 概述 for 总体情况, the older form's
    依申请公开…, 问题及改进措施, 说明 for 报告; numbered 第一部分, 一．, or 一 and a blank."""
    found = headings(
        doc_of(
            "第一部分 概述",
            "（一）主动公开情况",  # a sub-part of part one: parenthesized numerals are not parts
            "二 政府信息主动公开情况",
            "第三部分：依申请公开政府信息情况",
            "四．因政府信息公开被申请行政复议、提起行政诉讼情况",
            "五. 存在的问题及改进措施",
            "六、其他需要说明的事项",
        )
    )
    assert found == {
        1: "第一部分 概述",
        2: "二 政府信息主动公开情况",
        3: "第三部分：依申请公开政府信息情况",
        4: "四．因政府信息公开被申请行政复议、提起行政诉讼情况",
        5: "五. 存在的问题及改进措施",
        6: "六、其他需要说明的事项",
    }


def test_more_of_other_reports_words_and_the_halfwidth_ideographic_comma() -> None:
    found = headings(
        doc_of(
            "一､总体情况",
            "三、政府信息公开申请办理情况",
            "五、存在的主要问题及下一步工作打算",
            "六、其他需要报告的事项",
        )
    )
    assert found == {
        1: "一､总体情况",
        2: None,
        3: "三、政府信息公开申请办理情况",
        4: None,
        5: "五、存在的主要问题及下一步工作打算",
        6: "六、其他需要报告的事项",
    }
    assert headings(doc_of("一、总体情况", "五、存在的不足及改进措施"))[5] == "五、存在的不足及改进措施"


def test_a_numeral_and_a_blank_is_a_marker_only_at_the_start_of_a_line() -> None:
    found = headings(doc_of("一、总体情况", "全区共有一 主动公开情况说明栏目", "二、主动公开情况"))
    assert found[2] == "二、主动公开情况"
    assert headings(doc_of("一、总体情况", "统计表一 主动公开情况"))[2] is None


def test_a_sub_part_in_the_words_of_a_part_does_not_take_its_place() -> None:
    found = headings(doc_of("一、基本情况", "1.主动公开情况", "2.依申请公开情况", "二、主动公开政府信息情况"))
    assert found[1] == "一、基本情况" and found[2] == "二、主动公开政府信息情况"


@pytest.mark.parametrize(
    ("part", "text", "whole"),
    [
        (6, "六、其他需要报告的事项", True),
        (2, "2、主动公开政府信息情况", True),  # renumbered
        (5, "五、政府信息公开工作存在的主要问题及改进情况", True),  # the form's longer wording
        (1, "一、总体情况。", True),
        (6, "六、其他需要报告的", False),  # cut short
        (1, "一、总体", False),
        (3, "三、收到和处理政府信息公开申请情况申请", False),  # body text run into it
        (5, "五、存在的主要问题及改进情况-", False),
        (3, ".1\n三、收到和处理政府信息公开申请情况", False),  # a stray mark before it
        (4, "三、收到和处理政府信息公开申请情况", False),  # another part's heading
    ],
)
def test_reads_as_heading_only_the_forms_wording_whole(part: int, text: str, whole: bool) -> None:
    assert reads_as_heading(part, text) is whole


def test_a_part_found_missing_on_ocr_text_is_as_doubtful_as_the_text_where_its_heading_would_stand() -> None:
    lines = ["一、总体情况", "本年度主动公开信息。", "2、主幼公幵攻府佶息惰况", "三、收到和处理政府信息公开申请情况"]

    def missing_part_2(confidences: list[float]) -> float:
        blocks = [
            TextBlock(t, Location(line=i + 1), confidence=c)
            for i, (t, c) in enumerate(zip(lines, confidences, strict=True))
        ]
        sections = find_sections(Document("mem.txt", "txt", blocks))
        assert sections[1].heading is None  # the damaged heading is not read
        return sections[1].confidence

    exact = missing_part_2([1.0] * 4)
    assert exact == pytest.approx(0.6)
    assert missing_part_2([1.0, 1.0, 0.4, 1.0]) == pytest.approx(0.6 * 0.4 / READ_SURE, abs=1e-4)  # OCR unsure
    assert missing_part_2([1.0, 1.0, READ_SURE, 1.0]) == pytest.approx(0.6)  # read as surely as OCR reads right
    assert missing_part_2([0.4, 1.0, 1.0, 1.0]) == pytest.approx(0.6)  # doubt before part 1's heading is not part 2's


def test_a_part_missing_where_a_recognized_line_prints_its_heading_text_without_a_numeral_is_doubtful() -> None:
    lines = ["某局2021年政府信息公开工作年度报告", "、总体情况", "本年度主动公开信息。", "二、主动公开政府信息情况"]

    def part_1(confidence: float) -> SectionResult:
        blocks = [TextBlock(t, Location(line=i + 1), confidence=confidence) for i, t in enumerate(lines)]
        return find_sections(Document("mem.txt", "txt", blocks))[0]

    assert part_1(1.0).heading is None  # a bare line is no part heading (the convention) ...
    assert part_1(1.0).confidence == pytest.approx(0.6)  # ... and printed so, the part is missing
    assert part_1(0.999).heading is None
    assert part_1(0.999).confidence == pytest.approx(0.3)  # OCR lost its numeral: listed for review


@pytest.mark.parametrize(
    ("line", "score"),
    [
        ("2、主动公幵政府信息情况", 0.6 * (1 - 0.5 * 0.9)),  # one character misread: the heading is likely there
        ("2、主动公幵政府信悤情况", 0.6 * (1 - 0.5 * 0.8)),  # two: a little less likely
        ("主动公开政府信息情况", 0.6),  # the heading whole without its numeral, as printed: missing (the convention)
        ("本机关主动公开政府信息12条。", 0.6),  # prose with the heading's words is no heading
    ],
)
def test_a_missing_part_is_as_doubtful_as_a_gap_line_reads_as_its_heading(line: str, score: float) -> None:
    lines = ["一、总体情况", "本年度主动公开信息。", line, "三、收到和处理政府信息公开申请情况"]
    sections = find_sections(
        Document("mem.txt", "txt", [TextBlock(t, Location(line=i + 1)) for i, t in enumerate(lines)])
    )
    assert sections[1].heading is None
    assert sections[1].confidence == pytest.approx(score, abs=1e-4)


def test_a_heading_broken_over_two_lines_is_one_heading() -> None:
    lines = [
        "一、总体情况",
        "本年度主动公开信息。",
        "二、主动公开政府信息",
        "情况",
        "三、收到和处理政府信息公开申请情况",
    ]
    doc = Document("mem.txt", "txt", [TextBlock(t, Location(line=i + 1)) for i, t in enumerate(lines)])
    sections = find_sections(doc)
    assert sections[1].heading == "二、主动公开政府信息情况"


def test_headings_of_every_fixture_resemble_their_part_with_any_character_misread() -> None:
    """The class: OCR misreads one character of a part heading (any fixture's wording, prefixes
    such as 政府信息公开工作… included); few other short lines read like a heading."""
    damaged = others = resembling = 0
    for case in gold_cases({".txt", ".md", ".html"}):
        doc = load(case.document)
        headings = [s for s in find_sections(doc) if s.heading]
        for unit in doc.units:
            if unit.slot or len(unit.text) > 48:
                continue
            mine = [s for s in headings if s.heading in unit.text]
            for section in mine:
                for i in range(2, len(unit.text) - 1):  # past the numeral and its 、
                    misread = unit.text[:i] + "口" + unit.text[i + 1 :]
                    assert heading_resemblance(section.part, misread) >= 0.75, (case.name, misread)
                    damaged += 1
            if not mine:
                others += 1
                resembling += any(heading_resemblance(p, unit.text) for p in range(1, 7))
    assert damaged > 300
    assert resembling <= 0.01 * others  # (those seen: table captions, sub-part headings, lists of the parts)


def test_a_numeral_ocr_read_as_another_parts_is_doubtful_unless_the_print_numbers_its_own_way() -> None:
    def confidences(lines: list[str], ocr: float) -> dict[int, float]:
        doc = Document("x.pdf", "pdf", [TextBlock(line, Location(line=i + 1), ocr) for i, line in enumerate(lines)])
        return {s.part: s.confidence for s in find_sections(doc)}

    headings_read = [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "二、收到和处理政府信息公开申请情况",  # 三 with a faded stroke
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、政府信息公开工作存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ]
    assert confidences(headings_read, ocr=0.97)[3] < 0.7 < confidences(headings_read, ocr=1.0)[3]
    shifted = [
        "一、总体情况",
        "一、主动公开政府信息情况",
        "二、收到和处理政府信息公开申请情况",
        "三、政府信息公开行政复议、行政诉讼情况",
    ]
    found = confidences(shifted, ocr=0.97)
    assert min(found[part] for part in (1, 2, 3, 4)) >= 0.8  # the print's own numbering, read as printed


def test_a_recognized_heading_under_another_parts_numeral_is_doubtful_whoever_found_it() -> None:
    """OCR of a fax read 三、收到和处理… as 二、收到和处理… (a faded stroke) among headings
    numbered as the form numbers them: the rules list it, and a labeller that marks that line
    as part 3's heading confidently (its text is part 3's) is as doubtful: before, the model's
    0.9968 left the wrong numeral unlisted (r004 and seed-000 as ``scan-fax``, hybrid)."""
    lines = ["一、总体情况", "本年度主动公开信息。", "二、主动公开政府信息情况", "表略。"]
    lines.append("二、收到和处理政府信息公开申请情况")
    doc = Document("mem.pdf", "pdf", [TextBlock(t, Location(line=i + 1), confidence=0.97) for i, t in enumerate(lines)])
    start = doc.text.index("二、收到")

    class ConfidentLabeller:
        def find(self, doc: Document) -> list[SectionResult]:
            chain = [c for c in heading_candidates(doc.text) if c.part != 3]
            chain.append(HeadingCandidate(3, start, start + len(lines[-1]), False, confidence=0.9968, method="model"))
            return sections_from_chain(doc, sorted(chain, key=lambda c: c.start))

    by_rules, by_model = find_sections(doc)[2], find_sections(doc, ConfidentLabeller())[2]
    assert by_rules.heading == by_model.heading == "二、收到和处理政府信息公开申请情况"
    assert by_rules.confidence == pytest.approx(0.6)
    assert by_model.confidence == pytest.approx(0.6)
