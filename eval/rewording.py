"""Wording classes: every gold fixture worded as real reports word the same things.

The rules for the title, the part headings and the prose facts were written from
eleven reports; these generators reword each fixture the ways other reports do and
write the gold with it (the words are made here, so the gold stays the truth):

- ``wording-title``: the title among site chrome (breadcrumbs, a publishing line and an
  index block dated the year after the report, a signature dated the same), in the
  title forms reports use (``XX局2023年度…``, ``2023年XX局…``, ``XX局关于2023年…的年度报告``,
  the year in Chinese numerals, split over two lines, bold or ``#`` marks);
- ``wording-headings``: part headings in other words for the same part (``一、概述``,
  ``六、其他需要说明的事项``), other numbering (``一．``, ``第一部分``, ``一`` and a blank),
  bold or ``##`` marks, or the part's first sentence on the heading's line;
- ``wording-prose``: the prose facts stated with other verbs and sentence shapes
  (``共受理…申请N件``, ``N件（次）``), thousands separators, full-width digits, Chinese
  numerals, each after a sentence stating another figure (历年累计…, 行政复议申请…); a fact
  the gold does not hold is not stated (only the other figure is).

Each fixture is rendered from its gold (``ReportSpec.from_gold``: tables in the form's
layout, a short paragraph per part), as markdown (pipe tables) or an HTML body, both saved
as they are published. In round ``r`` fixture ``i`` takes wording number ``w = i + r * fixtures``:
form ``w % n`` of each list (part ``p``'s heading ``w + p``), so each round goes on where the
last stopped and two rounds cover every form.

    python eval/rewording.py --out /tmp/wording/variants --rounds 3
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from html import escape
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "eval"))
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "tests"))

from conftest import GOLD, GoldCase, gold_cases  # noqa: E402
from variations import Variant, _grid, _pipe_table  # noqa: E402

from govreport.render import ReportSpec, render_html  # noqa: E402
from govreport.render.layout import Heading, Paragraph, Title, document_blocks  # noqa: E402

CN_DIGITS = "〇一二三四五六七八九"
PART_NUMERALS = "一二三四五六"


def cn_year(year: int, zero: str = "〇") -> str:
    """``2023`` as a title prints it in Chinese numerals: 二〇二三 (or 二零二三)."""
    return "".join(CN_DIGITS[int(d)] for d in str(year)).replace("〇", zero)


def cn_count(n: int) -> str:
    """A small count in Chinese numerals as prose prints it: 7 七, 15 十五, 40 四十."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else "十" if tens == 1 else CN_DIGITS[tens] + "十"
    return head + (CN_DIGITS[ones] if ones or not head else "")


