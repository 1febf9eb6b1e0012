#!/usr/bin/env python
"""The language bridge, measured on category test sets (issue 13).

    .venv/bin/python bench/bridge.py [--json] [--append-md [FILE]] [--data DIR]

Prints a readable table (stderr with --json) and one JSON line. Every set lives in
tests/engines/data/bridge/ (see its README.md for how each was made); each row is "dev"
(looked at while building) or "heldout" (never tuned on), and both are reported. The
transliteration-pinyin set is read from CedPane in $QIAO_DATA_DIR (--data), an independent
source; without it that row is skipped.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
SETS = ROOT / "tests" / "engines" / "data" / "bridge"

TARGETS = {
    "surname_top1": 0.95,
    "famous_top1": 0.95,
    "pun_recall": 0.95,
    "ordinary_pass": 1.0,
    "pinyin_lookup": 0.95,
    "pinyin_translit": 0.95,
    "expansion_hit": 0.95,
    "span_survival": 1.0,
    "langid": 0.95,
}


def _tsv(name: str) -> list[list[str]]:
    lines = (SETS / name).read_text("utf-8").splitlines()
    return [ln.split("\t") for ln in lines if ln.strip() and not ln.startswith("#")]


def _jsonl(name: str) -> list[dict[str, Any]]:
    rows = [json.loads(ln) for ln in (SETS / name).read_text("utf-8").splitlines() if ln]
    return [r for r in rows if "_comment" not in r]


class Score:
    """Hits per split."""

    def __init__(self) -> None:
        self.n: dict[str, int] = defaultdict(int)
        self.hit: dict[str, int] = defaultdict(int)

    def add(self, split: str, ok: bool) -> None:
        self.n[split] += 1
        self.hit[split] += int(ok)
        self.n["all"] += 1
        self.hit["all"] += int(ok)

    def rate(self, split: str = "all") -> float:
        return round(self.hit[split] / self.n[split], 4) if self.n[split] else float("nan")

    def as_dict(self) -> dict[str, Any]:
        return {
            k: {"rate": self.rate(k), "n": self.n[k]}
            for k in ("dev", "heldout", "all")
            if self.n[k]
        }


# ------------------------------------------------------------------------------ names


def surnames() -> dict[str, Any]:
    from qiao.engines.names.heritage import romanized_surname

    top1, top3 = Score(), Score()
    by_cat: dict[str, Score] = defaultdict(Score)
    for cat, word, accepted, split in _tsv("surnames_by_category.tsv"):
        acc = set(accepted.split("|"))
        got = [m.chinese for m in romanized_surname(word)]
        ok = bool(got) and got[0] in acc
        top1.add(split, ok)
        top3.add(split, bool(acc & set(got[:3])))
        by_cat[cat].add(split, ok)
    people1, people3 = Score(), Score()
    for sur, chinese, *_ in _tsv("surnames_cedict_people.tsv"):
        got = [m.chinese for m in romanized_surname(sur)]
        people1.add("heldout", bool(got) and chinese.startswith(got[0]))
        people3.add("heldout", any(chinese.startswith(g) for g in got[:3]))
    return {
        "top1": top1.as_dict(),
        "top3": top3.as_dict(),
        "by_category": {k: v.rate() for k, v in sorted(by_cat.items())},
        "cedict_people_top1": people1.rate(),
        "cedict_people_top3": people3.rate(),
        "cedict_people_n": people1.n["all"],
    }


def famous() -> dict[str, Any]:
    from qiao.engines.names import NameSuggester

    s = NameSuggester.default()
    top1, offered = Score(), Score()
    for english, mainland, regional, split in _tsv("famous_names.tsv"):
        words = english.split()
        t = s.transliterate(" ".join(words[:-1]), words[-1])
        top1.add(split, t.chinese == mainland)
        if regional:
            offered.add(split, any(regional in a for a in t.alternatives) or regional in t.chinese)
    return {"top1": top1.as_dict(), "regional_form_offered": offered.as_dict()}


def _split_name(name: str) -> tuple[str, str]:
    n = 2 if name[:2] in {"西门", "欧阳", "司马"} else 1
    return name[:n], name[n:]


def puns() -> dict[str, Any]:
    from qiao.engines.names import check_name

    recall = Score()
    by_cat: dict[str, Score] = defaultdict(Score)
    for name, cat, _target, split in _tsv("pun_names.tsv"):
        ok = any(f.check == "homophone" for f in check_name(*_split_name(name)))
        recall.add(split, ok)
        by_cat[cat].add(split, ok)
    passed = Score()
    for name, _source, split in _tsv("ordinary_names.tsv"):
        bad = [f for f in check_name(*_split_name(name)) if f.check in ("homophone", "bad_char")]
        passed.add(split, not bad)
    return {
        "recall": recall.as_dict(),
        "recall_by_category": {k: v.rate() for k, v in sorted(by_cat.items())},
        "ordinary_pass": passed.as_dict(),
        "false_positive_rate": round(1 - passed.rate(), 4),
    }


def suggestions(pairs: int = 200, seed: int = 0) -> dict[str, Any]:
    """Suggestions re-checked: never a failing name; Asian surnames kept."""
    from qiao.engines.names import NameRequest, NameSuggester, check_name
    from qiao.engines.names.heritage import romanized_surname

    s = NameSuggester.default()
    rng = random.Random(seed)
    given = ["Emily", "Amy", "Chris", "Jennifer", "Tommy", "Kevin", "Grace", "Daniel", "Olivia"]
    rows = [r for r in _tsv("surnames_by_category.tsv")]
    total = failed = kept = asked = 0
    for _ in range(pairs):
        cat, word, _acc, _split = rng.choice(rows)
        req = NameRequest(
            given=rng.choice(given), surname=word, gender=rng.choice([None, "female", "male"])
        )
        out = s.suggest(req)
        top = romanized_surname(word)
        for sug in out.suggestions:
            total += 1
            failed += bool(check_name(sug.surname, sug.given, gender=req.gender))
            kept += bool(top) and sug.surname in {m.chinese for m in top[:3]}
            asked += bool(top)
    return {
        "suggestions": total,
        "failing_checks": failed,
        "surname_kept_rate": round(kept / asked, 4) if asked else float("nan"),
    }


# ------------------------------------------------------------------------------ pinyin


def pinyin(data_dir: str | None) -> dict[str, Any]:
    from qiao.engines.names.pinyin import mark, text_readings
    from qiao.engines.translate.lookup import lookup_word

    def plain(marked: str) -> str:
        return "".join(
            ch for ch in marked.lower() if ch.isalpha() or ch in "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"
        )

    word, char, name = Score(), Score(), Score()
    for kind, text, expected, split in _tsv("polyphones.tsv"):
        want = [" ".join(mark(x) for x in e.split()) for e in expected.split("|")]
        if kind == "word":
            word.add(split, plain(lookup_word(text).pinyin) == plain(want[0]))
        elif kind == "char":
            entry = lookup_word(text)
            got = {plain(r.pinyin) for r in entry.readings} or {plain(entry.pinyin)}
            char.add(split, {plain(w) for w in want} <= got)  # every common reading offered
        else:
            got = " ".join(mark(x) for x in text_readings(text, names=True).split())
            name.add(split, plain(got) == plain(want[0]))
    out: dict[str, Any] = {
        "lookup_words": word.as_dict(),
        "lookup_chars": char.as_dict(),
        "translit_names": name.as_dict(),
    }
    out.update(_cedpane_translit(data_dir, plain))
    return out


def _cedpane_translit(data_dir: str | None, plain: Callable[[str], str]) -> dict[str, Any]:
    """CedPane's pinyin of transliterated names with a polyphonic character (independent of
    CC-CEDICT, from which the name-reading table was built)."""
    try:
        from qiao.engines.names.paths import names_data_dir

        path = names_data_dir(data_dir) / "cedpane.tsv"
    except FileNotFoundError:
        return {"translit_cedpane": "skipped: no shared data"}
    if not path.exists():
        return {"translit_cedpane": "skipped: no cedpane.tsv"}
    from qiao.engines.names.pinyin import _readings, mark, text_readings
    from qiao.engines.names.resources import default_resources

    lookup_values = {c for forms in default_resources().lookup.values() for c, _ in forms}
    poly = {c for c, r in _readings().items() if "," in r}
    score, base = Score(), Score()
    for line in path.read_text("utf-8").splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) < 4:
            continue
        chinese, py = cols[1].strip(), cols[3].strip()
        if chinese not in lookup_values or not (2 <= len(chinese) <= 6) or not py[:1].isupper():
            continue
        if not any(c in poly for c in chinese):
            continue
        split = "heldout" if int(hashlib.sha256(chinese.encode()).hexdigest(), 16) % 2 else "dev"
        want = plain(py)
        got = plain("".join(mark(x) for x in text_readings(chinese, names=True).split()))
        got0 = plain("".join(mark(x) for x in text_readings(chinese).split()))
        score.add(split, got == want)
        base.add(split, got0 == want)
    return {
        "translit_cedpane": score.as_dict(),
        "translit_cedpane_first_reading_baseline": base.rate(),
    }


# ------------------------------------------------------------------------------ search


def expansion() -> dict[str, Any]:
    from qiao.engines.search import build_query

    hit = Score()
    by_cat: dict[str, Score] = defaultdict(Score)
    for r in _jsonl("search_queries.jsonl"):
        got = set(build_query(r["query"]).expansions())
        ok = (not got) if not r["expected"] else bool(got & set(r["expected"]))
        hit.add(r["split"], ok)
        by_cat[r["category"]].add(r["split"], ok)
    return {"hit": hit.as_dict(), "by_category": {k: v.rate() for k, v in sorted(by_cat.items())}}


# ------------------------------------------------------------------------------ spans


def _span_texts(seed: int = 0) -> list[tuple[str, str]]:
    """Social texts with @mentions, #topics, URLs and emoji inserted at random places,
    including glued to Chinese with no space (seeded)."""
    rng = random.Random(seed)
    handles = ["@sam_eats", "@ana_cooks", "@chef_lin", "@amy_lee", "@x_y_z", "@小明"]
    urls = ["https://t.co/xY12", "https://example.com/menu?id=3", "www.qiao.app/n/42"]
    topics = ["#hotpot", "#火锅#", "#foodie", "#travel_diary"]
    emoji = ["😂", "🔥", "👍🏽", "🇨🇳"]
    out = []
    for r in _jsonl("langid_social.jsonl"):
        if r["expected"] not in ("en", "zh", "zh-Hant"):
            continue
        src = "en" if r["expected"] == "en" else "zh"
        words = r["text"].split(" ") if src == "en" else list(r["text"])
        for _ in range(rng.randint(2, 4)):
            span = rng.choice(handles + urls + topics + emoji)
            pos = rng.randint(0, len(words))
            words.insert(pos, span)
        joiner = " " if src == "en" else ""
        out.append((src, joiner.join(words)))
    return out


def spans() -> dict[str, Any]:
    from qiao.engines.translate import TranslationService
    from qiao.engines.translate.testing import MODES, MischiefEngine
    from qiao.engines.translate.text import protect, split_spans

    total = survived = texts = texts_ok = 0
    by_mode: dict[str, float] = {}
    for mode in MODES:
        svc = TranslationService([MischiefEngine(mode)])
        m_total = m_ok = 0
        for src, text in _span_texts():
            tgt = "zh" if src == "en" else "en"
            out = svc.translate([text], src, tgt)[0].text
            tokens = {(t.kind, t.text) for t in split_spans(out)}
            links = [(t.kind, t.text) for t in split_spans(text) if t.kind != "text"]
            link_texts = {x for _, x in links}
            others = [s for s in protect(text).spans if s not in link_texts]
            ok_all = True
            for link in links:
                ok = link in tokens
                m_total += 1
                m_ok += ok
                ok_all &= ok
            for span in others:
                ok = span in out
                m_total += 1
                m_ok += ok
                ok_all &= ok
            texts += 1
            texts_ok += ok_all
        total += m_total
        survived += m_ok
        by_mode[mode] = round(m_ok / m_total, 4)
    return {
        "survival": round(survived / total, 4),
        "spans": total,
        "texts": texts,
        "texts_all_spans_ok": round(texts_ok / texts, 4),
        "by_mode": by_mode,
    }


# ------------------------------------------------------------------------------ langid


def langid() -> dict[str, Any]:
    from qiao.engines.translate.langid import identify_language

    acc = Score()
    by_cat: dict[str, Score] = defaultdict(Score)
    for r in _jsonl("langid_social.jsonl"):
        ok = identify_language(r["text"], ("zh", "en")).code == r["expected"]
        acc.add(r["split"], ok)
        by_cat[r["category"]].add(r["split"], ok)
    return {
        "accuracy": acc.as_dict(),
        "by_category": {k: v.rate() for k, v in sorted(by_cat.items())},
    }


# ------------------------------------------------------------------------------ report


def run(
    data_dir: str | None = None, progress: Callable[[str], None] | None = None
) -> dict[str, Any]:
    steps: Iterable[tuple[str, Callable[[], dict[str, Any]]]] = [
        ("surnames", surnames),
        ("famous", famous),
        ("puns", puns),
        ("suggestions", suggestions),
        ("pinyin", lambda: pinyin(data_dir)),
        ("expansion", expansion),
        ("spans", spans),
        ("langid", langid),
    ]
    out: dict[str, Any] = {"bench": "bridge"}
    for name, fn in steps:
        t0 = time.perf_counter()
        out[name] = fn()
        if progress:
            progress(f"{name}: {time.perf_counter() - t0:.1f} s")
    out["headline"] = headline(out)
    return out


def headline(r: dict[str, Any]) -> dict[str, float]:
    tr = r["pinyin"].get("translit_cedpane")
    return {
        "surname_top1": r["surnames"]["top1"]["all"]["rate"],
        "famous_top1": r["famous"]["top1"]["all"]["rate"],
        "pun_recall": r["puns"]["recall"]["all"]["rate"],
        "ordinary_pass": r["puns"]["ordinary_pass"]["all"]["rate"],
        "pinyin_lookup": _mean(r["pinyin"]["lookup_words"], r["pinyin"]["lookup_chars"]),
        "pinyin_translit": tr["all"]["rate"]
        if isinstance(tr, dict)
        else r["pinyin"]["translit_names"]["all"]["rate"],
        "expansion_hit": r["expansion"]["hit"]["all"]["rate"],
        "span_survival": r["spans"]["survival"],
        "langid": r["langid"]["accuracy"]["all"]["rate"],
    }


def _mean(*scores: dict[str, Any]) -> float:
    hit = sum(s["all"]["rate"] * s["all"]["n"] for s in scores)
    n = sum(s["all"]["n"] for s in scores)
    return round(hit / n, 4)


def _split_rates(block: dict[str, Any]) -> str:
    return " / ".join(
        f"{block[k]['rate']:.3f} (n={block[k]['n']})" for k in ("dev", "heldout") if k in block
    )


def table(r: dict[str, Any]) -> str:
    h = r["headline"]
    tr = r["pinyin"].get("translit_cedpane")
    rows = [
        (
            "Asian surnames, top-1 (top-3)",
            "surname_top1",
            _split_rates(r["surnames"]["top1"])
            + f"; top-3 {r['surnames']['top3']['all']['rate']:.3f};"
            f" CC-CEDICT people {r['surnames']['cedict_people_top1']:.3f}"
            f" (top-3 {r['surnames']['cedict_people_top3']:.3f},"
            f" n={r['surnames']['cedict_people_n']})",
        ),
        (
            "established names of famous people, top-1",
            "famous_top1",
            _split_rates(r["famous"]["top1"]),
        ),
        ("pun check recall", "pun_recall", _split_rates(r["puns"]["recall"])),
        ("ordinary names passing", "ordinary_pass", _split_rates(r["puns"]["ordinary_pass"])),
        (
            "polyphone pinyin, look-up (words + characters)",
            "pinyin_lookup",
            "words "
            + _split_rates(r["pinyin"]["lookup_words"])
            + "; chars "
            + _split_rates(r["pinyin"]["lookup_chars"]),
        ),
        (
            "polyphone pinyin, transliterations",
            "pinyin_translit",
            (
                "CedPane " + _split_rates(tr) + f"; first-reading baseline "
                f"{r['pinyin']['translit_cedpane_first_reading_baseline']:.3f}"
            )
            if isinstance(tr, dict)
            else "hand set " + _split_rates(r["pinyin"]["translit_names"]),
        ),
        (
            "cross-language query expansion hit rate",
            "expansion_hit",
            _split_rates(r["expansion"]["hit"]),
        ),
        (
            "placeholder survival (misbehaving engine)",
            "span_survival",
            f"{r['spans']['spans']} spans in {r['spans']['texts']} texts x 4 modes",
        ),
        ("language ID, short social texts", "langid", _split_rates(r["langid"]["accuracy"])),
    ]
    out = ["| measure | all | target | met | dev / held-out |", "|---|---|---|---|---|"]
    for label, key, detail in rows:
        met = "yes" if h[key] >= TARGETS[key] else "no"
        out.append(f"| {label} | {h[key]:.3f} | {TARGETS[key]:.2f} | {met} | {detail} |")
    sg = r["suggestions"]
    out.append(
        f"\nsuggestions re-checked: {sg['suggestions']}, failing {sg['failing_checks']}, "
        f"romanized surname kept {sg['surname_kept_rate']:.3f}"
    )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data", default=None, help="shared data dir (with names/cedpane.tsv)")
    ap.add_argument("--json", action="store_true", help="only the JSON line on stdout")
    ap.add_argument(
        "--append-md",
        nargs="?",
        const="docs/BENCHMARKS.md",
        default=None,
        help="append the table to this markdown file (docs/BENCHMARKS.md)",
    )
    args = ap.parse_args(argv)
    result = run(args.data, progress=lambda s: print(s, file=sys.stderr, flush=True))
    text = table(result)
    print(text, file=sys.stderr if args.json else sys.stdout, flush=True)
    print(json.dumps(result, ensure_ascii=False), flush=True)
    if args.append_md:
        path = Path(args.append_md)
        if not path.is_absolute():
            path = ROOT / path
        today = dt.datetime.now(dt.UTC).date().isoformat()
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(f"\n### Language bridge (bench/bridge.py), {today}\n\n{text}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
