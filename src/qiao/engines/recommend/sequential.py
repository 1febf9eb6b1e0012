"""A self-attentive sequential model (SASRec, Kang & McAuley 2018) in plain NumPy: forward
pass, hand-written backward pass (gradient-checked in the tests), Adam, and a
cross-entropy loss over the full catalogue or a large uniform sample of it (Klenitskiy &
Vasilev, RecSys 2023: SASRec trained with cross-entropy instead of one negative per
positive is far stronger).

Architecture (pre-layer-norm transformer, tied input/output item embeddings)::

    x = E[item] * sqrt(d) + P[position from the end]       (padding rows zero)
    repeat `blocks` times:
        x = x + Dropout(MultiHeadCausalSelfAttention(LayerNorm(x)))
        x = x + Dropout(W2 · Dropout(ReLU(W1 · LayerNorm(x))))
    h = LayerNorm(x);  score(item | history) = h_last · E[item]

Serving needs only :meth:`SASRec.user_states` (one forward pass without dropout) and the
item embedding table; the weights are plain arrays saved with the model.

Items are tokens 1..vocab (0 pads); `token_of` maps the engine's item indices to tokens,
so a huge catalogue can keep only its most engaged items in the model (the rest are left
out of the sequences and score nothing here).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

Params = dict[str, np.ndarray]
MASKED = -1e9


@dataclass
class SASRecConfig:
    dim: int = 64
    blocks: int = 2
    heads: int = 1
    max_len: int = 50  # the newest items of a history that the model reads
    dropout: float = 0.2
    learning_rate: float = 1e-3
    batch_size: int = 128
    max_epochs: int = 200
    patience: int = 5  # evaluations without a better validation score before stopping
    eval_every: int = 2  # epochs between validation scores
    negatives: int | None = None  # None: full softmax over the vocabulary
    time_budget_s: float | None = None  # stop training (keep the best weights) after this
    seed: int = 0


def layer_norm(
    x: np.ndarray, gain: np.ndarray, bias: np.ndarray, eps: float = 1e-6
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    rstd = 1.0 / np.sqrt((centred * centred).mean(axis=-1, keepdims=True) + eps)
    normed = centred * rstd
    return normed * gain + bias, (normed, rstd)


def layer_norm_backward(
    grad: np.ndarray, cache: tuple[np.ndarray, np.ndarray], gain: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    normed, rstd = cache
    axes = tuple(range(grad.ndim - 1))
    d_gain = (grad * normed).sum(axis=axes)
    d_bias = grad.sum(axis=axes)
    d_normed = grad * gain
    d_x = rstd * (
        d_normed
        - d_normed.mean(axis=-1, keepdims=True)
        - normed * (d_normed * normed).mean(axis=-1, keepdims=True)
    )
    return d_x, d_gain, d_bias


def softmax(x: np.ndarray) -> np.ndarray:
    """Softmax over the last axis, in place (callers pass arrays they own)."""
    x -= x.max(axis=-1, keepdims=True)
    np.exp(x, out=x)
    x /= x.sum(axis=-1, keepdims=True)
    return x


class SASRec:
    def __init__(
        self,
        vocab: int,
        config: SASRecConfig | None = None,
        dtype: type[np.floating[Any]] = np.float32,
    ) -> None:
        self.config = config or SASRecConfig()
        self.vocab = vocab  # items; tokens are 1..vocab
        self.dtype = dtype
        cfg = self.config
        if cfg.dim % cfg.heads:
            raise ValueError("dim must be a multiple of heads")
        rng = np.random.default_rng(cfg.seed)
        d = cfg.dim

        def normal(*shape: int, std: float) -> np.ndarray:
            return (rng.standard_normal(shape) * std).astype(dtype)

        self.params: Params = {
            "item": normal(vocab + 1, d, std=1.0 / math.sqrt(d)),
            "position": normal(cfg.max_len, d, std=0.02),
            "final_gain": np.ones(d, dtype),
            "final_bias": np.zeros(d, dtype),
        }
        self.params["item"][0] = 0.0
        for b in range(cfg.blocks):
            for name in ("q", "k", "v", "o", "ff1", "ff2"):
                self.params[f"{b}.{name}.w"] = normal(d, d, std=1.0 / math.sqrt(d))
                self.params[f"{b}.{name}.b"] = np.zeros(d, dtype)
            for ln in ("ln1", "ln2"):
                self.params[f"{b}.{ln}.gain"] = np.ones(d, dtype)
                self.params[f"{b}.{ln}.bias"] = np.zeros(d, dtype)
        self.token_of = np.zeros(0, dtype=np.int32)  # engine item index -> token (0: none)
        self.report: dict[str, Any] = {}

    # ------------------------------------------------------------------ forward
    def forward(
        self, tokens: np.ndarray, rng: np.random.Generator | None = None
    ) -> tuple[np.ndarray, dict[str, Any]]:
        """Hidden states (B, L, d) for left-padded token rows (B, L); with `rng`, dropout
        is applied (training). Returns the states and the cache for `backward`."""
        cfg = self.config
        p = self.params
        batch, length = tokens.shape
        d, heads = cfg.dim, cfg.heads
        head_dim = d // heads
        mask = (tokens > 0).astype(self.dtype)
        cache: dict[str, Any] = {"tokens": tokens, "mask": mask}
        scale = self.dtype(math.sqrt(d))
        x = p["item"][tokens] * scale + p["position"][cfg.max_len - length :][None]
        x = x * mask[..., None]
        x = self._dropout(x, rng, cache, "drop_emb")
        causal = np.tril(np.ones((length, length), dtype=bool))
        allowed = causal[None, None] & (tokens > 0)[:, None, None, :]
        blocked = np.where(allowed, self.dtype(0), self.dtype(MASKED))
        for b in range(cfg.blocks):
            c: dict[str, Any] = {}
            y, c["ln1"] = layer_norm(x, p[f"{b}.ln1.gain"], p[f"{b}.ln1.bias"])
            c["y"] = y
            q = (y @ p[f"{b}.q.w"] + p[f"{b}.q.b"]).reshape(batch, length, heads, head_dim)
            k = (y @ p[f"{b}.k.w"] + p[f"{b}.k.b"]).reshape(batch, length, heads, head_dim)
            v = (y @ p[f"{b}.v.w"] + p[f"{b}.v.b"]).reshape(batch, length, heads, head_dim)
            q, k, v = (t.transpose(0, 2, 1, 3) for t in (q, k, v))  # (B, H, L, dh)
            scores = (q @ k.transpose(0, 1, 3, 2)) / self.dtype(math.sqrt(head_dim))
            scores += blocked
            attn = softmax(scores)
            mixed = (attn @ v).transpose(0, 2, 1, 3).reshape(batch, length, d)
            out = mixed @ p[f"{b}.o.w"] + p[f"{b}.o.b"]
            c.update(q=q, k=k, v=v, attn=attn, mixed=mixed)
            out = self._dropout(out, rng, c, "drop_att")
            x = x + out
            y2, c["ln2"] = layer_norm(x, p[f"{b}.ln2.gain"], p[f"{b}.ln2.bias"])
            c["y2"] = y2
            pre = y2 @ p[f"{b}.ff1.w"] + p[f"{b}.ff1.b"]
            act = np.maximum(pre, 0)
            c["pre"] = pre
            act = self._dropout(act, rng, c, "drop_act")
            c["act"] = act
            ff = act @ p[f"{b}.ff2.w"] + p[f"{b}.ff2.b"]
            ff = self._dropout(ff, rng, c, "drop_ff")
            x = x + ff
            cache[f"block{b}"] = c
        h, cache["final"] = layer_norm(x, p["final_gain"], p["final_bias"])
        return h, cache

    def _dropout(
        self, x: np.ndarray, rng: np.random.Generator | None, cache: dict[str, Any], name: str
    ) -> np.ndarray:
        rate = self.config.dropout
        if rng is None or rate <= 0:
            cache[name] = None
            return x
        keep = (rng.random(x.shape, dtype=np.float32) >= rate).astype(self.dtype)
        keep /= self.dtype(1.0 - rate)
        cache[name] = keep
        return x * keep

    # ------------------------------------------------------------------ backward
    def backward(self, d_h: np.ndarray, cache: dict[str, Any], grads: Params) -> None:
        """Accumulate the gradients of all parameters into `grads` given dLoss/dh."""
        cfg = self.config
        p = self.params
        tokens = cache["tokens"]
        batch, length = tokens.shape
        d, heads = cfg.dim, cfg.heads
        head_dim = d // heads
        d_x, d_gain, d_bias = layer_norm_backward(d_h, cache["final"], p["final_gain"])
        grads["final_gain"] += d_gain
        grads["final_bias"] += d_bias
        for b in reversed(range(cfg.blocks)):
            c = cache[f"block{b}"]
            # feed-forward half: x_out = x_mid + drop(act @ W2 + c2)
            d_ff = _undrop(d_x, c["drop_ff"])
            flat_ff = d_ff.reshape(-1, d)
            grads[f"{b}.ff2.w"] += c["act"].reshape(-1, d).T @ flat_ff
            grads[f"{b}.ff2.b"] += flat_ff.sum(axis=0)
            d_act = _undrop(d_ff @ p[f"{b}.ff2.w"].T, c["drop_act"])
            d_pre = d_act * (c["pre"] > 0)
            flat_pre = d_pre.reshape(-1, d)
            grads[f"{b}.ff1.w"] += c["y2"].reshape(-1, d).T @ flat_pre
            grads[f"{b}.ff1.b"] += flat_pre.sum(axis=0)
            d_y2 = d_pre @ p[f"{b}.ff1.w"].T
            d_mid, d_gain, d_bias = layer_norm_backward(d_y2, c["ln2"], p[f"{b}.ln2.gain"])
            grads[f"{b}.ln2.gain"] += d_gain
            grads[f"{b}.ln2.bias"] += d_bias
            d_x = d_x + d_mid
            # attention half: x_mid = x_in + drop(mixed @ Wo + bo)
            d_out = _undrop(d_x, c["drop_att"])
            flat_out = d_out.reshape(-1, d)
            grads[f"{b}.o.w"] += c["mixed"].reshape(-1, d).T @ flat_out
            grads[f"{b}.o.b"] += flat_out.sum(axis=0)
            d_mixed = (d_out @ p[f"{b}.o.w"].T).reshape(batch, length, heads, head_dim)
            d_mixed = d_mixed.transpose(0, 2, 1, 3)  # (B, H, L, dh)
            attn = c["attn"]
            d_attn = d_mixed @ c["v"].transpose(0, 1, 3, 2)
            d_v = attn.transpose(0, 1, 3, 2) @ d_mixed
            d_scores = attn * (d_attn - (d_attn * attn).sum(axis=-1, keepdims=True))
            d_scores = d_scores / self.dtype(math.sqrt(head_dim))
            d_q = d_scores @ c["k"]
            d_k = d_scores.transpose(0, 1, 3, 2) @ c["q"]
            y = c["y"].reshape(-1, d)
            d_y = np.zeros_like(c["y"])
            for name, grad in (("q", d_q), ("k", d_k), ("v", d_v)):
                flat = grad.transpose(0, 2, 1, 3).reshape(-1, d)
                grads[f"{b}.{name}.w"] += y.T @ flat
                grads[f"{b}.{name}.b"] += flat.sum(axis=0)
                d_y += (flat @ p[f"{b}.{name}.w"].T).reshape(batch, length, d)
            d_in, d_gain, d_bias = layer_norm_backward(d_y, c["ln1"], p[f"{b}.ln1.gain"])
            grads[f"{b}.ln1.gain"] += d_gain
            grads[f"{b}.ln1.bias"] += d_bias
            d_x = d_x + d_in
        d_x = _undrop(d_x, cache["drop_emb"])
        d_x = d_x * cache["mask"][..., None]
        grads["position"][cfg.max_len - length :] += d_x.sum(axis=0)
        scale = self.dtype(math.sqrt(d))
        _add_rows(grads["item"], tokens.ravel(), d_x.reshape(-1, d) * scale)

    # ------------------------------------------------------------------ loss
    def loss_and_grads(
        self, inputs: np.ndarray, targets: np.ndarray, rng: np.random.Generator | None
    ) -> tuple[float, Params, np.ndarray]:
        """Mean cross-entropy of the next token at every non-padded position, the gradients,
        and the item rows whose gradient may be non-zero (for lazy Adam)."""
        cfg = self.config
        h, cache = self.forward(inputs, rng)
        grads = {
            name: np.zeros_like(value) for name, value in self.params.items() if name != "item"
        }
        grads["item"] = np.zeros_like(self.params["item"])
        at = np.flatnonzero(targets.ravel() > 0)
        states = h.reshape(-1, cfg.dim)[at]
        wanted = targets.ravel()[at]
        n = max(1, len(at))
        items = self.params["item"]
        if cfg.negatives is None or cfg.negatives >= self.vocab:
            logits = states @ items[1:].T  # (N, vocab)
            probs = softmax(logits)
            loss = -float(np.log(probs[np.arange(len(at)), wanted - 1] + 1e-12).sum()) / n
            probs[np.arange(len(at)), wanted - 1] -= 1.0
            probs /= n
            d_states = probs @ items[1:]
            grads["item"][1:] += probs.T @ states
            touched = np.arange(self.vocab + 1)
        else:
            assert rng is not None
            negatives = rng.integers(1, self.vocab + 1, size=cfg.negatives)
            candidates = np.concatenate(
                [wanted[:, None], np.broadcast_to(negatives, (len(at), cfg.negatives))], axis=1
            )  # (N, 1 + K)
            logits = np.concatenate(
                [(states * items[wanted]).sum(axis=1, keepdims=True), states @ items[negatives].T],
                axis=1,
            )
            logits[:, 1:][negatives[None, :] == wanted[:, None]] = MASKED  # accidental hits
            probs = softmax(logits)
            loss = -float(np.log(probs[:, 0] + 1e-12).sum()) / n
            probs[:, 0] -= 1.0
            probs /= n
            d_states = probs[:, :1] * items[wanted] + probs[:, 1:] @ items[negatives]
            _add_rows(grads["item"], wanted, probs[:, :1] * states)
            _add_rows(grads["item"], negatives, probs[:, 1:].T @ states)
            touched = np.unique(np.concatenate([candidates[:, 0], negatives, inputs.ravel()]))
        d_h = np.zeros_like(h).reshape(-1, cfg.dim)
        d_h[at] = d_states
        self.backward(d_h.reshape(h.shape), cache, grads)
        grads["item"][0] = 0.0
        if cfg.negatives is not None and cfg.negatives < self.vocab:
            return loss, grads, touched[touched > 0]
        return loss, grads, touched[1:]

    # ------------------------------------------------------------------ inference
    def user_states(self, histories: list[np.ndarray], batch: int = 512) -> np.ndarray:
        """The state after each history (engine item indices, oldest first): (b, dim);
        histories with no item in the vocabulary get a zero state."""
        out = np.zeros((len(histories), self.config.dim), dtype=np.float32)
        for start in range(0, len(histories), batch):
            rows = self.tokens_for(histories[start : start + batch])
            live = np.flatnonzero(rows[:, -1] > 0)
            if len(live):
                h, _ = self.forward(rows[live])
                out[start + live] = h[:, -1, :]
        return out

    def tokens_for(self, histories: list[np.ndarray]) -> np.ndarray:
        """Left-padded token rows of the newest `max_len` in-vocabulary items."""
        cfg = self.config
        seqs = []
        for history in histories:
            history = np.asarray(history, dtype=np.int64)
            known = history[history < len(self.token_of)]
            tokens = self.token_of[known]
            seqs.append(tokens[tokens > 0][-cfg.max_len :])
        length = max(1, max((len(s) for s in seqs), default=1))
        rows = np.zeros((len(seqs), length), dtype=np.int64)
        for r, seq in enumerate(seqs):
            if len(seq):
                rows[r, length - len(seq) :] = seq
        return rows

    def item_vectors(self) -> np.ndarray:
        """(n engine items, dim): each item's output embedding (zero if not modelled)."""
        out = np.zeros((len(self.token_of), self.config.dim), dtype=np.float32)
        known = self.token_of > 0
        out[known] = self.params["item"][self.token_of[known]]
        return out

    # ------------------------------------------------------------------ training
    @classmethod
    def train(
        cls,
        sequences: list[np.ndarray],
        n_items: int,
        config: SASRecConfig,
        validation: tuple[list[np.ndarray], np.ndarray] | None = None,
        max_items: int | None = None,
        log: Callable[[str], None] | None = None,
    ) -> SASRec:
        """A model of the items in `sequences` (the `max_items` most frequent, if given)."""
        counts = np.bincount(
            np.concatenate(sequences).astype(np.int64) if sequences else np.zeros(0, np.int64),
            minlength=n_items,
        )
        modelled = np.flatnonzero(counts > 0)
        if max_items is not None and len(modelled) > max_items:
            modelled = np.sort(modelled[np.argsort(-counts[modelled], kind="stable")[:max_items]])
        model = cls(len(modelled), config)
        model.token_of = np.zeros(n_items, dtype=np.int32)
        model.token_of[modelled] = np.arange(1, len(modelled) + 1, dtype=np.int32)
        return model.fit(sequences, validation, log)

    def fit(
        self,
        sequences: list[np.ndarray],
        validation: tuple[list[np.ndarray], np.ndarray] | None = None,
        log: Callable[[str], None] | None = None,
    ) -> SASRec:
        """Train on chronological item sequences (engine item indices, mapped by
        `token_of`); keep the weights with the best validation NDCG@10 (the next item after
        each validation history)."""
        cfg = self.config
        started = time.perf_counter()
        n_items = len(self.token_of)
        # training rows: the newest max_len + 1 modelled items; each predicts the next
        token_seqs = [self.token_of[s[s < n_items].astype(np.int64)] for s in sequences]
        token_seqs = [t[t > 0][-(cfg.max_len + 1) :] for t in token_seqs]
        token_seqs = [t for t in token_seqs if len(t) >= 2]
        rng = np.random.default_rng(cfg.seed)
        optimizer = Adam(self.params, cfg.learning_rate)
        best = (-1.0, {k: v.copy() for k, v in self.params.items()}, 0)
        stale = 0
        history: list[tuple[int, float, float]] = []
        order = np.argsort([len(t) for t in token_seqs], kind="stable")
        epoch = 0
        for epoch in range(1, cfg.max_epochs + 1):
            # batches of similar lengths (little padding), in a random order
            jitter = rng.permutation(len(order))
            by_length = order[
                np.argsort(
                    np.asarray([len(token_seqs[i]) for i in order]) + jitter / (len(order) + 1.0),
                    kind="stable",
                )
            ]
            batches = [
                by_length[i : i + cfg.batch_size] for i in range(0, len(by_length), cfg.batch_size)
            ]
            total = 0.0
            for batch_no in rng.permutation(len(batches)):
                batch_rows = [token_seqs[i] for i in batches[batch_no]]
                length = max(len(t) for t in batch_rows) - 1
                inputs = np.zeros((len(batch_rows), length), dtype=np.int64)
                targets = np.zeros_like(inputs)
                for r, t in enumerate(batch_rows):
                    inputs[r, length - len(t) + 1 :] = t[:-1]
                    targets[r, length - len(t) + 1 :] = t[1:]
                loss, grads, touched = self.loss_and_grads(inputs, targets, rng)
                optimizer.step(self.params, grads, touched)
                total += loss
            over_time = (
                cfg.time_budget_s is not None and time.perf_counter() - started > cfg.time_budget_s
            )
            if validation is not None and (
                epoch % cfg.eval_every == 0 or over_time or epoch == cfg.max_epochs
            ):
                score = self.validation_ndcg(*validation)
                history.append((epoch, total / max(1, len(batches)), score))
                if log is not None:
                    log(
                        f"sasrec epoch {epoch} loss {total / max(1, len(batches)):.4f} "
                        f"val ndcg@10 {score:.4f}"
                    )
                if score > best[0]:
                    best = (score, {k: v.copy() for k, v in self.params.items()}, epoch)
                    stale = 0
                else:
                    stale += 1
                    if stale >= cfg.patience:
                        break
            if over_time:
                break
        if validation is not None and best[0] >= 0:
            self.params = best[1]
        self.report = {
            "epochs": epoch,
            "best_epoch": best[2],
            "val_ndcg@10": best[0],
            "seconds": round(time.perf_counter() - started, 1),
            "items": int(self.vocab),
            "sequences": len(token_seqs),
            "curve": history,
        }
        return self

    def validation_ndcg(self, histories: list[np.ndarray], targets: np.ndarray) -> float:
        """NDCG@10 of the next item over every modelled item (history items excluded)."""
        states = self.user_states(histories)
        vectors = self.params["item"][1:]
        total = 0.0
        for start in range(0, len(histories), 512):
            scores = states[start : start + 512] @ vectors.T
            for r, history in enumerate(histories[start : start + 512]):
                target = int(targets[start + r])
                token = self.token_of[target] if target < len(self.token_of) else 0
                if token == 0:
                    continue
                known = self.token_of[history[history < len(self.token_of)]]
                known = known[known > 0]
                row = scores[r].copy()
                row[known - 1] = -np.inf
                better = int((row > row[token - 1]).sum())
                if better < 10:
                    total += 1.0 / math.log2(better + 2)
        return total / max(1, len(histories))