# ---------------------------------------------------------------- title and chrome
# A title form: (agency, year) -> the title's lines (two where it is split over lines)
TitleForm = Callable[[str, int], list[str]]
TITLE_FORMS: tuple[TitleForm, ...] = (
    lambda a, y: [f"{a}{y}年度政府信息公开工作年度报告"],
    lambda a, y: [f"{y}年{a}政府信息公开工作年度报告"],
    lambda a, y: [f"{a}关于{y}年政府信息公开工作的年度报告"],
    lambda a, y: [f"{a}{cn_year(y)}年政府信息公开工作年度报告"],
    lambda a, y: [f"{a}{y}年政府信息公开", "工作年度报告"],
    lambda a, y: [f"{a}{cn_year(y, '零')}年度政府信息公开工作年度报告"],
    lambda a, y: [f"{y}年度{a}政府信息公开工作报告"],
    lambda a, y: [f"{a}政府信息公开工作年度报告（{y}年）"],
    lambda a, y: [a, f"{y}年政府信息公开工作年度报告"],
    lambda a, y: [f"{a}关于{cn_year(y)}年度政府信息公开工作情况的报告"],
    lambda a, y: [f"{y}年{a}政务公开工作年度报告"],
    lambda a, y: [f"{a}政府信息公开工作年度报告（{y}年度）"],
    lambda a, y: [f"{a}{y}年政府信息公开年度报告"],
    lambda a, y: [a, f"关于{y}年政府信息公开工作的年度报告"],
    lambda a, y: [f"信息名称：{a}{y}年政府信息公开工作年度报告"],
)
# Chrome: (agency, year) -> (lines before the title, lines after it, lines at the end); dates are the
# publishing year's (the report's plus one) and the site names another body (its office)
Chrome = Callable[[str, int], tuple[list[str], list[str], list[str]]]
CHROME: tuple[Chrome, ...] = (
    lambda a, y: (
        ["首页 > 政务公开 > 政府信息公开年报"],
        [f"发布时间：{y + 1}-01-26  来源：区政府办公室  浏览次数：356"],
        [],
    ),
    lambda a, y: (
        ["当前位置：首页 > 信息公开 > 法定主动公开内容 > 政府信息公开年报"],
        [f"来源：{a}办公室 发布日期：{y + 1}年01月29日", "字号：大 中 小  打印  关闭"],
        [],
    ),
    lambda a, y: (
        [
            f"索引号：11320800MB1234567X/{y + 1}-00012",
            "发布机构：人民政府办公室",
            f"发文字号：办〔{y + 1}〕3号",
            f"成文日期：{y + 1}-01-20",
        ],
        [],
        [a, f"{y + 1}年1月20日"],
    ),
    lambda a, y: ([f"{y + 1}-02-08 16:34  【字体：大 中 小】  打印本页"], [], [f"{a}", f"{cn_year(y + 1)}年一月"]),
    lambda a, y: (["网站首页 | 政务公开 | 政府信息公开年报", "分享到："], [f"时间：{y + 1}-01-31 来源：本网"], []),
    lambda a, y: (["首页 > 政府信息公开 > 政府信息公开工作年度报告"], [f"发布日期：{y + 1}-01-15"], []),
    lambda a, y: ([f"栏目：政府信息公开年度报告 发布时间：{y + 1}年01月20日"], [], []),
)


def _title_lines(form: TitleForm, markup: str, agency: str, year: int) -> list[str]:
    lines = form(agency, year)
    if markup == "bold":
        return [f"**{line}**" for line in lines]
    if markup == "atx":
        return [f"# {line}" for line in lines]
    return lines


# ---------------------------------------------------------------- part headings
# The same part in the words reports print (the form's own first)
HEADING_WORDS: dict[int, tuple[str, ...]] = {
    1: ("总体情况", "概述", "基本情况"),
    2: ("主动公开政府信息情况", "主动公开政府信息的情况", "主动公开情况", "政府信息主动公开情况"),
    3: (
        "收到和处理政府信息公开申请情况",
        "收到和处理政府信息公开申请的情况",
        "依申请公开政府信息情况",
        "政府信息公开申请办理情况",
    ),
    4: (
        "政府信息公开行政复议、行政诉讼情况",
        "因政府信息公开被申请行政复议、提起行政诉讼情况",
        "政府信息公开行政复议和行政诉讼情况",
        "因政府信息公开申请行政复议、提起行政诉讼情况",
    ),
    5: (
        "存在的主要问题及改进情况",
        "政府信息公开工作存在的主要问题及改进情况",
        "存在的主要问题和改进措施",
        "存在的问题及改进措施",
        "主要问题及改进措施",
        "存在的不足及改进措施",
        "存在的主要问题及下一步工作打算",
    ),
    6: ("其他需要报告的事项", "其他需要说明的事项", "其他需要报告事项", "其他事项"),
}
# part number -> its marker as printed
NUMBERINGS: tuple[Callable[[int], str], ...] = (
    lambda p: f"{PART_NUMERALS[p - 1]}、",
    lambda p: f"{PART_NUMERALS[p - 1]}．",
    lambda p: f"第{PART_NUMERALS[p - 1]}部分 ",
    lambda p: f"{PART_NUMERALS[p - 1]} ",
    lambda p: f"{PART_NUMERALS[p - 1]}. ",
    lambda p: f"第{PART_NUMERALS[p - 1]}部分：",
    lambda p: f"{PART_NUMERALS[p - 1]}､",
)
# how a heading line is marked: plain, bold, an ATX heading, or the part's first sentence run on
HEADING_MARKUPS = ("plain", "bold", "atx", "run-on")


