"""Loaders and splits for the public interaction data sets used by the offline evaluation.

Every data set is reduced to the same shape: per user a chronological sequence of item
indices (implicit feedback: every rating is an interaction; a repeated (user, item) pair
keeps the first), their timestamps (or the line position when the set has none), and item
text for the content source.

Formats (a file, or a folder holding one; ``find_datasets`` accepts a root of such folders):

- RecBole atomic files: ``<name>.inter`` with a header of ``field:type`` columns
  (``user_id``, ``item_id``, optional ``timestamp``); an optional ``<name>.item`` beside it
  gives item text (``token_seq`` fields) and topics (``class``/``genre``/``categories``);
- sequence lines (``*.txt``): ``user item [item ...]`` per line, in time order per user
  (the BERT4Rec/SASRec preprocessed sets); no timestamps;
- Amazon reviews JSON lines (``*.json``/``*.jsonl``): ``reviewerID``, ``asin``,
  ``unixReviewTime``, and ``summary`` as the review's text. Review text is user-generated
  content written at the time of the interaction: an item's text is built only from the
  reviews inside the training part of a split (``item_texts``), never from held-out ones.

Equal timestamps: the file order breaks ties (the *reference order*), or, with
``tie_seed``, a random order — on Musical Instruments the file lists a user's same-day
reviews by product id, so the reference order makes the held-out item the highest-id
product of the user's last day.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

KNOWN_ORDER = ("ml-100k", "amazon-musical-instruments", "amazon-beauty")
TOPIC_FIELDS = ("class", "genre", "genres", "categories")
Row = tuple[str, str, float, str]  # user, item, time, review text


@dataclass
class SeqDataset:
    """Chronological per-user item sequences (item ids are dense 0..n_items-1)."""

    name: str
    n_items: int
    seqs: list[np.ndarray]
    times: list[np.ndarray]
    has_time: bool
    item_text: list[str] = field(default_factory=list)  # catalogue text (titles)
    item_topics: list[list[str]] = field(default_factory=list)
    # per user, per position: the text the user wrote with that interaction (reviews)
    review_text: list[list[str]] = field(default_factory=list)
    has_ties: bool = False  # some user has two interactions at the same time
    item_names: list[str] = field(default_factory=list)  # the file's id of each item

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


def _data_file(folder: Path) -> Path | None:
    """The interaction file of a data set folder (.inter, then JSON lines, then .txt)."""
    for pattern in ("*.inter", "*.json", "*.jsonl", "*.txt"):
        found = sorted(p for p in folder.glob(pattern) if p.is_file())
        if pattern == "*.txt":
            found = [p for p in found if p.name.lower() not in {"readme.txt", "license.txt"}]
        if found:
            return found[0]
    return None


def find_datasets(root: Path) -> list[Path]:
    """Given a data file, a data set folder, a folder of data set folders, or a data root
    with a `recsys/` folder: the data sets to run (files or folders)."""
    root = Path(root)
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise FileNotFoundError(f"no such data file or folder: {root}")
    if (root / "recsys").is_dir():
        root = root / "recsys"
    if _data_file(root) is not None:
        return [root]
    subs = [d for d in sorted(root.iterdir()) if d.is_dir() and _data_file(d) is not None]
    rank = {name: k for k, name in enumerate(KNOWN_ORDER)}
    return sorted(subs, key=lambda d: (rank.get(d.name, len(rank)), d.name))


find_dataset_dirs = find_datasets  # the name before any file was accepted


def _build(
    name: str,
    rows: list[Row],
    has_time: bool,
    item_text: dict[str, str] | None,
    item_topics: dict[str, list[str]] | None,
    tie_seed: int | None,
) -> SeqDataset:
    """Sort each user's rows by time; the file order (or a random order) breaks ties."""
    tiebreak = (
        np.arange(len(rows))
        if tie_seed is None
        else np.random.default_rng(tie_seed).permutation(len(rows))
    )
    users: dict[str, list[tuple[float, int, str, str]]] = {}
    for pos, (user, item, t, text) in enumerate(rows):
        users.setdefault(user, []).append((t, int(tiebreak[pos]), item, text))
    item_index: dict[str, int] = {}
    seqs: list[np.ndarray] = []
    times: list[np.ndarray] = []
    reviews: list[list[str]] = []
    has_ties = False
    for user in users:
        events = sorted(users[user])
        seen: set[str] = set()
        seq: list[int] = []
        ts: list[float] = []
        texts: list[str] = []
        for t, _tie, item, text in events:
            if item in seen:  # implicit feedback: keep the first interaction with an item
                continue
            seen.add(item)
            seq.append(item_index.setdefault(item, len(item_index)))
            ts.append(t)
            texts.append(text)
        seqs.append(np.asarray(seq, dtype=np.int32))
        times.append(np.asarray(ts, dtype=np.float64))
        reviews.append(texts)
        has_ties = has_ties or (has_time and len(set(ts)) < len(ts))
    inverse = [""] * len(item_index)
    for key, value in item_index.items():
        inverse[value] = key
    texts_out = [item_text.get(k, "") for k in inverse] if item_text else []
    topics_out = [item_topics.get(k, []) for k in inverse] if item_topics else []
    any_review = any(t for r in reviews for t in r)
    return SeqDataset(
        name,
        len(item_index),
        seqs,
        times,
        has_time,
        texts_out,
        topics_out,
        reviews if any_review else [],
        has_ties,
        inverse,
    )


