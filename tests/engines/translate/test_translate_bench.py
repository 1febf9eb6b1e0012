"""The benchmark's scorer and harness (the full run is a command, not a test)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qiao.engines.translate.bench import (
    find_data_dir,
    main,
    make_notes,
    published_table,
    run_translate_benchmark,
    score,
    score_published_systems,
)


def _shared_data() -> Path:
    try:
        d = find_data_dir()
    except FileNotFoundError:
        pytest.skip("shared data (mt/flores-dev) not found; set QIAO_DATA_DIR")
    if not (d / "mt" / "flores-dev" / "systems").is_dir():
        pytest.skip(f"{d} has no mt/flores-dev/systems")
    return d


@pytest.mark.slow
def test_scorer_reproduces_the_published_table() -> None:
    rows = score_published_systems(_shared_data())
    assert len(rows) == 12
    off = [r for r in rows if not r["matches_published"]]
    assert not off, off


def test_scorer_tokenizers() -> None:
    assert score(["我爱火锅。"], ["我爱火锅。"], "zh")["bleu"] == pytest.approx(100.0)
    s = score(["the cat sat on a mat"], ["the cat sat on the mat"], "en")
    assert 0 < s["bleu"] < 100 and 0 < s["chrf"] < 100


def test_published_table_parser(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(
        "| system | a | b | c | d |\n|---|---|---|---|---|\n"
        "| google (cloud) | 33.0 | 62.1 | 48.8 | 43.0 |\n"
    )
    assert published_table(readme) == {
        "google": {"zh-en.bleu": 33.0, "zh-en.chrf": 62.1, "en-zh.bleu": 48.8, "en-zh.chrf": 43.0}
    }


def test_harness_on_a_small_set(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fd = tmp_path / "mt" / "flores-dev"
    fd.mkdir(parents=True)
    zh = ["我喜欢吃火锅。", "今天天气很好。", "我们去公园吧。", "这个城市很大。"] * 3
    en = [
        "I like eating hot pot.",
        "The weather is nice today.",
        "Let's go to the park.",
        "This city is big.",
    ] * 3
    (fd / "zh.txt").write_text("\n".join(zh) + "\n")
    (fd / "en.txt").write_text("\n".join(en) + "\n")
    rows = run_translate_benchmark(
        ["dictionary-gloss", "openai"], data_dir=tmp_path, models_dir=tmp_path, config={}
    )
    by = {(r["engine"], r["direction"]): r for r in rows}
    gloss = by[("dictionary-gloss", "zh-en")]
    for key in (
        "bleu",
        "chrf",
        "sentences_per_s",
        "note_p50_ms",
        "note_p95_ms",
        "cache_hit_p50_ms",
        "peak_rss_mb",
    ):
        assert isinstance(gloss[key], float), key
    assert gloss["chrf"] > 20 and gloss["cache_hit_p50_ms"] < 1.0
    assert by[("openai", "zh-en")]["status"] == "skipped"
    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(printed) == len(rows) == 4
    assert main(["--engine", "dictionary-gloss", "--data", str(tmp_path), "--limit", "4"]) == 0


def test_notes_are_about_200_characters() -> None:
    notes = make_notes(["这是一个句子。" * 3] * 300)
    assert len(notes) == 20 and all(190 <= len(n) <= 300 for n in notes)
