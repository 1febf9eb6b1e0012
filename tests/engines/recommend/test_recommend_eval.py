"""The offline evaluation: data formats, tie orders, the development protocol, leak-free item
text and statistics, the served-list scoring, the stable ranker."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from recommend_world import DAY, T0, World

from qiao.engines.recommend import Interaction, NoteInfo, Recommender, RecommenderConfig
from qiao.engines.recommend import bench as bench_module
from qiao.engines.recommend.evaldata import (
    drop_last,
    find_datasets,
    item_texts,
    leave_last_out,
    load_dataset,
)
from qiao.engines.recommend.types import UserContext


def _amazon(folder: Path, rows: list[tuple[str, str, int, str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "reviews.json"
    path.write_text(
        "\n".join(
            json.dumps({"reviewerID": u, "asin": i, "unixReviewTime": t, "summary": text})
            for u, i, t, text in rows
        )
    )
    return path


def test_three_formats_as_files_or_folders(tmp_path: Path) -> None:
    inter = tmp_path / "movies" / "movies.inter"
    inter.parent.mkdir()
    inter.write_text(
        "user_id:token\titem_id:token\trating:float\ttimestamp:float\n"
        "u1\ta\t5\t30\nu1\tb\t4\t10\nu2\ta\t3\t5\nu1\tc\t1\t20\n"
    )
    (tmp_path / "movies" / "movies.item").write_text(
        "item_id:token\tmovie_title:token_seq\tclass:token_seq\n"
        "a\tToy Story\tAnimation Comedy\nb\tHeat\tCrime\n"
    )
    ds = load_dataset(inter)
    assert ds.name == "movies" and ds.has_time
    assert ds.seqs[0].tolist() == [0, 1, 2]  # b (t=10), c (t=20), a (t=30) for u1
    titles = dict(zip(ds.seqs[0].tolist(), ["Heat", "", "Toy Story"], strict=True))
    assert {j: ds.item_text[j] for j in titles} == titles
    assert ds.item_topics[2] == ["Animation", "Comedy"]
    assert load_dataset(inter.parent).seqs[0].tolist() == ds.seqs[0].tolist()

    seq = tmp_path / "shop" / "shop.txt"
    seq.parent.mkdir()
    seq.write_text("1 10\n1 11\n2 10 12 13\n")
    ds = load_dataset(seq)
    assert not ds.has_time and ds.n_users == 2 and ds.seqs[1].tolist() == [0, 2, 3]

    amazon = _amazon(tmp_path / "reviews", [("x", "p1", 100, "good"), ("x", "p2", 50, "ok")])
    ds = load_dataset(amazon)
    assert ds.seqs[0].tolist() == [0, 1] and ds.review_text[0] == ["ok", "good"]
    # a root of data set folders, and a single file, are both accepted
    assert {p.name for p in find_datasets(tmp_path)} == {"movies", "reviews", "shop"}
    assert find_datasets(seq) == [seq]


def test_random_tie_orders_shuffle_only_equal_times(tmp_path: Path) -> None:
    rows = [("u", f"p{k}", 100 if k < 6 else 200 + k, "") for k in range(10)]
    path = _amazon(tmp_path / "ties", rows)
    reference = load_dataset(path)
    assert reference.has_ties

    def names(ds: object) -> list[str]:
        return [ds.item_names[j] for j in ds.seqs[0].tolist()]  # type: ignore[attr-defined] # test dataset

    assert names(reference) == [f"p{k}" for k in range(10)]  # the file order breaks ties
    orders = set()
    for seed in range(1, 6):
        ds = load_dataset(path, tie_seed=seed)
        assert ds.times[0].tolist() == sorted(ds.times[0].tolist())
        orders.add(tuple(names(ds)[:6]))
        assert sorted(names(ds)[:6]) == [f"p{k}" for k in range(6)]
        assert names(ds)[6:] == ["p6", "p7", "p8", "p9"]  # distinct times keep their order
    assert len(orders) > 1


def test_development_protocol_never_sees_the_test_item(tmp_path: Path) -> None:
    rows = [
        ("a", "p1", 1, "r1"),
        ("a", "p2", 2, "r2"),
        ("a", "p3", 3, "TESTREVIEW"),
        ("b", "p1", 1, "r4"),
        ("b", "p3", 2, "r5"),
    ]
    ds = load_dataset(_amazon(tmp_path / "d", rows))
    dev = drop_last(ds)
    assert dev.seqs[0].tolist() == [0, 1]  # a's test item p3 is gone
    assert dev.seqs[1].tolist() == [0, 2]  # b has < 3 interactions: nothing is held out
    assert all("TESTREVIEW" not in t for r in dev.review_text for t in r)


def test_item_text_comes_only_from_training_reviews(tmp_path: Path) -> None:
    rows = [
        ("a", "p1", 1, "strings"),
        ("a", "p2", 2, "cable"),
        ("a", "p3", 3, "HELDOUT"),
        ("b", "p3", 1, "pedal"),
        ("b", "p1", 2, "strings again"),
        ("b", "p2", 3, "LAST"),
    ]
    ds = load_dataset(_amazon(tmp_path / "d", rows))
    test = leave_last_out(ds, 1)
    texts = item_texts(ds, test)
    joined = " ".join(texts)
    assert "HELDOUT" not in joined and "LAST" not in joined
    assert "pedal" in texts[2] and "strings again" in texts[0]
    notes = bench_module.engine_input(ds, test)[1]
    assert all("HELDOUT" not in n.text for n in notes)


def test_the_ranker_never_sees_statistics_of_its_held_out_positives(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Trend, popularity and like counts used while the ranker trains leave out the
    held-out positives it learns to predict (they are restored for serving)."""
    from qiao.engines.recommend import ranking

    rng = np.random.default_rng(0)
    notes = [NoteInfo(j, j % 9, topics=[f"t{j % 3}"], like_count=3) for j in range(60)]
    events = [
        Interaction(u, int(j), "like", 1000.0 * k + u)
        for u in range(80)
        for k, j in enumerate(rng.choice(50, 6, replace=False))
    ]
    # note 55 is only ever liked as each user's last positive
    events += [Interaction(u, 55, "like", 10_000.0 + u) for u in range(0, 80, 4)]
    seen: dict[str, float] = {}
    real = ranking.train_ranker

    def spy(model: Recommender, *args: object, **kwargs: object) -> object:
        j = model.note_index[55]
        seen.update(
            trend=float(model.catalogue.trend[j]),
            pop=float(model.catalogue.popularity[j]),
            likes=float(model.catalogue.likes[j]),
            trending=float(j in set(model.trending[:30].tolist())),
        )
        return real(model, *args, **kwargs)  # type: ignore[arg-type] # a spy

    monkeypatch.setattr(ranking, "train_ranker", spy)
    rec = Recommender.train(events, notes, RecommenderConfig(ranker_rounds=5))
    assert seen == {"trend": 0.0, "pop": 0.0, "likes": 0.0, "trending": 0.0}
    j = rec.note_index[55]
    assert rec.catalogue.trend[j] > 0 and rec.catalogue.popularity[j] == 20
    assert rec.catalogue.likes[j] == 3


