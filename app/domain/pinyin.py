"""Pinyin initials of Chinese text, for finding items by typing e.g. "shbzk" for 社会保障卡.

A character with several readings (长 cháng/zhǎng, 行 xíng/háng) gives several spellings; all of
them are kept, so the clerk finds 长寿 by "cs" without a phrase dictionary.
"""

from __future__ import annotations

from itertools import product

MAX_VARIANTS = 16


class PinyinInitials:
    def __init__(self, table: dict[str, str]):
        self.table = table               # character → the initials of its readings, e.g. "长" → "zc"

    @classmethod
    def parse(cls, text: str) -> PinyinInitials:
        """From lines of a character followed by its initials ("长zc")."""
        return cls({line[0]: line[1:] for line in text.splitlines() if len(line) > 1})

    def variants(self, text: str) -> list[str]:
        """Every spelling of the text's initials (characters without a reading are skipped), at most
        MAX_VARIANTS, the most common readings first."""
        choices = [self.table[ch] for ch in text if ch in self.table]
        out: list[str] = []
        for letters in product(*choices):
            out.append("".join(letters))
            if len(out) == MAX_VARIANTS:
                break
        return out
