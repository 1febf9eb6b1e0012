"""Translation benchmark on FLORES dev (zh↔en): quality, speed, latency, cache, memory.

``run_translate_benchmark`` prints one JSON line per engine and direction (and, with
``score_systems=True``, one per published system output in ``flores-dev/systems/``, scored
with the same code and compared with the table in ``mt/README.md``). ``qiao bench translate``
and ``bench/translate.py`` call :func:`main`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .base import Translator
from .cache import InMemoryLRUCache, NullCache
from .config import ENGINE_NAMES, build_service_from_config, config_from_env
from .service import TranslationService

DIRECTIONS: tuple[tuple[str, str], ...] = (("zh", "en"), ("en", "zh"))
NOTE_CHARS = 200


def find_data_dir(explicit: str | Path | None = None) -> Path:
    """``--data``, else ``$QIAO_DATA_DIR``, else ``<repo root>/../shared/data`` if it exists."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("QIAO_DATA_DIR")
    if env:
        return Path(env)
    for base in (Path(__file__).resolve().parents[4], Path.cwd()):
        cand = base.parent / "shared" / "data"
        if cand.is_dir():
            return cand
    raise FileNotFoundError(
        "no data directory: pass --data or set QIAO_DATA_DIR (it holds mt/flores-dev/)"
    )


def flores_dir(data_dir: Path) -> Path:
    for cand in (data_dir / "mt" / "flores-dev", data_dir / "flores-dev", data_dir):
        if (cand / "zh.txt").is_file() and (cand / "en.txt").is_file():
            return cand
    raise FileNotFoundError(f"no flores-dev/zh.txt and en.txt under {data_dir}")


def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").rstrip("\n").split("\n")


def score(hypotheses: Sequence[str], references: Sequence[str], target: str) -> dict[str, float]:
    """sacrebleu BLEU (``zh`` tokenizer for Chinese targets, ``13a`` otherwise) and chrF."""
    import sacrebleu

    if len(hypotheses) != len(references):
        raise ValueError(f"{len(hypotheses)} hypotheses for {len(references)} references")
    tok = "zh" if target.startswith("zh") else "13a"
    bleu = sacrebleu.corpus_bleu(list(hypotheses), [list(references)], tokenize=tok)
    chrf = sacrebleu.corpus_chrf(list(hypotheses), [list(references)])
    return {"bleu": round(bleu.score, 2), "chrf": round(chrf.score, 2)}


def published_table(readme: Path) -> dict[str, dict[str, float]]:
    """The anchor table of ``mt/README.md``: system -> {"zh-en.bleu": .., ...}."""
    out: dict[str, dict[str, float]] = {}
    if not readme.is_file():
        return out
    for line in readme.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 5 or not re.fullmatch(r"[\d.]+", cells[1]):
            continue
        name = cells[0].split()[0]
        keys = ("zh-en.bleu", "zh-en.chrf", "en-zh.bleu", "en-zh.chrf")
        out[name] = {k: float(v) for k, v in zip(keys, cells[1:], strict=True)}
    return out


def score_published_systems(data_dir: Path) -> list[dict[str, Any]]:
    """Score every ``systems/<src>-<tgt>.<system>.<tgt>`` file; compare with the README."""
    fd = flores_dir(data_dir)
    table = published_table(fd.parent / "README.md")
    rows = []
    for path in sorted((fd / "systems").glob("*-*.*.*")):
        direction, system, _ = path.name.split(".", 2)
        src, tgt = direction.split("-")
        refs = read_lines(fd / f"{tgt}.txt")
        hyps = read_lines(path)
        row: dict[str, Any] = {"kind": "system", "system": system, "direction": direction}
        row.update(score(hyps, refs, tgt))
        pub = table.get(system)
        if pub:
            row["published_bleu"] = pub[f"{direction}.bleu"]
            row["published_chrf"] = pub[f"{direction}.chrf"]
            row["matches_published"] = (
                abs(row["bleu"] - row["published_bleu"]) <= 0.1
                and abs(row["chrf"] - row["published_chrf"]) <= 0.1
            )
        rows.append(row)
    return rows


def make_notes(sentences: Sequence[str], n: int = 20, chars: int = NOTE_CHARS) -> list[str]:
    """``n`` different notes of about ``chars`` characters made of consecutive sentences."""
    notes: list[str] = []
    i = 0
    while len(notes) < n and i < len(sentences):
        note = ""
        while len(note) < chars and i < len(sentences):
            note = note + (" " if note and sentences[i][:1].isascii() else "") + sentences[i]
            i += 1
        notes.append(note[: chars + 100])
    return notes