def _read_recbole(path: Path) -> tuple[list[Row], bool, dict[str, str], dict[str, list[str]]]:
    with open(path, encoding="utf-8", errors="replace") as f:
        header = [h.split(":")[0] for h in next(f).rstrip("\n").split("\t")]
        try:
            user_col, item_col = header.index("user_id"), header.index("item_id")
        except ValueError as err:
            raise ValueError(
                f"{path}: a RecBole .inter file needs user_id and item_id columns (found {header})"
            ) from err
        time_col = header.index("timestamp") if "timestamp" in header else None
        rows: list[Row] = []
        for pos, line in enumerate(f):
            parts = line.rstrip("\n").split("\t")
            if len(parts) <= max(user_col, item_col):
                continue
            t = float(parts[time_col]) if time_col is not None else float(pos)
            rows.append((parts[user_col], parts[item_col], t, ""))
    text: dict[str, str] = {}
    topics: dict[str, list[str]] = {}
    item_file = path.with_suffix(".item")
    if item_file.exists():
        with open(item_file, encoding="utf-8", errors="replace") as f:
            fields = next(f).rstrip("\n").split("\t")
            names = [x.split(":")[0] for x in fields]
            kinds = [x.split(":")[1] if ":" in x else "token" for x in fields]
            id_col = names.index("item_id") if "item_id" in names else 0
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) != len(names):
                    continue
                item = parts[id_col]
                topics[item] = [
                    w
                    for k, name in enumerate(names)
                    if name in TOPIC_FIELDS
                    for w in parts[k].split()
                ]
                text[item] = " ".join(
                    parts[k]
                    for k, name in enumerate(names)
                    if kinds[k] == "token_seq" and name not in TOPIC_FIELDS
                )
    return rows, time_col is not None, text, topics


def _read_sequences(path: Path) -> list[Row]:
    rows: list[Row] = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            for item in parts[1:]:
                rows.append((parts[0], item, float(len(rows)), ""))
    return rows


def _read_amazon(path: Path) -> tuple[list[Row], bool]:
    rows: list[Row] = []
    has_time = True
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            review = json.loads(line)
            t = review.get("unixReviewTime")
            if t is None:
                has_time = False
                t = len(rows)
            rows.append(
                (
                    str(review["reviewerID"]),
                    str(review["asin"]),
                    float(t),
                    str(review.get("summary", "") or ""),
                )
            )
    return rows, has_time


def load_dataset(location: Path, tie_seed: int | None = None) -> SeqDataset:
    """A data set from a file or a folder holding one (see the module docstring)."""
    location = Path(location)
    path = location if location.is_file() else _data_file(location)
    if path is None:
        raise FileNotFoundError(f"no recommender data set in {location}")
    name = location.name if location.is_dir() else path.stem
    suffix = path.suffix.lower()
    if suffix == ".inter":
        rows, has_time, text, topics = _read_recbole(path)
        return _build(name, rows, has_time, text, topics, tie_seed)
    with open(path, encoding="utf-8") as f:
        first = next((line for line in f if line.strip()), "")
    if suffix in (".json", ".jsonl") or first.lstrip().startswith("{"):
        rows, has_time = _read_amazon(path)
        return _build(name, rows, has_time, None, None, tie_seed)
    return _build(name, _read_sequences(path), False, None, None, tie_seed)


def drop_last(ds: SeqDataset) -> SeqDataset:
    """The development data set: every user with >= 3 interactions loses the last one (the
    test item), so the "last item" of this set is the validation item of the original and
    nothing downstream can see a test item."""
    keep = [len(s) - 1 if len(s) >= 3 else len(s) for s in ds.seqs]
    return SeqDataset(
        ds.name,
        ds.n_items,
        [s[:k] for s, k in zip(ds.seqs, keep, strict=True)],
        [t[:k] for t, k in zip(ds.times, keep, strict=True)],
        ds.has_time,
        ds.item_text,
        ds.item_topics,
        [r[:k] for r, k in zip(ds.review_text, keep, strict=True)] if ds.review_text else [],
        ds.has_ties,
        ds.item_names,
    )


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


def item_texts(ds: SeqDataset, split: Split, max_chars: int = 2000) -> list[str]:
    """Each item's text for a model trained on `split`: its catalogue text plus the reviews
    written with the split's *training* interactions only (held-out reviews would tell the
    model which item a user picked next)."""
    catalogue = ds.item_text if ds.item_text else [""] * ds.n_items
    if not ds.review_text:
        return list(catalogue)
    parts: list[list[str]] = [[t] if t else [] for t in catalogue]
    for user, train in enumerate(split.train):
        reviews = ds.review_text[user]
        for pos, item in enumerate(train.tolist()):
            if reviews[pos]:
                parts[item].append(reviews[pos])
    return [" ".join(p)[:max_chars] for p in parts]
