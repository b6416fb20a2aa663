"""The labeller's inference side: vocabulary, span decoding, who decides in each mode,
the fallback without a model, and that no torch is imported to label."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
import pytest

from govreport.document import Document, Location, TextBlock
from govreport.form.catalog import FORMS
from govreport.labelling import labeller as labeller_module
from govreport.labelling.labeller import Labeller, LabellerPolicy
from govreport.labelling.labels import ENTITY_TYPES, LABEL_ID, LABELS, ROW_TYPES
from govreport.labelling.runtime import MODEL_DIR
from govreport.labelling.spans import Span, decode, label_spans, stitch, window_starts
from govreport.labelling.vocab import NEWLINE, SPACE, TAB, CharVocab, fold, gb2312_chars
from govreport.pipeline import process
from govreport.prose import read_fact_span, with_negation_before
from govreport.sections import find_sections
from govreport.tables.mapping import map_tables


def test_vocab_covers_gb2312_and_folds_full_width_and_whitespace() -> None:
    assert len(gb2312_chars()) > 7000
    vocab = CharVocab.build()
    assert fold("１") == "1" and fold("，") == "," and fold("\u3000") == SPACE
    assert fold("\n") == NEWLINE and fold("\t") == TAB
    ids = vocab.encode("一、总体情况１\n")
    assert len(ids) == 8 and vocab.unk_id not in ids
    assert ids[6] == vocab.encode("1")[0]


def test_every_form_row_has_its_own_class() -> None:
    for form in FORMS.values():
        for table in form.tables:
            for row in table.rows:
                assert f"{table.name}.{row.key}" in ROW_TYPES
    assert LABELS[0] == "O" and len(LABELS) == 1 + 2 * len(ENTITY_TYPES)


def test_decode_reads_bio_spans_with_mean_confidence() -> None:
    labels = [0, LABEL_ID["B-PART1"], LABEL_ID["I-PART1"], 0, LABEL_ID["I-SUB"], LABEL_ID["I-SUB"]]
    spans = label_spans(labels, offset=10)
    assert spans == [Span("PART1", 11, 13, 1.0), Span("SUB", 14, 16, 1.0)]
    probs = np.full((2, len(LABELS)), 0.0, dtype=np.float32)
    probs[0, LABEL_ID["B-YEAR"]] = 0.9
    probs[1, LABEL_ID["I-YEAR"]] = 0.7
    (span,) = decode(probs)
    assert span.entity == "YEAR" and span.confidence == pytest.approx(0.8)


def test_windows_cover_the_text_and_stitch_takes_the_most_central_reading() -> None:
    assert window_starts(100, 256, 192) == [0]
    starts = window_starts(1000, 256, 192)
    assert starts[0] == 0 and starts[-1] == 1000 - 256
    assert all(b - a <= 192 for a, b in pairwise(starts))
    first, second = np.zeros((4, 3), np.float32), np.zeros((4, 3), np.float32)
    first[:, 0], second[:, 1] = 1, 1
    out = stitch(6, 4, [0, 2], [first, second])
    assert out[:, 0].tolist() == [1, 1, 1, 0, 0, 0]  # char 2 is more central in the first window, 3 in the second


@pytest.mark.parametrize(
    ("key", "text", "value"),
    [
        ("prose.proactive_total", "主动公开政府信息185条", 185),
        ("prose.proactive_total", "主动公开信息共5500余条", 5500),
        ("prose.applications_received", "未收到政府信息公开申请", 0),
        ("prose.applications_received", "信息公开申请受理量为 34 件", 34),
        ("prose.fee_collected", "未收取信息处理费", 0),
        ("prose.fee_collected", "收取信息处理费120元", 120),
    ],
)
def test_fact_spans_are_read_with_the_prose_patterns(key: str, text: str, value: int) -> None:
    assert read_fact_span(key, text) == value


# ---------------------------------------------------------------- who decides


@dataclass
class FakeTagger:
    """Stands in for the ONNX model: fixed spans, a fixed threshold; records what it was asked to read."""

    planted: list[Span]
    threshold: float = 0.9
    asked: list[tuple[int, int]] = field(default_factory=list)

    def spans(self, text: str, regions: list[tuple[int, int]] | None = None) -> list[Span]:
        regions = regions or [(0, len(text))]
        self.asked += regions
        return [s for s in self.planted if any(lo <= s.start and s.end <= hi for lo, hi in regions)]


def _doc(lines: list[str]) -> Document:
    return Document("mem.txt", "txt", [TextBlock(line, Location(line=i + 1)) for i, line in enumerate(lines)])


LINES = [
    "某市统计局2021年政府信息公开工作年度报告",
    "一、总体情况",
    "本年度主动公开政府信息12条。",
    "2、主动公幵政府信息情况",  # part 2's heading damaged by OCR (幵 for 开): the rules miss it
    "三、收到和处理政府信息公开申请情况",
]


RULES_FIRST = LabellerPolicy(first=dict.fromkeys(("sections", "rows", "meta", "prose"), "rules"))
REPO = MODEL_DIR.parents[3]


def _span_of(doc: Document, text: str, entity: str, confidence: float) -> Span:
    start = doc.text.index(text)
    return Span(entity, start, start + len(text), confidence)


def test_rules_first_hybrid_takes_a_confident_model_heading_where_the_rules_miss_a_part() -> None:
    doc = _doc(LINES)
    tagger = FakeTagger([_span_of(doc, "2、主动公幵政府信息情况", "PART2", 0.97)])
    finder = Labeller(doc, "hybrid", RULES_FIRST, tagger).section_finder()  # type: ignore[arg-type]
    sections = find_sections(doc, finder)
    assert [(s.part, s.method) for s in sections if s.heading] == [(1, "rules"), (2, "model"), (3, "rules")]
    assert sections[1].confidence == pytest.approx(0.97)
    assert all(lo >= doc.text.index("一、总体情况") for lo, _ in tagger.asked)  # only the gap was read


@pytest.mark.parametrize("policy", [LabellerPolicy(), RULES_FIRST], ids=["model-first", "rules-first"])
def test_hybrid_wants_a_part_numeral_before_a_model_heading(policy: LabellerPolicy) -> None:
    lines = [*LINES[:3], "主动公开政府信息情况", *LINES[4:]]
    doc = _doc(lines)
    tagger = FakeTagger([_span_of(doc, "主动公开政府信息情况", "PART2", 0.99)])
    sections = find_sections(doc, Labeller(doc, "hybrid", policy, tagger).section_finder())  # type: ignore[arg-type]
    assert sections[1].heading is None


@pytest.mark.parametrize("policy", [LabellerPolicy(), RULES_FIRST], ids=["model-first", "rules-first"])
def test_hybrid_keeps_the_rules_answer_below_the_threshold(policy: LabellerPolicy) -> None:
    doc = _doc(LINES)
    tagger = FakeTagger(
        [_span_of(doc, "2、主动公幵政府信息情况", "PART2", 0.6), _span_of(doc, "一、总体情况", "PART1", 0.5)]
    )
    sections = find_sections(doc, Labeller(doc, "hybrid", policy, tagger).section_finder())  # type: ignore[arg-type]
    assert sections[1].heading is None and sections[1].method == "rules"
    assert (sections[0].heading, sections[0].method) == ("一、总体情况", "rules")


def test_model_first_hybrid_takes_the_models_confident_heading_where_the_rules_are_not_sure() -> None:
    lines = [LINES[0], "一、总体情况本单位概况", LINES[2], "三、主动公开政府信息情况说明", LINES[4]]
    doc = _doc(lines)  # part 2 printed with a wrong numeral; part 1 run on into the next words
    tagger = FakeTagger(
        [
            _span_of(doc, "一、总体情况本单位", "PART1", 0.98),  # same place as the rules' sure heading
            _span_of(doc, "三、主动公开政府信息情况说明", "PART2", 0.97),
        ]
    )
    sections = find_sections(doc, Labeller(doc, "hybrid", LabellerPolicy(), tagger).section_finder())  # type: ignore[arg-type]
    assert (sections[1].heading, sections[1].method) == ("三、主动公开政府信息情况说明", "model")
    assert (sections[0].heading, sections[0].method) == ("一、总体情况", "rules")  # the rules' exact pattern stands


def test_model_first_hybrid_does_not_move_a_part_the_rules_read_in_the_forms_words_under_another_numeral() -> None:
    lines = [LINES[0], "一、总体情况", "三、主动公开工作情况", "一、主动公开政府信息情况", LINES[4]]
    doc = _doc(lines)  # part 2 printed 一、 in the form's words; a look-alike sub-heading in part 1
    tagger = FakeTagger([_span_of(doc, "三、主动公开工作情况", "PART2", 0.99)])
    sections = find_sections(doc, Labeller(doc, "hybrid", LabellerPolicy(), tagger).section_finder())  # type: ignore[arg-type]
    assert (sections[1].heading, sections[1].method) == ("一、主动公开政府信息情况", "rules")


def test_rules_first_hybrid_keeps_sure_rule_facts_and_takes_confident_model_facts_the_rules_miss() -> None:
    doc = _doc([*LINES[:3], "六、其他需要报告的事项", "信息处理费全年不曾收取。"])  # a phrasing the rules do not know
    tagger = FakeTagger(
        [
            _span_of(doc, "政府信息12条", "PROACTIVE", 0.99),  # the rules are sure here: not asked
            _span_of(doc, "信息处理费全年不曾收取", "FEE", 0.95),
        ]
    )
    facts = {f.key: f for f in Labeller(doc, "hybrid", RULES_FIRST, tagger).facts()}  # type: ignore[arg-type]
    assert (facts["prose.proactive_total"].value, facts["prose.proactive_total"].method) == (12, "rules")
    assert (facts["prose.fee_collected"].value, facts["prose.fee_collected"].method) == (0, "model")


def test_model_first_hybrid_takes_confident_model_facts_and_the_rules_below_the_threshold() -> None:
    doc = _doc([*LINES[:3], "六、其他需要报告的事项", "本年度未收取信息处理费。"])
    tagger = FakeTagger(
        [_span_of(doc, "政府信息12条", "PROACTIVE", 0.99), _span_of(doc, "未收取信息处理费", "FEE", 0.5)]
    )
    facts = {f.key: f for f in Labeller(doc, "hybrid", LabellerPolicy(), tagger).facts()}  # type: ignore[arg-type]
    assert (facts["prose.proactive_total"].value, facts["prose.proactive_total"].method) == (12, "model")
    assert (facts["prose.fee_collected"].value, facts["prose.fee_collected"].method) == (0, "rules")


def test_model_first_hybrid_keeps_the_rules_fact_where_the_model_reads_another_value() -> None:
    # the model's confident span is a neighbouring sentence's figure (a cumulative total), the
    # title's agency cut short: the rules' readings stand, the model's noted; the fee, which the
    # rules do not read, is the model's
    doc = _doc(
        [
            "某市统计局2021年政府信息公开工作年度报告",
            "一、总体情况",
            "本年度主动公开政府信息12条，历年累计发布信息3400条。",
            "六、其他需要报告的事项",
            "信息处理费全年不曾收取。",
        ]
    )
    tagger = FakeTagger(
        [
            _span_of(doc, "市统计局", "AGENCY", 0.99),
            _span_of(doc, "2021", "YEAR", 0.99),
            _span_of(doc, "累计发布信息3400条", "PROACTIVE", 0.99),
            _span_of(doc, "信息处理费全年不曾收取", "FEE", 0.99),
        ]
    )
    facts = {f.key: f for f in Labeller(doc, "hybrid", LabellerPolicy(), tagger).facts()}  # type: ignore[arg-type]
    proactive, agency = facts["prose.proactive_total"], facts["meta.agency"]
    assert (proactive.value, proactive.method) == (12, "rules") and "the model read 3400" in (proactive.note or "")
    assert (agency.value, agency.method) == ("某市统计局", "rules") and "市统计局" in (agency.note or "")
    assert (facts["meta.year"].value, facts["meta.year"].method) == (2021, "model")  # both read 2021
    assert (facts["prose.fee_collected"].value, facts["prose.fee_collected"].method) == (0, "model")


def test_a_model_fact_span_one_character_late_is_read_with_the_negation_before_it() -> None:
    doc = _doc([*LINES[:3], "六、其他需要报告的事项", "本年度无收取信息处理费。"])
    tagger = FakeTagger([_span_of(doc, "收取信息处理费", "FEE", 0.99)])  # the model left 无 out
    facts = {f.key: f for f in Labeller(doc, "model", LabellerPolicy(), tagger).facts()}  # type: ignore[arg-type]
    assert (facts["prose.fee_collected"].value, facts["prose.fee_collected"].raw) == (0, "无收取信息处理费")
    text = "其他需要报告的事项 无\n收取信息处理费12元"
    assert with_negation_before(text, text.index("收取")) == text.index("收取")  # not over a line break


def test_model_only_facts_keep_their_score_where_the_rules_agree_and_lose_it_where_they_differ() -> None:
    doc = _doc([*LINES[:3], "六、其他需要报告的事项", "本年度未收取信息处理费。"])
    tagger = FakeTagger(
        [_span_of(doc, "政府信息12条", "PROACTIVE", 0.6), _span_of(doc, "未收取信息处理费", "FEE", 0.9)]
    )
    facts = {f.key: f for f in Labeller(doc, "model", LabellerPolicy(), tagger).facts()}  # type: ignore[arg-type]
    agreed, missed = facts["prose.proactive_total"], facts["prose.fee_collected"]
    assert (agreed.value, agreed.method) == (12, "model")
    assert agreed.confidence > 0.6  # as sure as the rules, which read the same 12
    assert (missed.value, missed.method) == (0, "model")
    tagger = FakeTagger([_span_of(doc, "政府信息12条", "PROACTIVE", 0.99)])  # the fee sentence unread
    facts = {f.key: f for f in Labeller(doc, "model", LabellerPolicy(), tagger).facts()}  # type: ignore[arg-type]
    assert facts["prose.fee_collected"].value is None and facts["prose.fee_collected"].confidence == 0.0
    assert "the rules read 0" in facts["prose.fee_collected"].note
    tagger = FakeTagger([_span_of(doc, "政府信息1", "PROACTIVE", 0.99)])  # a span cut short: reads 1, not 12
    disputed = {f.key: f for f in Labeller(doc, "model", LabellerPolicy(), tagger).facts()}["prose.proactive_total"]  # type: ignore[arg-type]
    assert disputed.value == 1 and disputed.confidence < 0.5 and "the rules read 12" in disputed.note


def test_the_model_alone_takes_the_first_prose_figure_it_is_sure_of_not_the_most_confident() -> None:
    doc = _doc(
        [
            "某区2019年政府信息公开工作年度报告",
            "一、总体情况",
            "全区共公布政府信息2599条，其中机构职能类信息25条。",
            "区经济发展局重点公开重大建设项目信息，全年共发布信息68条。",
            "区教育局全年发布信息12条。",
        ]
    )
    spans = [("公布政府信息2599条", 0.95), ("共发布信息68条", 0.98), ("发布信息12条", 0.5)]
    tagger = FakeTagger([_span_of(doc, text, "PROACTIVE", p) for text, p in spans])  # threshold 0.9
    facts = {f.key: f for f in Labeller(doc, "model", LabellerPolicy(), tagger).facts()}  # type: ignore[arg-type]
    assert facts["prose.proactive_total"].value == 2599  # the total stated first, not the surer later figure
    unsure = FakeTagger([_span_of(doc, text, "PROACTIVE", p * 0.5) for text, p in spans])  # none sure: the surest
    facts = {f.key: f for f in Labeller(doc, "model", LabellerPolicy(), unsure).facts()}  # type: ignore[arg-type]
    assert facts["prose.proactive_total"].value == 68


def test_a_model_agency_the_title_goes_on_after_is_cut_short_and_not_taken() -> None:
    doc = _doc(["正文2024 年上海市科委政府信息公开工作年度报告根据《条例》编制。", "一、总体情况"])
    cut = FakeTagger([_span_of(doc, "上海市", "AGENCY", 0.97)])
    read = {f.key: f for f in Labeller(doc, "hybrid", LabellerPolicy(), cut).facts()}["meta.agency"]  # type: ignore[arg-type]
    assert read.method != "model" and read.value != "上海市"
    whole = FakeTagger([_span_of(doc, "上海市科委", "AGENCY", 0.97)])
    read = {f.key: f for f in Labeller(doc, "hybrid", LabellerPolicy(), whole).facts()}["meta.agency"]  # type: ignore[arg-type]
    assert (read.value, read.method) == ("上海市科委", "model")


def test_the_model_reads_a_prose_fact_in_the_sentences_that_can_state_it() -> None:
    doc = _doc(
        [
            "某市统计局关于印发2021年政府信息公开工作年度报告的通知，请认真贯彻执行",
            "一、总体情况",
            "本局严格落实《中华人民共和国政府信息公开条例》，主动公开工作稳步推进。",
            "全年主动公开政府信息1,234条，其中规范性文件5件。本年度收到政府信息公开申请3件。",
            "二、主动公开政府信息情况",
        ]
    )
    tagger = FakeTagger([_span_of(doc, "政府信息1,234条", "PROACTIVE", 0.99)])
    facts = {f.key: f for f in Labeller(doc, "model", LabellerPolicy(), tagger).facts()}  # type: ignore[arg-type]
    asked = [doc.text[s:e] for s, e in tagger.asked]
    assert any(text.startswith("全年主动公开政府信息1,234条，其中规范性文件5件。") for text in asked)  # from its start
    assert not any("条例" in text for text in asked)  # a sentence with no count of items is not read
    assert facts["prose.proactive_total"].value == 1234


@pytest.mark.parametrize("page_lines", [True, False])
def test_a_fact_wrapped_over_a_page_line_is_read_as_one_sentence_only_where_lines_are_the_pages(
    page_lines: bool,
) -> None:
    lines = [
        "某区人民政府2024年政府信息公开工作年度报告",
        "一、总体情况",
        "确保依申请答复工作规范高效。2024 年，区政府办代表区政府受理政府",
        "信息公开申请 17 件，均已在法定期限内予以答复。",
        "本年新收政府信息公开申请数量",
        "17",
    ]
    doc = _doc(lines)
    doc.page_lines = page_lines
    fact = "受理政府\n信息公开申请 17 件"
    tagger = FakeTagger([_span_of(doc, fact, "RECEIVED", 0.99)])
    facts = {f.key: f for f in Labeller(doc, "model", LabellerPolicy(), tagger).facts()}  # type: ignore[arg-type]
    asked = [doc.text[s:e] for s, e in tagger.asked]
    # a PDF's line break inside a sentence does not end it; a break after a line without a full
    # stop does where lines are the author's (a table's row label and its number stay apart)
    assert (fact in "".join(asked)) is page_lines
    assert facts["prose.applications_received"].value == (17 if page_lines else None)
    assert any("数量\n17" in text for text in asked) is page_lines


def test_model_row_labels_mark_their_cells_as_decided_by_the_model() -> None:
    lines = ["二、主动公开政府信息情况", "规 早\t3\t1\t9", "行政规范性文件\t0\t0\t2"]  # 规章 damaged
    doc = _doc(lines)
    doc.template = "2021"
    tagger = FakeTagger([_span_of(doc, "规 早", "t2.regulation", 0.95)])
    find_sections(doc)
    finder = Labeller(doc, "hybrid", LabellerPolicy(), tagger).anchor_finder()  # type: ignore[arg-type]
    cells = {v.key: v for v in map_tables(doc, finder)}
    assert (cells["t2.regulation.issued"].value, cells["t2.regulation.issued"].method) == (3, "model")
    assert cells["t2.normative_doc.in_force"].method == "table"


def test_without_model_files_the_labeller_falls_back_to_rules_with_a_warning(monkeypatch) -> None:
    monkeypatch.setattr(labeller_module, "default_tagger", lambda: None)
    doc = _doc(LINES)
    result = process(doc, "hybrid")
    assert any("labeller model not found" in f.message for f in result.findings)
    assert {s.method for s in result.sections} == {"rules"}
    assert result.labeller == "rules"  # the mode that really ran


@pytest.mark.skipif(not (MODEL_DIR / "labeller.json").exists(), reason="no packaged model")
def test_a_mismatched_model_is_a_clear_warning_and_the_rules_decide(tmp_path) -> None:
    import shutil

    for path in MODEL_DIR.iterdir():
        if path.is_file():
            shutil.copy(path, tmp_path / path.name)
    config = json.loads((tmp_path / "labeller.json").read_text(encoding="utf-8"))
    (tmp_path / "labeller.json").write_text(json.dumps({**config, "labels": config["labels"][:-2]}), encoding="utf-8")
    result = process(_doc(LINES), "hybrid", policy=LabellerPolicy(model_dir=tmp_path))
    warning = next(f.message for f in result.findings if "labeller model" in f.message)
    assert "does not fit this version" in warning and "labels differ" in warning
    assert result.labeller == "rules"


@pytest.mark.skipif(not (MODEL_DIR / "labeller.json").exists(), reason="no packaged model")
def test_labelling_imports_no_torch() -> None:
    code = (
        "import sys; from govreport.pipeline import extract; "
        "r = extract('tests/fixtures/seeds/001_c9d25de49169cfc6.txt', 'model'); "
        "assert r.error is None, r.error; assert 'torch' not in sys.modules and 'transformers' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


# ---------------------------------------------------------------- command line


@pytest.mark.skipif(not (MODEL_DIR / "labeller.json").exists(), reason="no packaged model")
def test_cli_extract_runs_the_chosen_labeller(tmp_path) -> None:
    from typer.testing import CliRunner

    from govreport.cli import app

    document = REPO / "tests" / "fixtures" / "seeds" / "001_c9d25de49169cfc6.txt"
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["extract", str(document), "-o", str(out), "--labeller", "model"])
    assert result.exit_code == 0, result.output
    record = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert {s["method"] for s in record["sections"]} == {"model"}
    bad = CliRunner().invoke(app, ["extract", str(document), "-o", str(out), "--labeller", "neural"])
    assert bad.exit_code == 2
