"""Bergamot engine: the Firefox Translations models run on CPU by ``fxtranslate``.

Models live in ``<models_dir>/<src>-<tgt>/`` in fxtranslate's cache layout (``qiao
translate install`` puts them there): ``model.<pair>.intgemm*.bin``, ``vocab.<pair>.spm`` or
``srcvocab.<pair>.spm`` + ``trgvocab.<pair>.spm`` (split vocabularies, as for zh/en), and an
optional lexical shortlist ``lex.*.bin``. Nothing is downloaded here.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from ..base import EngineError, ModelNotInstalled
from ..manifest import read_manifest


@dataclass(frozen=True, slots=True)
class BergamotFiles:
    model: Path
    src_vocab: Path
    trg_vocab: Path
    shortlist: Path | None


def find_bergamot_files(directory: Path) -> BergamotFiles | None:
    """The model, vocabularies and shortlist in a pair directory, or ``None``."""
    if not directory.is_dir():
        return None
    files = sorted(p for p in directory.iterdir() if p.is_file())

    def first(prefix: str, suffix: str) -> Path | None:
        for p in files:
            if p.name.startswith(prefix) and p.name.endswith(suffix):
                return p
        return None

    model = first("model.", ".bin")
    vocab = first("vocab.", ".spm")
    src = first("srcvocab.", ".spm") or vocab
    trg = first("trgvocab.", ".spm") or vocab
    if model is None or src is None or trg is None:
        return None
    return BergamotFiles(model, src, trg, first("lex.", ".bin"))


def fxtranslate_version() -> str:
    try:
        return metadata.version("fxtranslate")
    except metadata.PackageNotFoundError:
        return "missing"


class BergamotTranslator:
    """Translator over Bergamot models in ``models_dir`` (one sub-directory per pair).

    ``instances`` native engines are loaded per pair (each ~model size in memory); a batch is
    split across them in threads (parallel only if fxtranslate releases the GIL while
    translating; unmeasured without a real model), and concurrent requests take whichever
    instance is free.
    """

    name = "bergamot"

    def __init__(
        self, models_dir: str | Path, *, use_shortlist: bool = True, instances: int = 1
    ) -> None:
        self.models_dir = Path(models_dir)
        self.use_shortlist = use_shortlist
        self.instances = max(1, instances)
        self._engines: dict[tuple[str, str], list[tuple[Any, threading.Lock]]] = {}
        self._lock = threading.Lock()
        self._versions: dict[tuple[str, str], str] = {}

    @property
    def version(self) -> str:
        return f"fxtranslate-{fxtranslate_version()}"

    def pair_dir(self, source: str, target: str) -> Path:
        return self.models_dir / f"{source}-{target}"

    def supports(self, source: str, target: str) -> bool:
        return find_bergamot_files(self.pair_dir(source, target)) is not None

    def model_version(self, source: str, target: str) -> str:
        key = (source, target)
        if key not in self._versions:
            files = find_bergamot_files(self.pair_dir(source, target))
            if files is None:
                raise ModelNotInstalled(f"no Bergamot model for {source}->{target}")
            rec = read_manifest(self.models_dir.parent).pairs.get(f"bergamot/{source}-{target}")
            if rec is not None and rec.version:
                self._versions[key] = rec.version
            else:
                self._versions[key] = f"{files.model.name}:{files.model.stat().st_size}"
        return self._versions[key]

    def _pool(self, source: str, target: str) -> list[tuple[Any, threading.Lock]]:
        key = (source, target)
        with self._lock:
            if key not in self._engines:
                files = find_bergamot_files(self.pair_dir(source, target))
                if files is None:
                    raise ModelNotInstalled(f"no Bergamot model for {source}->{target}")
                try:
                    from fxtranslate import Translator as FxTranslator
                except ImportError as exc:  # pragma: no cover - it is a dependency
                    raise EngineError("fxtranslate is not installed") from exc
                model = files.model.read_bytes()
                src_vocab = files.src_vocab.read_bytes()
                trg_vocab = files.trg_vocab.read_bytes()
                shortlist = (
                    files.shortlist.read_bytes() if files.shortlist and self.use_shortlist else None
                )
                pool = []
                for _ in range(self.instances):
                    try:
                        engine = FxTranslator(
                            model=model,
                            src_vocab=src_vocab,
                            trg_vocab=trg_vocab,
                            shortlist=shortlist,
                        )
                    except BaseException as exc:  # a Rust panic surfaces as a BaseException
                        if isinstance(exc, KeyboardInterrupt | SystemExit):
                            raise
                        raise EngineError(
                            f"cannot load Bergamot model {files.model}: {exc}"
                        ) from exc
                    pool.append((engine, threading.Lock()))
                self._engines[key] = pool
            return self._engines[key]

    @staticmethod
    def _run(engine: Any, lock: threading.Lock, texts: list[str]) -> list[str]:
        out = []
        with lock:  # one call at a time per native engine
            for text in texts:
                try:
                    out.append(str(engine.translate(text)))
                except BaseException as exc:  # a Rust panic surfaces as a BaseException
                    if isinstance(exc, KeyboardInterrupt | SystemExit):
                        raise
                    raise EngineError(f"fxtranslate failed: {exc}") from exc
        return out

    def translate(self, texts: list[str], source: str, target: str, timeout: float) -> list[str]:
        pool = self._pool(source, target)
        if len(pool) == 1 or len(texts) <= 1:
            for engine, lock in pool:  # a free instance if there is one
                if lock.acquire(blocking=False):
                    lock.release()
                    return self._run(engine, lock, texts)
            engine, lock = pool[hash(threading.get_ident()) % len(pool)]
            return self._run(engine, lock, texts)
        n = min(len(pool), len(texts))
        size = -(-len(texts) // n)
        chunks = [texts[i : i + size] for i in range(0, len(texts), size)]
        results: list[list[str] | BaseException] = [[] for _ in chunks]

        def work(i: int) -> None:
            try:
                results[i] = self._run(pool[i][0], pool[i][1], chunks[i])
            except BaseException as exc:  # noqa: BLE001 - re-raised below
                results[i] = exc

        threads = [threading.Thread(target=work, args=(i,)) for i in range(1, len(chunks))]
        for t in threads:
            t.start()
        work(0)
        for t in threads:
            t.join()
        out: list[str] = []
        for r in results:
            if isinstance(r, BaseException):
                raise r
            out.extend(r)
        return out
