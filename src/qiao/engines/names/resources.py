"""Loading the shipped data files (lazily, once per process)."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .paths import PACKAGE_DATA
from .translit import JointModel, load_aligned


@dataclass(frozen=True)
class NameChar:
    char: str
    pinyin: str  # numbered, e.g. "mei3"
    gender: str  # "f", "m" or "n"
    meaning_en: str
    meaning_zh: str
    qualities: tuple[str, ...]


@dataclass(frozen=True)
class Surname:
    char: str
    pinyin: str
    freq: int
    reading_source: str


@dataclass(frozen=True)
class BadWord:
    word: str
    gloss_en: str
    source: str  # "curated", "cc-cedict/jieba"
    freq: int = 0  # jieba frequency (how readily the word comes to mind)
    tones: str = ""  # e.g. "3 3" for 阳痿
    category: str = ""  # curated: bodily, vulgar, insult, animal, illness, unlucky, ...


def _rows(path: Path) -> list[list[str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return [line.rstrip("\n").split("\t") for line in fh if line.strip() and line[0] != "#"]


def gb2312_level1() -> frozenset[str]:
    """The 3,755 level-1 (most common) characters of GB 2312, from Python's codec."""
    chars = set()
    for region in range(16, 56):
        for offset in range(1, 95):
            try:
                chars.add(bytes((region + 0xA0, offset + 0xA0)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return frozenset(chars)


class Resources:
    """All data the engine needs at run time. Each table loads on first use."""

    def __init__(self, data_dir: Path = PACKAGE_DATA) -> None:
        self.data_dir = data_dir

    @cached_property
    def name_chars(self) -> dict[str, NameChar]:
        out: dict[str, NameChar] = {}
        for r in _rows(self.data_dir / "name_chars.tsv"):
            r += [""] * (6 - len(r))
            quals = tuple(q for q in r[5].split(",") if q)
            out[r[0]] = NameChar(r[0], r[1], r[2], r[3], r[4], quals)
        return out

    @cached_property
    def surnames(self) -> dict[str, Surname]:
        out: dict[str, Surname] = {}
        for r in _rows(self.data_dir / "surnames.tsv"):
            out[r[0]] = Surname(r[0], r[1], int(float(r[2])), r[3])
        return out

    @cached_property
    def name_char_freq(self) -> dict[str, tuple[int, int]]:
        """char -> (male count, female count) in a corpus of real Chinese names."""
        return {r[0]: (int(r[1]), int(r[2])) for r in _rows(self.data_dir / "name_char_freq.tsv")}

    @cached_property
    def common_chars(self) -> frozenset[str]:
        """GB2312 level 1, plus the 1,500 characters most used in real given names."""
        top = list(self.name_char_freq)[:1500]
        return gb2312_level1() | frozenset(top)

    @cached_property
    def puns(self) -> dict[str, BadWord]:
        """Curated classic puns, keyed by toneless pinyin (no spaces)."""
        from .pinyin import toneless

        out: dict[str, BadWord] = {}
        for r in _rows(self.data_dir / "puns.tsv"):
            r += [""] * (5 - len(r))
            key = "".join(toneless(p) for p in r[1].split())
            tones = " ".join(p[-1] if p[-1:].isdigit() else "5" for p in r[1].split())
            out.setdefault(key, BadWord(r[3] or r[0], r[2], "curated", 0, tones, r[4]))
        return out

    @cached_property
    def bad_words(self) -> dict[str, BadWord]:
        """Negative/vulgar words from CC-CEDICT glosses and jieba, keyed by toneless pinyin."""
        out: dict[str, BadWord] = {}
        for r in _rows(self.data_dir / "bad_words.tsv.gz"):
            r += [""] * (5 - len(r))
            tones = " ".join(p[-1] if p[-1:].isdigit() else "5" for p in r[4].split())
            out[r[0]] = BadWord(r[1], r[2], "cc-cedict/jieba", int(r[3] or 0), tones)
        return out

    @cached_property
    def lookup(self) -> dict[str, list[tuple[str, str]]]:
        """English name (lower case) -> [(chinese, source)] in preference order."""
        out: dict[str, list[tuple[str, str]]] = {}
        for r in _rows(self.data_dir / "lookup.tsv.gz"):
            forms = []
            for item in r[1].split("|"):
                chinese, _, source = item.partition(":")
                forms.append((chinese, source))
            out[r[0]] = forms
        return out

    @cached_property
    def phrase_words(self) -> frozenset[str]:
        """Everyday two-character adjectives, verbs and idioms (see build_phrase_words)."""
        return frozenset(r[0] for r in _rows(self.data_dir / "phrase_words.tsv"))

    @cached_property
    def name_forms(self) -> dict[str, dict[str, frozenset[str]]]:
        """English name (lower case) -> {chinese form: flags} from CC-CEDICT; flags are
        ``tw`` / ``hk`` (a Taiwan or Hong Kong form), ``var`` (a variant of another form) and
        ``famous`` (the established form for a famous bearer)."""
        out: dict[str, dict[str, frozenset[str]]] = {}
        for r in _rows(self.data_dir / "name_forms.tsv.gz"):
            forms: dict[str, frozenset[str]] = {}
            for item in r[1].split("|"):
                chinese, _, flags = item.partition(":")
                forms[chinese] = frozenset(f for f in flags.split(",") if f)
            out[r[0]] = forms
        return out

    @cached_property
    def translit_model(self) -> JointModel:
        """Spelling -> characters."""
        return JointModel(load_aligned(self.data_dir / "translit_aligned.txt.gz"))

    @cached_property
    def phone_model(self) -> JointModel:
        """CMUdict phones -> characters."""
        return JointModel(load_aligned(self.data_dir / "translit_phone_aligned.txt.gz"))


_DEFAULT: Resources | None = None


def default_resources() -> Resources:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Resources()
    return _DEFAULT
