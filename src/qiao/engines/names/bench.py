"""Benchmark of the names engine (``python bench/names.py`` / ``qiao bench names``).

1. Transliteration, measured honestly: the dev names (``translit_dev.json``) are split into
   ``folds`` folds; for each fold the model is re-trained (EM alignment + n-gram) on CedPane
   with every row that mentions a name of that fold removed, and then transliterates that
   fold's names with no dictionary look-up.  Reported: top-1 / top-5 exact match against any
   attested form, and mean character similarity (1 - normalised edit distance to the closest
   attested form).  The table-only baseline is the same alignment used as a context-free
   chunk -> character table (a unigram joint model).
2. Suggestions: ``pairs`` random English name pairs (seeded) with random gender, qualities
   and style through the shipped suggester; reported: share of suggestions that pass every
   check (re-checked independently), distinct-name rate, suggestions per request, latency.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from .paths import names_data_dir
from .translit import HybridTransliterator, JointModel, align_pairs, letters_of, read_cedpane


def _edit_distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def char_similarity(hyp: str, refs: list[str]) -> float:
    if not hyp:
        return 0.0
    return max(1 - _edit_distance(hyp, r) / max(len(hyp), len(r)) for r in refs)


def transliteration_benchmark(
    data_dir: str | Path | None = None,
    folds: int = 5,
    seed: int = 0,
    order: int = 3,
    limit: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    src = names_data_dir(data_dir)
    dev: dict[str, list[str]] = json.loads((src / "translit_dev.json").read_text("utf-8"))
    pairs = read_cedpane(src / "cedpane.tsv")
    names = sorted(dev)
    random.Random(seed).shuffle(names)
    if limit:
        names = names[:limit]
    from .build_data import cmu_pronouncer

    pron = cmu_pronouncer()
    stats = {"model": [0, 0, 0.0], "letters": [0, 0, 0.0], "baseline": [0, 0, 0.0]}
    total = 0
    t0 = time.perf_counter()
    for k in range(folds):
        fold = names[k::folds]
        held = {n.lower() for n in fold}
        held_rows = {p.row for p in pairs if p.word.lower() in held}
        train = sorted({(letters_of(p.word), p.chinese) for p in pairs if p.row not in held_rows})
        aligned = align_pairs(train)
        phone_train = sorted(
            {(ph, p.chinese) for p in pairs if p.row not in held_rows and (ph := pron(p.word))}
        )
        letters = JointModel(aligned, order=order)
        hybrid = HybridTransliterator(letters, JointModel(align_pairs(phone_train)), pron)
        baseline = JointModel(aligned, 1)
        models: dict[str, Callable[[str], list[tuple[str, float]]]] = {
            "model": partial(hybrid.decode, nbest=5),
            "letters": partial(letters.decode, nbest=5),
            "baseline": partial(baseline.decode, nbest=5),
        }
        for name in fold:
            refs = dev[name]
            total += 1
            for key, decode in models.items():
                hyps = [c for c, _ in decode(name)]
                st = stats[key]
                if hyps and hyps[0] in refs:
                    st[0] += 1
                if any(h in refs for h in hyps[:5]):
                    st[1] += 1
                st[2] += char_similarity(hyps[0] if hyps else "", refs)
        if progress:
            progress(
                f"fold {k + 1}/{folds}: {len(train)} training pairs, {len(fold)} held-out names"
            )
    out: dict[str, Any] = {"names": total, "folds": folds, "order": order}
    for key, (t1, t5, sim) in stats.items():
        out[key] = {
            "top1": round(t1 / total, 4),
            "top5": round(t5 / total, 4),
            "char_similarity": round(sim / total, 4),
        }
    out["seconds"] = round(time.perf_counter() - t0, 1)
    return out


QUALITY_POOL = (
    "bright",
    "kind",
    "strong",
    "wise",
    "gentle",
    "brave",
    "happy",
    "elegant",
    "calm",
    "honest",
    "善良",
    "聪明",
)


def _random_requests(src: Path, n: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    given_pool = [
        ln.strip()
        for ln in (src / "english_given_names_2w.txt").read_text("utf-8-sig").splitlines()[2:]
        if ln.strip().isalpha()
    ]
    dev = json.loads((src / "translit_dev.json").read_text("utf-8"))
    surname_pool = [k for k in dev if k.isalpha()]
    reqs = []
    for _ in range(n):
        reqs.append(
            {
                "given": rng.choice(given_pool).capitalize(),
                "surname": rng.choice(surname_pool),
                "gender": rng.choice(["female", "male", "neutral", None]),
                "qualities": tuple(rng.sample(QUALITY_POOL, rng.randint(0, 2))),
                "style": rng.choice(["sound-alike", "meaning-first", "balanced"]),
            }
        )
    return reqs


def suggestion_benchmark(
    data_dir: str | Path | None = None, pairs: int = 1000, seed: int = 0
) -> dict[str, Any]:
    from .checks import check_name
    from .suggest import NameSuggester
    from .types import NameRequest

    src = names_data_dir(data_dir)
    suggester = NameSuggester()
    t_warm = time.perf_counter()
    suggester.warm_up()
    warm_s = time.perf_counter() - t_warm
    latencies: list[float] = []
    cpu: list[float] = []  # CPU time: the latency without other processes competing
    total = passed = 0
    names: list[str] = []
    per_request: list[int] = []
    for spec in _random_requests(src, pairs, seed):
        req = NameRequest(**spec)
        t, c = time.perf_counter(), time.process_time()
        result = suggester.suggest(req)
        latencies.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
        per_request.append(len(result.suggestions))
        for s in result.suggestions:
            total += 1
            names.append(s.chinese)
            syl = None  # re-derive the reading independently
            if not check_name(s.surname, s.given, pinyin=syl, gender=req.gender, res=suggester.res):
                passed += 1
    latencies.sort()
    cpu.sort()

    def pct(xs: list[float], q: float) -> float:
        return round(xs[min(len(xs) - 1, int(len(xs) * q))], 2)

    return {
        "requests": pairs,
        "suggestions": total,
        "pass_rate": round(passed / total, 4) if total else 0.0,
        "distinct_rate": round(len(set(names)) / total, 4) if total else 0.0,
        "mean_per_request": round(statistics.mean(per_request), 2),
        "min_per_request": min(per_request),
        "share_with_5_or_more": round(sum(n >= 5 for n in per_request) / pairs, 4),
        "latency_ms_p50": pct(latencies, 0.5),
        "latency_ms_p99": pct(latencies, 0.99),
        "cpu_ms_p50": pct(cpu, 0.5),
        "cpu_ms_p99": pct(cpu, 0.99),
        "warm_up_s": round(warm_s, 2),
    }


def run_names_benchmark(
    data_dir: str | Path | None = None,
    folds: int = 5,
    pairs: int = 1000,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    """Both benchmarks; returns one flat-ish dict (printed as one JSON line by the CLI)."""
    tr = transliteration_benchmark(data_dir, folds=folds, seed=seed, limit=limit, progress=progress)
    sg = suggestion_benchmark(data_dir, pairs=pairs, seed=seed)
    return {
        "bench": "names",
        "translit_top1": tr["model"]["top1"],
        "translit_top5": tr["model"]["top5"],
        "translit_char_similarity": tr["model"]["char_similarity"],
        "letters_only_top1": tr["letters"]["top1"],
        "letters_only_top5": tr["letters"]["top5"],
        "baseline_top1": tr["baseline"]["top1"],
        "baseline_top5": tr["baseline"]["top5"],
        "baseline_char_similarity": tr["baseline"]["char_similarity"],
        "translit_names": tr["names"],
        "translit_folds": tr["folds"],
        "suggest_requests": sg["requests"],
        "suggest_pass_rate": sg["pass_rate"],
        "suggest_distinct_rate": sg["distinct_rate"],
        "suggest_mean_per_request": sg["mean_per_request"],
        "suggest_min_per_request": sg["min_per_request"],
        "suggest_share_with_5_or_more": sg["share_with_5_or_more"],
        "latency_ms_p50": sg["latency_ms_p50"],
        "latency_ms_p99": sg["latency_ms_p99"],
        "cpu_ms_p50": sg["cpu_ms_p50"],
        "cpu_ms_p99": sg["cpu_ms_p99"],
        "warm_up_s": sg["warm_up_s"],
        "translit_seconds": tr["seconds"],
    }


def markdown_row(result: dict[str, Any], date: str) -> str:
    return (
        f"| {date} | names | translit top-1 {result['translit_top1']:.3f} / top-5 "
        f"{result['translit_top5']:.3f} / char-sim {result['translit_char_similarity']:.3f} "
        f"(table-only baseline top-1 {result['baseline_top1']:.3f}); suggestions pass "
        f"{result['suggest_pass_rate']:.3f}, distinct {result['suggest_distinct_rate']:.3f}, "
        f"p50 {result['latency_ms_p50']} ms, p99 {result['latency_ms_p99']} ms "
        f"(CPU p50 {result['cpu_ms_p50']} ms, p99 {result['cpu_ms_p99']} ms) |"
    )
