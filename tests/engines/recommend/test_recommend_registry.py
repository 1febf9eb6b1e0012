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
