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
from typing import TYPE_CHECKING, Protocol

from .text import HAN_RUN, Piece, chinese_words, latin_tokens, pieces

if TYPE_CHECKING:
    from qiao.engines.translate.glossary import Glossary

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
        if len(self.tokens) > 1 and all(HAN_RUN.fullmatch(t) for t in self.tokens):
            return "".join(self.tokens)  # a Chinese word the index holds in pieces
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
        return list(dict.fromkeys(t.text for g in self.groups for t in g.terms if not t.original))

    def originals(self) -> SearchQuery:
        """The same query without expansions."""
        return SearchQuery(
            self.text,
            tuple(Group(g.word, tuple(t for t in g.terms if t.original)) for g in self.groups),
        )

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
_MARGINAL = re.compile(
    r"^\((?:dialect|old|archaic|literary|classical|coll\.|slang|"
    r"Internet slang|onom\.|abbr\. for [^)]*)\)",
    re.IGNORECASE,
)
_LEADING = re.compile(r"^(?:to|a|an|the|be) ")


class CedictLexicon:
    """`Lexicon` over the word look-up's CC-CEDICT (``english_equivalents``, ``meanings``,
    ``proper_equivalents``) and the community glossary (``glossary``: the instance's terms;
    the starter set by default).  ``chinese_for`` also takes phrases ("milk tea" -> 奶茶,
    "hot pot" -> 火锅, "cat tax" -> 猫税) and place names (Chongqing -> 重庆)."""

    def __init__(self, glossary: Glossary | None = None) -> None:
        self._glossary = glossary

    @property
    def glossary(self) -> Glossary:
        from qiao.engines.translate.glossary import default_glossary

        return self._glossary if self._glossary is not None else default_glossary()

    def chinese_for(self, english_word: str) -> list[str]:
        from qiao.engines.translate.lookup import get_cedict

        cd = get_cedict()
        out: list[str] = [
            t for t in self.glossary.chinese_for(english_word) if HAN_RUN.fullmatch(t)
        ]
        common: list[str] = []
        for eq in cd.english_equivalents(english_word, limit=MAX_EXPANSIONS + 3):
            # An equivalent counts only when this is one of its main senses: 猫 "cat" yes,
            # 马脚 (an idiom whose gloss mentions a cat) or 团 "dumpling" (first "round;
            # group") no.  Sense order is CC-CEDICT's, most frequent first.
            _p, meanings, _t = cd.meanings(eq.word)
            main = [m for m in meanings if not _MARGINAL.match(m)][:2]
            if eq.meaning not in main:
                continue
            common.append(eq.word)
        # a place or proper noun typed in English or pinyin (Chongqing, Sichuan): first when
        # the word has no common equivalent, else after them ("sun" is 太阳 before 孙)
        proper = [eq.word for eq in cd.proper_equivalents(english_word, limit=2)]
        out += common + proper if common else proper
        return list(dict.fromkeys(out))

    def english_for(self, chinese_word: str) -> list[str]:
        from qiao.engines.translate.lookup import get_cedict

        _pinyin, meanings, _trad = get_cedict().meanings(chinese_word)
        out: list[str] = [t.casefold() for t in self.glossary.english_for(chinese_word)]
        for sense in [m for m in meanings if not _MARGINAL.match(m)][:2]:
            for gloss in sense.split(";"):
                gloss = _PAREN.sub("", gloss).split(",")[0].strip().lower()
                gloss = _LEADING.sub("", gloss)
                if gloss and len(gloss.split()) <= 3 and gloss not in out:
                    out.append(gloss)
        return out


def _english_candidates(lex: Lexicon, piece: Piece) -> list[str]:
    """Chinese words for an English query word: for a plural, the singular's and the
    plural's equivalents interleaved (friends -> 朋友 before the rare 俦 glossed "friends";
    glasses keeps 眼镜 next to 玻璃)."""
    as_typed = lex.chinese_for(piece.surface)
    if piece.token == piece.surface or not piece.token.isalpha():
        return as_typed
    singular = lex.chinese_for(piece.token)
    merged: list[str] = []
    for i in range(max(len(singular), len(as_typed))):
        for source in (singular, as_typed):
            if i < len(source) and source[i] not in merged:
                merged.append(source[i])
    return merged


def _phrases(words: list[Piece], lex: Lexicon) -> dict[int, tuple[int, list[str]]]:
    """Start position -> (number of words, Chinese words) for runs of 2-3 adjacent English
    words that the lexicon knows as one expression (milk tea, hot pot, bubble tea)."""
    out: dict[int, tuple[int, list[str]]] = {}
    pos = 0
    while pos < len(words):
        for n in (3, 2):
            run = words[pos : pos + n]
            if len(run) < n or any(p.chinese for p in run):
                continue
            spaced = " ".join(p.surface for p in run)
            found = [w for w in lex.chinese_for(spaced) if HAN_RUN.fullmatch(w)]
            if not found and n == 2:  # "moon cake" is written mooncake in the dictionary
                joined = spaced.replace(" ", "")
                found = [w for w in lex.chinese_for(joined) if HAN_RUN.fullmatch(w)]
            found = found[:MAX_EXPANSIONS]
            if found:
                out[pos] = (n, found)
                pos += n - 1
                break
        pos += 1
    return out


def _as_indexed(chinese: str) -> tuple[str, ...]:
    """A Chinese expansion as the index cut it: one token for a word the segmenter knows
    (奶茶), a phrase of tokens for a glossary term it does not (a moderator's 电子榨菜 is
    indexed 电子 榨菜), so the expansion matches the notes that contain it."""
    return tuple(chinese_words(chinese)) or (chinese,)


def _terms_for_english(phrase: str) -> tuple[str, ...]:
    return tuple(tok for _s, tok in latin_tokens(phrase))


def build_query(text: str, lexicon: Lexicon | None = None, *, expand: bool = True) -> SearchQuery:
    """Parse what the user typed into weighted groups, expanded across languages."""
    lex: Lexicon = lexicon if lexicon is not None else CedictLexicon()
    words = list(pieces(text))
    only_stop = not words
    if only_stop:  # only stop words: search for them as typed, never expanded ("the")
        words = list(pieces(text, keep_stop=True))
    groups: list[Group] = []
    seen: set[str] = set()
    phrases = _phrases(words, lex) if expand and not only_stop else {}
    skip_until = -1
    for pos, piece in enumerate(words):
        if pos <= skip_until:
            continue
        if pos in phrases:
            # "milk tea" is 奶茶, not 奶 + 茶: the phrase is one group, matched as a phrase
            n, chinese = phrases[pos]
            toks = tuple(p.token for p in words[pos : pos + n])
            phrase_terms = [Term(toks, 1.0, True)]
            phrase_terms += [Term(_as_indexed(w), EXPANSION_WEIGHT, False) for w in chinese]
            groups.append(
                Group(" ".join(p.surface for p in words[pos : pos + n]), tuple(phrase_terms))
            )
            seen.update(toks)
            skip_until = pos + n - 1
            continue
        if piece.token in seen:
            continue
        seen.add(piece.token)
        terms = [Term((piece.token,), 1.0, True)]
        if expand and not only_stop and not piece.token.isdigit():
            extra: list[tuple[str, ...]] = []
            if piece.chinese:
                for meaning in lex.english_for(piece.surface):
                    toks = _terms_for_english(meaning)
                    if toks:
                        extra.append(toks)
            else:
                for word in _english_candidates(lex, piece):
                    if HAN_RUN.fullmatch(word):
                        extra.append(_as_indexed(word))
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
