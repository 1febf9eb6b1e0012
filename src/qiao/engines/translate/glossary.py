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
        return (
            self._forms["zh"].get(key)
            or self._forms["en"].get(key)
            or next((e for e in self.entries if key in (f.casefold() for f in e.en)), None)
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
