"""Types shared by every part of the translation engine: the protocol, results, errors, limits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

#: Longest text (in characters, after NFC normalisation) that one ``translate`` item may have.
MAX_TEXT_CHARS = 10_000

#: Language codes the engine knows how to talk about. ``zh`` is Simplified Chinese,
#: ``zh-Hant`` Traditional Chinese, ``und`` means "could not tell".
UNDETERMINED = "und"
CHINESE = "zh"
CHINESE_TRADITIONAL = "zh-Hant"
ENGLISH = "en"


def base_language(code: str) -> str:
    """``zh-Hant`` -> ``zh``; every model in this package is trained on Simplified Chinese."""
    return code.split("-", 1)[0].lower()


class TranslationError(Exception):
    """Base class of everything this package raises on purpose."""


class TranslationInputError(TranslationError, ValueError):
    """The request itself is wrong (a 4xx for the API layer). Retrying will not help."""


class EmptyText(TranslationInputError):
    """An item is empty or only whitespace."""


class TextTooLong(TranslationInputError):
    """An item is longer than :data:`MAX_TEXT_CHARS`."""

    def __init__(self, length: int, limit: int = MAX_TEXT_CHARS) -> None:
        super().__init__(f"text is {length} characters long; the limit is {limit}")
        self.length = length
        self.limit = limit


class UnsupportedLanguagePair(TranslationInputError):
    """No configured engine translates between these languages (or a side is ``und``)."""

    def __init__(self, source: str, target: str, detail: str = "") -> None:
        msg = f"translation from {source!r} to {target!r} is not supported"
        super().__init__(msg + (f": {detail}" if detail else ""))
        self.source = source
        self.target = target


class TranslationUnavailable(TranslationError):
    """Every engine failed, timed out or had no model. Show the original; retry later.

    ``reasons`` maps engine name to why it was skipped or failed.
    """

    def __init__(self, source: str, target: str, reasons: dict[str, str]) -> None:
        detail = "; ".join(f"{k}: {v}" for k, v in reasons.items()) or "no engine configured"
        super().__init__(f"translation {source}->{target} unavailable ({detail})")
        self.source = source
        self.target = target
        self.reasons = reasons


class EngineError(TranslationError):
    """One engine failed (bad response, model error). The service moves on to the next one."""


class EngineTimeout(EngineError):
    """One engine took longer than its timeout."""


class ModelNotInstalled(EngineError):
    """The engine is configured but has no model for the pair."""


@dataclass(frozen=True, slots=True)
class TranslationResult:
    """One translated text. ``engine``/``model_version`` say what produced it (store them)."""

    text: str
    source: str
    target: str
    engine: str
    model_version: str
    cached: bool = False


@runtime_checkable
class Translator(Protocol):
    """What an engine implements. Engines see plain sentences: the service has already split
    the text and replaced @mentions, #topics, URLs, emoji, numbers and code with placeholders
    (``⟦0⟧``, ``⟦1⟧``, ...), which they should copy through unchanged if they can.

    An engine may set ``whole_lines = True`` to get whole lines instead of sentences (models
    with their own sentence handling or that profit from context, e.g. LLMs).

    ``translate`` gets base language codes (``zh``, ``en``), returns exactly one output per input,
    in order, and raises :class:`EngineError` (or any exception) on failure; it should give up
    after ``timeout`` seconds where it can (the service also enforces the timeout).
    """

    name: str

    @property
    def version(self) -> str:
        """Engine software version (e.g. ``ctranslate2-4.8.5``)."""
        ...

    def supports(self, source: str, target: str) -> bool:
        """Cheap check (no network, no model loading) whether a model for the pair is configured."""
        ...

    def model_version(self, source: str, target: str) -> str:
        """Identifies the model used for the pair; part of the cache key."""
        ...

    def translate(self, texts: list[str], source: str, target: str, timeout: float) -> list[str]:
        """Translate sentences; one output per input."""
        ...
