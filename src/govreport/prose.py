"""Rules for the report's metadata and the facts its prose states (FIELDS.md: meta.*, prose.*).

``extract_facts(doc)`` returns one :class:`~govreport.schema.Value` per key, always
all five: ``meta.agency``, ``meta.year``, ``prose.proactive_total``,
``prose.applications_received``, ``prose.fee_collected``.

Each fact has a small ordered list of named patterns, most specific first; the
first pattern that matches (and survives its context checks) wins and lends its
confidence. Patterns run on the NFKC form of ``doc.text`` (full-width digits,
spaces and punctuation become ASCII: ``，`` is ``,``, ``：`` is ``:``), with
``\\s*`` between the characters of fixed phrases where PDFs and OCR put spaces or
line breaks. Match offsets are mapped back to ``doc.text`` and from there to the
unit the match sits in.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from govreport.document import Document, Unit
from govreport.schema import Provenance, Value
from govreport.text import nfkc, spaced

__all__ = ["FACT_KEYS", "extract_facts"]

FACT_KEYS = (
    "meta.agency",
    "meta.year",
    "prose.proactive_total",
    "prose.applications_received",
    "prose.fee_collected",
)
STATED_NOWHERE = 0.6  # the score of a prose figure no sentence states (absent, as far as the text shows)
NAMED_UNREAD = 0.3  # a sentence states the figure, but OCR marked its number (费0.元): not read

# ---------------------------------------------------------------------------
# Building blocks (all matched against NFKC text)

# A count: 1,234 / 1234 / Chinese numerals (两件, 十五条).
_NUM = r"(?P<num>\d{1,3}(?:,\d{3})+(?!\d)|\d+|[零〇一二两三四五六七八九十百千万]{1,6})"
# "5500余条" / "300多件": the count is approximate; we keep the printed number.
_APPROX = r"(?P<approx>余|多)?"
# A gap inside one clause: no clause punctuation (after NFKC: , ; : ! ? and 。), no line
# break, no digit (so the count after the gap is read whole).
_GAP = r"[^,;:!?。\n\d]"
_NEG = r"(?:未|没有|没|无|尚未|不)"
_NOT_RECEIVED = r"(?:未|没有|没|无|尚未)"  # 不受理 is a decision, not "none received"
_NEGATED = re.compile(_NEG + r"\s*$")  # a count right after a negation is no count


@dataclass(frozen=True, slots=True)
class _Pattern:
    name: str
    regex: re.Pattern[str]
    confidence: float
    zero: bool = False  # the phrasing states "none": the value is 0


def _p(name: str, pattern: str, confidence: float, zero: bool = False) -> _Pattern:
    return _Pattern(name, re.compile(pattern), confidence, zero)


# ---------------------------------------------------------------------------
# meta.agency / meta.year: the title

# 政府信息公开工作年度报告, 政府信息公开工作报告, 政府信息公开年度工作报告, 政务公开工作年度报告,
# 政府信息公开工作的年度报告, 政府信息公开工作情况的报告 ('XX局关于2023年…的年度报告'),
# tolerant to spaces and a line break anywhere ('…工作年 度报告', '…工作\n年度报告').
_TITLE_PHRASE = re.compile(
    "(?:"
    + spaced("政府信息")
    + "|"
    + spaced("政务")
    + r")\s*"
    + spaced("公开")
    + r"\s*(?:"
    + spaced("工作")
    + r"\s*)?(?:的\s*)?(?:"
    + spaced("年度")
    + r"\s*)?(?:"
    + spaced("工作")
    + r"\s*)?(?:"
    + spaced("情况")
    + r"\s*)?(?:的\s*)?"
    + spaced("报告")
)
# '标题: 平潭综合实验区2019年度…' headers of crawled pages; '信息名称：…', '名称：…' in the index
# block (索引号, 发布机构, 生成日期) government sites print above a document.
_TITLE_LABEL = re.compile(r"^\s*(?:标\s*题|(?:信\s*息|文\s*件)?\s*名\s*称|题\s*名)\s*:\s*")
# The report year inside the title line: '2019年', '2024 年', '2019年度', '二〇二三年' / '二零二三年'.
_YEAR_AT_END = re.compile(r"20\d{2}\s*$")
_TITLE_YEAR = re.compile(
    r"(?:(?P<year>20\d{2})|(?P<cn_year>二\s*[〇零○O]\s*[一二]\s*[〇零○O一二三四五六七八九]))\s*年\s*(?:度\s*)?"
)
# A title line cites no other document.
_NOT_TITLE = re.compile(r"《|根据|依据|关于印发|通知")
# The phrase right after a breadcrumb's separator or a field's label names the site's column
# ('首页 > 政府信息公开 > 政府信息公开工作年度报告', '栏目：政府信息公开年度报告 发布时间：…'), not a report.
_COLUMN_NAME = re.compile(r"[>›»|/:]\s*$")
# Last resort: '<agency>20xx年(度)政府信息公开工作(年度)报告' anywhere near the top.
_TITLE_LOOSE = re.compile(r"(?P<year>20\d{2})\s*年\s*度?\s*" + _TITLE_PHRASE.pattern)
_AGENCY_BEFORE = re.compile(r"[\u4e00-\u9fff()·]{2,30}$")
_TITLE_MAX_LINE = 60  # a title line is short (characters, whitespace excluded)
_HEAD_UNITS = 40  # the title stands among the first units

# Year fallbacks: '统计期限自2019年1月1日起' (also the broken '自20201月1日'), then the first
# 20xx年 of part one.
_PERIOD_YEAR = re.compile(r"统计(?:期限|时限|期间|区间)\s*(?:自|从|为|是)?\s*(?P<year>20\d{2})")
_ANY_YEAR = re.compile(r"(?<!\d)(?P<year>20\d{2})\s*年")

# Cleaning an agency name: punctuation around it, a leading list number ('(三)', '2、'), a
# trailing '关于' ('某局关于2020年…报告'); lines that are page chrome, not a name.
_AGENCY_STRIP = " \t\r\n:-—_|·.,;。、《》〈〉“”\"'【】[]"
_AGENCY_NUMBERING = re.compile(r"^\(?[一二三四五六七八九十\d]{1,3}[)、.]")
_AGENCY_SUFFIX = re.compile(r"(?:关于|的)+$")
_NOT_AGENCY = re.compile(r"^(?:正文|目录|首页|全文|附件\d*|打印|关闭|返回)$")

# ---------------------------------------------------------------------------
# prose.proactive_total: the headline count of proactively disclosed items

_PROACTIVE = (
    # '共主动公开2428条政府信息': the count before the noun
    _p(
        "proactive_count_then_info",
        r"主\s*动\s*(?:公\s*开|发\s*布|公\s*布)\s*(?:了\s*)?(?:共计|共|合计|各类)?\s*"
        + _NUM
        + r"\s*"
        + _APPROX
        + r"\s*条\s*(?:政\s*府\s*)?信\s*息",
        0.9,
    ),
    # '主动公开政府信息185条', '主动发布各类政府信息2428条', '主动公开的政府信息161条',
    # '主动公开我区各级单位政府信息2645条', '主动公开信息共5500余条', '主动公开政府信息数量为393条',
    # '主动公开的政府信息达455条'
    _p(
        "proactive_verb_info",
        r"主\s*动\s*(?:公\s*开|发\s*布|公\s*布)" + _GAP + r"{0,12}?信\s*息\s*(?:数\s*量\s*)?(?:共计|共|合计|总计)?\s*"
        r"(?:为|达到|达)?\s*" + _NUM + r"\s*" + _APPROX + r"\s*(?:条|件)",
        0.95,
    ),
    # '共公布政府信息2599条', '通过部门网站当年发布政府信息 393 件'
    _p(
        "publish_gov_info",
        r"(?:公\s*布|发\s*布|公\s*开)\s*政\s*府\s*信\s*息\s*(?:共计|共|合计|总计)?\s*"
        + _NUM
        + r"\s*"
        + _APPROX
        + r"\s*(?:条|件)",
        0.85,
    ),
    # weak: '通过…等渠道发布医疗类公开信息455条', '微信公众号推送信息 785 条'
    _p(
        "publish_info_loose",
        r"(?:公\s*开|发\s*布|公\s*布|推\s*送)" + _GAP + r"{0,10}?信\s*息\s*(?:共计|共)?\s*"
        r"" + _NUM + r"\s*" + _APPROX + r"\s*条",
        0.55,
    ),
)
# A count in the same clause after these is not this year's headline: '历年累计主动公开…838条',
# '其他应主动公开政府信息856条' (a category inside a breakdown), '(其中…)', and counts of
# answers to applications ('依申请公开政府信息15条', '不予公开…').
_PROACTIVE_REJECT = re.compile(r"历年|应主动|应公开|其中|其他|申请|不予")

# ---------------------------------------------------------------------------
# prose.applications_received

_APPLICATIONS = (
    # '全年收到政府信息公开申请 34 件', '受理政府信息公开申请859件', '新收政府信息公开申请45件',
    # '接收通过邮寄、网络提交的各类政府信息公开申请共计81件'
    _p(
        "received_gov_info_applications",
        r"(?:收\s*到|受\s*理|接\s*收|接\s*到|新\s*收)" + _GAP + r"{0,20}?"
        r"(?:政\s*府\s*信\s*息\s*公\s*开|依\s*申\s*请\s*公\s*开|信\s*息\s*公\s*开)\s*申\s*请\s*"
        r"(?:数\s*量\s*)?(?:共计|共|合计|总计|为)?\s*" + _NUM + r"\s*件",
        0.95,
    ),
    # '本年度全区共收到70件申请', '共受理12件政府信息公开申请'
    _p(
        "received_n_applications",
        r"(?:收\s*到|受\s*理|接\s*收|接\s*到)\s*(?:各类\s*)?" + _NUM + r"\s*件\s*"
        r"(?:政\s*府\s*信\s*息\s*公\s*开\s*|信\s*息\s*公\s*开\s*|依\s*申\s*请\s*公\s*开\s*)?申\s*请",
        0.9,
    ),
    # '未收到政府信息公开申请', '没有收到…依申请公开申请', '未收到群众依申请公开申请'
    _p(
        "none_received_gov_info",
        _NOT_RECEIVED + r"\s*(?:收\s*到|接\s*到|受\s*理|接\s*收)" + _GAP + r"{0,20}?"
        r"(?:政\s*府\s*信\s*息\s*公\s*开|依\s*申\s*请\s*公\s*开|信\s*息\s*公\s*开)\s*申\s*请",
        0.9,
        zero=True,
    ),
    # '全年无公民、法人或其他组织提出政府信息公开申请', '没有申请人提出依申请公开申请'
    _p(
        "none_filed_gov_info",
        _NOT_RECEIVED + _GAP + r"{0,16}?提\s*出" + _GAP + r"{0,8}?"
        r"(?:政\s*府\s*信\s*息\s*公\s*开|依\s*申\s*请\s*公\s*开|信\s*息\s*公\s*开)\s*申\s*请",
        0.85,
        zero=True,
    ),
    # '2021年共收到申请公开的信息数2件(历年累计7件)'
    _p(
        "received_applications_loose",
        r"(?:收\s*到|受\s*理|接\s*收|接\s*到)" + _GAP + r"{0,12}?申\s*请" + _GAP + r"{0,10}?" + _NUM + r"\s*件",
        0.75,
    ),
    # '申请共计81件'
    _p(
        "applications_total",
        r"申\s*请\s*(?:数\s*量\s*)?(?:共计|总计|合计|共)\s*" + _NUM + r"\s*件",
        0.7,
    ),
    # '本年度无政府信息公开申请', '未发生政府信息公开申请' (not '…申请引起的行政复议')
    _p(
        "no_gov_info_applications",
        _NOT_RECEIVED + r"\s*(?:发\s*生|产\s*生)?\s*"
        r"(?:政\s*府\s*信\s*息\s*公\s*开|依\s*申\s*请\s*公\s*开|信\s*息\s*公\s*开)\s*申\s*请"
        r"(?![^,;。\n]{0,10}(?:复\s*议|诉\s*讼))",
        0.8,
        zero=True,
    ),
    # '未接到提出申请公开…政府信息情况'
    _p(
        "none_received_loose",
        _NOT_RECEIVED + r"\s*(?:收\s*到|接\s*到|受\s*理|接\s*收)" + _GAP + r"{0,20}?申\s*请",
        0.7,
        zero=True,
    ),
)
# Other proceedings that are also "applications": 行政复议申请, 诉讼, complaints, enquiries.
_APPLICATIONS_REJECT = re.compile(r"复议|诉讼|投诉|举报|咨询|信访")

# ---------------------------------------------------------------------------
# prose.fee_collected (元)

_FEES = (
    # '收取信息处理费0元', '共收取信息处理费120元', '收取费用 0 元'
    _p(
        "charged_amount",
        r"收\s*(?:取|缴)" + _GAP + r"{0,12}?(?:处\s*理\s*费|费\s*用)\s*(?:共计|共|合计|为)?\s*"
        r"(?P<amount>\d+(?:\.\d+)?|零)\s*(?P<wan>万)?\s*元",
        0.95,
    ),
    # '信息处理费 0 元', '信息处理费收费金额为0元'
    _p(
        "fee_amount",
        r"处\s*理\s*费" + _GAP + r"{0,8}?(?P<amount>\d+(?:\.\d+)?|零)\s*(?P<wan>万)?\s*元",
        0.9,
    ),
    # '未收取信息处理费', '无收取信息处理费情况', '未发生政府信息公开收费事项', '不收取任何费用',
    # '未向申请人收取信息处理费'
    _p(
        "none_charged",
        _NEG + r"\s*(?:向" + _GAP + r"{1,8}?)?(?:收\s*取|发\s*生|产\s*生|涉\s*及|存\s*在)" + _GAP + r"{0,15}?"
        r"(?:处\s*理\s*费|收\s*费|费\s*用)",
        0.9,
        zero=True,
    ),
    # '无信息处理费收取情况', '没有政府信息公开处理费'
    _p(
        "no_fee_named",
        _NEG + r"\s*(?:政\s*府\s*)?(?:信\s*息\s*)?(?:公\s*开\s*)?处\s*理\s*费",
        0.85,
        zero=True,
    ),
    # '信息处理费: 无', '信息处理费收费情况为零'
    _p(
        "fee_none_stated",
        r"处\s*理\s*费" + _GAP + r"{0,8}?(?:为|是)?\s*(?:无|零)(?!\s*[条件])",
        0.7,
        zero=True,
    ),
)
# '逾期未按收费通知要求缴纳费用' is a table-3 row label, not a statement about fees.
_FEES_REJECT = re.compile(r"缴纳|逾期|收费通知")

# Where each fact is usually stated (part numbers), when doc.section_spans is available.
_PARTS = {
    "prose.proactive_total": (1, 2),
    "prose.applications_received": (1, 3),
    "prose.fee_collected": (6,),
}

_CN_DIGITS = dict(zip("零〇一二两三四五六七八九", (0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def _cn_int(text: str) -> int | None:
    """'十五' → 15, '两' → 2, '一百零三' → 103, '三万五千' → 35000; None where it is no number."""
    if not any(ch in _CN_DIGITS or ch in _CN_UNITS for ch in text):
        return None  # '万' alone
    total = section = digit = 0
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            section += (digit or 1) * _CN_UNITS[ch]
            digit = 0
        elif ch == "万":
            total += (section + digit) * 10000
            section = digit = 0
        else:
            return None
    return total + section + digit


def _to_int(num: str) -> int | None:
    num = num.replace(",", "")
    if num.isdigit():
        return int(num)
    return _cn_int(num)


# ---------------------------------------------------------------------------
# The text the rules read, with the way back to doc.text


# Characters NFKC may change: everything but ASCII, the CJK unified ideographs and the
# common CJK punctuation NFKC keeps (、。《》【】“”‘’·— …). They are most of a report, so
# normalizing only the runs in between is several times faster than the whole text.
_MAY_CHANGE = re.compile(r"([^\x00-\x7f\u4e00-\u9fff\u3001-\u3035\u2018-\u201d\u00b7\u2014]+)")


@lru_cache(maxsize=20000)
def _nfkc_run(run: str) -> str:
    return nfkc(run)


# A PDF's or an image's lines are the page's, not the author's: a sentence wraps anywhere
# (``本年度未收到\n政府信息公开申请``), also in a PDF's text saved as a text file
# (``Document.page_lines``). Such a break, after no sentence-final mark, reads as a blank
# (same length, so offsets hold).
_WRAPPED_FORMATS = frozenset({"pdf", "image"})
_SOFT_BREAK = re.compile(r"(?<=[^。！？；：!?;:\n])\n(?=[\u4e00-\u9fff\d])")


def lines_wrap(doc: Document) -> bool:
    """Whether ``doc``'s line breaks are the page's (a PDF, an image, a PDF's text saved as text)."""
    return doc.format in _WRAPPED_FORMATS or doc.page_lines


def join_wrapped_lines(text: str, wrapped: bool) -> str:
    """``text`` with each break inside a sentence read as a blank where ``wrapped`` (same length)."""
    return _SOFT_BREAK.sub(" ", text) if wrapped else text


# OCR's marks stuck to a number before the word after it (``处理费0.元``, ``信息2599·条``): blanked
# in a second look at the text, so that a sentence stating a figure is still found as one
_STRAY_AFTER_NUMBER = re.compile(r"(?<=\d)[.·•'`,:;_~\-]+(?=[^\S\n]*[\u4e00-\u9fff])")


class _Text:
    """NFKC of ``doc.text`` with a map back to its offsets.

    NFKC keeps the length of nearly every report (full-width forms map one to one),
    and then offsets are shared. Where some character changes length (e.g. '⑴' becomes
    '(1)'), the text is rebuilt character by character and every output character
    remembers the offset it came from.
    """

    __slots__ = ("_cleared", "_map", "doc", "norm", "units")

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.units: list[Unit] = doc.units
        parts = _MAY_CHANGE.split(doc.text)
        same_length = True
        for i in range(1, len(parts), 2):
            out = _nfkc_run(parts[i])
            same_length = same_length and len(out) == len(parts[i])
            parts[i] = out
        self._map: list[int] | None = None
        self._cleared: str | None = None
        if same_length:
            self.norm = join_wrapped_lines("".join(parts), lines_wrap(doc))
            return
        # Rare: rebuild with a per-character map.
        pieces: list[str] = []
        index: list[int] = []
        pos = 0
        for i, part in enumerate(_MAY_CHANGE.split(doc.text)):
            if i % 2 == 0:
                pieces.append(part)
                index.extend(range(pos, pos + len(part)))
            else:
                for j, ch in enumerate(part):
                    out = nfkc(ch)
                    pieces.append(out)
                    index.extend([pos + j] * len(out))
            pos += len(part)
        self.norm = join_wrapped_lines("".join(pieces), lines_wrap(doc))
        self._map = index

    @property
    def cleared(self) -> str:
        """``norm`` with OCR's marks stuck to a number before the next word blanked (same length)."""
        if self._cleared is None:
            self._cleared = _STRAY_AFTER_NUMBER.sub(lambda m: " " * len(m.group()), self.norm)
        return self._cleared

    def orig(self, pos: int) -> int:
        """Offset in doc.text of normalized offset ``pos`` (an end offset maps past its char)."""
        if self._map is None:
            return pos
        if pos >= len(self._map):
            return len(self.doc.text)
        return self._map[pos]

    def orig_span(self, start: int, end: int) -> tuple[int, int]:
        if self._map is None:
            return start, end
        return self.orig(start), (self._map[end - 1] + 1 if end > start else self.orig(start))

    def norm_pos(self, orig: int) -> int:
        """Normalized offset of doc.text offset ``orig`` (the first char produced from it)."""
        if self._map is None:
            return orig
        return bisect_right(self._map, orig - 1)

    def unit_index(self, norm_pos: int) -> int:
        return self.doc.unit_at(self.orig(norm_pos))

    def unit_span(self, index: int) -> tuple[int, int]:
        """Normalized span of unit ``index``."""
        unit = self.units[index]
        return self.norm_pos(unit.start), self.norm_pos(unit.end)

    def provenance(self, norm_start: int, norm_end: int) -> Provenance | None:
        if not self.units:
            return None
        start, end = self.orig_span(norm_start, norm_end)
        unit = self.units[self.doc.unit_at(start)]
        loc = unit.loc
        char_start, char_end = loc.char_start, loc.char_end
        # Where the unit is a verbatim slice of the source, narrow the span to the match.
        if char_start is not None and char_end is not None and char_end - char_start == len(unit.text):
            char_start = loc.char_start + max(0, start - unit.start)
            char_end = loc.char_start + min(len(unit.text), end - unit.start)
        return Provenance(
            line=loc.line,
            char_start=char_start,
            char_end=char_end,
            page=loc.page,
            box=loc.box,
            table=loc.table,
            row=loc.row,
            col=loc.col,
        )

    def raw(self, norm_start: int, norm_end: int) -> str:
        start, end = self.orig_span(norm_start, norm_end)
        return self.doc.text[start:end]


def _found(ctx: _Text, key: str, value: int | float | str, start: int, end: int, confidence: float, note: str) -> Value:
    return Value(
        key=key,
        value=value,
        raw=ctx.raw(start, end),
        method="rules",
        confidence=confidence,
        location=ctx.provenance(start, end),
        note=note,
    )


def _missing(key: str, confidence: float, note: str) -> Value:
    return Value(key=key, value=None, raw=None, method="rules", confidence=confidence, location=None, note=note)


# ---------------------------------------------------------------------------
# meta.agency, meta.year


@dataclass(slots=True)
class _Title:
    agency: str | None
    agency_span: tuple[int, int] | None
    agency_confidence: float
    year: int | None
    year_span: tuple[int, int] | None
    year_confidence: float
    how: str


def _clean_agency(text: str) -> tuple[str, int, int]:
    """The agency name in ``text`` (whitespace removed) and its span in ``text``; ("", 0, 0) if none."""
    keep = [i for i, ch in enumerate(text) if not ch.isspace()]
    squashed = "".join(text[i] for i in keep)
    lo, hi = 0, len(squashed)
    while True:
        before = (lo, hi)
        while lo < hi and squashed[lo] in _AGENCY_STRIP:
            lo += 1
        while hi > lo and squashed[hi - 1] in _AGENCY_STRIP:
            hi -= 1
        numbering = _AGENCY_NUMBERING.match(squashed, lo, hi)
        if numbering:
            lo = numbering.end()
        suffix = _AGENCY_SUFFIX.search(squashed, lo, hi)
        if suffix:  # all of it ('关于2023年…' under the agency's line): no name here
            hi = suffix.start()
        if (lo, hi) == before:
            break
    agency = squashed[lo:hi]
    if len(agency) < 2 or _NOT_AGENCY.match(agency) or not any("\u4e00" <= ch <= "\u9fff" for ch in agency):
        return "", 0, 0
    return agency, keep[lo], keep[hi - 1] + 1


def _previous_line_agency(ctx: _Text, index: int) -> tuple[str, tuple[int, int]] | None:
    """The agency printed on a line before a title that starts with the year."""
    for j in range(index - 1, max(-1, index - 4), -1):
        start, end = ctx.unit_span(j)
        line = ctx.norm[start:end]
        if not line.strip():
            continue
        if len("".join(line.split())) > 40 or "报告" in line or line.rstrip().endswith("。"):
            return None
        label = _TITLE_LABEL.match(line)
        offset = start + (label.end() if label else 0)
        agency, a_start, a_end = _clean_agency(ctx.norm[offset:end])
        if agency:
            return agency, (offset + a_start, offset + a_end)
    return None


def _title_year(m: re.Match[str]) -> tuple[int, tuple[int, int]]:
    """The year a ``_TITLE_YEAR`` match names and its span (digits, or Chinese numerals one per digit)."""
    if m.group("year"):
        return int(m.group("year")), m.span("year")
    digits = (ch for ch in m.group("cn_year") if not ch.isspace())
    return int("".join(str(_CN_DIGITS.get(ch, 0)) for ch in digits)), m.span("cn_year")  # ○ and O are 0


def _title_at(ctx: _Text, m: re.Match[str]) -> _Title | None:
    """Read agency and year from the line holding the title phrase ``m``; None if no title line."""
    index = ctx.unit_index(m.start())
    line_start, line_end = ctx.unit_span(index)
    line = ctx.norm[line_start : max(line_end, m.start())]
    label = _TITLE_LABEL.match(line)
    if not label and (len("".join(line.split())) > _TITLE_MAX_LINE or _NOT_TITLE.search(line)):
        return None
    prefix_start = line_start + (label.end() if label else 0)
    prefix = ctx.norm[prefix_start : m.start()]
    if not label and _COLUMN_NAME.search(prefix):
        return None
    if index > 0 and prefix.lstrip().startswith("年"):
        # a title the page's width broke after its year ('…卫生健康局2020' / '年政府信息…'): one line
        before_start, before_end = ctx.unit_span(index - 1)
        if _YEAR_AT_END.search(ctx.norm, before_start, before_end):
            before_label = _TITLE_LABEL.match(ctx.norm[before_start:before_end])
            prefix_start = before_start + (before_label.end() if before_label else 0)
            label = label or before_label
            prefix = ctx.norm[prefix_start : m.start()]
    year = year_span = None
    agency, a_start, a_end = "", 0, 0
    year_m = _TITLE_YEAR.search(prefix)
    if year_m:
        # '<agency>2019年度…' or '2019年<agency>…'
        year, (y_start, y_end) = _title_year(year_m)
        year_span = (prefix_start + y_start, prefix_start + y_end)
        agency, a_start, a_end = _clean_agency(prefix[: year_m.start()])
        if not agency:
            agency, a_start, a_end = _clean_agency(prefix[year_m.end() :])
            a_start, a_end = a_start + year_m.end(), a_end + year_m.end()
    else:
        # '<agency>政府信息公开工作年度报告(2020年)': the year after the phrase, same line
        tail_year = _TITLE_YEAR.search(ctx.norm, m.end(), max(line_end, m.end()))
        if tail_year:
            year, year_span = _title_year(tail_year)
        agency, a_start, a_end = _clean_agency(prefix)
    how = "title_label" if label else "title_line"
    if agency:
        agency_span: tuple[int, int] | None = (prefix_start + a_start, prefix_start + a_end)
        agency_conf = 0.95 if label else 0.9
    else:
        # '绥化市卫生健康委员会\n2021年政府信息公开工作年度报告'
        prev = _previous_line_agency(ctx, index)
        agency, agency_span = prev if prev else ("", None)
        agency_conf = 0.85
    if not agency and year is None:
        return None
    return _Title(
        agency=agency or None,
        agency_span=agency_span,
        agency_confidence=agency_conf if agency else 0.1,
        year=year,
        year_span=year_span,
        year_confidence=0.95 if year else 0.0,
        how=how,
    )


def _find_title(ctx: _Text) -> _Title | None:
    units = ctx.units
    if not units:
        return None
    head_end = ctx.unit_span(min(_HEAD_UNITS, len(units)) - 1)[1]
    for m in _TITLE_PHRASE.finditer(ctx.norm, 0, head_end):
        title = _title_at(ctx, m)
        if title is not None:
            return title
    m = _TITLE_LOOSE.search(ctx.norm, 0, head_end)
    if m:
        before = _AGENCY_BEFORE.search(ctx.norm, max(0, m.start() - 30), m.start())
        agency, a_start, a_end = _clean_agency(before.group()) if before else ("", 0, 0)
        return _Title(
            agency=agency or None,
            agency_span=(before.start() + a_start, before.start() + a_end) if before and agency else None,
            agency_confidence=0.5,
            year=int(m.group("year")),
            year_span=m.span("year"),
            year_confidence=0.7,
            how="title_loose",
        )
    return None


def _extract_agency(ctx: _Text, title: _Title | None) -> Value:
    key = "meta.agency"
    if title is None or title.agency is None or title.agency_span is None:
        return _missing(key, 0.1, "no title naming the issuing body")
    start, end = title.agency_span
    return _found(ctx, key, title.agency, start, end, title.agency_confidence, title.how)


def _extract_year(ctx: _Text, title: _Title | None) -> Value:
    key = "meta.year"
    if title is not None and title.year is not None and title.year_span is not None:
        start, end = title.year_span
        return _found(ctx, key, title.year, start, end, title.year_confidence, title.how)
    m = _PERIOD_YEAR.search(ctx.norm)
    if m:
        return _found(ctx, key, int(m.group("year")), m.start(), m.end(), 0.8, "statistics_period")
    spans = getattr(ctx.doc, "section_spans", None) or {}
    lo, hi = (0, min(len(ctx.norm), 3000))
    if 1 in spans:
        lo, hi = ctx.norm_pos(spans[1][0]), ctx.norm_pos(spans[1][1])
    m = _ANY_YEAR.search(ctx.norm, lo, hi)
    if m:
        return _found(ctx, key, int(m.group("year")), m.start(), m.end("year"), 0.5, "first_year_in_part_one")
    return _missing(key, 0.1, "no report year found")


# ---------------------------------------------------------------------------
# prose.* facts


def _regions(ctx: _Text, key: str) -> list[tuple[int, int]]:
    """The parts the fact is usually stated in (when sections are known), then the whole text."""
    regions: list[tuple[int, int]] = []
    spans = getattr(ctx.doc, "section_spans", None)
    if spans:
        for part in _PARTS.get(key, ()):
            if part in spans:
                start, end = spans[part]
                regions.append((ctx.norm_pos(start), ctx.norm_pos(end)))
    regions.append((0, len(ctx.norm)))
    return regions


def _clause_before(norm: str, pos: int, limit: int = 20) -> str:
    """The text of the clause before ``pos`` (back to the last clause mark, at most ``limit`` chars)."""
    start = max(0, pos - limit)
    chunk = norm[start:pos]
    cut = max(chunk.rfind(ch) for ch in ",;:。!?\n(")
    return chunk[cut + 1 :]


# the next cell of a table row: a number alone or with its count unit (not ``2、`` nor ``2020年``)
_NEXT_CELL = re.compile(r"\s*\d[\d,.]*(?:[件个条项次]|\s|$)")


def _table_row(ctx: _Text, start: int, end: int) -> bool:
    """A match that is a table row's label and first cell, never a sentence of the prose: it runs
    from one grid cell into another (``新收政府信息公开申请数量 | 23件``), or, in text, the next
    cell's number follows it (``…申请数量23件0件0件``, or a cell per line)."""
    first, last = ctx.unit_index(start), ctx.unit_index(end - 1)
    if first != last and (ctx.units[first].slot or ctx.units[last].slot):
        return True
    return _NEXT_CELL.match(ctx.norm, end) is not None


def _first_statement(ctx: _Text, text: str, key: str, patterns, reject: re.Pattern[str], value_of):
    """The first sentence of ``text`` (``ctx.norm`` or a same-length copy) stating the figure, in
    the order of its regions and then of the patterns (surest first): (rank, match, pattern,
    value), or None."""
    for region, (lo, hi) in enumerate(_regions(ctx, key)):
        for rank, pattern in enumerate(patterns):
            for m in pattern.regex.finditer(text, lo, hi):
                context = _clause_before(text, m.start()) + m.group()
                if reject.search(context):
                    continue
                if not pattern.zero and _NEGATED.search(_clause_before(text, m.start(), 4)):
                    continue
                if _table_row(ctx, m.start(), m.end()):
                    continue
                value = 0 if pattern.zero else value_of(m)
                if value is not None:
                    return (region, rank), m, pattern, value
    return None


def _search(ctx: _Text, key: str, patterns, reject: re.Pattern[str], value_of) -> Value:
    found = _first_statement(ctx, ctx.norm, key, patterns, reject, value_of)
    if ctx.cleared != ctx.norm:
        garbled = _first_statement(ctx, ctx.cleared, key, patterns, reject, value_of)
        # a surer sentence whose number OCR marked: that figure, not a weaker sentence's, is the
        # one stated, and its digits are not sure (``0.5`` may have lost its 5): a person reads it
        if garbled is not None and (found is None or garbled[0] < found[0]):
            m = garbled[1]
            note = "stated here, but OCR marked its number: not read"
            named = _found(ctx, key, 0, m.start(), m.end(), NAMED_UNREAD, note)
            return named.model_copy(update={"value": None})
    if found is None:
        return _missing(key, STATED_NOWHERE, "the prose states no such figure")
    _, m, pattern, value = found
    note = pattern.name
    if "approx" in m.re.groupindex and m.group("approx"):
        note += " (approximate: printed with 余/多)"
    return _found(ctx, key, value, m.start(), m.end(), pattern.confidence, note)


def _count(m: re.Match[str]) -> int | None:
    return _to_int(m.group("num"))


def _amount(m: re.Match[str]) -> int | float | None:
    raw = m.group("amount")
    amount = 0.0 if raw == "零" else float(raw)
    if m.group("wan"):
        amount *= 10000
    return int(amount) if amount == int(amount) else amount


def _extract_proactive_total(ctx: _Text) -> Value:
    return _search(ctx, "prose.proactive_total", _PROACTIVE, _PROACTIVE_REJECT, _count)


def _extract_applications_received(ctx: _Text) -> Value:
    return _search(ctx, "prose.applications_received", _APPLICATIONS, _APPLICATIONS_REJECT, _count)


def _extract_fee_collected(ctx: _Text) -> Value:
    return _search(ctx, "prose.fee_collected", _FEES, _FEES_REJECT, _amount)


def extract_facts(doc: Document) -> list[Value]:
    """The five meta/prose facts of ``doc``, in the order of ``FACT_KEYS``."""
    ctx = _Text(doc)
    title = _find_title(ctx)
    return [
        _extract_agency(ctx, title),
        _extract_year(ctx, title),
        _extract_proactive_total(ctx),
        _extract_applications_received(ctx),
        _extract_fee_collected(ctx),
    ]


# ---------------------------------------------------------------------------
# A learned labeller's fact spans (govreport.labelling) read with the same patterns

_FACT_PATTERNS = {
    "prose.proactive_total": (_PROACTIVE, _count),
    "prose.applications_received": (_APPLICATIONS, _count),
    "prose.fee_collected": (_FEES, _amount),
}
_ANY_NUMBER = re.compile(_NUM)
_NONE_STATED = re.compile(_NEG)


_NEGATION_BEFORE = re.compile(_NEG + r"[^\S\n]*\Z")  # on the span's own line


def with_negation_before(text: str, start: int) -> int:
    """``start`` moved back over a negation word that ends right there (blanks aside, not a
    line break): a labelled fact span holds its negation (``未收取信息处理费``), and one that
    starts a character late (``收取信息处理费``) would read as no figure at all."""
    m = _NEGATION_BEFORE.search(text, max(0, start - 4), start)
    return m.start() if m else start


def read_fact_span(key: str, text: str) -> int | float | None:
    """The value of a prose fact from a span a labeller marked as stating it: the key's
    patterns first (they know 余, 万, 未收取…), else the span's first number, else 0
    where the span is a negation (未收到…)."""
    norm = nfkc(text)
    patterns, value_of = _FACT_PATTERNS[key]
    for pattern in patterns:
        m = pattern.regex.search(norm)
        if m:
            return 0 if pattern.zero else value_of(m)
    number = _ANY_NUMBER.search(norm)
    if number:
        return _to_int(number.group("num"))
    return 0 if _NONE_STATED.search(norm) else None
