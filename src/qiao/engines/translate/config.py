"""Build a :class:`TranslationService` from settings (plain values or environment variables)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .base import Translator
from .cache import InMemoryLRUCache, TranslationCache
from .glossary import Glossary
from .service import DEFAULT_LANGUAGES, TranslationService

ENGINE_NAMES = ("bergamot", "ctranslate2", "libretranslate", "openai", "dictionary-gloss")
DEFAULT_ENGINES = ("bergamot", "ctranslate2", "libretranslate", "openai")


def build_service_from_config(
    engines: Sequence[str] = DEFAULT_ENGINES,
    models_dir: str | Path = "models",
    cache: TranslationCache | None = None,
    *,
    languages: Sequence[str] = DEFAULT_LANGUAGES,
    timeout: float = 20.0,
    batch_size: int = 32,
    threads: int = 2,
    bergamot_instances: int = 1,
    libretranslate_url: str | None = None,
    libretranslate_api_key: str | None = None,
    openai_base_url: str | None = None,
    openai_model: str | None = None,
    openai_api_key: str | None = None,
    glossary: Glossary | None = None,
) -> TranslationService:
    """Engines are tried in the order given. Engines that need a setting that is missing (an
    HTTP engine without its URL) are left out, with the reason in ``service.notes``; engines
    with no model are kept and skipped per request, so installing models needs no restart.

    ``models_dir`` holds ``bergamot/`` and ``ctranslate2/`` (see :mod:`.install`);
    ``glossary`` holds the terms every engine renders the same way (the instance glossary:
    ``service.glossary`` may be replaced later, when the terms change).
    """
    root = Path(models_dir)
    built: list[Translator] = []
    notes: dict[str, str] = {}
    for name in engines:
        name = name.strip().lower()
        if name == "bergamot":
            from .engines.bergamot import BergamotTranslator

            built.append(BergamotTranslator(root / "bergamot", instances=bergamot_instances))
        elif name in ("ctranslate2", "ct2"):
            from .engines.ct2 import CTranslate2Translator

            built.append(CTranslate2Translator(root / "ctranslate2", threads=threads))
        elif name == "libretranslate":
            if not libretranslate_url:
                notes[name] = "not configured (QIAO_LIBRETRANSLATE_URL is empty)"
                continue
            from .engines.http import LibreTranslateTranslator

            built.append(
                LibreTranslateTranslator(libretranslate_url, api_key=libretranslate_api_key)
            )
        elif name == "openai":
            if not (openai_base_url and openai_model):
                notes[name] = "not configured (QIAO_TRANSLATE_OPENAI_URL/_MODEL are empty)"
                continue
            from .engines.http import OpenAICompatibleTranslator

            built.append(
                OpenAICompatibleTranslator(openai_base_url, openai_model, api_key=openai_api_key)
            )
        elif name in ("dictionary-gloss", "gloss"):
            from .engines.gloss import DictionaryGlossTranslator

            built.append(DictionaryGlossTranslator())
        elif name:
            raise ValueError(
                f"unknown translation engine {name!r}; known: {', '.join(ENGINE_NAMES)}"
            )
    return TranslationService(
        engines=built,
        cache=cache if cache is not None else InMemoryLRUCache(),
        languages=tuple(languages),
        timeout=timeout,
        batch_size=batch_size,
        notes=notes,
        glossary=glossary,
    )


def config_from_env(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Keyword arguments for :func:`build_service_from_config` from ``QIAO_*`` variables:

    ``QIAO_TRANSLATE_ENGINES`` (comma list, default ``bergamot,ctranslate2,libretranslate,openai``),
    ``QIAO_MODELS_DIR`` (default ``models``; translation uses ``<dir>/translate``),
    ``QIAO_TRANSLATE_TIMEOUT``, ``QIAO_TRANSLATE_THREADS``,
    ``QIAO_TRANSLATE_BERGAMOT_INSTANCES``, ``QIAO_LIBRETRANSLATE_URL``,
    ``QIAO_LIBRETRANSLATE_API_KEY``, ``QIAO_TRANSLATE_OPENAI_URL``,
    ``QIAO_TRANSLATE_OPENAI_MODEL``, ``QIAO_TRANSLATE_OPENAI_API_KEY``.
    """
    env = os.environ if environ is None else environ
    engines = [e for e in env.get("QIAO_TRANSLATE_ENGINES", ",".join(DEFAULT_ENGINES)).split(",")]
    return {
        "engines": [e.strip() for e in engines if e.strip()],
        "models_dir": Path(env.get("QIAO_MODELS_DIR", "models")) / "translate",
        "timeout": float(env.get("QIAO_TRANSLATE_TIMEOUT", "20")),
        "threads": int(env.get("QIAO_TRANSLATE_THREADS", "2")),
        "bergamot_instances": int(env.get("QIAO_TRANSLATE_BERGAMOT_INSTANCES", "1")),
        "libretranslate_url": env.get("QIAO_LIBRETRANSLATE_URL") or None,
        "libretranslate_api_key": env.get("QIAO_LIBRETRANSLATE_API_KEY") or None,
        "openai_base_url": env.get("QIAO_TRANSLATE_OPENAI_URL") or None,
        "openai_model": env.get("QIAO_TRANSLATE_OPENAI_MODEL") or None,
        "openai_api_key": env.get("QIAO_TRANSLATE_OPENAI_API_KEY") or None,
    }


def warm_up(
    languages: Sequence[str] = ("zh", "en"),
    *,
    lookup: bool = True,
    service: TranslationService | None = None,
) -> None:
    """Load what the first request would otherwise wait for (call from a background thread at
    start-up): the language detector (~30 MB for zh+en; each extra Latin-script language adds
    ~40 MB), CC-CEDICT and jieba (~200 MB, 2-3 s), and the service's local models."""
    from .langid import get_detector

    get_detector(languages).identify("warm up the detector")
    if lookup:
        from .lookup import lookup_word

        lookup_word("warm")
        lookup_word("你好")
    if service is not None:
        for engine in service.engines:
            for src, tgt in (("zh", "en"), ("en", "zh")):
                try:
                    if engine.name in ("bergamot", "ctranslate2") and engine.supports(src, tgt):
                        engine.translate(["你好" if src == "zh" else "Hello"], src, tgt, 60.0)
                except Exception:  # noqa: BLE001, S112 - warming up must never fail start-up
                    continue
