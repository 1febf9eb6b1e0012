"""Pinyin helpers: tone numbers <-> tone marks, initials/finals, fuzzy keys.

Everything here works on *syllables* written in numbered pinyin ("zhang1", "lv3"/"lü3").
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

INITIALS: tuple[str, ...] = (
    "zh", "ch", "sh",
    "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h",
    "j", "q", "x", "r", "z", "c", "s", "y", "w",
)  # fmt: skip

_TONE_MARKS: dict[str, str] = {
    "a": "āáǎàa",
    "e": "ēéěèe",
    "i": "īíǐìi",
    "o": "ōóǒòo",
    "u": "ūúǔùu",
    "ü": "ǖǘǚǜü",
}

_MARK_TO_BASE: dict[str, tuple[str, int]] = {}
for _base, _marks in _TONE_MARKS.items():
    for _i, _m in enumerate(_marks[:4]):
        _MARK_TO_BASE[_m] = (_base, _i + 1)

# Fuzzy initials/finals that many speakers (and punsters) do not distinguish.
# zh/z, ch/c, sh/s and n/l are merged by many southern speakers, f/h in Fujian and Hunan.
_FUZZY_INITIALS: dict[str, str] = {"zh": "z", "ch": "c", "sh": "s", "n": "l", "f": "h"}
_FUZZY_FINALS: tuple[tuple[str, str], ...] = (
    ("iang", "ian"),
    ("uang", "uan"),
    ("ing", "in"),
    ("eng", "en"),
    ("ang", "an"),
)


@lru_cache(maxsize=8192)
def split_tone(syllable: str) -> tuple[str, int]:
    """'zhang1' -> ('zhang', 1); a syllable without a digit is tone 5 (neutral)."""
    s = syllable.strip().lower().replace("v", "ü").replace("u:", "ü")
    if s and s[-1].isdigit():
        return s[:-1], int(s[-1]) or 5
    # tone-marked input
    tone = 5
    out = []
    for ch in s:
        if ch in _MARK_TO_BASE:
            base, tone = _MARK_TO_BASE[ch]
            out.append(base)
        else:
            out.append(ch)
    return "".join(out), tone


@lru_cache(maxsize=8192)
def toneless(syllable: str) -> str:
    """'lü3' -> 'lv' (ASCII, for matching)."""
    return split_tone(syllable)[0].replace("ü", "v")


@lru_cache(maxsize=8192)
def tone_of(syllable: str) -> int:
    return split_tone(syllable)[1]


@lru_cache(maxsize=8192)
def split_initial(syllable: str) -> tuple[str, str]:
    """('zh', 'ang') for 'zhang1'; ('', 'ai') for 'ai4'."""
    base = toneless(syllable)
    for ini in INITIALS:
        if base.startswith(ini) and len(base) > len(ini):
            return ini, base[len(ini) :]
    return "", base


@lru_cache(maxsize=8192)
def fuzzy_key(syllable: str) -> str:
    """Toneless syllable with fuzzy initials and -ng/-n merged, for homophone matching."""
    ini, fin = split_initial(syllable)
    ini = _FUZZY_INITIALS.get(ini, ini)
    for long, short in _FUZZY_FINALS:
        if fin.endswith(long):
            fin = fin[: -len(long)] + short
            break
    return ini + fin


@lru_cache(maxsize=4096)
def mark(syllable: str) -> str:
    """'zhang1' -> 'zhāng'; 'lv3' -> 'lǚ'; neutral tone stays unmarked."""
    base, tone = split_tone(syllable)
    if tone not in (1, 2, 3, 4):
        return base
    # Standard placement rules: a/e take the mark; 'ou' marks o; otherwise the last vowel.
    if "a" in base:
        idx = base.index("a")
    elif "e" in base:
        idx = base.index("e")
    elif "ou" in base:
        idx = base.index("o")
    else:
        idx = -1
        for i, ch in enumerate(base):
            if ch in "aeiouü":
                idx = i
        if idx < 0:
            return base
    vowel = base[idx]
    return base[:idx] + _TONE_MARKS[vowel][tone - 1] + base[idx + 1 :]


def marked_name(syllables: list[str], surname_len: int = 1) -> str:
    """['jiang1','mei3','qi2'] -> 'Jiāng Měiqí' (surname, space, given name run together)."""
    marks = [mark(s) for s in syllables]
    sur = "".join(marks[:surname_len])
    given = ""
    for i, m in enumerate(marks[surname_len:]):
        # apostrophe before a/o/e-initial syllables inside a word (Xī'ān)
        if i > 0 and m[:1] in "aeoāáǎàēéěèōóǒò":
            given += "'"
        given += m
    return " ".join(p[:1].upper() + p[1:] for p in (sur, given) if p)


def strip_marks(text: str) -> str:
    return "".join(
        ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn"
    )


@lru_cache(maxsize=1)
def _readings() -> dict[str, str]:
    from pathlib import Path

    path = Path(__file__).resolve().parent / "data" / "char_readings.tsv"
    out: dict[str, str] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line[0] != "#":
                char, readings = line.rstrip("\n").split("\t")
                out[char] = readings
    return out


def char_reading(char: str) -> str:
    """The main reading of one character, numbered ('丽' -> 'li4').

    From a table derived from pypinyin's per-character data (data/char_readings.tsv);
    pypinyin itself is not imported at run time: its phrase tables add ~200k objects that
    the garbage collector would scan on every full collection."""
    value = _readings().get(char)
    return value.split(",", 1)[0] if value else char


@lru_cache(maxsize=1)
def valid_syllables() -> frozenset[str]:
    """Every toneless Mandarin syllable."""
    out = set()
    for value in _readings().values():
        for p in value.split(","):
            out.add(p.rstrip("012345"))
    return frozenset(out)


@lru_cache(maxsize=1)
def _translit_readings() -> dict[str, str]:
    from pathlib import Path

    path = Path(__file__).resolve().parent / "data" / "translit_readings.tsv"
    out: dict[str, str] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line[0] != "#" and line.strip():
                cols = line.rstrip("\n").split("\t")
                out[cols[0]] = cols[1]
    return out


def name_char_reading(char: str) -> str:
    """How a character is read inside a transliterated foreign name: 勒 le4 (泰勒), 什 shi2
    (阿什利), 更 geng1 (狄更斯); otherwise its main reading.  The table is the majority
    reading of each character over CC-CEDICT's transliterated names (build_data)."""
    return _translit_readings().get(char) or char_reading(char)


def text_readings(text: str, *, names: bool = False) -> str:
    """Numbered readings of a string, space separated ('乔丹' -> 'qiao2 dan1'); with
    ``names=True`` a transliterated name's readings ('泰勒' -> 'tai4 le4')."""
    read = name_char_reading if names else char_reading
    return " ".join(read(c) for c in text if not c.isspace() and c != "·")
