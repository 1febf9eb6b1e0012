"""Public data types of the names engine (plain dataclasses, JSON-ready via ``to_dict``)."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

Gender = Literal["female", "male", "neutral"]
Style = Literal["sound-alike", "meaning-first", "balanced"]

GENDERS: tuple[str, ...] = ("female", "male", "neutral")
STYLES: tuple[str, ...] = ("sound-alike", "meaning-first", "balanced")
MAX_PART_LEN = 50
MAX_QUALITIES = 10

#: Latin letters that NFD does not split into a base letter and a mark
_UNDECOMPOSED = str.maketrans(
    {
        "đ": "d",
        "Đ": "D",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "ß": "ss",
        "æ": "ae",
        "Æ": "Ae",
        "œ": "oe",
        "Œ": "Oe",
        "ı": "i",
    }
)
_NAME_RE = re.compile(r"[A-Za-z]+(?:['’\- .][A-Za-z]+)*\.?")


class NameInputError(ValueError):
    """Bad input for the name helper; ``str(err)`` is a message fit to show the user.

    ``field`` says which input was wrong ("given", "surname", "gender", "style", "qualities").
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class _Dict:
    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = dataclasses.asdict(self)  # type: ignore[call-overload] # every subclass is a dataclass
        return out


def _clean_part(value: object, field_name: str, label: str, required: bool) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise NameInputError(field_name, f"{label} must be text.")
    text = unicodedata.normalize("NFC", value).strip()
    if not text:
        if required:
            raise NameInputError(field_name, f"Please enter your {label.lower()}.")
        return ""
    if len(text) > MAX_PART_LEN:
        raise NameInputError(
            field_name, f"{label} is too long ({len(text)} characters; at most {MAX_PART_LEN})."
        )
    # accented Latin letters are fine (José -> Jose, Đặng -> Dang: đ, ø, ł... do not decompose)
    folded = "".join(
        ch
        for ch in unicodedata.normalize("NFD", text.translate(_UNDECOMPOSED))
        if unicodedata.category(ch) != "Mn"
    )
    if not _NAME_RE.fullmatch(folded):
        bad = next(
            (ch for ch in folded if not (ch.isascii() and (ch.isalpha() or ch in "'’- ."))), ""
        )
        why = f" (found {bad!r})" if bad else ""
        raise NameInputError(
            field_name,
            f"{label} should be written in Latin letters, e.g. 'Emily'{why}.",
        )
    return folded.replace("’", "'")


@dataclass(frozen=True)
class NameRequest:
    """What the user typed. Validated on construction (raises NameInputError)."""

    given: str
    surname: str = ""
    gender: Gender | None = None
    qualities: tuple[str, ...] = ()
    style: Style = "balanced"
    count: int = 8

    def __post_init__(self) -> None:
        object.__setattr__(self, "given", _clean_part(self.given, "given", "Given name", True))
        object.__setattr__(self, "surname", _clean_part(self.surname, "surname", "Surname", False))
        g = self.gender or None
        if g is not None and g not in GENDERS:
            raise NameInputError("gender", f"Gender must be one of {', '.join(GENDERS)}.")
        object.__setattr__(self, "gender", g)
        style = (self.style or "balanced").replace("_", "-")
        if style not in STYLES:
            raise NameInputError("style", f"Style must be one of {', '.join(STYLES)}.")
        object.__setattr__(self, "style", style)
        quals = self.qualities
        if isinstance(quals, str):
            quals = tuple(q for q in re.split(r"[,，、\s]+", quals) if q)
        cleaned = []
        for q in quals:
            if not isinstance(q, str):
                raise NameInputError("qualities", "Qualities must be words.")
            q = unicodedata.normalize("NFC", q).strip().lower()
            if not q:
                continue
            if len(q) > 30 or not all(ch.isalpha() or ch in "- " for ch in q):
                raise NameInputError("qualities", f"Quality {q[:30]!r} is not a word.")
            cleaned.append(q)
        if len(cleaned) > MAX_QUALITIES:
            raise NameInputError("qualities", f"At most {MAX_QUALITIES} qualities, please.")
        object.__setattr__(self, "qualities", tuple(cleaned))
        if not (1 <= int(self.count) <= 10):
            raise NameInputError("count", "count must be between 1 and 10.")


@dataclass(frozen=True)
class CharInfo(_Dict):
    char: str
    pinyin: str  # tone-marked, e.g. "měi"
    meaning_en: str
    meaning_zh: str


@dataclass(frozen=True)
class AlternativeForm(_Dict):
    """Another attested or possible form of the name, with where it is used: ``region`` is
    "" (mainland / no mark), "tw" (Taiwan), "hk" (Hong Kong) or "variant" (a variant
    spelling), from CC-CEDICT's marks on the whole name or on one of its parts."""

    chinese: str
    pinyin: str
    region: str = ""


@dataclass(frozen=True)
class Transliteration(_Dict):
    """The standard form Chinese media would use, e.g. 埃米莉·约翰逊."""

    chinese: str
    pinyin: str  # tone-marked, parts separated by " · "
    source: str  # "dictionary" (every part attested), "phonetic" (every part generated), "mixed"
    parts: list[TransliterationPart] = field(default_factory=list)
    alternatives: list[str] = field(default_factory=list)
    #: the alternatives with their pinyin and region, mainland forms first
    alternative_forms: list[AlternativeForm] = field(default_factory=list)


@dataclass(frozen=True)
class TransliterationPart(_Dict):
    english: str
    chinese: str
    pinyin: str
    source: str  # "cc-cedict", "cedpane" or "phonetic"


@dataclass(frozen=True)
class CheckFailure(_Dict):
    """Why a name fails one check. ``check`` is a stable id for code and tests."""

    check: str  # "form" | "common_chars" | "surname" | "surname_reading" | "tones" | "repeats" |
    # "homophone" | "bad_char" | "gender"
    reason_en: str
    reason_zh: str


@dataclass(frozen=True)
class Suggestion(_Dict):
    chinese: str  # surname + given name, e.g. "江美琪"
    pinyin: str  # "Jiāng Měiqí"
    surname: str
    given: str
    characters: list[CharInfo]
    reason_en: str
    reason_zh: str
    score: float
    sound_score: float
    meaning_score: float


@dataclass(frozen=True)
class Rejection(_Dict):
    chinese: str
    pinyin: str
    failures: list[CheckFailure]


@dataclass(frozen=True)
class NameSuggestions(_Dict):
    request: dict[str, Any]
    transliteration: Transliteration
    suggestions: list[Suggestion]
    rejected: list[Rejection]
    elapsed_ms: float


class NameSuggesterProtocol(Protocol):
    """What the web/API layer depends on (``NameSuggester`` implements it)."""

    def suggest(self, request: NameRequest) -> NameSuggestions: ...

    def transliterate(
        self, given: str, surname: str = "", gender: str | None = None, use_lookup: bool = True
    ) -> Transliteration: ...
