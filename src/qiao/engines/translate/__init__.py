"""Translation engine (plain Python, no Django): language ID, pluggable translators with ordered
fallback, a cache interface, faithful handling of social text, word look-up, model install.

Typical use from the platform::

    from qiao.engines.translate import (
        build_service_from_config, config_from_env, detect_language, lookup_words,
        translation_status, install_models, TranslationUnavailable,
    )
    service = build_service_from_config(**config_from_env(), cache=my_cache)
    lang = detect_language(note.body)             # "zh", "zh-Hant", "en", ..., "und"
    [res] = service.translate([note.body], lang, "en")
"""

from .base import (
    MAX_TEXT_CHARS,
    EmptyText,
    EngineError,
    EngineTimeout,
    ModelNotInstalled,
    TextTooLong,
    TranslationError,
    TranslationInputError,
    TranslationResult,
    TranslationUnavailable,
    Translator,
    UnsupportedLanguagePair,
)
from .cache import InMemoryLRUCache, NullCache, TranslationCache, cache_key, text_hash
from .config import build_service_from_config, config_from_env, warm_up
from .glossary import Glossary, GlossaryEntry, GlossaryMatch, default_glossary
from .install import TranslationStatus, install_models, translation_status
from .langid import (
    DEFAULT_LANGUAGES,
    ROMANIZED_CHINESE,
    DetectedLanguage,
    LanguageDetector,
    detect_language,
    identify_language,
)
from .lookup import (
    Equivalent,
    PinyinMatch,
    Reading,
    WordEntry,
    lookup_word,
    lookup_words,
    pinyin_to_characters,
)
from .manifest import InstallError, IntegrityError, Manifest, read_manifest
from .service import TranslationService
from .text import SpanToken, split_spans

__all__ = [
    "DEFAULT_LANGUAGES",
    "ROMANIZED_CHINESE",
    "Glossary",
    "GlossaryEntry",
    "GlossaryMatch",
    "PinyinMatch",
    "Reading",
    "SpanToken",
    "default_glossary",
    "pinyin_to_characters",
    "split_spans",
    "MAX_TEXT_CHARS",
    "DetectedLanguage",
    "EmptyText",
    "EngineError",
    "EngineTimeout",
    "Equivalent",
    "InMemoryLRUCache",
    "InstallError",
    "IntegrityError",
    "LanguageDetector",
    "Manifest",
    "ModelNotInstalled",
    "NullCache",
    "TextTooLong",
    "TranslationCache",
    "TranslationError",
    "TranslationInputError",
    "TranslationResult",
    "TranslationService",
    "TranslationStatus",
    "TranslationUnavailable",
    "Translator",
    "UnsupportedLanguagePair",
    "WordEntry",
    "build_service_from_config",
    "cache_key",
    "config_from_env",
    "detect_language",
    "identify_language",
    "install_models",
    "lookup_word",
    "lookup_words",
    "read_manifest",
    "text_hash",
    "translation_status",
    "warm_up",
]
