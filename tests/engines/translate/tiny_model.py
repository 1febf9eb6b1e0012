"""A tiny CTranslate2 translation model for the engine tests, built from NumPy weights.

A 1+1-layer Transformer (model size 32, 2 heads) with seeded random weights and a
SentencePiece vocabulary trained on a few hundred generated English and Chinese lines,
written with CTranslate2's model specification API and quantised to int8 — no torch, no
download, well under a second. It translates into nonsense, but loading, tokenisation,
batching, splitting and placeholder restoration run for real.

The output projection gives the end-of-sentence token (and the other control tokens) a very
low bias: a random model would otherwise often stop at once and "translate" into nothing,
which real models do not do and the tests would trip over. Every output is therefore as long
as the engine's decoding limit allows.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import numpy as np

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
D_MODEL = 32
HEADS = 2
FFN = 64
VOCAB_SIZE = 200
NEVER = -1.0e4  # logit bias of the control tokens: never generated


def _corpus(seed: int) -> list[str]:
    rng = random.Random(seed)
    lines = []
    for _ in range(300):
        n = rng.randint(3, 12)
        lines.append(" ".join(rng.choice(EN_WORDS) for _ in range(n)).capitalize() + ".")
        lines.append("".join(rng.choice(ZH_CHARS) for _ in range(rng.randint(4, 20))) + "。")
    return lines


def _train_vocabulary(work: Path, seed: int) -> tuple[Path, list[str]]:
    import sentencepiece as spm

    (work / "train.txt").write_text("\n".join(_corpus(seed)), encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(work / "train.txt"),
        model_prefix=str(work / "spm"),
        vocab_size=VOCAB_SIZE,
        character_coverage=1.0,
        unk_id=0,
        bos_id=1,
        eos_id=2,
        pad_id=-1,
        num_threads=1,
        minloglevel=2,
    )
    model = work / "spm.model"
    sp = spm.SentencePieceProcessor(model_file=str(model))
    # CTranslate2's default special tokens are SentencePiece's: <unk>, <s>, </s>.
    return model, [sp.id_to_piece(i) for i in range(sp.get_piece_size())]


def _spec(vocab: list[str], seed: int) -> Any:
    from ctranslate2.specs import common_spec, transformer_spec

    rng = np.random.default_rng(seed)

    def w(*shape: int) -> np.ndarray:
        return (rng.standard_normal(shape) * 0.2).astype(np.float32)

    def zeros(n: int) -> np.ndarray:
        return np.zeros(n, dtype=np.float32)

    def linear(spec: common_spec.LinearSpec, out: int, inp: int) -> None:
        spec.weight = w(out, inp)
        spec.bias = zeros(out)

    def norm(spec: common_spec.LayerNormSpec) -> None:
        spec.gamma = np.ones(D_MODEL, dtype=np.float32)
        spec.beta = zeros(D_MODEL)

    def ffn(spec: transformer_spec.FeedForwardSpec) -> None:
        norm(spec.layer_norm)
        linear(spec.linear_0, FFN, D_MODEL)
        linear(spec.linear_1, D_MODEL, FFN)

    model = transformer_spec.TransformerSpec.from_config(1, HEADS)
    shared = w(len(vocab), D_MODEL)  # one embedding for source, target and output
    enc, dec = model.encoder, model.decoder
    enc.embeddings[0].weight = shared
    norm(enc.layer_norm)
    for layer in enc.layer:
        norm(layer.self_attention.layer_norm)
        linear(layer.self_attention.linear[0], 3 * D_MODEL, D_MODEL)  # q, k, v
        linear(layer.self_attention.linear[1], D_MODEL, D_MODEL)
        ffn(layer.ffn)
    dec.embeddings.weight = shared
    norm(dec.layer_norm)
    for layer in dec.layer:
        norm(layer.self_attention.layer_norm)
        linear(layer.self_attention.linear[0], 3 * D_MODEL, D_MODEL)
        linear(layer.self_attention.linear[1], D_MODEL, D_MODEL)
        norm(layer.attention.layer_norm)
        linear(layer.attention.linear[0], D_MODEL, D_MODEL)  # q (from the decoder)
        linear(layer.attention.linear[1], 2 * D_MODEL, D_MODEL)  # k, v (from the encoder)
        linear(layer.attention.linear[2], D_MODEL, D_MODEL)
        ffn(layer.ffn)
    dec.projection.weight = shared
    bias = zeros(len(vocab))
    for token in ("<unk>", "<s>", "</s>"):
        bias[vocab.index(token)] = NEVER
    dec.projection.bias = bias
    model.register_source_vocabulary(vocab)
    model.register_target_vocabulary(vocab)
    return model


def build_tiny_ct2_model(out: Path, seed: int = 0) -> Path:
    """Write the model to `out` (model.bin, vocabularies, source.spm, target.spm) and return
    `out`. The same seed writes the same model."""
    out.mkdir(parents=True, exist_ok=True)
    work = out / ".work"
    work.mkdir()
    spm_model, vocab = _train_vocabulary(work, seed)
    spec = _spec(vocab, seed)
    spec.validate()
    spec.optimize(quantization="int8")
    spec.save(str(out))
    for name in ("source.spm", "target.spm"):
        (out / name).write_bytes(spm_model.read_bytes())
    for p in work.iterdir():
        p.unlink()
    work.rmdir()
    return out