def _percentile(values: Sequence[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]


def bench_engine(
    engine: Translator,
    src: str,
    tgt: str,
    sources: list[str],
    refs: list[str],
    *,
    batch_size: int = 32,
    timeout: float = 600.0,
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "kind": "engine",
        "engine": engine.name,
        "direction": f"{src}-{tgt}",
        "engine_version": engine.version,
        "model_version": engine.model_version(src, tgt),
        "sentences": len(sources),
    }
    raw = TranslationService([engine], cache=NullCache(), timeout=timeout, batch_size=batch_size)
    # warm-up (model load) is not counted in the throughput
    raw.translate(sources[:2], src, tgt)
    t0 = time.perf_counter()
    hyps = [r.text for r in raw.translate(sources, src, tgt)]
    elapsed = time.perf_counter() - t0
    row.update(score(hyps, refs, tgt))
    row["sentences_per_s"] = round(len(sources) / elapsed, 2)
    notes = make_notes(sources)
    lat = []
    for note in notes:
        t1 = time.perf_counter()
        raw.translate([note], src, tgt)
        lat.append((time.perf_counter() - t1) * 1000)
    row["note_chars"] = round(statistics.mean(len(n) for n in notes))
    row["note_p50_ms"] = round(_percentile(lat, 0.5), 2)
    row["note_p95_ms"] = round(_percentile(lat, 0.95), 2)
    cached = TranslationService([engine], cache=InMemoryLRUCache(), timeout=timeout)
    cached.translate([notes[0]], src, tgt)
    hits = []
    for _ in range(200):
        t1 = time.perf_counter()
        r = cached.translate([notes[0]], src, tgt)[0]
        hits.append((time.perf_counter() - t1) * 1000)
    assert r.cached
    row["cache_hit_p50_ms"] = round(_percentile(hits, 0.5), 4)
    row["cache_hit_p95_ms"] = round(_percentile(hits, 0.95), 4)
    row["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    raw.close()
    cached.close()
    return row


def run_translate_benchmark(
    engines: Sequence[str] | str | None = None,
    *,
    data_dir: str | Path | None = None,
    models_dir: str | Path | None = None,
    score_systems: bool = False,
    limit: int | None = None,
    directions: Sequence[tuple[str, str]] = DIRECTIONS,
    emit: Callable[[dict[str, Any]], None] | None = None,
    config: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Benchmark ``engines`` (default: every known engine; the dictionary gloss always has a
    number) on FLORES dev in both directions. Engines with no model for a direction yield a
    ``"status": "skipped"`` line. ``emit`` gets each row as it is ready (default: print JSON).
    """
    out_rows: list[dict[str, Any]] = []

    def put(row: dict[str, Any]) -> None:
        out_rows.append(row)
        if emit is None:
            print(json.dumps(row, ensure_ascii=False), flush=True)
        else:
            emit(row)

    ddir = find_data_dir(data_dir)
    fd = flores_dir(ddir)
    if score_systems:
        for row in score_published_systems(ddir):
            put(row)
    cfg = dict(config if config is not None else config_from_env())
    if models_dir is not None:
        cfg["models_dir"] = Path(models_dir)
    if isinstance(engines, str):
        engines = [engines]
    names = list(engines) if engines else list(ENGINE_NAMES)
    texts = {lang: read_lines(fd / f"{lang}.txt") for lang in ("zh", "en")}
    if limit:
        texts = {k: v[:limit] for k, v in texts.items()}
    for name in names:
        svc = build_service_from_config(**{**cfg, "engines": [name]})
        if not svc.engines:
            for src, tgt in directions:
                put(
                    {
                        "kind": "engine",
                        "engine": name,
                        "direction": f"{src}-{tgt}",
                        "status": "skipped",
                        "reason": svc.notes.get(name, "not configured"),
                    }
                )
            continue
        engine = svc.engines[0]
        for src, tgt in directions:
            if not engine.supports(src, tgt):
                put(
                    {
                        "kind": "engine",
                        "engine": name,
                        "direction": f"{src}-{tgt}",
                        "status": "skipped",
                        "reason": "no model installed for this direction",
                    }
                )
                continue
            try:
                row = bench_engine(engine, src, tgt, texts[src], texts[tgt])
            except Exception as exc:  # noqa: BLE001 - report and go on with the next engine
                row = {
                    "kind": "engine",
                    "engine": name,
                    "direction": f"{src}-{tgt}",
                    "status": "failed",
                    "reason": f"{type(exc).__name__}: {exc}",
                }
            put(row)
    return out_rows


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="qiao bench translate", description=__doc__)
    p.add_argument(
        "--engine",
        action="append",
        choices=ENGINE_NAMES,
        help="engine to run (repeatable; default: all)",
    )
    p.add_argument("--data", help="data directory holding mt/flores-dev (or $QIAO_DATA_DIR)")
    p.add_argument("--models-dir", help="translation models directory")
    p.add_argument(
        "--score-systems",
        action="store_true",
        help="also score the published system outputs in flores-dev/systems/",
    )
    p.add_argument("--systems-only", action="store_true", help="only score the published outputs")
    p.add_argument("--limit", type=int, help="use only the first N sentences")
    args = p.parse_args(argv)
    if args.systems_only:
        rows = score_published_systems(find_data_dir(args.data))
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
        return 0 if all(r.get("matches_published", True) for r in rows) else 1
    rows = run_translate_benchmark(
        args.engine,
        data_dir=args.data,
        models_dir=args.models_dir,
        score_systems=args.score_systems,
        limit=args.limit,
    )
    bad = [r for r in rows if r.get("matches_published") is False]
    return 1 if bad else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
