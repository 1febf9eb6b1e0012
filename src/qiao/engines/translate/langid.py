"""Language identification for social text.

lingua (restricted to the configured languages) decides between alphabetic languages; rules
handle what statistical detectors get wrong on short, mixed social posts:

* text with no letters at all ("👍👍", "2024!!!", a bare URL) is ``und``;
* very short Latin text and internet interjections ("lol 😂", "omg", "haha") are ``und``;
* Han characters that outweigh the Latin words make the text Chinese ("这个 pizza 太好吃了");
  kana make it Japanese, Hangul Korean;
* Chinese is told apart as ``zh`` (Simplified) or ``zh-Hant`` (Traditional) with OpenCC.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .base import CHINESE, CHINESE_TRADITIONAL, UNDETERMINED

#: Languages the detector chooses among by default (ISO 639-1).
DEFAULT_LANGUAGES: tuple[str, ...] = ("en", "zh", "ja", "ko", "fr", "de", "es", "it", "pt", "ru")
#: Languages always recognised, even when the site does not use them, so that French on a
#: zh/en site is reported as ``fr`` (not translatable here) and never as the nearest site
#: language (issue 13).
RECOGNISED_LANGUAGES: tuple[str, ...] = DEFAULT_LANGUAGES
#: Romanized Chinese (pinyin with or without tones): not machine-translated; the look-up
#: offers characters for it (``lookup.pinyin_to_characters``).
ROMANIZED_CHINESE = "zh-Latn"
#: an outside language must be this sure before it wins over the best site language
OTHER_LANGUAGE_CONFIDENCE = 0.5

#: Interjections and slang that say nothing about the language of a post.
SLANG = frozenset(
    [
        "lol",
        "lmao",
        "lmfao",
        "rofl",
        "omg",
        "omfg",
        "wtf",
        "haha",
        "hahaha",
        "hahahaha",
        "hehe",
        "hihi",
        "xd",
        "xoxo",
        "ok",
        "okay",
        "k",
        "kk",
        "wow",
        "woo",
        "yay",
        "yey",
        "yeah",
        "yep",
        "nope",
        "hmm",
        "hmmm",
        "ugh",
        "ah",
        "ahh",
        "oh",
        "ooh",
        "uh",
        "um",
        "huh",
        "brb",
        "tbh",
        "idk",
        "imo",
        "imho",
        "btw",
        "gg",
        "ty",
        "thx",
        "pls",
        "plz",
        "np",
        "ig",
        "fr",
        "ngl",
        "smh",
        "fyi",
        "asap",
        "tfw",
        "mfw",
        "irl",
        "af",
        "sus",
        "bruh",
        "lit",
        "yas",
        "yass",
        "yum",
        "yummy",
        "yyds",
        "xswl",
        "awsl",
        "gm",
        "gn",
        "nb",
        "nom",
        "omnom",
        "ha",
        "hah",
        "aw",
        "aww",
        "awww",
        "ew",
        "eww",
        "ikr",
        "rn",
        "ily",
        "jk",
        "idc",
        "ofc",
        "istg",
        "nvm",
        "ttyl",
        "hbu",
        "wyd",
        "lmk",
        "tmi",
        "xdd",
        "nbcs",
        "dbq",
        "zqsg",
        "u1s1",
        "plmm",
        "bdjw",
    ]
)

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_MENTION = re.compile(r"@[\w.\-]+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
_KANA = re.compile(r"[\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9d]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f']+")


@dataclass(frozen=True, slots=True)
class DetectedLanguage:
    """Result of :func:`identify_language`: the code, a confidence in [0, 1], and which rule
    or model decided (useful when debugging a wrong label)."""

    code: str
    confidence: float
    method: str

    def __str__(self) -> str:
        return self.code


@functools.lru_cache(maxsize=1)
def _opencc() -> tuple[Any, Any]:
    import opencc

    return opencc.OpenCC("t2s"), opencc.OpenCC("s2t")


@functools.lru_cache(maxsize=65536)
def _char_kind(ch: str) -> int:
    """+1 for a Traditional-only character, -1 for Simplified-only, 0 for shared."""
    t2s, s2t = _opencc()
    if t2s.convert(ch) != ch:
        return 1
    if s2t.convert(ch) != ch:
        return -1
    return 0


def chinese_script(text: str) -> str:
    """``zh-Hant`` if the Han in ``text`` is mostly Traditional-only forms, else ``zh``."""
    score = sum(_char_kind(ch) for ch in set(_HAN.findall(text)))
    return CHINESE_TRADITIONAL if score > 0 else CHINESE


def to_simplified(text: str) -> str:
    return str(_opencc()[0].convert(text))


@functools.lru_cache(maxsize=1)
def _s2tw() -> Any:
    import opencc

    return opencc.OpenCC("s2twp")


def to_traditional(text: str) -> str:
    return str(_s2tw().convert(text))


class LanguageDetector:
    """A detector restricted to ``languages`` (ISO 639-1 codes). Thread-safe; build once."""

    def __init__(
        self, languages: Iterable[str] = DEFAULT_LANGUAGES, *, min_confidence: float = 0.2
    ) -> None:
        self.languages = tuple(dict.fromkeys(code.split("-")[0].lower() for code in languages))
        if not self.languages:
            raise ValueError("at least one language is needed")
        self._candidates = tuple(dict.fromkeys(self.languages + RECOGNISED_LANGUAGES))
        self.min_confidence = min_confidence
        self._lingua: Any = None
        self._lock = threading.Lock()

    def _detector(self) -> Any:
        with self._lock:
            if self._lingua is None:
                from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

                langs = []
                for code in self._candidates:
                    iso = getattr(IsoCode639_1, code.upper(), None)
                    if iso is None:
                        raise ValueError(f"unknown language code {code!r}")
                    langs.append(Language.from_iso_code_639_1(iso))
                if len(langs) == 1:  # lingua needs two; add one that rules never return
                    langs.append(Language.LATIN)
                self._lingua = LanguageDetectorBuilder.from_languages(*langs).build()
            return self._lingua

    def identify(self, text: str) -> DetectedLanguage:
        text = unicodedata.normalize("NFC", text or "")
        # What a language cannot be read from: links, addresses, handles; '#' of topics.
        stripped = _URL.sub(" ", text)
        stripped = _EMAIL.sub(" ", stripped)
        stripped = _MENTION.sub(" ", stripped).replace("#", " ")
        han = len(_HAN.findall(stripped))
        kana = len(_KANA.findall(stripped))
        hangul = len(_HANGUL.findall(stripped))
        latin_words = _LATIN_WORD.findall(stripped)
        letters = sum(1 for ch in stripped if ch.isalpha())
        if letters == 0:
            return DetectedLanguage(UNDETERMINED, 1.0, "rule:no-letters")
        # A lone の in a Chinese post does not make it Japanese: kana must be >= 10% of the Han.
        # Scripts are certain: kana is Japanese and Hangul Korean even when those languages are
        # not configured (the caller then sees a language it does not translate, not "zh").
        if kana and kana * 10 >= han and kana + han >= len(latin_words):
            return DetectedLanguage("ja", 0.95, "rule:kana")
        if hangul and hangul >= han and hangul >= len(latin_words):
            return DetectedLanguage("ko", 0.95, "rule:hangul")
        if han and han >= len(latin_words):
            script = chinese_script(stripped)
            return DetectedLanguage(script, 0.95, "rule:han")
        cjk = han + kana + hangul
        if not cjk and _is_tone_marked_pinyin(latin_words):
            return DetectedLanguage(ROMANIZED_CHINESE, 0.9, "rule:pinyin-tones")
        if not cjk:
            words = [w.lower().strip("'") for w in latin_words]
            content = [w for w in words if w and w not in SLANG and not _is_laugh(w)]
            if not content:
                return DetectedLanguage(UNDETERMINED, 0.9, "rule:slang")
            if is_toneless_pinyin(content):
                return DetectedLanguage(ROMANIZED_CHINESE, 0.8, "rule:pinyin")
            if sum(len(w) for w in content) < 3:
                return DetectedLanguage(UNDETERMINED, 0.8, "rule:too-short")
        # a long text's language is clear from its start; lingua's cost grows with length
        values = self._detector().compute_language_confidence_values(stripped[:2000])
        if not values:
            return DetectedLanguage(UNDETERMINED, 0.0, "lingua:none")
        best = values[0]
        code = best.language.iso_code_639_1.name.lower()
        if code not in self.languages:
            # a language the site does not use: report it when lingua is sure, else the
            # best site language if it is plausible at all
            site = next(
                (v for v in values if v.language.iso_code_639_1.name.lower() in self.languages),
                None,
            )
            if best.value >= OTHER_LANGUAGE_CONFIDENCE or site is None:
                confidence = float(best.value)
                if confidence < self.min_confidence:
                    return DetectedLanguage(UNDETERMINED, confidence, "lingua:low-confidence")
                return DetectedLanguage(code, confidence, "lingua:other")
            best = site
            code = best.language.iso_code_639_1.name.lower()
        if best.value < self.min_confidence:
            return DetectedLanguage(UNDETERMINED, float(best.value), "lingua:low-confidence")
        if code == "zh":
            code = chinese_script(stripped)
        return DetectedLanguage(code, float(best.value), "lingua")


_LAUGH = re.compile(
    r"^(?:(?:h[aeiou])+h?|(?:a?ha)+|(?:lo)+l|x+d+|k{3,}|h{3,}|(?:he)+|w+o+w+|o+k+|2{3,}|6{3,})$"
)


_TONE_MARKED = re.compile(r"[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]")
_PINYIN_SYLLABLE = re.compile(
    r"(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?"
    r"(?:iang|iong|uang|ang|eng|ing|ong|iao|ian|uai|uan|üan|ai|ao|an|ei|en|er|ia|ie|in|iu|ou|"
    r"ua|uo|ui|un|üe|ue|ün|a|o|e|i|u|ü|v)"
)
_PINYIN_WORD = re.compile(rf"(?:{_PINYIN_SYLLABLE.pattern})+")


_STRONG_PINYIN = re.compile(r"x|q|zh|ao|ou|ui|iu|ie|uo|ia")


@functools.lru_cache(maxsize=1)
def _valid_syllables() -> frozenset[str]:
    """Every toneless Mandarin syllable (ü written v), from the names engine's table of
    character readings (pypinyin's data); the regular expression above over-generates
    (co, ri-ca)."""
    from qiao.engines.names.pinyin import valid_syllables

    return valid_syllables()


@functools.lru_cache(maxsize=4096)
def is_pinyin_word(word: str) -> bool:
    """Is ``word`` (tone marks or not, ``xi'an``) a run of valid pinyin syllables?"""
    plain = "".join(
        ch for ch in unicodedata.normalize("NFD", word.lower()) if unicodedata.category(ch) != "Mn"
    )
    plain = plain.replace("ü", "v")
    parts = [p for p in re.split(r"['’]", plain) if p]
    if not parts or not all(p.isascii() and p.isalpha() for p in parts):
        return False
    valid = _valid_syllables()

    def splits(text: str) -> bool:
        if not text:
            return True
        return any(text[:n] in valid and splits(text[n:]) for n in range(min(6, len(text)), 0, -1))

    return all(splits(p) for p in parts)


@functools.lru_cache(maxsize=1)
def _english_pinyin_words() -> frozenset[str]:
    from pathlib import Path

    path = Path(__file__).resolve().parent / "data" / "english_pinyin_words.txt"
    lines = path.read_text("utf-8").splitlines()
    return frozenset(ln.strip() for ln in lines if ln.strip() and not ln.startswith("#"))


def is_toneless_pinyin(words: list[str]) -> bool:
    """ "ni hao", "wo ai ni", "jia you", "xie xie ni": romanized Chinese, not English.

    Every word must be a run of pinyin syllables, and at least half of them must not be
    English words as well (long, hang, can, men, she, china ... are; wo, ni, xie, jia are
    not), so "she can hang" stays English.  A single word needs two syllables or more
    ("nihao", "jiayou"), and not be English ("panda", "sushi")."""
    if not words:
        return False
    lowered = [w.lower().strip("'’") for w in words]
    if not all(is_pinyin_word(w) for w in lowered):
        return False
    english = _english_pinyin_words()
    chinese_only = [w for w in lowered if w not in english]
    if len(lowered) == 1:
        # one word: two syllables or more, and a spelling English hardly has (x, q, zh, ao,
        # ou, ui, iu, ie, uo, ia): "nihao", "jiayou", "xiexie" but not "sushi", "panda"
        w = lowered[0]
        syllables = len(_PINYIN_SYLLABLE.findall(w))
        return bool(chinese_only) and syllables >= 2 and _STRONG_PINYIN.search(w) is not None
    return len(chinese_only) * 2 >= len(lowered)


def _is_tone_marked_pinyin(words: list[str]) -> bool:
    """ "xièxie nǐ" is romanised Chinese, not English: no engine should translate it."""
    if not words or not any(_TONE_MARKED.search(w) for w in words):
        return False
    return all(is_pinyin_word(w) for w in words)


def _is_laugh(word: str) -> bool:
    return bool(_LAUGH.match(word))


_detectors: dict[tuple[str, ...], LanguageDetector] = {}
_detectors_lock = threading.Lock()


def get_detector(languages: Iterable[str] = DEFAULT_LANGUAGES) -> LanguageDetector:
    key = tuple(languages)
    with _detectors_lock:
        det = _detectors.get(key)
        if det is None:
            det = _detectors[key] = LanguageDetector(key)
        return det


def identify_language(text: str, languages: Iterable[str] = DEFAULT_LANGUAGES) -> DetectedLanguage:
    """Language of ``text`` with confidence and the deciding rule."""
    return get_detector(languages).identify(text)


def detect_language(text: str, languages: Iterable[str] = DEFAULT_LANGUAGES) -> str:
    """BCP-47-ish code for ``text``: ``zh``, ``zh-Hant``, ``en``, ``ja``, ..., or ``und``."""
    return get_detector(languages).identify(text).code
