"""Writes resources/pinyin_initials.txt: every reading's initial of each common Chinese character.

Run after upgrading pypinyin: .venv/bin/python scripts/make_pinyin_initials.py
The workstation searches the catalogue by pinyin initials with this small table (about 200 KB in
memory) instead of loading pypinyin's dictionaries (about 56 MB) into every clerk's process.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from pypinyin.pinyin_dict import pinyin_dict

OUT = Path(__file__).resolve().parents[1] / "resources" / "pinyin_initials.txt"
BLOCKS = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF))      # CJK extension A and the unified ideographs


def initial(reading: str) -> str:
    return unicodedata.normalize("NFD", reading)[0].lower()


def main() -> None:
    lines = []
    for code in sorted(pinyin_dict):
        if any(lo <= code <= hi for lo, hi in BLOCKS):
            letters = "".join(dict.fromkeys(initial(r) for r in pinyin_dict[code].split(",") if r))
            if letters.isascii() and letters.isalpha():
                lines.append(f"{chr(code)}{letters}")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(lines)} characters")


if __name__ == "__main__":
    main()
