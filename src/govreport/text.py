"""Text normalization shared by every stage."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# CJK radical code points some PDFs emit for ordinary characters (a font's glyph
# shared by the radical and the character); NFKC maps the Kangxi block but misses
# the supplement (⻅⻓⻛) and maps ⼾ to 戶. Radicals that only stand inside other
# characters (⺅ ⺡ ⻖) have no character to map to and are left.
_RADICALS = str.maketrans(
    dict(
        zip(
            "⺁⺊⺌⺎⺒⺓⺔⺜⺝⺞⺟⺠⺩⺪⺬⺮⺯⺶⺺⺼⺽⻁⻄⻅⻆⻉⻊⻋⻐⻑⻓⻔⻗⻘⻙⻚⻛⻜⻝⻢⻣⻤⻥⻦⻧⻨⻩⻪⻬⻮⻰⻲⼾",
            "厂卜小兀巳幺彐日月歹母民王疋示竹糸羊聿肉臼虎西见角贝足车金長长门雨青韦页风飞食马骨鬼鱼鸟卤麦黄黾齐齿龙龟户",
            strict=True,
        )
    )
)
_RADICAL_BLOCKS = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf]")
_QUOTES = re.compile(r"[\"'“”‘’「」『』〝〞]")


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text.translate(_RADICALS))


def fold_radicals(text: str) -> str:
    """Radical code points to the characters they stand for, leaving everything else as it is."""
    return _RADICAL_BLOCKS.sub(lambda m: nfkc(m.group(0)), text)


@lru_cache(maxsize=65536)
def _squash_char(ch: str) -> str:
    if ch.isspace() or _QUOTES.match(ch):
        return ""
    return "".join(p for p in nfkc(ch) if not p.isspace() and not _QUOTES.match(p))


def squash_with_map(text: str) -> tuple[str, list[int]]:
    """Canonical form for label matching (NFKC, no whitespace, no quotes), with,
    for each output character, its offset in ``text``."""
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        piece = _squash_char(ch)
        if piece:
            out.append(piece)
            index.extend([i] * len(piece))
    return "".join(out), index


def squash(text: str) -> str:
    return "".join(_squash_char(ch) for ch in text)


# a page number as a page's header or footer prints it (blanks removed): — 2 —, - 3 -, 第2页 共5页,
# 3 / 10, 共5页, and in a page's margin a bare 3
_PAGE_NUMBER = re.compile(r"[-—–－_]*(?:第?\d{1,4}页?(?:[,，]?[/／共]\d{1,4}页?)?|共\d{1,4}页)[-—–－_]*")
_DASHES = "-—–－_"


def is_page_mark(text: str, in_margin: bool = False) -> bool:
    """Whether ``text`` is a page number. A bare number, or one with a dash on one side only (a
    negative figure's look), is one only where it stands in a page's margin (``in_margin``);
    in a text file it may be a table's value on a line of its own."""
    squashed = "".join(text.split())
    if _PAGE_NUMBER.fullmatch(squashed) is None:
        return False
    named = any(ch in squashed for ch in "第页/／共")
    return in_margin or named or (squashed[0] in _DASHES and squashed[-1] in _DASHES)


def spaced(phrase: str) -> str:
    """A regex for a fixed phrase with blanks (or a line break) allowed between its characters,
    as PDF and OCR text put them there."""
    return r"\s*".join(re.escape(ch) for ch in phrase)


def is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def cjk_count(text: str) -> int:
    return sum(1 for ch in text if is_cjk(ch))