def _undrop(grad: np.ndarray, keep: np.ndarray | None) -> np.ndarray:
    return grad if keep is None else grad * keep


def _add_rows(target: np.ndarray, rows: np.ndarray, values: np.ndarray) -> None:
    """target[rows] += values, summing repeated rows (np.add.at without its slowness)."""
    if len(rows) == 0:
        return
    order = np.argsort(rows, kind="stable")
    sorted_rows = rows[order]
    starts = np.flatnonzero(np.r_[True, sorted_rows[1:] != sorted_rows[:-1]])
    sums = np.add.reduceat(values[order], starts, axis=0)
    target[sorted_rows[starts]] += sums


@dataclass
class Adam:
    """Adam (Kingma & Ba 2015); the item table is updated lazily (only the rows a batch
    touched), as sparse embeddings usually are."""

    params: Params
    learning_rate: float
    beta1: float = 0.9
    beta2: float = 0.98
    eps: float = 1e-8
    step_no: int = 0
    first: Params = field(default_factory=dict)
    second: Params = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.first = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.second = {k: np.zeros_like(v) for k, v in self.params.items()}

    def step(self, params: Params, grads: Params, touched_items: np.ndarray) -> None:
        self.step_no += 1
        correction1 = 1.0 - self.beta1**self.step_no
        correction2 = 1.0 - self.beta2**self.step_no
        rate = self.learning_rate * math.sqrt(correction2) / correction1
        for name, grad in grads.items():
            if name == "item":
                rows = touched_items
                grad = grad[rows]
                m = self.first[name][rows] * self.beta1 + (1 - self.beta1) * grad
                v = self.second[name][rows] * self.beta2 + (1 - self.beta2) * grad * grad
                self.first[name][rows] = m
                self.second[name][rows] = v
                params[name][rows] -= (rate * m / (np.sqrt(v) + self.eps)).astype(
                    params[name].dtype
                )
                continue
            m = self.first[name]
            v = self.second[name]
            m *= self.beta1
            m += (1 - self.beta1) * grad
            v *= self.beta2
            v += (1 - self.beta2) * grad * grad
            params[name] -= (rate * m / (np.sqrt(v) + self.eps)).astype(params[name].dtype)
