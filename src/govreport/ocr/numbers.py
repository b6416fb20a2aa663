"""OCR's usual confusions in numbers: O/o/D for 0, l/I/| for 1, 。/， for the decimal point,
and points at either end of a number (specks of a photocopy).

Only text that is otherwise a number is changed, so labels keep their letters.
A changed reading is a little less sure than a clean one.
"""

from __future__ import annotations

import re

_CONFUSIONS = str.maketrans(
    {"O": "0", "o": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "|": "1", "。": ".", "，": "."}
)
_NUMBER_LIKE = re.compile(r"[-−]?[0-9OoDQlI|][0-9OoDQlI|。.，,\s]*")
_SPECKS = ".。，,、"
FIXED_CONFIDENCE = 0.9  # a number read through a confusion fix


def fix_number(text: str, confidence: float) -> tuple[str, float]:
    """``text`` with confusions undone where it reads as a number, and its confidence."""
    stripped = text.strip().strip(_SPECKS)  # a speck beside a number reads as a point
    if not _NUMBER_LIKE.fullmatch(stripped):
        return text, confidence
    fixed = stripped.translate(_CONFUSIONS)
    if fixed == text.strip():
        return text, confidence
    return fixed, min(confidence, FIXED_CONFIDENCE)
