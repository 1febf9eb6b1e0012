"""The NumPy SASRec: gradients against finite differences, and it learns sequences."""

from __future__ import annotations

import numpy as np
import pytest

from qiao.engines.recommend.sequential import SASRec, SASRecConfig


def _loss(model: SASRec, inputs: np.ndarray, targets: np.ndarray, seed: int) -> float:
    return model.loss_and_grads(inputs, targets, np.random.default_rng(seed))[0]


@pytest.mark.parametrize("negatives,dropout,heads", [(None, 0.0, 1), (None, 0.3, 2), (4, 0.2, 2)])
def test_gradients_match_finite_differences(
    negatives: int | None, dropout: float, heads: int
) -> None:
    """Every parameter's analytic gradient against central differences (float64; the same
    dropout masks and sampled negatives on every evaluation through a fixed seed)."""
    cfg = SASRecConfig(
        dim=8, blocks=2, heads=heads, max_len=6, dropout=dropout, negatives=negatives, seed=3
    )
    model = SASRec(9, cfg, dtype=np.float64)
    rng = np.random.default_rng(0)
    for value in model.params.values():  # move off the identity-like initial point
        value += rng.standard_normal(value.shape) * 0.1
    model.params["item"][0] = 0.0
    inputs = np.array([[0, 0, 3, 1, 4, 2], [5, 6, 7, 1, 8, 9]])
    targets = np.array([[0, 0, 1, 4, 2, 6], [6, 7, 1, 8, 9, 3]])
    _loss_value, grads, touched = model.loss_and_grads(inputs, targets, np.random.default_rng(11))
    checked = 0
    for name, value in model.params.items():
        flat = value.reshape(-1)
        picks = rng.choice(len(flat), size=min(6, len(flat)), replace=False)
        if name == "item":
            picks = np.asarray([r * value.shape[1] + c for r in touched[:4] for c in (0, 5)])
        for at in picks:
            old = flat[at]
            flat[at] = old + 1e-5
            up = _loss(model, inputs, targets, 11)
            flat[at] = old - 1e-5
            down = _loss(model, inputs, targets, 11)
            flat[at] = old
            numeric = (up - down) / 2e-5
            analytic = grads[name].reshape(-1)[at]
            assert analytic == pytest.approx(numeric, rel=1e-4, abs=1e-7), (name, at)
            checked += 1
    assert checked > 100


def test_it_learns_a_next_item_pattern() -> None:
    """Users walk one of two fixed cycles; after training the next step is ranked first."""
    rng = np.random.default_rng(1)
    cycles = [np.arange(0, 20), np.arange(20, 40)]
    seqs = []
    for u in range(160):
        cycle = cycles[u % 2]
        start = int(rng.integers(20))
        seqs.append(cycle[(start + np.arange(10)) % 20].astype(np.int32))
    histories = [s[:-1] for s in seqs[:40]]
    targets = np.asarray([s[-1] for s in seqs[:40]])
    model = SASRec.train(
        [s[:-1] for s in seqs],
        40,
        SASRecConfig(
            dim=16,
            blocks=1,
            max_len=8,
            dropout=0.0,
            learning_rate=5e-3,
            batch_size=32,
            max_epochs=40,
            eval_every=5,
            patience=100,
        ),
        validation=(histories, targets),
    )
    states = model.user_states(histories)
    scores = states @ model.item_vectors().T
    top = scores.argmax(axis=1)
    assert (top == targets).mean() >= 0.9
    assert model.report["val_ndcg@10"] >= 0.9
