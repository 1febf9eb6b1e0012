"""Content features of notes: hashed TF-IDF over topics and text (Chinese by jieba when it is
installed, else character bigrams), plus a fixed random projection to a small dense vector
for the approximate-nearest-neighbour index.

Cross-language: with a `Glosser` (CC-CEDICT's English for a Chinese word), Chinese topics and
words also count as their English glosses, so 猫 and "cat" notes share features: a reader of
English cat notes is offered Chinese cat notes from content alone, before anyone engaged."""

from __future__ import annotations

import re
import threading
import zlib
from array import array
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import scipy.sparse as sp

_WORD = re.compile(r"[a-z0-9][a-z0-9'_-]+|[\u3400-\u9fff\uf900-\ufaff]+", re.IGNORECASE)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_STOP = frozenset(
    {
        "the",
        "a",
        "an",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "for",
        "with",
        "is",
        "it",
        "this",
        "that",
        "was",
        "are",
        "be",
        "as",
        "at",
        "by",
        "from",
        "i",
        "my",
        "you",
        "but",
        "not",
        "so",
        "very",
        "have",
        "has",
        "had",
        "they",
        "we",
        "he",
        "she",
        "its",
        "if",
        "than",
        "then",
        "too",
    }
)

try:  # optional: proper Chinese words
    import jieba as _jieba  # type: ignore[import-not-found, unused-ignore] # untyped

    _jieba.setLogLevel(60)
except Exception:  # noqa: BLE001 - any import problem means "not available"
    _jieba = None


def tokenize(text: str) -> list[str]:
    out: list[str] = []
    for m in _WORD.finditer(text.lower()):
        w = m.group(0)
        if _CJK.match(w):
            if _jieba is not None:
                out.extend(t for t in _jieba.lcut(w) if t.strip())
            else:
                out.extend(w[i : i + 2] for i in range(max(1, len(w) - 1)))
        elif w not in _STOP:
            out.append(w)
    return out


def _h(token: str, dims: int) -> int:
    return zlib.crc32(token.encode("utf-8")) % dims


class _Hasher:
    """crc32 buckets with a memo: a catalogue repeats a few hundred thousand distinct tokens
    tens of millions of times."""

    def __init__(self, dims: int, max_size: int = 2_000_000) -> None:
        self.dims = dims
        self.max_size = max_size
        self.memo: dict[str, int] = {}

    def __call__(self, token: str) -> int:
        j = self.memo.get(token)
        if j is None:
            j = _h(token, self.dims)
            if len(self.memo) < self.max_size:
                self.memo[token] = j
        return j


_HUES = (
    "red",
    "orange",
    "yellow",
    "lime",
    "green",
    "spring",
    "cyan",
    "azure",
    "blue",
    "violet",
    "magenta",
    "rose",
)


def visual_tokens(images: Sequence[tuple[str, str]]) -> list[str]:
    """Content tokens from the media pipeline's numbers for a note's photos: the colour
    family of each photo's dominant colour (12 hues x light/dark, or grey) — food shots,
    beaches and outfits have typical palettes — and the leading 16 bits of the first photo's
    perceptual hash, which near-identical photos (the same dish, a repost) share."""
    out: list[str] = []
    for k, (colour, phash) in enumerate(images[:3]):
        c = colour.lstrip("#")
        if len(c) == 6:
            try:
                r, g, b = (int(c[i : i + 2], 16) / 255.0 for i in (0, 2, 4))
            except ValueError:
                r = g = b = -1.0
            if r >= 0:
                hi, lo = max(r, g, b), min(r, g, b)
                tone = "light" if hi > 0.6 else "dark"
                if hi - lo < 0.15 * max(hi, 1e-9) or hi - lo < 0.06:
                    out.append(f"grey-{tone}")
                else:
                    d = hi - lo
                    if hi == r:
                        h = ((g - b) / d) % 6
                    elif hi == g:
                        h = (b - r) / d + 2
                    else:
                        h = (r - g) / d + 4
                    # 30-degree families centred on their hue (red is 345-15 degrees)
                    out.append(f"{_HUES[int((h * 60 + 15) / 30) % 12]}-{tone}")
        if k == 0 and len(phash) >= 4:
            out.append("ph:" + phash[:4].lower())
    return out


Glosser = Callable[[str], Sequence[str]]
"""English words for a Chinese word (empty when it has none)."""


class CedictGlosser:
    """`Glosser` over CC-CEDICT (the dictionary behind the word look-up and search's
    cross-language expansion): the words of a Chinese word's first two English glosses,
    without stop words, each also in its plural; memoised (a catalogue repeats the same few
    hundred thousand words)."""

    def __init__(self, max_words: int = 4, memo_size: int = 1_000_000) -> None:
        from qiao.engines.search.query import CedictLexicon

        self._lexicon = CedictLexicon()
        self.max_words = max_words
        self.memo_size = memo_size
        self._memo: dict[str, tuple[str, ...]] = {}

    def __call__(self, word: str) -> tuple[str, ...]:
        hit = self._memo.get(word)
        if hit is None:
            out: list[str] = []
            for gloss in self._lexicon.english_for(word)[:2]:
                for m in _WORD.finditer(gloss):
                    w = m.group(0)
                    if w not in _STOP and w not in out and not _CJK.match(w):
                        out.append(w)
            # English notes say "cats" as often as "cat": both forms, so #猫 meets #cats
            hit = tuple(dict.fromkeys(f for w in out[: self.max_words] for f in (w, _plural(w))))
            if len(self._memo) < self.memo_size:
                self._memo[word] = hit
        return hit


