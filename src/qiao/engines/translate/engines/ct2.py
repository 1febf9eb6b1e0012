"""CTranslate2 engine (int8 on CPU) for OPUS-MT/Marian, Argos Translate, NLLB or M2M100
conversions, tokenised with SentencePiece.

Models live in ``<models_dir>/<src>-<tgt>/`` (``qiao translate install --from`` puts them
there). A model directory holds ``model.bin`` (or ``model/model.bin`` as in an Argos
package) and SentencePiece models: ``source.spm`` + ``target.spm`` (OPUS-MT) or one shared
``sentencepiece.model`` (Argos). An optional ``qiao-ct2.json`` overrides what cannot be
guessed, e.g. for NLLB::

    {"source": "zh", "target": "en", "source_spm": "sentencepiece.bpe.model",
     "source_prefix": ["zho_Hans"], "target_prefix": ["eng_Latn"], "append_eos": true}
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..base import EngineError, ModelNotInstalled

CONFIG_NAME = "qiao-ct2.json"


@dataclass(slots=True)
class CT2Model:
    source: str
    target: str
    directory: Path
    model_path: Path
    source_spm: Path
    target_spm: Path
    source_prefix: list[str] = field(default_factory=list)
    source_suffix: list[str] = field(default_factory=list)
    target_prefix: list[str] = field(default_factory=list)
    append_eos: bool = True
    version: str = ""


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def describe_model_dir(directory: Path) -> CT2Model | None:
    """Recognise a CTranslate2 model directory, or ``None``."""
    cfg = _read_json(directory / CONFIG_NAME)
    argos = _read_json(directory / "metadata.json")
    if (directory / "model.bin").is_file():
        model_path = directory
    elif (directory / "model" / "model.bin").is_file():
        model_path = directory / "model"
    else:
        return None
    source = cfg.get("source") or argos.get("from_code")
    target = cfg.get("target") or argos.get("to_code")
    if not (source and target) and "-" in directory.name:
        source, target = directory.name.split("-", 1)
    if not (source and target):
        return None

    def spm(key: str, *names: str) -> Path | None:
        if cfg.get(key):
            return directory / str(cfg[key])
        for name in names:
            for base in (directory, model_path):
                if (base / name).is_file():
                    return base / name
        return None

    shared = ("sentencepiece.model", "sentencepiece.bpe.model", "spm.model")
    src_spm = spm("source_spm", "source.spm", *shared)
    tgt_spm = spm("target_spm", "target.spm", *shared)
    if src_spm is None or tgt_spm is None:
        return None
    version = str(cfg.get("version") or argos.get("package_version") or "")
    if not version:
        st = (model_path / "model.bin").stat()
        version = f"{directory.name}:{st.st_size}"
    return CT2Model(
        source=str(source),
        target=str(target),
        directory=directory,
        model_path=model_path,
        source_spm=src_spm,
        target_spm=tgt_spm,
        source_prefix=[str(t) for t in cfg.get("source_prefix", [])],
        source_suffix=[str(t) for t in cfg.get("source_suffix", [])],
        target_prefix=[str(t) for t in cfg.get("target_prefix", [])],
        append_eos=bool(cfg.get("append_eos", not argos)),
        version=version,
    )


class CTranslate2Translator:
    """Translator over CTranslate2 models found in ``models_dir``."""

    name = "ctranslate2"

    def __init__(
        self,
        models_dir: str | Path,
        *,
        compute_type: str = "int8",
        threads: int = 2,
        beam_size: int = 2,
        max_batch_size: int = 32,
        max_decoding_length: int = 256,
    ) -> None:
        self.models_dir = Path(models_dir)
        self.compute_type = compute_type
        self.threads = threads
        self.beam_size = beam_size
        self.max_batch_size = max_batch_size
        self.max_decoding_length = max_decoding_length
        self._models: dict[tuple[str, str], CT2Model] | None = None
        self._loaded: dict[tuple[str, str], tuple[Any, Any, Any]] = {}
        self._lock = threading.Lock()

    @property
    def version(self) -> str:
        import ctranslate2

        return f"ctranslate2-{ctranslate2.__version__}"

    def models(self) -> dict[tuple[str, str], CT2Model]:
        if self._models is None:
            found: dict[tuple[str, str], CT2Model] = {}
            if self.models_dir.is_dir():
                from ..manifest import InstallError, read_manifest

                try:
                    manifest = read_manifest(self.models_dir.parent).pairs
                except InstallError:
                    manifest = {}
                for d in sorted(self.models_dir.iterdir()):
                    if d.is_dir() and (m := describe_model_dir(d)) is not None:
                        rec = manifest.get(f"ctranslate2/{d.name}")
                        if rec is not None and rec.version:
                            m.version = rec.version
                        found.setdefault((m.source, m.target), m)
            self._models = found
        return self._models

    def rescan(self) -> None:
        with self._lock:
            self._models = None
            self._loaded.clear()

    def supports(self, source: str, target: str) -> bool:
        return (source, target) in self.models()

    def model_version(self, source: str, target: str) -> str:
        m = self.models().get((source, target))
        if m is None:
            raise ModelNotInstalled(f"no CTranslate2 model for {source}->{target}")
        return m.version

    def _load(self, source: str, target: str) -> tuple[CT2Model, Any, Any, Any]:
        m = self.models().get((source, target))
        if m is None:
            raise ModelNotInstalled(f"no CTranslate2 model for {source}->{target}")
        with self._lock:
            if (source, target) not in self._loaded:
                import ctranslate2
                import sentencepiece as spm

                try:
                    tr = ctranslate2.Translator(
                        str(m.model_path),
                        device="cpu",
                        compute_type=self.compute_type,
                        inter_threads=1,
                        intra_threads=self.threads,
                    )
                    sp_src = spm.SentencePieceProcessor(model_file=str(m.source_spm))
                    sp_tgt = spm.SentencePieceProcessor(model_file=str(m.target_spm))
                except (RuntimeError, OSError, ValueError) as exc:
                    raise EngineError(f"cannot load {m.directory}: {exc}") from exc
                self._loaded[(source, target)] = (tr, sp_src, sp_tgt)
            tr, sp_src, sp_tgt = self._loaded[(source, target)]
        return m, tr, sp_src, sp_tgt

    def translate(self, texts: list[str], source: str, target: str, timeout: float) -> list[str]:
        if not texts:
            return []
        m, tr, sp_src, sp_tgt = self._load(source, target)
        batch = []
        for text in texts:
            tokens = m.source_prefix + sp_src.encode(text, out_type=str) + m.source_suffix
            if m.append_eos:
                tokens.append("</s>")
            batch.append(tokens)
        longest = max(len(t) for t in batch)
        try:
            results = tr.translate_batch(
                batch,
                target_prefix=[list(m.target_prefix) for _ in batch] if m.target_prefix else None,
                beam_size=self.beam_size,
                max_batch_size=self.max_batch_size,
                max_decoding_length=min(self.max_decoding_length, 2 * longest + 10),
            )
        except (RuntimeError, ValueError) as exc:
            raise EngineError(f"ctranslate2 failed: {exc}") from exc
        out = []
        skip = len(m.target_prefix)
        for r in results:
            hyp = r.hypotheses[0][skip:]
            out.append(str(sp_tgt.decode(hyp)))
        return out
