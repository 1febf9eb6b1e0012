"""The translation service: validation, cache, ordered engine fallback, batching, timeouts and
faithful re-assembly of social text around sentence-level engines."""

from __future__ import annotations

import concurrent.futures
import logging
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .base import (
    CHINESE_TRADITIONAL,
    MAX_TEXT_CHARS,
    UNDETERMINED,
    EmptyText,
    EngineError,
    EngineTimeout,
    TextTooLong,
    TranslationResult,
    TranslationUnavailable,
    Translator,
    UnsupportedLanguagePair,
    base_language,
)
from .cache import InMemoryLRUCache, TranslationCache, cache_key
from .glossary import Glossary
from .langid import chinese_script, to_simplified, to_traditional
from .text import (
    PLACEHOLDER,
    Plan,
    Unit,
    has_words,
    join_fragments,
    normalize_placeholders,
    normalize_text,
    placeholders_intact,
    plan_text,
    render,
    restore,
    spans_survive,
    split_on_placeholders,
)

log = logging.getLogger(__name__)

DEFAULT_LANGUAGES: tuple[str, ...] = ("zh", "zh-Hant", "en")


@dataclass(slots=True)
class _Job:
    index: int
    text: str  # normalized original
    engine_text: str  # what the engines see (Traditional converted to Simplified)
    plan: Plan | None = None


@dataclass(slots=True)
class EngineStats:
    calls: int = 0
    failures: int = 0
    timeouts: int = 0
    sentences: int = 0
    last_error: str = ""