@dataclass(frozen=True)
class HeadingStyle:
    numbering: int
    words: int
    markup: str

    def text(self, part: int) -> str:
        """The heading as the gold holds it: marker and words, no markup."""
        words = HEADING_WORDS[part]
        return NUMBERINGS[self.numbering % len(NUMBERINGS)](part) + words[self.words % len(words)]


# ---------------------------------------------------------------- prose facts
# fact -> sentence forms stating its value (value is never None here)
ProseForm = Callable[[int | float], str]


def _thousands(n: int | float) -> str:
    return f"{n:,}" if isinstance(n, int) else str(n)


def _full_width(n: int | float) -> str:
    return str(n).translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))


def _cn_or_digits(n: int | float) -> str:
    return cn_count(n) if isinstance(n, int) and 0 < n < 100 else str(n)


PROSE_FORMS: dict[str, tuple[ProseForm, ...]] = {
    "prose.proactive_total": (
        lambda n: f"全年共主动公开政府信息{_thousands(n)}条。",
        lambda n: f"本年度通过门户网站主动公开各类政府信息{n}条，其中政策文件12条。",
        lambda n: f"全年主动公开政府信息数量为{n}条。",
        lambda n: f"主动公开政府信息{_full_width(n)}条，及时回应社会关切。",
        lambda n: f"本年度，我单位共计主动公开信息{_thousands(n)}条。",
        lambda n: f"在政府网站发布政府信息{n}条。",
        lambda n: f"全年主动公开的政府信息达{n}条。",
        lambda n: f"本年度共主动公开{n}条政府信息。",
        lambda n: f"主动公开政府文件、政策解读等各类信息{_thousands(n)}条。",
    ),
    "prose.applications_received": (
        lambda n: f"本年度共收到政府信息公开申请{n}件（次）。" if n else "本年度未收到政府信息公开申请。",
        lambda n: (
            f"全年共受理政府信息公开申请{_thousands(n)}件，均在法定期限内答复。"
            if n
            else "全年未受理政府信息公开申请。"
        ),
        lambda n: f"本年度新收政府信息公开申请{_full_width(n)}件。" if n else "本年度没有收到政府信息公开申请。",
        lambda n: (
            f"共收到公民、法人或其他组织提出的政府信息公开申请{n}件。"
            if n
            else "全年无公民、法人或其他组织提出政府信息公开申请。"
        ),
        lambda n: f"全年共接收政府信息公开申请{_cn_or_digits(n)}件。" if n else "全年未接到政府信息公开申请。",
        lambda n: f"本年度收到依申请公开申请{n}件，上年结转3件。" if n else "本年度收到政府信息公开申请0件。",
        lambda n: f"本年度收到{n}件政府信息公开申请。" if n else "本年度无政府信息公开申请。",
        lambda n: f"全年受理依申请公开事项{n}件。" if n else "全年未发生政府信息公开申请。",
    ),
    "prose.fee_collected": (
        lambda n: f"本年度收取信息处理费{n}元。" if n else "本年度未收取信息处理费。",
        lambda n: f"全年共收取信息处理费{_thousands(n)}元。" if n else "本年度没有收取任何费用。",
        lambda n: f"信息处理费收费金额为{n}元。" if n else "未产生信息处理费。",
        lambda n: f"本机关依法收取信息处理费{n}元。" if n else "本机关不存在收取信息处理费的情况。",
        lambda n: f"按照规定收取信息处理费共计{n}元。" if n else "未向申请人收取信息处理费。",
        lambda n: f"信息处理费为{n}元。" if n else "无信息处理费收取情况。",
        lambda n: f"全年收取信息处理费{n}元。" if n else "本年度暂未产生信息处理费。",
    ),
}
# fact -> sentences near it that state another figure (a running total, a category, another
# proceeding): never the fact, so a fact the gold does not hold stays absent
NOT_THE_FACT: dict[str, tuple[str, ...]] = {
    "prose.proactive_total": (
        "历年累计主动公开政府信息8,380条。",
        "其中，主动公开行政规范性文件5件。",
        "依申请公开政府信息15条，不予公开政府信息3条。",
    ),
    "prose.applications_received": (
        "全年收到行政复议申请1件。",
        "本年度受理群众来信来访12件。",
        "上年结转政府信息公开申请3件。",
    ),
    "prose.fee_collected": (
        "行政事业性收费项目3项。",
        "申请人逾期未按收费通知要求缴纳费用的申请0件。",
        "本年度收取行政事业性收费12.5万元。",
    ),
}
# where each fact is stated: the first of these parts the report prints (else part one)
FACT_PARTS = {
    "prose.proactive_total": (2, 1),
    "prose.applications_received": (3, 1),
    "prose.fee_collected": (6, 3, 1),
}
OPENING = "{year}年，{agency}认真贯彻落实《中华人民共和国政府信息公开条例》，扎实推进政务公开工作。"


