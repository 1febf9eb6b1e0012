"""Queries: the user's words, each with its cross-language alternatives, rendered for
SQLite FTS5 (``MATCH``) or PostgreSQL (``tsquery``).

A query is a list of groups, one per word the user typed. A group matches when any of its
terms does: the word itself (weight 1) or one of its expansions (weight
``EXPANSION_WEIGHT``): the Chinese equivalents of an English word, the English meanings of
a Chinese word (from CC-CEDICT, through a `Lexicon`). Groups are AND-ed; the caller falls
back to OR when nothing matches every word.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from .text import HAN_RUN, latin_tokens, pieces

#: How much an expansion counts next to a word the user typed.
EXPANSION_WEIGHT = 0.5
#: Expansions per word (each one widens the query; the first ones are the common words).
MAX_EXPANSIONS = 3
#: Words per query (the rest are ignored).
MAX_GROUPS = 12


@dataclass(frozen=True, slots=True)
class Term:
    """One token, or a phrase of adjacent tokens (``pot sticker``)."""

    tokens: tuple[str, ...]
    weight: float
    original: bool

    @property
    def text(self) -> str:
        return " ".join(self.tokens)


@dataclass(frozen=True, slots=True)
class Group:
    word: str
    terms: tuple[Term, ...]


@dataclass(frozen=True, slots=True)
class SearchQuery:
    text: str
    groups: tuple[Group, ...]

    def __bool__(self) -> bool:
        return bool(self.groups)

    @property
    def has_expansions(self) -> bool:
        return any(not t.original for g in self.groups for t in g.terms)

    def expansions(self) -> list[str]:
        """The words added by cross-language expansion, for display."""
        return list(dict.fromkeys(
            t.text for g in self.groups for t in g.terms if not t.original))

    def originals(self) -> SearchQuery:
        """The same query without expansions."""
        return SearchQuery(self.text, tuple(
            Group(g.word, tuple(t for t in g.terms if t.original)) for g in self.groups))

    # --- rendering ---------------------------------------------------------------------

    def fts5(self, *, require_all: bool = True) -> str:
        """An FTS5 MATCH expression: ``("dumpling" OR "饺子") AND ("beijing" OR "北京")``."""
        def term(t: Term) -> str:
            return '"' + " ".join(t.tokens).replace('"', '""') + '"'

        groups = ["(" + " OR ".join(term(t) for t in g.terms) + ")" for g in self.groups]
        return (" AND " if require_all else " OR ").join(groups)

    def tsquery(self, *, require_all: bool = True) -> str:
        """A PostgreSQL tsquery literal (cast with ``::tsquery``, no parser involved):
        ``('dumpling' | '饺子') & ('pot' <-> 'sticker')``."""
        def lexeme(tok: str) -> str:
            return "'" + tok.replace("\\", "\\\\").replace("'", "''") + "'"

        def term(t: Term) -> str:
            if len(t.tokens) == 1:
                return lexeme(t.tokens[0])
            return "(" + " <-> ".join(lexeme(x) for x in t.tokens) + ")"

        groups = ["(" + " | ".join(term(t) for t in g.terms) + ")" for g in self.groups]
        return (" & " if require_all else " | ").join(groups)


class Lexicon(Protocol):
    """Cross-language word look-up (CC-CEDICT in production, a dict in tests)."""

    def chinese_for(self, english_word: str) -> list[str]:
        """Chinese words for an English word, most common first."""
        ...

    def english_for(self, chinese_word: str) -> list[str]:
        """Short English meanings of a Chinese word, most useful first."""
        ...


_PAREN = re.compile(r"\([^)]*\)|\[[^\]]*\]")
# Senses a reader would not mean: 猫 "(dialect) to hide oneself" is not what a search for 猫
# is about, nor what makes a 猫 note like a "cat" note.
_MARGINAL = re.compile(r"^\((?:dialect|old|archaic|literary|classical|coll\.|slang|"
                       r"Internet slang|onom\.|abbr\. for [^)]*)\)", re.IGNORECASE)
_LEADING = re.compile(r"^(?:to|a|an|the|be) ")


class CedictLexicon:
    """`Lexicon` over the word look-up's CC-CEDICT (``english_equivalents``, ``meanings``)."""

    def chinese_for(self, english_word: str) -> list[str]:
        from qiao.engines.translate.lookup import get_cedict

        cd = get_cedict()
        out: list[str] = []
        for eq in cd.english_equivalents(english_word, limit=MAX_EXPANSIONS + 3):
            if len(eq.word) == 1:
                # A single character is a word only when this is its main sense
                # (猫 "cat" yes, 团 "dumpling" - first "round; group" - no).
                _p, meanings, _t = cd.meanings(eq.word)
                if eq.meaning not in meanings[:2]:
                    continue
            out.append(eq.word)
        return out

    def english_for(self, chinese_word: str) -> list[str]:
        from qiao.engines.translate.lookup import get_cedict

        _pinyin, meanings, _trad = get_cedict().meanings(chinese_word)
        out: list[str] = []
        for sense in [m for m in meanings if not _MARGINAL.match(m)][:2]:
            for gloss in sense.split(";"):
                gloss = _PAREN.sub("", gloss).split(",")[0].strip().lower()
                gloss = _LEADING.sub("", gloss)
                if gloss and len(gloss.split()) <= 3 and gloss not in out:
                    out.append(gloss)
        return out


def _terms_for_english(phrase: str) -> tuple[str, ...]:
    return tuple(tok for _s, tok in latin_tokens(phrase))


def build_query(text: str, lexicon: Lexicon | None = None, *,
                expand: bool = True) -> SearchQuery:
    """Parse what the user typed into weighted groups, expanded across languages."""
    lex: Lexicon = lexicon if lexicon is not None else CedictLexicon()
    words = list(pieces(text))
    if not words:  # only stop words: search for them as typed
        words = list(pieces(text, keep_stop=True))
    groups: list[Group] = []
    seen: set[str] = set()
    for piece in words:
        if piece.token in seen:
            continue
        seen.add(piece.token)
        terms = [Term((piece.token,), 1.0, True)]
        if expand and not piece.token.isdigit():
            extra: list[tuple[str, ...]] = []
            if piece.chinese:
                for meaning in lex.english_for(piece.surface):
                    toks = _terms_for_english(meaning)
                    if toks:
                        extra.append(toks)
            else:
                for word in lex.chinese_for(piece.surface):
                    if HAN_RUN.fullmatch(word):
                        extra.append((word,))
            have = {t.tokens for t in terms}
            for toks in extra:
                if toks not in have and len(have) <= MAX_EXPANSIONS:
                    have.add(toks)
                    terms.append(Term(toks, EXPANSION_WEIGHT, False))
        groups.append(Group(piece.surface, tuple(terms)))
        if len(groups) >= MAX_GROUPS:
            break
    return SearchQuery(text, tuple(groups))


def query_tokens(query: SearchQuery) -> Sequence[str]:
    """Every token of the query (originals and expansions)."""
    return [tok for g in query.groups for t in g.terms for tok in t.tokens]