def _plural(word: str) -> str:
    if word.endswith("s") and not word.endswith("ss"):  # already plural ("noodles")
        return word
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


_glosser: list[CedictGlosser] = []
_glosser_lock = threading.Lock()


def default_glosser() -> CedictGlosser:
    """One CC-CEDICT glosser per process (loading the dictionary takes about a second)."""
    if _glosser:
        return _glosser[0]
    with _glosser_lock:
        if not _glosser:
            _glosser.append(CedictGlosser())
        return _glosser[0]


def note_tokens(
    topics: Sequence[str],
    text: str,
    images: Sequence[tuple[str, str]] = (),
    glosses: Glosser | None = None,
) -> list[tuple[str, float]]:
    tags = [t.lower().lstrip("#") for t in topics if t]
    words = tokenize(text)
    toks = [("t:" + t, 3.0) for t in tags]
    toks += [("w:" + w, 1.0) for w in words]
    toks += [("v:" + v, 0.5) for v in visual_tokens(images)]
    if glosses is not None:  # Chinese topics and words also count as their English
        for t in tags:
            if _CJK.search(t):
                toks += [("t:" + g, 1.5) for w in tokenize(t) if _CJK.match(w) for g in glosses(w)]
        toks += [("w:" + g, 0.5) for w in words if _CJK.match(w) for g in glosses(w)]
    return toks


def hash_rows(docs: Iterable[list[tuple[str, float]]], dims: int) -> sp.csr_matrix:
    """Rows of log(1 + hashed term weight). `docs` is consumed once, one document at a time,
    into compact typed arrays (a million notes' token lists would take gigabytes)."""
    h = _Hasher(dims)
    indptr = array("q", [0])
    idx = array("q")
    val = array("f")
    for d in docs:
        acc: dict[int, float] = {}
        for tok, w in d:
            j = h(tok)
            acc[j] = acc.get(j, 0.0) + w
        idx.extend(acc.keys())
        val.extend(acc.values())
        indptr.append(len(idx))
    data = np.log1p(np.frombuffer(val, dtype=np.float32)) if len(val) else np.zeros(0, np.float32)
    return sp.csr_matrix(
        (
            data.astype(np.float32),
            np.frombuffer(idx, dtype=np.int64).copy(),
            np.frombuffer(indptr, dtype=np.int64).copy(),
        ),
        shape=(len(indptr) - 1, dims),
    )


class ContentModel:
    """Hashed TF-IDF (fitted IDF) with L2-normalised rows; `project` gives dense vectors."""

    def __init__(self, dims: int = 1 << 18, embed_dims: int = 64) -> None:
        self.dims = dims
        self.embed_dims = embed_dims
        self.idf = np.ones(dims, dtype=np.float32)

    def fit(self, docs: Iterable[list[tuple[str, float]]]) -> sp.csr_matrix:
        raw = hash_rows(docs, self.dims)
        df = np.bincount(raw.indices, minlength=self.dims).astype(np.float32)
        n = max(1, raw.shape[0])
        self.idf = (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)
        return self._finish(raw)

    def transform(self, docs: Iterable[list[tuple[str, float]]]) -> sp.csr_matrix:
        return self._finish(hash_rows(docs, self.dims))

    def _finish(self, raw: sp.csr_matrix) -> sp.csr_matrix:
        m = raw.multiply(self.idf[None, :]).tocsr().astype(np.float32)
        norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel()) + 1e-9
        return (sp.diags((1.0 / norms).astype(np.float32)) @ m).tocsr()

    def project(self, m: sp.csr_matrix) -> np.ndarray:
        """Dense embed_dims vectors: m times a fixed pseudo-random ±1 matrix (generated by a
        hash of (column, dim), so nothing large is stored), then L2-normalised."""
        m = m.tocsr()
        cols = np.unique(m.indices)
        r = _random_signs(cols, self.embed_dims)
        lookup = np.searchsorted(cols, m.indices)
        sub = sp.csr_matrix((m.data, lookup, m.indptr), shape=(m.shape[0], len(cols)))
        out = np.asarray(sub @ r, dtype=np.float32)
        out /= np.linalg.norm(out, axis=1, keepdims=True) + 1e-9
        return out


def _random_signs(cols: np.ndarray, dims: int) -> np.ndarray:
    x = (cols.astype(np.uint64)[:, None] << np.uint64(8)) | np.arange(dims, dtype=np.uint64)
    # splitmix64 finaliser
    x = x + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    x = x ^ (x >> np.uint64(31))
    return np.where((x & np.uint64(1)) == 1, 1.0, -1.0).astype(np.float32)
