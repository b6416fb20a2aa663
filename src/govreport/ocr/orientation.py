"""Which way up a page was scanned: a page fed in sideways or upside down reads as nothing legible.

Chinese print turned by 90° or 180° is still ink in lines and rules, so normalization and the
grid see nothing wrong; the recognizer does: read that way, every line of characters comes back
at low confidence (upright lines read at 0.85–1.0, turned ones at 0.0–0.5). So a page is read
as it comes, and only where its characters read poorly is it read again turned, keeping the
turn that reads best. Digits alone do not tell (0, 1 and 8 read the same upside down, 6 and 9
swap), so only words with Chinese characters are weighed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

import numpy as np

from govreport.ocr.assemble import Word
from govreport.text import is_cjk

LEGIBLE = 0.75  # mean confidence of a page's Chinese words read the right way up (seen 0.95-0.99)
# a page as it lies is taken at once where its Chinese reads this well (upright pages, clean to fax and
# halftone: 0.91-0.99) ...
_SURE = 0.9
_MIN_CHARS = 2  # Chinese characters a word needs to count: one alone reads confidently either way
_FEW = 20  # legible characters: fewer may be a few confident misreads of a page lying the wrong way
# ... or legibly and this much (upright table pages: 117-366): a table page lying sideways reads its
# short labels' characters one by one, some confidently (r008 at 270°: 0.81, 62 characters)
_MANY = 100
_BETTER = 1.5  # a turn must read this many times the legible characters of the page as it lies


def _chinese_words(words: Sequence[Word]) -> list[tuple[int, float]]:
    """(Chinese characters, confidence) of each word with at least ``_MIN_CHARS`` of them."""
    weighed = [(sum(is_cjk(ch) for ch in w.text), w.confidence) for w in words]
    return [(n, c) for n, c in weighed if n >= _MIN_CHARS]


def legibility(words: Sequence[Word]) -> float | None:
    """Mean confidence of the words with Chinese characters, weighted by their characters; None
    where the page holds none (it cannot tell its way up)."""
    weighed = _chinese_words(words)
    total = sum(n for n, _ in weighed)
    return sum(n * c for n, c in weighed) / total if total else None


def legible_characters(words: Sequence[Word]) -> float:
    """The Chinese characters read, each counted by its word's confidence: turned the wrong way a
    page yields few words of two characters or more, and those at low confidence."""
    return sum(n * c for n, c in _chinese_words(words))


class _Read(Protocol):
    @property
    def words(self) -> list[Word]: ...


ReadT = TypeVar("ReadT", bound=_Read)


def read_upright(image: np.ndarray, read: Callable[[np.ndarray], ReadT]) -> tuple[ReadT, int]:
    """``read`` of the page image the right way up, and the quarter turns (anticlockwise) that took:
    the image as it lies where it reads surely (``_SURE``), or legibly (``LEGIBLE``) and much
    (``_MANY``); else where a turn reads legibly and clearly more (``_BETTER``), the turn that
    reads the most."""
    best = read(image)
    score, characters = legibility(best.words), legible_characters(best.words)
    if score is not None and characters >= _FEW and (score >= _SURE or (score >= LEGIBLE and characters >= _MANY)):
        return best, 0
    best_turns, most = 0, _BETTER * characters
    for quarters in (1, 2, 3):
        turned = read(np.ascontiguousarray(np.rot90(image, quarters)))
        count, score = legible_characters(turned.words), legibility(turned.words)
        if count > most and score is not None and score >= LEGIBLE:
            best, best_turns, most = turned, quarters, count
    return best, best_turns


__all__ = ["LEGIBLE", "legibility", "legible_characters", "read_upright"]
