"""A short run of the simulated-users evaluation (hidden topic tastes)."""

from __future__ import annotations

import pytest

from qiao.engines.recommend import RecommenderConfig
from qiao.engines.recommend.simulate import run_simulation


def test_simulated_users_get_their_tastes() -> None:
    rows = run_simulation(
        n_users=30,
        n_days=2,
        n_authors=30,
        seed=1,
        out=lambda s: None,
        n_initial_notes=250,
        new_notes_per_day=25,
        language_mixes=(0.5, 1.0, None),
        # fixed component settings: this test is about the loop, not the tuning
        config=RecommenderConfig(
            ranker_max_users=200,
            ranker_rounds=30,
            ease_lambda=100.0,
            coengage_half_life=3.0,
            seq_params=(5, 0.6, 2.0),
            embed_factors=32,
            embed_half_life=10.0,
            neural_dim=16,
            neural_max_epochs=4,
        ),
    )
    assert len(rows) == 2
    for r in rows:
        # personalised feed far above a random page and the global trending list
        assert r["precision"] >= 2 * r["precision_random"]
        assert r["precision"] > r["precision_popular"]
        assert r["new_note_exposure"] > 0.2
        assert r["topics_per_page"] >= 2
        # each user's language-mix setting holds on their first page
        assert r["language_share"]["0.5"]["mean"] == pytest.approx(0.5, abs=0.05)
        assert r["language_share"]["1.0"]["mean"] >= 0.95
        assert r["language_share"]["0.5"]["within_5_points"] >= 0.8
    assert rows[1]["cold_precision"] is not None
    assert rows[1]["cold_precision"] > rows[1]["cold_precision_popular"]