# ---------------------------------------------------------------- the writer
@dataclass(frozen=True)
class Wording:
    """How one variant words its report: the title's form, chrome and markup, each part
    heading's style (absent: as the gold prints it), each fact's sentence form (absent: the first)."""

    title: int = 0
    chrome: int | None = None
    title_markup: str = "plain"
    headings: dict[int, HeadingStyle] = field(default_factory=dict)
    prose: dict[str, int] = field(default_factory=dict)


def _parts(values: dict, printed: list[int], wording: Wording) -> dict[int, str]:
    """One paragraph per printed part; each fact the gold holds stated in its part, worded as
    ``wording`` says."""
    parts = dict.fromkeys(printed, "")
    parts[1] = OPENING.format(year=values["meta.year"], agency=values["meta.agency"])
    for key, forms in PROSE_FORMS.items():
        part = next((p for p in FACT_PARTS[key] if p in parts), 1)
        if wording.prose:  # another figure first, in the same part
            others = NOT_THE_FACT[key]
            parts[part] += others[wording.prose[key] % len(others)]
        value = values.get(key)
        if value is not None:  # a fact the gold does not hold is not stated
            parts[part] += forms[wording.prose.get(key, 0) % len(forms)](value)
    return {p: text or "本部分情况如下。" for p, text in parts.items()}


def _heading_lines(text: str, markup: str, kind: str, first: str) -> list[str]:
    """A part heading's line in ``kind`` (``run-on``: with the part's first sentence after it)."""
    if markup == "run-on":
        line = f"{text}。{first}"
        return [f"<p>{escape(line)}</p>"] if kind == "html" else [line]
    if kind == "html":
        return [
            f"<h2>{escape(text)}</h2>"
            if markup == "atx"
            else f"<p><strong>{escape(text)}</strong></p>"
            if markup == "bold"
            else f"<p>{escape(text)}</p>"
        ]
    return [f"**{text}**" if markup == "bold" else f"## {text}" if markup == "atx" else text]


def _title_html(lines: list[str], markup: str) -> list[str]:
    if markup == "atx":
        return [f"<h1>{escape(t)}</h1>" for t in lines]
    return [f"<p><strong>{escape(t)}</strong></p>" if markup == "bold" else f"<p>{escape(t)}</p>" for t in lines]