@dataclass
class TranslationService:
    """Translate through ``engines`` in order; the first that supports the pair and succeeds wins.

    ``timeout`` bounds one engine call on one batch of at most ``batch_size`` sentences.
    ``languages`` are the codes callers may use (``zh-Hant`` is served by the ``zh`` models
    with OpenCC conversion on both sides).
    """

    engines: list[Translator]
    cache: TranslationCache = field(default_factory=InMemoryLRUCache)
    languages: Sequence[str] = DEFAULT_LANGUAGES
    timeout: float = 20.0
    batch_size: int = 32
    max_chars: int = MAX_TEXT_CHARS
    notes: dict[str, str] = field(default_factory=dict)
    stats: dict[str, EngineStats] = field(default_factory=dict)
    #: engine calls running at once; more wait (up to ``queue_timeout``) before their own
    #: ``timeout`` starts, so a busy server queues instead of reporting false timeouts
    max_workers: int = 8
    queue_timeout: float = 60.0
    #: terms every engine must render the same way (community glossary); part of the
    #: cache key through the model version (``<model>+glossary:<version>``)
    glossary: Glossary | None = None

    def __post_init__(self) -> None:
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=max(2, self.max_workers), thread_name_prefix="qiao-translate"
        )

    # --- introspection -------------------------------------------------------------------

    def engine_names(self) -> list[str]:
        return [e.name for e in self.engines]

    def available_engines(self, source: str, target: str) -> list[str]:
        """Engines that have a model for the pair (no network, nothing loaded)."""
        s, t = base_language(source), base_language(target)
        out = []
        for e in self.engines:
            try:
                if e.supports(s, t):
                    out.append(e.name)
            except Exception:  # noqa: BLE001, S112 - a broken engine just is not available
                continue
        return out

    def can_translate(self, source: str, target: str) -> bool:
        try:
            self._check_pair(source, target)
        except UnsupportedLanguagePair:
            return False
        return source == target or bool(self.available_engines(source, target))

    # --- validation ----------------------------------------------------------------------

    def _check_pair(self, source: str, target: str) -> None:
        if source == UNDETERMINED or target == UNDETERMINED:
            raise UnsupportedLanguagePair(source, target, "the language is unknown")
        for code in (source, target):
            if code not in self.languages:
                raise UnsupportedLanguagePair(
                    source, target, f"{code!r} is not one of {', '.join(self.languages)}"
                )

    def validate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        """Normalized texts, or a :class:`TranslationInputError` saying what is wrong."""
        if isinstance(texts, str):
            raise TypeError("texts must be a list of strings, not a string")
        self._check_pair(source, target)
        if not texts:
            raise EmptyText("nothing to translate: the list of texts is empty")
        out = []
        for i, raw in enumerate(texts):
            text = normalize_text(raw)
            if not text:
                raise EmptyText(f"text #{i} is empty")
            if len(text) > self.max_chars:
                raise TextTooLong(len(text), self.max_chars)
            out.append(text)
        return out

    # --- the use case --------------------------------------------------------------------

    def translate_one(self, text: str, source: str, target: str) -> TranslationResult:
        return self.translate([text], source, target)[0]

    def translate(
        self,
        texts: Sequence[str],
        source: str,
        target: str,
        *,
        cache: TranslationCache | None = None,
    ) -> list[TranslationResult]:
        """One result per text. Raises :class:`TranslationInputError` subclasses for bad input
        and :class:`TranslationUnavailable` when no engine could do it (show the original).

        ``cache`` replaces the service's cache for this call: a caller that keeps the results
        itself (the platform stores note translations with the note) passes one that does not
        persist, so nothing is stored twice."""
        cache = self.cache if cache is None else cache
        normalized = self.validate(texts, source, target)
        if source == target:
            return [TranslationResult(t, source, target, "identity", "", False) for t in normalized]
        src, tgt = base_language(source), base_language(target)
        if src == tgt == "zh":  # Simplified <-> Traditional is a script conversion
            convert = to_traditional if target == CHINESE_TRADITIONAL else to_simplified
            return [
                TranslationResult(convert(t), source, target, "opencc", "opencc", False)
                for t in normalized
            ]
        jobs = [_Job(i, t, self._engine_input(t, source)) for i, t in enumerate(normalized)]
        results: list[TranslationResult | None] = [None] * len(jobs)
        reasons: dict[str, str] = {}
        usable: list[tuple[Translator, str]] = []
        for engine in self.engines:
            try:
                if not engine.supports(src, tgt):
                    reasons[engine.name] = "no model for this pair"
                    continue
                usable.append((engine, self._version(engine, src, tgt)))
            except Exception as exc:  # noqa: BLE001 - a misconfigured engine is skipped
                reasons[engine.name] = f"unavailable: {exc}"
        # Cached translations first, from any engine that still has the same model.
        for job in jobs:
            for engine, version in usable:
                hit = cache.get(cache_key(job.text, source, target, engine.name, version))
                if hit is not None:
                    results[job.index] = TranslationResult(
                        hit, source, target, engine.name, version, True
                    )
                    break
        for engine, version in usable:
            misses = [j for j in jobs if results[j.index] is None]
            if not misses:
                break
            try:
                outputs = self._run_engine(
                    engine, [j.engine_text for j in misses], src, tgt, source_code=source
                )
            except Exception as exc:  # noqa: BLE001 - fall through to the next engine
                st = self.stats.setdefault(engine.name, EngineStats())
                st.failures += 1
                st.timeouts += isinstance(exc, EngineTimeout)
                st.last_error = f"{type(exc).__name__}: {exc}"
                reasons[engine.name] = st.last_error
                log.warning("translate engine %s failed %s->%s: %s", engine.name, src, tgt, exc)
                continue
            for job, out in zip(misses, outputs, strict=True):
                if target == CHINESE_TRADITIONAL:
                    out = to_traditional(out)
                key = cache_key(job.text, source, target, engine.name, version)
                cache.set(key, out)
                results[job.index] = TranslationResult(out, source, target, engine.name, version)
        if any(r is None for r in results):
            raise TranslationUnavailable(source, target, reasons)
        return [r for r in results if r is not None]

    def _version(self, engine: Translator, src: str, tgt: str) -> str:
        version = engine.model_version(src, tgt)
        if self.glossary is not None and len(self.glossary):
            version += f"+glossary:{self.glossary.version}"
        return version

    @staticmethod
    def _engine_input(text: str, source: str) -> str:
        """The models are Simplified: convert Traditional text (also when labelled ``zh``)."""
        if source == CHINESE_TRADITIONAL or (
            base_language(source) == "zh" and chinese_script(text) == CHINESE_TRADITIONAL
        ):
            return to_simplified(text)
        return text

    def cached(self, text: str, source: str, target: str) -> TranslationResult | None:
        """A cached translation from any engine that currently has a model, without translating."""
        src, tgt = base_language(source), base_language(target)
        for engine in self.engines:
            try:
                if not engine.supports(src, tgt):
                    continue
                version = self._version(engine, src, tgt)
            except Exception:  # noqa: BLE001, S112 - a broken engine has nothing cached
                continue
            hit = self.cache.get(cache_key(text, source, target, engine.name, version))
            if hit is not None:
                return TranslationResult(hit, source, target, engine.name, version, True)
        return None

    def invalidate(self, text: str, source: str, targets: Iterable[str] | None = None) -> int:
        """Drop cached translations of ``text`` (call when a note is edited or deleted).
        Returns how many keys were deleted (for caches that can tell, else an upper bound)."""
        n = 0
        src = base_language(source)
        for target in targets if targets is not None else self.languages:
            if target == source:
                continue
            tgt = base_language(target)
            for engine in self.engines:
                try:
                    version = self._version(engine, src, tgt) if engine.supports(src, tgt) else None
                except Exception:  # noqa: BLE001 - a broken engine has nothing to drop
                    version = None
                if version is None:
                    continue
                self.cache.delete(cache_key(text, source, target, engine.name, version))
                n += 1
        return n

    # --- engine calls --------------------------------------------------------------------

    def _call(self, engine: Translator, batch: list[str], src: str, tgt: str) -> list[str]:
        """One bounded engine call on at most ``batch_size`` sentences."""
        out: list[str] = []
        st = self.stats.setdefault(engine.name, EngineStats())
        for i in range(0, len(batch), self.batch_size):
            chunk = batch[i : i + self.batch_size]
            st.calls += 1
            started = threading.Event()

            def run(chunk: list[str] = chunk, started: threading.Event = started) -> list[str]:
                started.set()
                return engine.translate(chunk, src, tgt, self.timeout)

            fut = self._pool.submit(run)
            if not started.wait(self.queue_timeout):
                fut.cancel()
                raise EngineTimeout(f"waited {self.queue_timeout:g}s for a free translation slot")
            try:
                got: object = fut.result(timeout=self.timeout)  # a plug-in may break its contract
            except concurrent.futures.TimeoutError as exc:
                fut.cancel()
                raise EngineTimeout(f"no answer within {self.timeout:g}s") from exc
            if not isinstance(got, list) or len(got) != len(chunk):
                raise EngineError(
                    f"engine returned {len(got) if isinstance(got, list) else type(got)} "
                    f"outputs for {len(chunk)} inputs"
                )
            if not all(isinstance(x, str) for x in got):
                raise EngineError("engine returned something other than text")
            out.extend(got)
            st.sentences += len(chunk)
        return out

    def _run_engine(
        self, engine: Translator, texts: list[str], src: str, tgt: str, source_code: str = ""
    ) -> list[str]:
        """Translate sentence cores in up to three passes, keeping every protected span:

        1. the sentence as written (models translate "I ate 3 dumplings" best with the 3 in
           it); accepted when every protected span is in the output exactly as often;
        2. otherwise with placeholders ``⟦0⟧`` for the spans; accepted when all come back;
        3. otherwise the pieces between the spans are translated on their own.

        A sentence with nothing protected inside is done after pass 1.
        """
        # Engines that translate whole lines better (LLMs, LibreTranslate) say so.
        per_sentence = not getattr(engine, "whole_lines", False)
        plans = [
            plan_text(t, sentences=per_sentence, fixed=self._fixed(t, src, tgt)) for t in texts
        ]
        keys = [(pi, ui) for pi, p in enumerate(plans) for ui in range(len(p.units))]

        def unit(key: tuple[int, int]) -> Unit:
            return plans[key[0]].units[key[1]]

        inline = {k: restore(unit(k).core, plans[k[0]].spans) for k in keys}
        fixed: dict[tuple[int, int], str] = {}
        # Pass 1
        uniq = list(dict.fromkeys(inline.values()))
        out1 = dict(zip(uniq, self._call(engine, uniq, src, tgt), strict=True))
        todo = []
        for k in keys:
            spans = [plans[k[0]].spans[int(i)] for i in PLACEHOLDER.findall(unit(k).core)]
            if spans_survive(spans, inline[k], out1[inline[k]]):
                fixed[k] = out1[inline[k]]
            else:
                todo.append(k)
        if todo:
            # Pass 2
            cores = list(dict.fromkeys(unit(k).core for k in todo))
            out2 = dict(zip(cores, self._call(engine, cores, src, tgt), strict=True))
            broken: dict[str, list[str]] = {}
            for core in cores:
                out = normalize_placeholders(out2[core])
                if placeholders_intact(core, out):
                    out2[core] = out
                else:
                    broken[core] = split_on_placeholders(core)
            # Pass 3
            if broken:
                frags = list(
                    dict.fromkeys(
                        f
                        for parts in broken.values()
                        for f in parts
                        if not PLACEHOLDER.fullmatch(f) and has_words(f)
                    )
                )
                out3 = dict(zip(frags, self._call(engine, frags, src, tgt), strict=True))
                for core, parts in broken.items():
                    pieces = []
                    for f in parts:
                        if f in out3:
                            # a fragment translation must not smuggle in placeholders
                            pieces.append(PLACEHOLDER.sub("", normalize_placeholders(out3[f])))
                        else:
                            pieces.append(f)
                    out2[core] = join_fragments(pieces, tgt)
            for k in todo:
                fixed[k] = out2[unit(k).core]
        return [
            render(p, [fixed[(pi, ui)] for ui in range(len(p.units))], tgt)
            for pi, p in enumerate(plans)
        ]

    def _fixed(self, text: str, src: str, tgt: str) -> list[tuple[int, int, str]]:
        """Glossary terms of ``text`` with their rendering in the target language."""
        if self.glossary is None:
            return []
        return [(m.start, m.end, m.entry.render(tgt)) for m in self.glossary.find(text, src)]

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def timed_translate(
    service: TranslationService, texts: list[str], source: str, target: str
) -> tuple[list[TranslationResult], float]:
    """(results, seconds) — for benchmarks and logs."""
    t0 = time.perf_counter()
    res = service.translate(texts, source, target)
    return res, time.perf_counter() - t0
