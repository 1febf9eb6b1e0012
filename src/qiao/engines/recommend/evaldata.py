"""Loaders and splits for the public interaction data sets used by the offline evaluation.

Every data set is reduced to the same shape: per user a chronological sequence of item
indices (implicit feedback: every rating is an interaction), their timestamps (or the
position when the set has none), and optional item text used by the content source.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

DATASETS = ("ml-100k", "amazon-musical-instruments", "amazon-beauty")


@dataclass
class SeqDataset:
    """Chronological per-user item sequences (item ids are dense 0..n_items-1)."""

    name: str
    n_items: int
    seqs: list[np.ndarray]
    times: list[np.ndarray]
    has_time: bool
    item_text: list[str] = field(default_factory=list)
    item_topics: list[list[str]] = field(default_factory=list)

    @property
    def n_users(self) -> int:
        return len(self.seqs)

    @property
    def n_interactions(self) -> int:
        return int(sum(len(s) for s in self.seqs))


def default_data_dir() -> Path | None:
    """`QIAO_DATA_DIR`, else `<repo root>/../shared/data` when it exists."""
    env = os.environ.get("QIAO_DATA_DIR")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").exists():
            cand = parent.parent / "shared" / "data"
            return cand if cand.exists() else None
    return None


def find_dataset_dirs(root: Path) -> list[Path]:
    """Given a data root, the `recsys/` folder, or one data set folder: the data set folders."""
    root = Path(root)
    if (root / "recsys").is_dir():
        root = root / "recsys"
    if root.name in DATASETS:
        return [root]
    return [root / n for n in DATASETS if (root / n).is_dir()]


def _build(
    name: str,
    rows: list[tuple[str, str, float]],
    has_time: bool,
    item_text: dict[str, str] | None = None,
    item_topics: dict[str, list[str]] | None = None,
) -> SeqDataset:
    # stable sort by (user, time); file order breaks ties
    users: dict[str, list[tuple[float, int, str]]] = {}
    for pos, (u, i, t) in enumerate(rows):
        users.setdefault(u, []).append((t, pos, i))
    item_index: dict[str, int] = {}
    seqs: list[np.ndarray] = []
    times: list[np.ndarray] = []
    for u in users:
        evs = sorted(users[u])
        seen: set[str] = set()
        s: list[int] = []
        ts: list[float] = []
        for t, _pos, i in evs:
            if i in seen:  # implicit feedback: keep the first interaction with an item
                continue
            seen.add(i)
            s.append(item_index.setdefault(i, len(item_index)))
            ts.append(t)
        seqs.append(np.asarray(s, dtype=np.int32))
        times.append(np.asarray(ts, dtype=np.float64))
    inv = [""] * len(item_index)
    for k, v in item_index.items():
        inv[v] = k
    texts = [item_text.get(k, "") for k in inv] if item_text else []
    topics = [item_topics.get(k, []) for k in inv] if item_topics else []
    return SeqDataset(name, len(item_index), seqs, times, has_time, texts, topics)


def load_ml100k(d: Path) -> SeqDataset:
    rows: list[tuple[str, str, float]] = []
    with open(d / "ml-100k.inter", encoding="utf-8") as f:
        next(f)
        for line in f:
            u, i, _r, t = line.rstrip("\n").split("\t")
            rows.append((u, i, float(t)))
    text: dict[str, str] = {}
    topics: dict[str, list[str]] = {}
    item_file = d / "ml-100k.item"
    if item_file.exists():
        with open(item_file, encoding="utf-8", errors="replace") as f:
            next(f)
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) < 4:
                    continue
                text[parts[0]] = parts[1]
                topics[parts[0]] = parts[3].split()
    return _build("ml-100k", rows, True, text, topics)


def load_beauty(d: Path) -> SeqDataset:
    rows: list[tuple[str, str, float]] = []
    with open(d / "sequences.txt", encoding="utf-8") as f:
        for pos, line in enumerate(f):
            parts = line.split()
            if len(parts) >= 2:
                rows.append((parts[0], parts[1], float(pos)))
    return _build("amazon-beauty", rows, False)


def load_musical(d: Path) -> SeqDataset:
    rows: list[tuple[str, str, float]] = []
    text: dict[str, list[str]] = {}
    with open(d / "reviews_5core.json", encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            o = json.loads(line)
            rows.append((o["reviewerID"], o["asin"], float(o["unixReviewTime"])))
            text.setdefault(o["asin"], []).append(o.get("summary", ""))
    joined = {k: " ".join(v)[:2000] for k, v in text.items()}
    return _build("amazon-musical-instruments", rows, True, joined)


def load_dataset(d: Path) -> SeqDataset:
    d = Path(d)
    if (d / "ml-100k.inter").exists():
        return load_ml100k(d)
    if (d / "sequences.txt").exists():
        return load_beauty(d)
    if (d / "reviews_5core.json").exists():
        return load_musical(d)
    raise FileNotFoundError(f"no known recommender data set in {d}")


@dataclass
class Split:
    """Training sequences plus one held-out target per evaluated user."""

    train: list[np.ndarray]
    train_times: list[np.ndarray]
    users: np.ndarray  # evaluated user indices
    targets: list[np.ndarray]  # per evaluated user: target item(s)


def leave_last_out(ds: SeqDataset, holdout: int) -> Split:
    """holdout=1: last item is the test target (train = all but last);
    holdout=2: second-to-last is the validation target (train = all but last two).
    Users with fewer than 3 interactions are kept in training but not evaluated."""
    train: list[np.ndarray] = []
    ttimes: list[np.ndarray] = []
    users: list[int] = []
    targets: list[np.ndarray] = []
    for u, (s, t) in enumerate(zip(ds.seqs, ds.times, strict=True)):
        if len(s) < 3:
            train.append(s)
            ttimes.append(t)
            continue
        cut = len(s) - holdout
        train.append(s[:cut])
        ttimes.append(t[:cut])
        users.append(u)
        targets.append(s[cut : cut + 1])
    return Split(train, ttimes, np.asarray(users, dtype=np.int64), targets)


def global_time_split(ds: SeqDataset, quantile: float = 0.9) -> Split | None:
    """Everything before the `quantile` timestamp trains; each user with history before and
    new items after the cut is evaluated on all items after it."""
    if not ds.has_time:
        return None
    all_t = np.concatenate(ds.times)
    cut = float(np.quantile(all_t, quantile))
    train: list[np.ndarray] = []
    ttimes: list[np.ndarray] = []
    users: list[int] = []
    targets: list[np.ndarray] = []
    for u, (s, t) in enumerate(zip(ds.seqs, ds.times, strict=True)):
        m = t <= cut
        train.append(s[m])
        ttimes.append(t[m])
        if m.any() and (~m).any():
            users.append(u)
            targets.append(s[~m])
    return Split(train, ttimes, np.asarray(users, dtype=np.int64), targets)