def test_stable_ranker_folds_min_rounds_and_monotone_scores(world: World) -> None:
    from qiao.engines.recommend.features import F

    ranker = world.rec.ranker
    assert ranker is not None and len(ranker.boosters) == 3
    assert ranker.rounds >= min(world.rec.config.ranker_rounds, world.rec.config.ranker_min_rounds)
    rng = np.random.default_rng(1)
    x = rng.random((200, len(F)), dtype=np.float32)
    base = ranker.predict(x)
    for name in ("s_coengage", "r_collab", "s_content"):
        more = x.copy()
        more[:, F[name]] += 0.5
        assert (ranker.predict(more) >= base - 1e-9).all(), name


def test_too_few_groups_means_the_hand_set_blend() -> None:
    notes = [NoteInfo(j, j % 5) for j in range(40)]
    events = [Interaction(u, (u + k) % 40, "like", float(k)) for u in range(10) for k in range(5)]
    rec = Recommender.train(events, notes, RecommenderConfig(ranker_rounds=10))
    assert rec.report.ranker_groups < rec.config.ranker_min_groups
    assert rec.ranker is None


def test_benchmarked_lists_are_the_served_lists(world: World) -> None:
    """`rank_many` (the benchmark's batch path) gives exactly `rank`'s lists, and the
    benchmark scores the first page `recommend_page` serves."""
    contexts = [UserContext(u, now=world.rec.t_ref) for u in (1, 2, 3, 4)]
    batch = world.rec.rank_many(contexts)
    assert batch == [world.rec.rank(c) for c in contexts]
    later = UserContext(5, now=T0 + 21 * DAY)  # users with different request times
    assert world.rec.rank_many([contexts[0], later]) == [batch[0], world.rec.rank(later)]
    top = bench_module.served_lists(world.rec, np.asarray([1, 2, 3, 4]))
    for row, ctx in enumerate(contexts):
        page = world.rec.recommend_page(ctx, None, bench_module.PAGE)
        assert top[row].tolist() == [s.note_id for s in page.items]


