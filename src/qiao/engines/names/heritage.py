"""Romanized Asian surnames -> the characters they stand for (issue 13).

An American called Amy Zhang, Tommy Chan, Chris Nguyen or Jennifer Kim already has a surname
in characters (张, 陈, 阮, 金); sounding it out as if it were English (撒杭, 诺吉耶恩) is wrong.
This module recognises a surname written in any of the usual romanizations and returns the
candidate characters, best first:

* **mainland pinyin**, from the 1,017-surname corpus (``surnames.tsv``) with its CC-CEDICT
  surname readings, written without tones, with ü as u / v / yu (吕: Lu, Lv, Lyu, Lü), and
  two-syllable surnames run together or spaced (欧阳: Ouyang, Ou-yang);
* **Wade-Giles** as Taiwan passports write it (no apostrophes or diacritics), generated from
  the same pinyin by the conversion rules of the system (zh/j -> ch, q -> ch, x -> hs,
  z -> ts, r -> j, b/d/g -> p/t/k, -ong -> -ung, -ian -> -ien, -ie -> -ieh, -i after
  zh/ch/sh/r -> -ih, zi/ci/si -> tzu/tzu/ssu, -uo -> -o, ü -> u): 张 Chang, 许 Hsu,
  郑 Cheng, 蔡 Tsai, 郭 Kuo, 谢 Hsieh;
* **Cantonese** (Hong Kong government romanization, as on identity cards: 陈 Chan, 黄 Wong,
  张 Cheung, 吴 Ng, 刘 Lau, 梁 Leung, 曾 Tsang, 叶 Yip), **Korean** (Revised Romanization,
  McCune-Reischauer and passport spellings: 金 Kim, 李 Lee/Yi/Rhee, 朴 Park, 郑 Jung/Chung),
  **Vietnamese** (the Hán-Việt surnames: 阮 Nguyen, 陈 Tran, 黎 Le, 黄 Hoang/Huynh, 武 Vu/Vo)
  and **Japanese** (Hepburn, with the long-vowel spellings Satou/Satoh/Sato; the kanji in
  simplified form: 佐藤, 铃木, 渡边) from the table ``data/heritage_surnames.tsv``.

Candidates are ranked by ``weight(system) x share of that surname in its population x
spelling weight`` summed over the systems that produce the same characters (the usual spelling
weighs 1, the others 0.5).  The system weights approximate the size of each diaspora that
writes its names this way (US census 2020 Asian-alone groups, Cantonese and Taiwanese as
parts of the Chinese group), so Wong gives 黄 before 王 and Lee gives 李 first.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .paths import PACKAGE_DATA
from .pinyin import split_initial, text_readings, toneless

#: How much a spelling in each system counts (see the module docstring).
SYSTEM_WEIGHTS: dict[str, float] = {
    "pinyin": 1.0,
    "wade-giles": 0.35,
    "cantonese": 0.6,
    "korean": 0.6,
    "vietnamese": 0.6,
    "japanese": 0.4,
}
SECONDARY_SPELLING = 0.5


@dataclass(frozen=True)
class SurnameMatch:
    """One reading of a romanized surname: 黄 for "Wong" (Cantonese)."""

    chinese: str
    pinyin: str  # numbered Mandarin reading, e.g. "huang2"
    systems: tuple[str, ...]  # the romanizations that spell it this way, best first
    score: float

    @property
    def system(self) -> str:
        return self.systems[0]


def fold_key(word: str) -> str:
    """'Nguyễn' -> 'nguyen', 'Au-Yeung' -> 'auyeung', 'Lü' -> 'lu' (ASCII letters only)."""
    text = word.lower().replace("đ", "d").replace("ü", "u")
    text = "".join(
        ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn"
    )
    return re.sub(r"[^a-z]", "", text)


# ------------------------------------------------------------------ pinyin -> romanizations


def pinyin_spellings(syllable: str) -> list[str]:
    """Toneless spellings of one pinyin syllable as people write it ('lü3' -> lu, lv, lyu)."""
    base = toneless(syllable)  # ü as v
    if "v" not in base:
        return [base]
    return list(dict.fromkeys([base.replace("v", "u"), base, base.replace("v", "yu")]))


_WG_INITIAL = {
    "b": "p", "p": "p", "d": "t", "t": "t", "g": "k", "k": "k", "zh": "ch", "ch": "ch",
    "j": "ch", "q": "ch", "x": "hs", "z": "ts", "c": "ts", "r": "j", "sh": "sh", "s": "s",
    "h": "h", "m": "m", "f": "f", "n": "n", "l": "l", "y": "y", "w": "w", "": "",
}  # fmt: skip


def wade_giles(syllable: str) -> str:
    """One toneless pinyin syllable in Wade-Giles as Taiwan passports write it
    (no apostrophes, no diacritics): zhang -> chang, xu -> hsu, cai -> tsai, guo -> kuo."""
    ini, fin = split_initial(syllable)
    fin = fin.replace("v", "u")
    if ini in ("zh", "ch", "sh", "r") and fin == "i":
        return {"zh": "chih", "ch": "chih", "sh": "shih", "r": "jih"}[ini]
    if ini in ("z", "c", "s") and fin == "i":
        return {"z": "tzu", "c": "tzu", "s": "ssu"}[ini]
    if ini == "y":
        body = {
            "an": "en",
            "e": "eh",
            "ue": "ueh",
            "uan": "uan",
            "ong": "ung",
            "i": "i",
            "ou": "u",
            "u": "u",
            "un": "un",
            "in": "in",
            "ing": "ing",
        }.get(fin, fin)
        return "i" if fin == "i" else "y" + body
    if ini == "" and fin in ("e", "er"):
        return {"e": "o", "er": "erh"}[fin]
    # finals
    if fin.endswith("ong"):
        fin = fin[:-3] + "ung"
    elif fin == "ian":
        fin = "ien"
    elif fin == "ie":
        fin = "ieh"
    elif fin in ("ue", "ve"):
        fin = "ueh"
    elif fin == "uo" and ini not in ("g", "k", "h", "sh") or fin == "e" and ini in ("g", "k", "h"):
        fin = "o"
    elif fin == "ui":
        fin = "ui" if ini in ("z", "c", "s", "zh", "ch", "sh", "r") else "uei"
    elif fin == "iong":
        fin = "iung"
    return _WG_INITIAL.get(ini, ini) + fin


# ------------------------------------------------------------------ the index


@dataclass(frozen=True)
class _Row:
    system: str
    chinese: str
    share: float
    spellings: tuple[str, ...]


def _mainland_rows(path: Path) -> list[_Row]:
    rows: list[tuple[str, str, float]] = []
    total = 0.0
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            chars, pinyin, freq = cols[0], cols[1], float(cols[2])
            total += freq
            rows.append((chars, pinyin, freq))
    out: list[_Row] = []
    for chars, pinyin, freq in rows:
        syls = pinyin.split()
        if len(syls) != len(chars):
            continue
        share = 100.0 * freq / total
        variants = [""]
        for s in syls:
            variants = [v + sp for v in variants for sp in pinyin_spellings(s)]
        out.append(_Row("pinyin", chars, share, tuple(variants)))
        out.append(_Row("wade-giles", chars, share, ("".join(wade_giles(s) for s in syls),)))
    return out


def _table_rows(path: Path) -> list[_Row]:
    out: list[_Row] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            system, chars, share = cols[0], cols[1], float(cols[2])
            spellings = [fold_key(s) for s in cols[3].split(",") if fold_key(s)]
            if system == "japanese":
                spellings += [v for s in spellings for v in _long_vowels(s)]
            out.append(_Row(system, chars, share, tuple(dict.fromkeys(spellings))))
    return out


def _long_vowels(hepburn: str) -> list[str]:
    """Japanese long o written ou / oh / oo as well as o (Sato: Satou, Satoh; Ito: Itoh)."""
    out = []
    for m in re.finditer(r"o(?![aeiou])", hepburn):
        i = m.end()
        for ext in ("u", "h", "o"):
            out.append(hepburn[:i] + ext + hepburn[i:])
    return out


class HeritageSurnames:
    """Spelling -> ranked characters, over every system."""

    def __init__(self, data_dir: Path = PACKAGE_DATA) -> None:
        rows = _mainland_rows(data_dir / "surnames.tsv")
        rows += _table_rows(data_dir / "heritage_surnames.tsv")
        scores: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        systems: dict[str, dict[str, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
        for row in rows:
            w = SYSTEM_WEIGHTS[row.system]
            for i, sp in enumerate(row.spellings):
                s = w * row.share * (1.0 if i == 0 else SECONDARY_SPELLING)
                prev = systems[sp][row.chinese].get(row.system, 0.0)
                if s > prev:  # one system counts once per spelling and character
                    scores[sp][row.chinese] += s - prev
                    systems[sp][row.chinese][row.system] = s
        self._surnames = frozenset(row.chinese for row in rows)
        self._index: dict[str, list[tuple[str, float, tuple[str, ...]]]] = {}
        for sp, by_char in scores.items():
            ranked = sorted(by_char.items(), key=lambda kv: -kv[1])
            self._index[sp] = [
                (
                    ch,
                    sc,
                    tuple(k for k, _ in sorted(systems[sp][ch].items(), key=lambda kv: -kv[1])),
                )
                for ch, sc in ranked
            ]
        self._readings: dict[str, str] = {}
        with open(data_dir / "surnames.tsv", encoding="utf-8") as fh:
            for ln in fh:
                if ln.strip() and not ln.startswith("#"):
                    cols = ln.rstrip("\n").split("\t")
                    self._readings[cols[0]] = cols[1]

    def reading(self, chinese: str) -> str:
        """Mandarin reading of a surname: its surname reading if known (朴 piao2)."""
        return self._readings.get(chinese) or text_readings(chinese)

    def known(self, chinese: str) -> bool:
        """Is ``chinese`` one of the surnames this table can produce?"""
        return chinese in self._surnames

    def lookup(self, word: str, limit: int = 5) -> list[SurnameMatch]:
        key = fold_key(word)
        hits = self._index.get(key, [])
        return [SurnameMatch(ch, self.reading(ch), sy, round(sc, 4)) for ch, sc, sy in hits[:limit]]

    def spellings(self) -> list[str]:
        return sorted(self._index)


@lru_cache(maxsize=1)
def default_heritage() -> HeritageSurnames:
    return HeritageSurnames()


def romanized_surname(word: str, limit: int = 5) -> list[SurnameMatch]:
    """The characters a romanized Asian surname stands for, best first; [] if it is none.

    >>> [m.chinese for m in romanized_surname("Wong")][:2]
    ['黄', '王']
    """
    return default_heritage().lookup(word, limit)
