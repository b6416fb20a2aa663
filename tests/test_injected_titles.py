"""A title a spam page rewrote, or that kept the site's chrome, gets a warning finding (the value is kept:
it is what the document prints). Variations of several real and seed reports, made here."""

from __future__ import annotations

from pathlib import Path

import pytest

from govreport.pipeline import extract
from govreport.wording import finding_text

REPO = Path(__file__).resolve().parents[1]
# (report, its agency as its title prints it)
REPORTS = (
    ("tests/fixtures/real/r012.txt", "平潭综合实验区"),
    ("tests/fixtures/seeds/001_c9d25de49169cfc6.txt", "涧西区卫生健康委员会"),
    ("tests/fixtures/seeds/002_a4de8c3d0db3ef4d.txt", "威海市环翠区卫生健康局"),
)
# how crawled pages rewrite or wrap a title: ads for gambling sites, app downloads, the site's breadcrumbs
INJECTIONS = (
    "九游娱乐·(中国)官方网站{agency}",
    "{agency}-华体会体育app下载",
    "首页 > 信息公开 > {agency}",
    "乐鱼官网入口{agency}",
    "www.example.com {agency}",
)
# names of real bodies that hold words close to those: no warning
PLAIN = ("{agency}", "平潭综合实验区大数据管理局", "涧西区体育局", "环翠区政务服务和数据管理局")


def _variant(tmp_path: Path, report: str, agency: str, title: str) -> Path:
    text = (REPO / report).read_text(encoding="utf-8")
    first = text.index(agency)  # the title comes first
    path = tmp_path / f"{abs(hash(title))}.txt"
    path.write_text(text[:first] + title + text[first + len(agency) :], encoding="utf-8")
    return path


def _warnings(path: Path) -> list[str]:
    result = extract(path, labeller="rules")
    return [finding_text(f, result.values, result.meta.template) for f in result.findings if "injected" in f.message]


@pytest.mark.parametrize(("report", "agency"), REPORTS)
@pytest.mark.parametrize("injection", INJECTIONS)
def test_an_injected_title_is_a_finding(tmp_path: Path, report: str, agency: str, injection: str) -> None:
    warnings = _warnings(_variant(tmp_path, report, agency, injection.format(agency=agency)))
    assert len(warnings) == 1 and "标题可能被篡改" in warnings[0], warnings


@pytest.mark.parametrize(("report", "agency"), REPORTS)
@pytest.mark.parametrize("name", PLAIN)
def test_a_plain_title_is_not(tmp_path: Path, report: str, agency: str, name: str) -> None:
    assert _warnings(_variant(tmp_path, report, agency, name.format(agency=agency))) == []


def test_the_bundled_spam_sample_says_so() -> None:
    warnings = _warnings(REPO / "samples" / "000_cee62fc854b4a8bd.txt")
    assert warnings == [
        "提示：标题中的发布机关“开云手机官网入口·(中国)官方网站卫生健康局”含有网页或广告用语“官网”，"
        "标题可能被篡改或混入了网站栏目，请核对原件"
    ]