def _tiny_sets(root: Path) -> None:
    rng = np.random.default_rng(2)
    rows = []
    for u in range(60):
        for k, item in enumerate(rng.choice(40, 8, replace=False)):
            rows.append((f"u{u}", f"p{(item + u % 4) % 40}", 100 * (k // 2), f"words {item}"))
    _amazon(root / "shop", rows)


def test_benchmark_reports_mean_and_spread_over_seeds_and_tie_orders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tiny_sets(tmp_path)
    lines: list[str] = []
    rows = bench_module.run_recommend_benchmark(
        tmp_path,
        models=("most-popular", "qiao"),
        out=lines.append,
        seeds=(0, 1),
        tie_orders=2,
        protocol="validation",
        engine_config=RecommenderConfig(ranker_rounds=5, tune_max_users=50),
    )
    runs = [r for r in rows if not r.get("summary")]
    assert {(r["model"], r["tie_order"], r["seed"]) for r in runs} == {
        ("most-popular", 0, 0),
        ("most-popular", 1, 0),
        ("qiao", 0, 0),
        ("qiao", 0, 1),
        ("qiao", 1, 0),
        ("qiao", 1, 1),
    }
    summary = {r["model"]: r for r in rows if r.get("summary")}
    assert summary["qiao"]["runs"] == 4 and "ndcg@10_sd" in summary["qiao"]
    assert summary["qiao"]["best_baseline"] == "most-popular"
    assert summary["qiao"]["best_baseline_random_ties"] == "most-popular"  # order 1 alone
    shuffled = [r["ndcg@10"] for r in runs if r["model"] == "qiao" and r["tie_order"] == 1]
    assert summary["qiao"]["ndcg@10_random_ties"] == pytest.approx(np.mean(shuffled), abs=1e-4)
    assert all(r["protocol"] == "validation" for r in runs)
    assert any(line.startswith("| data set |") for line in lines)


def test_a_missing_optional_dependency_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    _tiny_sets(tmp_path)
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "implicit" else real(name, *a)
    )
    lines: list[str] = []
    bench_module.run_recommend_benchmark(
        tmp_path,
        models=("implicit-als", "most-popular"),
        out=lines.append,
        seeds=(0,),
        tie_orders=1,
    )
    skipped = json.loads(lines[0])
    assert skipped["skipped"] == "implicit-als"
    assert "pip install -e '.[bench]'" in skipped["reason"]
