"""The community glossary: terms with a fixed rendering each way (issue 13).

猫税 is "cat tax", YYDS is "GOAT", 种草 is "got me wanting it", "no cap" is 说真的, and brand
names stay as written.  A :class:`Glossary` finds its terms in a text (longest match first,
case-insensitive for Latin script, on word boundaries) and gives their rendering for a
target language; the translation service turns every match into a protected span carrying
that rendering, so every engine honours it.  The look-up shows glossary entries first and
search expansion uses them.

The instance glossary (moderators' terms) is the platform's; ``data/glossary.tsv`` is the
starter set shipped with Qiao, and ``Glossary(entries)`` builds one from any rows.

English -> Chinese matching uses only English forms that are unmistakably the term: several
words ("cat tax", "no cap"), or written with capitals or digits (GOAT, OOTD, iPhone).  A
single ordinary word (like, save, vibe, foodie) is matched from Chinese to English only, so
"I like it" is never turned into 点赞.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "glossary.tsv"
_HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN_EDGE = re.compile(r"[A-Za-z0-9]")


@dataclass(frozen=True, slots=True)
class GlossaryEntry:
    """One term: its Chinese forms and English forms (the first of each is the rendering)."""

    zh: tuple[str, ...]
    en: tuple[str, ...]
    kind: str = "slang"
    note: str = ""

    def render(self, target: str) -> str:
        """The fixed rendering in ``target`` (``zh``/``zh-Hant`` -> Chinese, else English)."""
        return self.zh[0] if target.split("-")[0] == "zh" else self.en[0]

    def forms(self, source: str) -> tuple[str, ...]:
        """The forms matched in a text of language ``source``."""
        if source.split("-")[0] == "zh":
            return self.zh
        return tuple(f for f in self.en if _distinctive_english(f))


def _distinctive_english(form: str) -> bool:
    return " " in form.strip() or any(c.isupper() or c.isdigit() for c in form)


@dataclass(frozen=True, slots=True)
class GlossaryMatch:
    start: int
    end: int
    text: str
    entry: GlossaryEntry


class Glossary:
    """Terms with fixed renderings; thread-safe once built (read-only)."""

    def __init__(self, entries: Iterable[GlossaryEntry]) -> None:
        self.entries = tuple(entries)
        self._forms: dict[str, dict[str, GlossaryEntry]] = {"zh": {}, "en": {}}
        for e in self.entries:
            for lang in ("zh", "en"):
                for form in e.forms(lang):
                    self._forms[lang].setdefault(form.casefold(), e)
        self._patterns = {
            lang: _alternation(sorted(forms, key=len, reverse=True))
            for lang, forms in self._forms.items()
        }
        digest = hashlib.sha256(
            "\n".join(f"{'|'.join(e.zh)}\t{'|'.join(e.en)}" for e in self.entries).encode()
        )
        #: changes whenever a term or rendering changes (part of the translation cache key)
        self.version = digest.hexdigest()[:12]

    @classmethod
    def from_tsv(cls, path: Path = DATA) -> Glossary:
        entries = []
        for line in path.read_text("utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t") + ["", "", "", ""]
            zh = tuple(f.strip() for f in cols[0].split("|") if f.strip())
            en = tuple(f.strip() for f in cols[1].split("|") if f.strip())
            if zh and en:
                entries.append(GlossaryEntry(zh, en, cols[2].strip() or "slang", cols[3].strip()))
        return cls(entries)

    def __len__(self) -> int:
        return len(self.entries)

    def find(self, text: str, source: str) -> list[GlossaryMatch]:
        """Non-overlapping matches in ``text`` (written in ``source``), longest first at each
        position; Latin forms match case-insensitively and only as whole words, Chinese forms
        anywhere (and Latin forms inside Chinese text, e.g. YYDS)."""
        out: list[GlossaryMatch] = []
        langs = ["zh", "en"] if source.split("-")[0] == "zh" else ["en"]
        taken: list[tuple[int, int]] = []
        for lang in langs:
            pattern = self._patterns[lang]
            if pattern is None:
                continue
            for m in pattern.finditer(text):
                s, e = m.span()
                if any(a < e and s < b for a, b in taken):
                    continue
                form = m.group(0)
                if not _HAN.search(form):
                    before, after = text[s - 1 : s], text[e : e + 1]
                    if _LATIN_EDGE.match(before) or _LATIN_EDGE.match(after):
                        continue  # "cap" inside "capital" is not the term
                entry = self._forms[lang][form.casefold()]
                out.append(GlossaryMatch(s, e, form, entry))
                taken.append((s, e))
        return sorted(out, key=lambda x: x.start)

    def lookup(self, term: str) -> GlossaryEntry | None:
        key = term.strip().casefold()
        return self._forms["zh"].get(key) or self._forms["en"].get(key) or next(
            (e for e in self.entries if key in (f.casefold() for f in e.en)), None
        )

    def chinese_for(self, english: str) -> list[str]:
        """Chinese renderings of an English term ("cat tax" -> 猫税)."""
        key = english.strip().casefold()
        return [e.zh[0] for e in self.entries if key in (f.casefold() for f in e.en)]

    def english_for(self, chinese: str) -> list[str]:
        key = chinese.strip().casefold()
        return [e.en[0] for e in self.entries if key in (f.casefold() for f in e.zh)]


def _alternation(forms: list[str]) -> re.Pattern[str] | None:
    if not forms:
        return None
    return re.compile("|".join(re.escape(f) for f in forms), re.IGNORECASE)


@functools.lru_cache(maxsize=1)
def default_glossary() -> Glossary:
    """The starter glossary shipped with Qiao (``data/glossary.tsv``)."""
    return Glossary.from_tsv(DATA)


# --- candidates learned from readers' fixes ---------------------------------------------------

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
        from .lookup import segment_words

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
    from .lookup import get_cedict

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
    from .lookup import get_cedict, segment_words

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
