"""Model files: save/load round trip and the versioned registry with rollback."""

from __future__ import annotations

from pathlib import Path

import pytest
from recommend_world import DAY, T0, World

from qiao.engines.recommend import ModelRegistry, Recommender, UserContext


def _ids(rec: Recommender, uid: int) -> list[int]:
    return [s.note_id for s in rec.recommend(UserContext(uid, now=T0 + 21 * DAY), k=20)]


def test_save_load_round_trip(world: World, tmp_path: Path) -> None:
    world.rec.save(tmp_path / "m")
    loaded = Recommender.load(tmp_path / "m")
    assert loaded.ranker is not None
    for uid in (1, 2, 3):
        assert _ids(loaded, uid) == _ids(world.rec, uid)


def test_publish_and_rollback(world: World, tmp_path: Path) -> None:
    reg = ModelRegistry(tmp_path / "reg")
    assert reg.current() is None and reg.load_current() is None
    with pytest.raises(RuntimeError):
        reg.rollback()
    v1 = reg.publish(world.rec)
    v2 = reg.publish(world.rec)
    assert v1 != v2
    assert reg.current() == v2
    assert reg.versions() == [v1, v2]
    cur = reg.load_current()
    assert cur is not None and cur.version == v2
    assert reg.rollback() == v1
    assert reg.current() == v1
    assert reg.versions() == [v1]
    back = reg.load_current()
    assert back is not None and back.version == v1
    assert _ids(back, 1) == _ids(world.rec, 1)


def test_registry_keeps_a_bounded_history(world: World, tmp_path: Path) -> None:
    reg = ModelRegistry(tmp_path / "reg", keep=2)
    vs = [reg.publish(world.rec) for _ in range(3)]
    assert reg.versions() == vs[1:]
    assert not (tmp_path / "reg" / "versions" / vs[0]).exists()


def test_hnsw_graphs_are_saved_and_loaded_not_rebuilt(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import copy

    from qiao.engines.recommend import ann

    rec = copy.deepcopy(world.rec)
    rec.config.ann_min_items = 10  # a "large" catalogue: HNSW indices
    rec.build_indices()
    rec.save(tmp_path / "m")
    assert (tmp_path / "m" / "collab_index.hnsw").exists()
    assert (tmp_path / "m" / "content_index.hnsw").exists()
    builds: list[int] = []
    real_add = ann._hnswlib.Index.add_items

    class Spy(ann._hnswlib.Index):  # type: ignore[misc, name-defined] # untyped library
        def add_items(self, *a: object, **k: object) -> None:
            builds.append(1)
            real_add(self, *a, **k)

    monkeypatch.setattr(ann._hnswlib, "Index", Spy)
    loaded = Recommender.load(tmp_path / "m")
    assert not builds  # loaded from disk
    assert loaded.collab_index is not None and loaded.collab_index.approximate
    assert loaded.content_index is not None and loaded.content_index.approximate
    for uid in (1, 2, 3):
        assert _ids(loaded, uid) == _ids(rec, uid)
    # a graph that does not match the vectors (e.g. a hand-edited folder) is rebuilt
    (tmp_path / "m" / "content_index.hnsw").write_bytes(
        (tmp_path / "m" / "collab_index.hnsw").read_bytes()[:0]
    )
    again = Recommender.load(tmp_path / "m")
    assert again.content_index is not None and again.content_index.approximate
