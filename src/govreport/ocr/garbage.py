"""How much of a page's text layer is junk: a font without a ToUnicode map decodes to
glyph codes (control characters, Latin-1 letters, private-use code points, ``(cid:12)``),
never to the Chinese a report is written in.

The score is the share of a page's visible characters that no Chinese report
prints. Measured with ``eval/bench_pdf.py quality`` on r002 and the ten other
gold fixtures printed by Chromium (36 pages): every clean page scores 0.000,
every copy with its ToUnicode maps stripped 0.531–0.957. The threshold sits
well below the garbled pages and above what a clean page with some odd symbols
(a ※, a ✓) reaches; pages above ``GARBLED_SCORE`` go to OCR.
"""

from __future__ import annotations

import re

GARBLED_SCORE = 0.15
_MIN_CHARS = 10  # fewer visible characters say nothing either way
_CID = re.compile(r"\(cid:\d+\)")


def _is_expected(ch: str) -> bool:
    """A character Chinese reports print: CJK, digits, ASCII, CJK and full-width punctuation."""
    code = ord(ch)
    return (
        0x20 <= code < 0x7F
        or 0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x3000 <= code <= 0x303F  # CJK punctuation
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
        or 0x2010 <= code <= 0x206F  # dashes, quotes, ellipsis
        or code in (0xB7, 0xD7, 0xB1, 0x2236)  # · × ± ∶
        or 0x2460 <= code <= 0x24FF  # ①
        or 0x2160 <= code <= 0x217F  # Ⅰ
    )


def garbage_score(text: str) -> float:
    """Share of visible characters that are junk (0 for an empty or tiny text)."""
    text = _CID.sub("\ue000", text)  # a pdfminer-style cid code is one junk character
    visible = [ch for ch in text if not ch.isspace()]
    if len(visible) < _MIN_CHARS:
        return 0.0
    return sum(1 for ch in visible if not _is_expected(ch)) / len(visible)


def is_garbled(text: str) -> bool:
    return garbage_score(text) > GARBLED_SCORE
