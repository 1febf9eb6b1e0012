"""Glossary candidates: terms a reader's accepted fix suggests for the community glossary
(a dictionary-aligned word diff between the machine translation and the fix). Moderators
review every candidate; nothing here changes a translation by itself."""

from __future__ import annotations

import re

from .glossary import _HAN
from .lookup import get_cedict, segment_words

_EN_TOKEN = re.compile(r"[A-Za-z0-9]+(?:['’\-][A-Za-z0-9]+)*")
_GLOSS_WORD = re.compile(r"[a-z]+")
_STOP = frozenset(
    re.split(
        r"\s+",
        "a an the to of in on at for and or is are be it its this that with by as from my your "
        "sb sth one very so",
    )
)
#: the most a term may be: Chinese characters / English words
MAX_TERM_ZH = 12
MAX_TERM_EN = 6


def _target_tokens(text: str, lang: str) -> list[str]:
    if lang.split("-")[0] == "zh":
        return [w for w, _s, _e in segment_words(text) if w.strip() and not _PUNCT.fullmatch(w)]
    return _EN_TOKEN.findall(text)


_PUNCT = re.compile(r"[\W_]+")


def _stem(word: str) -> str:
    """Enough of a stemmer to tell "taxes" from "tax" is no change."""
    for suffix in ("ing", "es", "ed", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _join(tokens: list[str], lang: str) -> str:
    return ("" if lang.split("-")[0] == "zh" else " ").join(tokens).strip()


def _fits(zh: str, en: str) -> bool:
    return (
        bool(_HAN.search(zh))
        and len(zh) <= MAX_TERM_ZH
        and 0 < len(en.split()) <= MAX_TERM_EN
        and not _PUNCT.fullmatch(en)
    )


def _changes(machine: str, fixed: str, target_lang: str) -> list[tuple[list[str], str]]:
    """(replaced machine words, the reader's words) for every run the reader changed;
    neighbouring runs merged ("snail noodles" -> "river snail rice noodles"), inflections
    compared by stem (cat / cats is no change), articles trimmed off the reader's words."""
    import difflib

    english = target_lang.split("-")[0] != "zh"
    old_tokens = _target_tokens(machine, target_lang)
    new_tokens = _target_tokens(fixed, target_lang)

    def key(t: str) -> str:
        return _stem(t.casefold()) if english else t.casefold()

    matcher = difflib.SequenceMatcher(
        None, [key(t) for t in old_tokens], [key(t) for t in new_tokens], autojunk=False
    )
    runs: list[list[int]] = []  # [i1, i2, j1, j2] of each change, neighbours merged
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op not in ("replace", "insert"):
            continue
        if runs and j1 - runs[-1][3] <= 1 and i1 - runs[-1][1] <= 1:
            runs[-1][1], runs[-1][3] = i2, j2
        else:
            runs.append([i1, i2, j1, j2])
    out: list[tuple[list[str], str]] = []
    for i1, i2, j1, j2 in runs:
        new_run = new_tokens[j1:j2]
        if english:  # "adore my" -> "adore"
            while new_run and new_run[-1].casefold() in _STOP:
                new_run = new_run[:-1]
            while new_run and new_run[0].casefold() in _STOP:
                new_run = new_run[1:]
        if new_run:
            out.append(([t.casefold() for t in old_tokens[i1:i2]], _join(new_run, target_lang)))
    return out


def _source_hits(words: list[str], old: list[str], src_zh: bool) -> list[int]:
    """Positions of the source words the replaced machine words came from, by dictionary:
    a Chinese word whose English senses contain them, an English word whose Chinese
    equivalents they are."""
    cd = get_cedict()
    old_stems = {_stem(o) for o in old}
    hits: list[int] = []
    for i, w in enumerate(words):
        if src_zh:
            _p, senses, _t = cd.meanings(w)
            glosses = {_stem(g) for s in senses for g in _GLOSS_WORD.findall(s.lower())}
            score = len((glosses - _STOP) & old_stems)
        elif w in _STOP:
            continue
        else:
            eqs = {e.word for e in cd.english_equivalents(w, limit=10)}
            score = sum(1 for o in old if o in eqs)
        if score:
            hits.append(i)
    return hits


def _short_text(source: str, src_zh: bool) -> bool:
    if src_zh:
        bare = source.replace(" ", "").strip("。！!？?.")
        return len(_HAN.findall(source)) <= 8 and not _PUNCT.search(bare)
    return len(_EN_TOKEN.findall(source)) <= 4


def candidate_terms(
    source: str, machine: str, fixed: str, source_lang: str, target_lang: str, *, limit: int = 5
) -> list[tuple[str, str]]:
    """Glossary candidates learned from a reader's accepted fix, as (Chinese, English) pairs.

    The machine translation and the fix are compared word by word; every run of words the
    reader replaced or added is paired with the source words it translates: the source
    words whose dictionary senses the replaced words came from (zh→en: the machine said
    "like" for 喜欢, the reader wrote "adore"; en→zh: the English words whose Chinese
    equivalents the machine used), else the one source word the dictionary does not know
    (slang a model cannot translate), else — for a short text — the whole text.  A Chinese
    side has Han characters and at most 12 of them, an English side at most 6 words; a
    moderator reviews every candidate before it is used."""
    src_zh = source_lang.split("-")[0] == "zh"
    if src_zh == (target_lang.split("-")[0] == "zh"):
        return []
    if src_zh:
        words = [w for w, _s, _e in segment_words(source) if _HAN.search(w)]
    else:
        words = [w.casefold() for w in _EN_TOKEN.findall(source)]
    out: list[tuple[str, str]] = []

    def add(zh: str, en: str) -> None:
        pair = (zh.strip(), en.strip())
        if _fits(*pair) and pair not in out:
            out.append(pair)

    cd = get_cedict()
    unknown = [w for w in words if src_zh and len(w) >= 2 and not cd.lookup(w)]
    changes = _changes(machine, fixed, target_lang)
    for old, new in changes:
        hits = _source_hits(words, old, src_zh)
        if hits and hits[-1] - hits[0] < 4:
            # the source words the replaced words came from, with what lies between them
            span = words[hits[0] : hits[-1] + 1]
            if src_zh:
                add("".join(span), new)
            else:
                add(new, " ".join(span))
        elif len(unknown) == 1:
            add(unknown[0], new)
    if not out and changes and _short_text(source, src_zh):
        # a short text (a slang phrase, a comment of a few words) is a term by itself
        stripped_src = source.strip().strip("。！!？?.")
        stripped_fix = fixed.strip().strip("。！!？?.")
        if src_zh:
            add(stripped_src, stripped_fix)
        else:
            add(stripped_fix, stripped_src)
    return out[:limit]
