"""Rules for meta.* and prose.* facts (govreport.prose)."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import lxml.html
import pytest
from conftest import gold_cases

from govreport.document import Document, Location, TextBlock
from govreport.pipeline import extract
from govreport.prose import FACT_KEYS, extract_facts

FIXTURES = Path(__file__).parent / "fixtures"

# The gold values of the ten text/HTML fixtures (from shared/fixtures/gold/*.json).
GOLD = {
    "seeds/000_cee62fc854b4a8bd.txt": ("开云手机官网入口·(中国)官方网站卫生健康局", 2020, 455, None, None),
    "seeds/001_c9d25de49169cfc6.txt": ("涧西区卫生健康委员会", 2024, 785, 0, 0),
    "seeds/002_a4de8c3d0db3ef4d.txt": ("威海市环翠区卫生健康局", 2020, 185, 0, None),
    "seeds/003_1244fb917606d24f.txt": ("绥化市卫生健康委员会", 2021, 161, 2, None),
    "seeds/004_aa2b01d2dfa1efd2.txt": ("绿园区卫健局", 2020, None, None, None),
    "real/r004.html": ("上海市人民政府办公厅", 2019, None, 859, None),
    "real/r006.md": ("上海市科委", 2024, 393, 34, 0),
    "real/r008.txt": ("平潭综合实验区", 2019, 2599, None, None),
    "real/r010.txt": ("平潭综合实验区", 2021, 2645, 70, 0),
    "real/r012.txt": ("平潭综合实验区", 2023, 13561, 81, 0),
}


def make_doc(text: str, path: str = "t.txt") -> Document:
    blocks = [TextBlock(line, Location(line=i + 1)) for i, line in enumerate(text.splitlines()) if line.strip()]
    return Document(path=path, format="txt", blocks=blocks)


def fixture_text(rel: str) -> str:
    path = FIXTURES / rel
    if path.suffix == ".html":
        tree = lxml.html.parse(str(path))
        return "\n".join(p.text_content() for p in tree.iter("p"))
    return path.read_text(encoding="utf-8")


def facts_of(text: str) -> dict:
    return {v.key: v for v in extract_facts(make_doc(text))}


def value(text: str, key: str):
    return facts_of(text)[key].value


def assert_gold(doc: Document, rel: str) -> None:
    facts = extract_facts(doc)
    assert [f.key for f in facts] == list(FACT_KEYS)
    got = tuple(f.value for f in facts)
    assert got == GOLD[rel]
    for fact, want in zip(facts, GOLD[rel], strict=True):
        assert type(fact.value) is type(want), fact.key
        assert fact.method == "rules"
        assert 0.0 <= fact.confidence <= 1.0
        if fact.value is None:
            assert fact.location is None
        else:
            assert fact.raw and fact.location is not None and fact.location.line is not None


@pytest.mark.parametrize("rel", sorted(GOLD))
def test_gold_documents(rel: str) -> None:
    assert_gold(make_doc(fixture_text(rel), rel), rel)


@pytest.mark.parametrize("rel", sorted(GOLD))
def test_gold_documents_through_ingest(rel: str) -> None:
    ingest = pytest.importorskip("govreport.ingest")
    assert_gold(ingest.load(str(FIXTURES / rel)), rel)


@pytest.mark.parametrize("rel", sorted(GOLD))
def test_gold_documents_with_section_spans(rel: str) -> None:
    # With the part spans the section finder sets, facts are searched in their part first.
    ingest = pytest.importorskip("govreport.ingest")
    sections = pytest.importorskip("govreport.sections")
    doc = ingest.load(str(FIXTURES / rel))
    sections.find_sections(doc)
    assert_gold(doc, rel)


def test_gold_matches_shared_gold_files() -> None:
    gold_dir = Path(__file__).parent / "fixtures" / "gold"
    for path in gold_dir.glob("*.json"):
        gold = json.loads(path.read_text(encoding="utf-8"))
        rel = gold["doc"].removeprefix("fixtures/")
        if rel in GOLD:
            assert tuple(gold["values"][k] for k in FACT_KEYS) == GOLD[rel], rel


def test_raw_and_location_point_at_the_match() -> None:
    doc = make_doc("某某局2020年政府信息公开工作年度报告\n一、总体情况\n全年主动公开政府信息185条，较去年增加。")
    facts = {v.key: v for v in extract_facts(doc)}
    fact = facts["prose.proactive_total"]
    assert fact.raw == "主动公开政府信息185条"
    assert fact.location is not None and fact.location.line == 3
    assert fact.note == "proactive_verb_info"
    assert facts["meta.agency"].raw == "某某局" and facts["meta.agency"].location.line == 1


def test_char_offsets_narrowed_to_the_match_when_unit_is_verbatim() -> None:
    line = "全年主动公开政府信息185条。"
    doc = Document(
        path="t", format="txt", blocks=[TextBlock(line, Location(line=7, char_start=100, char_end=100 + len(line)))]
    )
    fact = {v.key: v for v in extract_facts(doc)}["prose.proactive_total"]
    assert fact.location is not None
    assert (fact.location.line, fact.location.char_start, fact.location.char_end) == (7, 102, 102 + 12)


# --- meta.agency / meta.year -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "agency", "year"),
    [
        ("涧西区卫生健康委员会 2024 年政府信息公开工作年 度报告\n一、总体情况", "涧西区卫生健康委员会", 2024),
        ("绥化市卫生健康委员会\n2021年政府信息公开工作年度报告\n一、总体情况", "绥化市卫生健康委员会", 2021),
        ("2019年上海市人民政府办公厅政府信息公开工作年度报告\n发布日期：2020-01-31", "上海市人民政府办公厅", 2019),
        ("正文\n2024 年上海市科委政府信息公开工作\n年度报告\n根据《条例》", "上海市科委", 2024),
        ("标题: 平潭综合实验区2019年度政府信息公开工作年度报告\n发布时间: 2020-01-20", "平潭综合实验区", 2019),
        (
            "开云手机官网入口·(中国)官方网站卫生健康局2020年度政府信息公开工作报告",
            "开云手机官网入口·(中国)官方网站卫生健康局",
            2020,
        ),
        ("某某县财政局关于2022年度政府信息公开工作年度报告", "某某县财政局", 2022),
        ("某某区人民政府政府信息公开工作年度报告（２０２２年）", "某某区人民政府", 2022),
        ("ＸＸ市教育局２０２３年政府信息公开工作年度报告", "XX市教育局", 2023),
        # site chrome dated the publishing year before a title worded 关于…的年度报告
        (
            "首页 > 政务公开 > 政府信息公开年报\n发布时间：2024-01-26  来源：区政府办公室  浏览次数：356\n"
            "某某局关于2023年政府信息公开工作的年度报告\n一、总体情况",
            "某某局",
            2023,
        ),
        ("某某局关于二〇二三年度政府信息公开工作情况的报告\n发布日期：2024-01-20", "某某局", 2023),
        ("某某区人民政府二零二一年政府信息公开工作年度报告", "某某区人民政府", 2021),
        ("某某市生态环境局\n关于2023年政府信息公开工作的年度报告\n一、总体情况", "某某市生态环境局", 2023),
        (
            "索引号：0000/2024-00012\n信息名称：某某县民政局2023年政府信息公开工作年度报告\n发布日期：2024-01-20",
            "某某县民政局",
            2023,
        ),
        # the phrase as the site's column name in a breadcrumb or a field, then the title
        (
            "首页 > 政府信息公开 > 政府信息公开工作年度报告\n发布日期：2024-01-15\n"
            "某某局2023年度政府信息公开工作年度报告",
            "某某局",
            2023,
        ),
        (
            "栏目：政府信息公开年度报告 发布时间：2024年01月20日\n某某局政府信息公开工作年度报告（2023年度）",
            "某某局",
            2023,
        ),
    ],
)
def test_title(text: str, agency: str, year: int) -> None:
    facts = facts_of(text)
    assert facts["meta.agency"].value == agency
    assert facts["meta.year"].value == year


def test_title_skips_page_chrome_and_list_items() -> None:
    text = "正文\n绥化市卫生健康委员会\n2021年政府信息公开工作年度报告"
    assert value(text, "meta.agency") == "绥化市卫生健康委员会"
    text = "正文\n2021年政府信息公开工作年度报告"
    assert value(text, "meta.agency") is None
    text = "（三）政府信息公开工作报告编制情况\n某某局2020年政府信息公开工作年度报告"
    facts = facts_of(text)
    assert (facts["meta.agency"].value, facts["meta.year"].value) == ("某某局", 2020)


def test_agency_keeps_balanced_brackets() -> None:
    text = "某某市人民政府办公室（某某市政务公开办）2022年政府信息公开工作年度报告"
    assert value(text, "meta.agency") == "某某市人民政府办公室(某某市政务公开办)"


def test_approximate_count_is_noted() -> None:
    fact = facts_of("全年主动公开政府信息5500余条。")["prose.proactive_total"]
    assert fact.value == 5500 and fact.note is not None and "approximate" in fact.note


def test_title_citation_is_not_a_title() -> None:
    text = (
        "本报告依据《国务院办公厅政府信息与政务公开办公室关于政府信息公开工作年度报告有关事项的通知》编制。\n"
        "本报告所列数据的统计期限自2019年1月1日起至2019年12月31日止。"
    )
    facts = facts_of(text)
    assert facts["meta.agency"].value is None
    assert facts["meta.year"].value == 2019
    assert facts["meta.year"].note == "statistics_period"


def test_year_from_broken_statistics_period() -> None:
    assert value("报告所列数据统计期限自20201月1日起至12月31日止", "meta.year") == 2020


def test_year_falls_back_to_first_year_in_part_one() -> None:
    fact = facts_of("一、总体情况\n2021年，我局认真贯彻落实《条例》。")["meta.year"]
    assert fact.value == 2021 and fact.confidence <= 0.5


# --- prose.proactive_total -----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "pattern"),
    [
        ("2020年，通过政务网主动公开政府信息185条。", 185, "proactive_verb_info"),
        ("全年主动发布各类政府信息2428条，其中政策文件30条。", 2428, "proactive_verb_info"),
        ("委机关本级主动公开的政府信息161条，公开率100%。", 161, "proactive_verb_info"),
        ("全年主动公开我区各级单位政府信息2645条，主要通过网站公开。", 2645, "proactive_verb_info"),
        ("全年主动公开政府信息5500余条。", 5500, "proactive_verb_info"),
        ("全年主动公开政府信息１，２３４条。", 1234, "proactive_verb_info"),
        ("全年主动公开政府信息十五条。", 15, "proactive_verb_info"),
        ("全年主动公开政府信息数量为393条。", 393, "proactive_verb_info"),
        ("本年度共主动公开2428条政府信息。", 2428, "proactive_count_then_info"),
        ("全年主动公开的政府信息达455条，其中政策文件12条。", 455, "proactive_verb_info"),
        (
            "今年，我区政府信息公开单位共公布政府信息2599条，(其中机构职能类信息25条，其他应主动公开政府信息856条)",
            2599,
            "publish_gov_info",
        ),
        ("市科委通过部门网站当年发布政府信息 393 件，其中包括：行政规范性文件 13 件", 393, "publish_gov_info"),
        ("“涧西区卫生健康委员会”微信公众号推送信息 785 条。", 785, "publish_info_loose"),
        ("通过政府门户网等渠道发布医疗类公开信息455条。", 455, "publish_info_loose"),
    ],
)
def test_proactive_total(text: str, expected: int, pattern: str) -> None:
    fact = facts_of(text)["prose.proactive_total"]
    assert fact.value == expected
    assert fact.note is not None and fact.note.split()[0] == pattern


@pytest.mark.parametrize(
    "text",
    [
        "2019年，通过门户网站主动公开规章13件，行政规范性文件60件，市政府其他文件162件。",
        "历年累计主动公开政府信息838条。",
        "依申请公开政府信息15条，不予公开政府信息3条。",
        "本年部门政府信息公开发布总数量（非新闻类、消息类）：0",
        "二、主动公开政府信息情况\n规章\n13\n13\n524",
    ],
)
def test_proactive_total_absent(text: str) -> None:
    assert value(text, "prose.proactive_total") is None


def test_proactive_weak_pattern_scores_lower() -> None:
    strong = facts_of("主动公开政府信息185条")["prose.proactive_total"]
    weak = facts_of("微信公众号推送信息 785 条")["prose.proactive_total"]
    assert weak.confidence < strong.confidence


# --- prose.applications_received ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("全年收到政府信息公开申请 34 件，上年结转政府信息公开申请 2 件。", 34),
        ("区政府办代表区政府受理政府信息公开申请17件。", 17),
        ("市政府办公厅代表市政府共受理政府信息公开申请859件，申请数量较去年回落12.3%。", 859),
        ("本年度全区共收到70件申请，及时依法依规办结69件。", 70),
        ("2023年全区接收通过邮寄、网络提交的各类政府信息公开申请共计81件，涉及自然人80件。", 81),
        ("各单位申请共计81件。", 81),
        ("2021年共收到申请公开的信息数2件（历年累计7件），全部是网络申请。", 2),
        ("全年收到政府信息公开申请两件。", 2),
        ("本年度新收政府信息公开申请45件，上年结转3件。", 45),
        ("全年共受理12件政府信息公开申请。", 12),
        ("2024年，我委未收到群众依申请公开申请，未引起行政复议和行政诉讼。", 0),
        ("本年度未收到政府信息公开申请。", 0),
        ("本年度没有收到政府信息公开申请。", 0),
        ("全年无公民、法人或其他组织提出政府信息公开申请。", 0),
        ("本年度无政府信息公开申请。", 0),
        ("全年未发生政府信息公开申请。", 0),
        ("截至2020年底，卫生健康局未接到提出申请公开卫生健康局政府信息情况。", 0),
    ],
)
def test_applications_received(text: str, expected: int) -> None:
    assert value(text, "prose.applications_received") == expected


@pytest.mark.parametrize(
    "text",
    [
        "本年度未收到行政复议申请。",
        "全年无公民、法人或其他组织提出行政复议申请。",
        "本年度无政府信息公开申请引起的行政复议。",
        "未收到政府信息公开有关的投诉、举报，也无其他责任追究的情形。",
        "一、本年新收政府信息公开申请数量\n0\n0\n0",
        "答复政府信息公开申请805件（含上年度结转申请18件，另有72件申请按照《条例》顺延）",
        "受理各类群众诉求259起。",
        "依申请公开政府信息15条。",
        "对不符合条件的，不受理重复申请。",
    ],
)
def test_applications_received_absent(text: str) -> None:
    assert value(text, "prose.applications_received") is None


# --- prose.fee_collected -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("按量收费标准,2024年度未收取信息处理费。", 0),
        ("六、其他需要报告的事项\n2021年，无收取信息处理费情况。", 0),
        ("2024 年，市科委未发生政府信息公开收费事项。", 0),
        ("本年度收取信息处理费0元。", 0),
        ("本年度共收取信息处理费120元。", 120),
        ("本年度收取信息处理费 1.5 万元。", 15000),
        ("本机关依申请提供政府信息，不收取任何费用。", 0),
        ("本年度未向申请人收取信息处理费。", 0),
        ("本年度无信息处理费收取情况。", 0),
    ],
)
def test_fee_collected(text: str, expected: int) -> None:
    fact = facts_of(text)["prose.fee_collected"]
    assert fact.value == expected
    assert type(fact.value) is int


@pytest.mark.parametrize(
    "text",
    [
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请\n0\n0",
        "行政事业性收费\n0",
        "组织各单位学习《关于做好政府信息公开信息处理费收入收缴管理有关事项的通知》。",
        "六、其他需要报告的事项\n无其他需要报告的事项。",
    ],
)
def test_fee_collected_absent(text: str) -> None:
    assert value(text, "prose.fee_collected") is None


def test_section_spans_are_searched_first() -> None:
    text = "一、总体情况\n上年度收取信息处理费20元。\n六、其他需要报告的事项\n本年度收取信息处理费30元。"
    assert value(text, "prose.fee_collected") == 20  # no spans: the first statement in the text
    doc = make_doc(text)
    start = doc.text.index("六、")
    doc.section_spans = {1: (0, start), 6: (start, len(doc.text))}
    fact = {v.key: v for v in extract_facts(doc)}["prose.fee_collected"]
    assert fact.value == 30  # part six first
    assert fact.location is not None and fact.location.line == 4


# --- robustness ---------------------------------------------------------------


def test_not_a_report_gives_all_none() -> None:
    text = "今天天气很好，我们去公园散步。\n市场上蔬菜价格稳定，居民生活有序。\n晚上八点，电视台播出新闻联播。"
    facts = extract_facts(make_doc(text))
    assert [f.key for f in facts] == list(FACT_KEYS)
    assert all(f.value is None and f.location is None for f in facts)
    assert all(0.0 <= f.confidence <= 1.0 for f in facts)


def test_empty_document() -> None:
    facts = extract_facts(Document(path="empty", format="txt"))
    assert [f.value for f in facts] == [None] * 5


def test_offsets_survive_length_changing_normalization() -> None:
    # '⑴' becomes '(1)' under NFKC: offsets after it must still map back to doc.text.
    text = "⑴⑵⑶ 说明\n全年主动公开政府信息１８５条。\n⑷本年度未收取信息处理费。"
    doc = make_doc(text)
    facts = {v.key: v for v in extract_facts(doc)}
    fact = facts["prose.proactive_total"]
    assert fact.value == 185
    assert fact.raw == "主动公开政府信息１８５条"
    assert fact.raw in doc.text
    assert facts["prose.fee_collected"].raw == "未收取信息处理费"
    assert facts["prose.fee_collected"].location.line == 3


def test_speed_under_budget() -> None:
    docs = [make_doc(fixture_text(rel), rel) for rel in sorted(GOLD)]
    for doc in docs:
        doc.text  # noqa: B018 - build units outside the timing
    start = time.perf_counter()
    rounds = 20
    for _ in range(rounds):
        for doc in docs:
            extract_facts(doc)
    per_doc = (time.perf_counter() - start) / (rounds * len(docs))
    assert per_doc < 0.005  # target is 2 ms; leave room for slow CI machines


def test_a_pdf_sentence_wrapped_over_two_lines_still_reads() -> None:
    lines = [
        "某局2020年政府信息公开工作年度报告",
        "一、总体情况",
        "本年度主动公开政府信息185条。本年度未收到",
        "政府信息公开申请。",
    ]
    blocks = [TextBlock(line, Location(line=i + 1)) for i, line in enumerate(lines)]
    as_pdf = {f.key: f.value for f in extract_facts(Document(path="x.pdf", format="pdf", blocks=blocks))}
    as_text = {f.key: f.value for f in extract_facts(Document(path="x.txt", format="txt", blocks=blocks))}
    assert as_pdf["prose.applications_received"] == 0
    assert as_text["prose.applications_received"] is None  # a text file's line break is the author's


def _title_with_year(case) -> str:
    return f"{case.values['meta.agency']}{case.values['meta.year']}年"


@pytest.mark.parametrize(
    "case",
    [c for c in gold_cases() if _title_with_year(c) in c.document.read_text(encoding="utf-8")],  # 5 of 9 print it so
    ids=str,
)
def test_a_title_the_page_broke_after_its_year_reads_whole(case, tmp_path: Path) -> None:
    """A page's width breaks a long title anywhere, also between its year and 年 (a PDF's text:
    '…卫生健康局2020' / '年政府信息公开工作年度报告'): the agency and the year read as printed."""
    agency, year = case.values["meta.agency"], case.values["meta.year"]
    text = case.document.read_text(encoding="utf-8")
    title = _title_with_year(case)
    path = tmp_path / case.document.name
    path.write_text(text.replace(title, f"{agency}{year}\n年", 1), encoding="utf-8")
    values = extract(path, labeller="rules").values
    assert (values["meta.agency"], values["meta.year"]) == (agency, year)


def test_a_figure_named_with_a_number_no_pattern_reads_is_not_claimed_absent() -> None:
    from govreport.prose import NAMED_UNREAD, STATED_NOWHERE

    garbled = facts_of("六、其他需要报告的事项\n本年度依法全年收取政府信息公开信息处理费0.元。")["prose.fee_collected"]
    assert garbled.value is None and garbled.confidence == NAMED_UNREAD
    assert garbled.raw.startswith("收取政府信息公开信息处理费0.") and garbled.location is not None
    unstated = facts_of("六、其他需要报告的事项\n本年度无其他需要报告的事项。")["prose.fee_collected"]
    assert unstated.value is None and unstated.confidence == STATED_NOWHERE
    # a table row's label and its numbers are no sentence
    row = facts_of("申请人逾期未按收费通知要求缴纳费用 0 0 0 0")["prose.fee_collected"]
    assert row.confidence == STATED_NOWHERE


@pytest.mark.parametrize("rel", sorted(GOLD))
def test_a_figure_whose_number_ocr_garbled_is_listed_in_every_fixture(rel: str) -> None:
    # the class behind r002's photocopied '处理费0.元': each fixture's stated figure with a stray
    # mark after its number is never claimed absent (0.6) nor read as another number
    from govreport.prose import NAMED_UNREAD

    text = fixture_text(rel)
    for fact in extract_facts(make_doc(text)):
        if not fact.key.startswith("prose.") or fact.value is None or not re.search(r"\d", fact.raw or ""):
            continue
        number = re.search(r"\d[\d,.]*", fact.raw)
        garbled_raw = fact.raw[: number.end()] + "." + fact.raw[number.end() :]
        assert fact.raw in text, rel
        garbled = facts_of(text.replace(fact.raw, garbled_raw, 1))[fact.key]
        if garbled.value is None:
            assert garbled.confidence == NAMED_UNREAD, (rel, fact.key, garbled_raw)
        else:
            assert garbled.value == fact.value, (rel, fact.key, garbled_raw)  # stated again elsewhere
