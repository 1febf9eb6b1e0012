"""Tokenisation shared by indexing and querying: one function turns any text into the
space-separated tokens both full-text back-ends (SQLite FTS5 ``unicode61``, PostgreSQL
``to_tsvector('simple', ...)``) then split on spaces without changing them.

- Chinese: Traditional folded to Simplified (OpenCC ``t2s``), then cut into words with the
  project's jieba + CC-CEDICT segmenter (``engines.translate.lookup.segment_words``, the one
  the word look-up uses). Words of three or more characters also index their dictionary
  sub-words (北京烤鸭 -> 北京, 烤鸭) so a shorter query still finds them.
- Latin and other scripts: NFKC, case-folded, accents removed, apostrophes dropped
  (``don't`` -> ``dont``, ``Lily's`` -> ``lily``) and a light plural stemmer (Harman's
  S-stemmer: ``dumplings`` -> ``dumpling``, ``cities`` -> ``city``; ``-ing``/``-ed`` are left
  alone: ``pudding`` must stay a pudding).
- A short stop-word list (English function words, Chinese particles) is dropped on both sides,
  so "the best dumplings" does not require "the" and a Chinese note can match it.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]+")
_HAN_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
#: Longest token kept (a pasted URL or a run of digits is not a word anyone searches for).
MAX_TOKEN = 40


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


EN_STOP = _words(
    "a an and are as at be but by for from has have i in into is it its of on or our so "
    "that the their then there these this those to was we were will with you your my me "
    "very just also"
)
ZH_STOP = _words("的 了 是 在 和 与 及 也 都 就 而 还 呢 吗 吧 啊 呀 着 过 把 被 之 个 很")


def stem(word: str) -> str:
    """Harman's S-stemmer (plurals only: conservative, predictable, no dictionary), with
    the sibilant plurals (dishes, boxes, glasses) cut back to their singular."""
    n = len(word)
    if n > 4 and word.endswith("ies") and not word.endswith(("eies", "aies")):
        return word[:-3] + "y"
    if n > 4 and word.endswith(("ches", "shes", "sses", "xes", "zes")):
        return word[:-2]
    if n > 3 and word.endswith("es") and not word.endswith(("aes", "ees", "oes")):
        return word[:-1]
    if n > 3 and word.endswith("s") and not word.endswith(("us", "ss")):
        return word[:-1]
    return word


def _strip_accents(word: str) -> str:
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word)
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    )


def latin_tokens(text: str, *, keep_stop: bool = False) -> list[tuple[str, str]]:
    """(surface, token) for every non-Chinese word: surface is the lower-cased word as
    written (for dictionary look-up), token the normalised, stemmed form that is indexed."""
    out: list[tuple[str, str]] = []
    for m in _WORD.finditer(unicodedata.normalize("NFKC", text)):
        surface = m.group().casefold().replace("’", "'")
        if surface.endswith("'s"):
            surface = surface[:-2]
        word = _strip_accents(surface.replace("'", ""))
        if not word or len(word) > MAX_TOKEN or (not keep_stop and word in EN_STOP):
            continue
        out.append((surface, stem(word) if word.isalpha() else word))
    return out


@functools.lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def fold(text: str) -> str:
    """Traditional -> Simplified Chinese (a no-op, and free, for text without Han)."""
    if not _HAN_CHAR.search(text):
        return text
    return str(_t2s().convert(text))


def _segment(run: str) -> list[str]:
    from qiao.engines.translate.lookup import segment_words

    return [w for w, _s, _e in segment_words(run)]


def _in_dictionary(word: str) -> bool:
    from qiao.engines.translate.lookup import _jieba_freq, get_cedict

    return bool(get_cedict().lookup(word)) or _jieba_freq().get(word, 0) > 0


def chinese_words(run: str, *, subwords: bool = False) -> list[str]:
    """Words of a run of (already folded) Chinese characters, stop words dropped."""
    out: list[str] = []
    for word in _segment(run):
        if not HAN_RUN.fullmatch(word) or word in ZH_STOP:
            continue
        out.append(word)
        if subwords and len(word) >= 3:
            for size in range(len(word) - 1, 1, -1):
                for i in range(len(word) - size + 1):
                    part = word[i : i + size]
                    if _in_dictionary(part):
                        out.append(part)
    return out


@dataclass(frozen=True, slots=True)
class Piece:
    """One word of a query: ``surface`` as written (lower-case), ``token`` as indexed,
    ``chinese`` whether it is a Chinese word."""

    surface: str
    token: str
    chinese: bool


def pieces(text: str, *, subwords: bool = False, keep_stop: bool = False) -> Iterator[Piece]:
    """Every word of ``text`` in order: Chinese runs segmented, the rest split into words."""
    text = fold(unicodedata.normalize("NFC", text))
    pos = 0
    for m in HAN_RUN.finditer(text):
        for surface, token in latin_tokens(text[pos : m.start()], keep_stop=keep_stop):
            yield Piece(surface, token, False)
        for word in chinese_words(m.group(), subwords=subwords):
            yield Piece(word, word, True)
        pos = m.end()
    for surface, token in latin_tokens(text[pos:], keep_stop=keep_stop):
        yield Piece(surface, token, False)


def tokenize(text: str, *, subwords: bool = True) -> list[str]:
    """Index tokens of ``text`` (with Chinese sub-words by default)."""
    return [p.token for p in pieces(text, subwords=subwords)]


@dataclass(frozen=True, slots=True)
class IndexedText:
    """A note as the index stores it: three columns of space-separated tokens, weighted
    title > topics > body when ranking."""

    title: str
    body: str
    topics: str


def index_text(title: str, body: str, topics: Iterable[str] = ()) -> IndexedText:
    """The pre-segmented document for one note (the same tokens a query produces)."""
    topic_tokens: list[str] = []
    for topic in topics:
        topic_tokens.extend(tokenize(topic.replace("_", " ")))
    return IndexedText(" ".join(tokenize(title)), " ".join(tokenize(body)), " ".join(topic_tokens))


#: Bump when the tokenizer's own rules change (stop words, stemming, sub-words).
TOKENIZER_REVISION = "1"


@functools.lru_cache(maxsize=1)
def segmenter_version() -> str:
    """A short hash of what decides how a text is cut into index tokens: the tokenizer's
    revision and the words jieba is given on top of its dictionary (the maintained
    lifestyle user dictionary and the starter glossary's Chinese terms). A document indexed
    under another version may not match the queries cut now (马面裙 was 马面 + 裙), so the
    platform re-indexes it."""
    import hashlib

    from qiao.engines.translate.lookup import user_words

    digest = hashlib.sha256(TOKENIZER_REVISION.encode())
    for word, freq in sorted(user_words().items()):
        digest.update(f"{word}\t{freq}\n".encode())
    return digest.hexdigest()[:12]


def warm_up() -> None:
    """Load the segmenter, the dictionary (with its English index) and OpenCC now (a few
    seconds, once per process), instead of in the first search or indexing task."""
    from qiao.engines.translate.lookup import _jieba, get_cedict

    _jieba()
    get_cedict().english_equivalents("warm")
    _t2s()
