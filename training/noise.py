"""OCR- and copy-paste-like damage to text, one function per kind of damage.

Each takes a string and a ``random.Random`` and returns the damaged string, so the
same functions damage a labelled piece of a synthetic report (its label stays on
the whole piece) and a line of a real fixture (``eval/ablation.py``'s noised
renditions). None of them changes a printed digit or parts a run of digits (``break_total`` may put
OCR's ``1 1 1`` where 总计 stood, as real scans do).
"""

from __future__ import annotations

import random

# Confusions an OCR engine makes between look-alike characters.
CONFUSIONS = {
    "计": "记", "未": "末", "已": "己", "日": "曰", "人": "入", "申": "甲", "请": "清", "处": "外", "理": "埋",
    "项": "顶", "府": "俯", "息": "惠", "开": "幵", "情": "惰", "况": "兄", "政": "玫", "务": "各", "数": "敉",
    "量": "昰", "年": "午", "制": "刽", "规": "观", "章": "童", "法": "去", "行": "彳亍", "予": "子", "公": "么",
}  # fmt: skip
GARBAGE = ("■", "|", "丨", "_", "口", "·", "一", "I", "：", "」", "※", "~")
TOTAL_BREAKS = ("总记", "廿", "山", "1 1 1", "总 计", "忌计")


def confuse(text: str, rng: random.Random, rate: float = 0.08) -> str:
    return "".join(CONFUSIONS[ch] if ch in CONFUSIONS and rng.random() < rate else ch for ch in text)


def spaces_inside(text: str, rng: random.Random, rate: float = 0.15) -> str:
    """Blanks between characters, as PDF text layers and OCR put them."""
    out = []
    for i, ch in enumerate(text):
        out.append(ch)
        if i + 1 < len(text) and _may_part(ch, text[i + 1]) and rng.random() < rate:
            out.append(" ")
    return "".join(out)


def _may_part(left: str, right: str) -> bool:
    """Whether damage may come between two characters: never inside a run of digits."""
    return not left.isspace() and not (left.isdigit() and right.isdigit())


def split_line(text: str, rng: random.Random) -> str:
    """A line break somewhere inside (a label wrapped in its cell)."""
    cuts = [i for i in range(2, len(text) - 1) if _may_part(text[i - 1], text[i])]
    if not cuts:
        return text
    cut = rng.choice(cuts)
    return text[:cut] + "\n" + text[cut:]


def garbage(rng: random.Random) -> str:
    return "".join(rng.choice(GARBAGE) for _ in range(rng.randint(1, 3)))


def break_total(text: str, rng: random.Random) -> str:
    """总计 as OCR reads a cell it barely sees."""
    return text.replace("总计", rng.choice(TOTAL_BREAKS))


def damage(text: str, rng: random.Random, level: float) -> str:
    """Several kinds of damage at once, each with a chance that grows with ``level`` (0…1)."""
    if rng.random() < level:
        text = confuse(text, rng, 0.1 * level + 0.03)
    if rng.random() < level * 0.5:
        text = spaces_inside(text, rng, 0.2 * level)
    if "总计" in text and rng.random() < level:
        text = break_total(text, rng)
    if rng.random() < level * 0.3:
        text = split_line(text, rng)
    return text
