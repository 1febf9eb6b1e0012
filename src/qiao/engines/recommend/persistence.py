"""A trained model as files: arrays in ``.npz``, sparse matrices, the LightGBM model as text,
JSON metadata and the HNSW graphs (no pickle). ``ModelRegistry`` versions these folders."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import TypeVar

import numpy as np
import scipy.sparse as sp

from .ann import AnnIndex
from .components import Collaborative
from .ensemble import RankerEnsemble
from .models import Transitions
from .sequential import SASRec, SASRecConfig
from .trained import Model
from .types import RecommenderConfig, TrainReport
from .watched import WatchedClips

M = TypeVar("M", bound=Model)


#: 2: the neural sequential model and its two ranker features; 3: the clip features and the
#: `watched` source (28 ranker features: a format-2 ranker cannot score them)
FORMAT_VERSION = 3
INDEX_FILES = {
    "collab_index": "collab_index.hnsw",
    "content_index": "content_index.hnsw",
    "neural_index": "neural_index.hnsw",
}


def save(model: Model, directory: str | Path) -> None:
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    collab = model.collab
    assert collab is not None
    catalogue = model.catalogue
    users = np.asarray(list(model.user_history), dtype=np.int64)
    lengths = np.asarray([len(model.user_history[u]) for u in users.tolist()], dtype=np.int64)
    flat = (
        np.concatenate([model.user_history[u] for u in users.tolist()])
        if len(users)
        else np.zeros(0, np.int32)
    )
    hidden_users = np.asarray([u for u, s in model.user_hidden.items() for _ in s], dtype=np.int64)
    hidden_items = np.asarray([j for _u, s in model.user_hidden.items() for j in s], dtype=np.int64)
    np.savez_compressed(
        folder / "arrays.npz",
        note_ids=catalogue.note_ids,
        authors=catalogue.authors,
        created=catalogue.created,
        likes=catalogue.likes,
        pop=catalogue.popularity,
        trend=catalogue.trend,
        hides=catalogue.hides,
        shows=catalogue.shows,
        removed=catalogue.removed,
        users=users,
        lens=lengths,
        flat=flat,
        hid_u=hidden_users,
        hid_j=hidden_items,
        item_vecs=collab.item_vectors,
        col_scale=collab.column_scale,
        idf=model.content.idf,
        c_emb=model.content_vectors,
        v_sec=catalogue.video_seconds,
        v_plays=catalogue.video_plays,
        v_done=catalogue.video_completion,
        w_items=model.watched.items,
        w_vecs=model.watched.vectors,
    )
    sp.save_npz(folder / "co.npz", collab.coengagement)
    sp.save_npz(folder / "seq.npz", collab.transitions.t)
    sp.save_npz(folder / "content.npz", model.content_matrix)
    report = model.report
    meta = {
        "format": FORMAT_VERSION,
        "config": model.config.to_dict(),
        "t_ref": model.t_ref,
        "n_trained_items": model.n_trained_items,
        "co_half_life": collab.coengage_half_life,
        "emb_half_life": collab.embed_half_life,
        "seq": [
            collab.transitions.window,
            collab.transitions.step_decay,
            collab.transitions.half_life,
        ],
        "chosen": collab.chosen,
        "lang": catalogue.languages,
        "topics": catalogue.topics,
        "report": {k: getattr(report, k) for k in report.__dataclass_fields__},
        "neural": None
        if model.neural is None
        else {
            "config": asdict(model.neural.config),
            "vocab": model.neural.vocab,
            "report": {k: v for k, v in model.neural.report.items() if k != "curve"},
        },
    }
    if model.neural is not None:
        arrays: dict[str, np.ndarray] = {f"param:{k}": v for k, v in model.neural.params.items()}
        arrays["token_of"] = model.neural.token_of
        np.savez(folder / "neural.npz", **arrays)  # type: ignore[arg-type] # numpy stubs
    elif (folder / "neural.npz").exists():
        (folder / "neural.npz").unlink()
    (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    if model.ranker is not None:
        model.ranker.save(folder)
    else:
        for old in folder.glob("ranker*.txt"):
            old.unlink()
    for name, filename in INDEX_FILES.items():
        index: AnnIndex | None = getattr(model, name)
        path = folder / filename
        if index is not None and index.approximate:
            index.save(path)
        elif path.exists():
            path.unlink()


def load(cls: type[M], directory: str | Path) -> M:
    folder = Path(directory)
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    if meta.get("format") != FORMAT_VERSION:
        raise ValueError(f"unsupported model format {meta.get('format')}")
    config = dict(meta["config"])
    if config.get("seq_params") is not None:
        config["seq_params"] = tuple(config["seq_params"])
    known = RecommenderConfig.__dataclass_fields__
    model = cls(RecommenderConfig(**{k: v for k, v in config.items() if k in known}))
    arrays = np.load(folder / "arrays.npz", allow_pickle=False)
    catalogue = model.catalogue
    catalogue.note_ids = arrays["note_ids"]
    catalogue.index = {int(x): i for i, x in enumerate(catalogue.note_ids.tolist())}
    catalogue.authors, catalogue.created = arrays["authors"], arrays["created"]
    catalogue.likes = arrays["likes"]
    catalogue.popularity, catalogue.trend = arrays["pop"], arrays["trend"]
    catalogue.hides, catalogue.shows = arrays["hides"], arrays["shows"]
    catalogue.removed = arrays["removed"]
    catalogue.video_seconds, catalogue.video_plays = arrays["v_sec"], arrays["v_plays"]
    catalogue.video_completion = arrays["v_done"]
    model.watched = WatchedClips(arrays["w_items"], arrays["w_vecs"])
    catalogue.languages = meta["lang"]
    catalogue.topics = meta["topics"]
    # only needed to fit content (saved as the content matrix), never served
    catalogue.texts = [""] * len(catalogue.note_ids)
    catalogue.images = [()] * len(catalogue.note_ids)
    offsets = np.r_[0, np.cumsum(arrays["lens"])].tolist()
    flat = arrays["flat"].astype(np.int32)  # read once: every arrays[...] decompresses again
    model.user_history = {
        int(u): flat[offsets[i] : offsets[i + 1]] for i, u in enumerate(arrays["users"].tolist())
    }
    model.user_hidden = {}
    for u, j in zip(arrays["hid_u"].tolist(), arrays["hid_j"].tolist(), strict=True):
        model.user_hidden.setdefault(int(u), set()).add(int(j))
    transitions = Transitions(*meta["seq"])
    transitions.t = sp.load_npz(folder / "seq.npz").tocsr()
    transitions.n_items = transitions.t.shape[0]
    model.collab = Collaborative(
        int(meta["n_trained_items"]),
        sp.load_npz(folder / "co.npz").tocsr(),
        float(meta["co_half_life"]),
        transitions,
        arrays["item_vecs"],
        arrays["col_scale"],
        float(meta["emb_half_life"]),
        meta["chosen"],
    )
    model.content.idf = arrays["idf"]
    model.content_matrix = sp.load_npz(folder / "content.npz").tocsr()
    model.content_vectors = arrays["c_emb"]
    model.t_ref = float(meta["t_ref"])
    model.n_trained_items = int(meta["n_trained_items"])
    report = TrainReport()
    for k, v in meta.get("report", {}).items():
        setattr(report, k, v)
    model.report = report
    model.ranker = RankerEnsemble.load(folder)
    if meta.get("neural"):
        neural = SASRec(int(meta["neural"]["vocab"]), SASRecConfig(**meta["neural"]["config"]))
        weights = np.load(folder / "neural.npz", allow_pickle=False)
        neural.token_of = weights["token_of"]
        neural.params = {
            k.split(":", 1)[1]: weights[k] for k in weights.files if k.startswith("param:")
        }
        neural.report = dict(meta["neural"]["report"])
        model.neural = neural
        model.neural_vectors = neural.item_vectors()
        model.neural_items = np.flatnonzero(neural.token_of > 0)
    model.build_indices(saved=folder)
    model.glosser()  # the dictionary loads here, not in the first request that needs it
    return model
