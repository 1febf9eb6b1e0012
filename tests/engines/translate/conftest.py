"""Fixtures for the translation engine tests: a tiny CTranslate2 Marian model built here.

The model is a randomly initialised 1-layer Marian (transformers) with a SentencePiece model
trained on a few hundred generated lines, converted to CTranslate2 int8. It translates into
nonsense, but loading, tokenisation, batching, splitting and placeholder restoration run for
real. It is built once and cached in the system temp dir (a few seconds the first time).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import tempfile
from pathlib import Path

import pytest

TINY_MODEL_VERSION = "tiny-marian-v1"

EN_WORDS = [
    "the",
    "a",
    "good",
    "food",
    "hot",
    "pot",
    "I",
    "love",
    "we",
    "eat",
    "today",
    "city",
    "friend",
    "very",
    "nice",
    "coffee",
    "tea",
    "street",
    "photo",
    "morning",
    "night",
    "rain",
    "sun",
    "happy",
    "so",
    "much",
    "my",
    "this",
    "is",
    "was",
    "and",
    "with",
    "at",
]
ZH_CHARS = list(
    "我你他她们的是在有这个人好吃火锅今天天气很喜欢朋友城市咖啡茶街照片早上晚雨太阳开心了吗呢"
)


def _build_tiny_model(out: Path) -> None:
    import sentencepiece as spm

    torch = pytest.importorskip("torch", reason="torch is needed to build the tiny test model")
    transformers = pytest.importorskip("transformers")
    from ctranslate2.converters import TransformersConverter

    rng = random.Random(0)
    work = out / "work"
    work.mkdir(parents=True)
    lines = []
    for _ in range(300):
        n = rng.randint(3, 12)
        lines.append(" ".join(rng.choice(EN_WORDS) for _ in range(n)).capitalize() + ".")
        lines.append("".join(rng.choice(ZH_CHARS) for _ in range(rng.randint(4, 20))) + "。")
    (work / "train.txt").write_text("\n".join(lines), encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(work / "train.txt"),
        model_prefix=str(work / "spm"),
        vocab_size=200,
        character_coverage=1.0,
        bos_id=-1,
        pad_id=-1,
        eos_id=1,
        unk_id=0,
        minloglevel=2,
    )
    sp = spm.SentencePieceProcessor(model_file=str(work / "spm.model"))
    vocab = {"</s>": 0, "<unk>": 1}
    for i in range(sp.get_piece_size()):
        vocab.setdefault(sp.id_to_piece(i), len(vocab))
    vocab["<pad>"] = len(vocab)
    hf = work / "hf"
    hf.mkdir()
    (hf / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    shutil.copy(work / "spm.model", hf / "source.spm")
    shutil.copy(work / "spm.model", hf / "target.spm")
    torch.manual_seed(0)
    cfg = transformers.MarianConfig(
        vocab_size=len(vocab),
        d_model=32,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=64,
        decoder_ffn_dim=64,
        max_position_embeddings=512,
        pad_token_id=vocab["<pad>"],
        eos_token_id=0,
        decoder_start_token_id=vocab["<pad>"],
        forced_eos_token_id=0,
        share_encoder_decoder_embeddings=True,
    )
    transformers.MarianMTModel(cfg).save_pretrained(hf)
    transformers.MarianTokenizer(
        source_spm=str(hf / "source.spm"),
        target_spm=str(hf / "target.spm"),
        vocab=str(hf / "vocab.json"),
    ).save_pretrained(hf)
    ct2 = out / "ct2"
    TransformersConverter(str(hf)).convert(str(ct2), quantization="int8", force=True)
    shutil.copy(work / "spm.model", ct2 / "source.spm")
    shutil.copy(work / "spm.model", ct2 / "target.spm")
    shutil.rmtree(work)


@pytest.fixture(scope="session")
def tiny_ct2_model() -> Path:
    """Directory of a CTranslate2 model with source.spm/target.spm (cached across sessions)."""
    cache = Path(tempfile.gettempdir()) / f"qiao-test-{TINY_MODEL_VERSION}"
    if not (cache / "ct2" / "model.bin").is_file():
        building = Path(tempfile.mkdtemp(prefix="qiao-tiny-build-"))
        try:
            _build_tiny_model(building)
            if cache.exists():
                shutil.rmtree(cache, ignore_errors=True)
            os.replace(building, cache)
        finally:
            shutil.rmtree(building, ignore_errors=True)
    return cache / "ct2"


@pytest.fixture()
def ct2_models_dir(tmp_path: Path, tiny_ct2_model: Path) -> Path:
    """A ``models_dir`` whose ``ctranslate2/`` holds the tiny model for zh-en and en-zh."""
    for pair in ("zh-en", "en-zh"):
        shutil.copytree(tiny_ct2_model, tmp_path / "ctranslate2" / pair)
    return tmp_path