def write(case: GoldCase, wording: Wording, kind: str) -> tuple[str, dict]:
    """The fixture worded as ``wording`` says, as markdown (``md``) or an HTML body (``html``),
    and the gold it must read back to."""
    values = dict(case.values)
    spec = ReportSpec.from_gold(GOLD / f"{case.name}.json")
    printed = [p for p in range(1, 7) if values.get(f"section.{p}", "") is not None]
    headings = {p: values.get(f"section.{p}") for p in range(1, 7)}
    for part, style in wording.headings.items():
        if part in printed:
            headings[part] = values[f"section.{part}"] = style.text(part)
    parts = _parts(values, printed, wording)
    spec = spec.model_copy(update={"parts": parts, "headings": headings})
    tables = iter(re.findall(r"<table\b.*?</table>", render_html(spec), re.DOTALL))
    agency, year = values["meta.agency"], values["meta.year"]
    before, after, end = (
        CHROME[wording.chrome % len(CHROME)](agency, year) if wording.chrome is not None else ([], [], [])
    )
    title = _title_lines(TITLE_FORMS[wording.title % len(TITLE_FORMS)], wording.title_markup, agency, year)
    html = kind == "html"

    def plain(lines: list[str]) -> list[str]:
        return [f"<p>{escape(t)}</p>" for t in lines] if html else lines

    out: list[str] = []
    run_on: set[int] = set()
    part = 0
    for block in document_blocks(spec):
        if isinstance(block, Title):
            title = (
                _title_html(TITLE_FORMS[wording.title % len(TITLE_FORMS)](agency, year), wording.title_markup)
                if html
                else title
            )
            out += [*plain(before), *title, *plain(after)]
        elif isinstance(block, Heading):
            part = next(p for p in printed if headings[p] == block.text)
            style = wording.headings.get(part)
            if style is None:
                out += plain([block.text])
                continue
            out += _heading_lines(block.text, style.markup, kind, parts[part])
            if style.markup == "run-on":
                run_on.add(part)
        elif isinstance(block, Paragraph):
            if part not in run_on:
                out += plain([block.text])
        else:
            out.append(next(tables) if html else "\n".join(_pipe_table(_grid(block))))
    out += plain(end)
    return ("\n" if html else "\n\n").join(out) + "\n", values


# ---------------------------------------------------------------- the classes
def _cases() -> list[GoldCase]:
    return gold_cases({".txt", ".md", ".html", ".pdf"})


def _index(case: GoldCase) -> int:
    return [c.name for c in _cases()].index(case.name)


def title_wording(i: int) -> tuple[Wording, str]:
    return Wording(title=i, chrome=i, title_markup=("plain", "bold", "atx")[i % 3]), ("md", "html")[i % 2]


def heading_wording(i: int) -> tuple[Wording, str]:
    styles = {
        p: HeadingStyle(numbering=i + p, words=i + 2 * p, markup=HEADING_MARKUPS[(i + 3 * p) % len(HEADING_MARKUPS)])
        for p in range(1, 7)
    }
    return Wording(headings=styles), ("md", "html")[i % 2]


def prose_wording(i: int) -> tuple[Wording, str]:
    return Wording(prose={key: i + k for k, key in enumerate(PROSE_FORMS)}), ("md", "html")[(i // 2) % 2]


CLASSES: dict[str, Callable[[int], tuple[Wording, str]]] = {
    "wording-title": title_wording,
    "wording-headings": heading_wording,
    "wording-prose": prose_wording,
}


def make(name: str, case: GoldCase, folder: Path, round_: int = 0) -> Variant:
    """Fixture ``case`` in class ``name``'s wording number ``index + round_ * fixtures``."""
    wording, kind = CLASSES[name](_index(case) + round_ * len(_cases()))
    text, values = write(case, wording, kind)
    path = folder / f"{case.name}.{name}.{round_}.{'html' if kind == 'html' else 'md'}"
    path.write_text(text, encoding="utf-8")
    return Variant(path, replace(case, values=values))


WORDING_GENERATORS: dict[str, Callable[[GoldCase, Path], Variant]] = {name: partial(make, name) for name in CLASSES}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name in CLASSES:
        for round_ in range(args.rounds):
            for case in _cases():
                print(f"{name:17} {make(name, case, args.out, round_).path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
