"""A character vocabulary in pure Python: GB2312's characters plus ASCII and the
full-width forms reports print, one id per character.

Whitespace is kept as three tokens (space, line break, tab) because layout is a
strong signal: a heading stands at the start of a line, a table cell between tabs.
Characters are NFKC-folded first where that maps one character to one (full-width
digits and punctuation share the ASCII ids), so offsets stay one to one.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

PAD, UNK, SPACE, NEWLINE, TAB = "[PAD]", "[UNK]", "[SP]", "[NL]", "[TAB]"
SPECIALS = (PAD, UNK, SPACE, NEWLINE, TAB)


@lru_cache(maxsize=65536)
def fold(ch: str) -> str:
    """The token a character is read as."""
    if ch == "\n":
        return NEWLINE
    if ch == "\t":
        return TAB
    if ch.isspace():
        return SPACE
    folded = unicodedata.normalize("NFKC", ch)
    return folded if len(folded) == 1 and not folded.isspace() else ch


def gb2312_chars() -> list[str]:
    """Every character GB2312 encodes (its two-byte rows A1–F7), in code order."""
    chars = []
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.append(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


class CharVocab:
    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.index = {t: i for i, t in enumerate(tokens)}
        self.unk_id = self.index[UNK]

    @classmethod
    def build(cls, extra_text: str = "") -> CharVocab:
        """GB2312 + printable ASCII + the characters of ``extra_text`` (the corpus)."""
        seen: dict[str, None] = dict.fromkeys(SPECIALS)
        for ch in [*map(chr, range(0x21, 0x7F)), *gb2312_chars(), *extra_text]:
            seen.setdefault(fold(ch), None)
        return cls(list(seen))

    @classmethod
    def load(cls, path: str | Path) -> CharVocab:
        return cls(Path(path).read_text(encoding="utf-8").split("\n"))

    def save(self, path: str | Path) -> None:
        Path(path).write_text("\n".join(self.tokens), encoding="utf-8")

    def __len__(self) -> int:
        return len(self.tokens)

    def encode(self, text: str) -> list[int]:
        """One id per character of ``text``."""
        index, unk = self.index, self.unk_id
        return [index.get(fold(ch), unk) for ch in text]
