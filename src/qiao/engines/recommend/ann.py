"""Inner-product nearest-neighbour index: hnswlib when installed and the catalogue is large,
exact NumPy search otherwise (the same interface either way)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

try:
    import hnswlib as _hnswlib  # type: ignore[import-not-found, unused-ignore] # optional
except Exception:  # noqa: BLE001 - hnswlib is optional
    _hnswlib = None


class AnnIndex:
    def __init__(self, vectors: np.ndarray, use_hnsw: bool, ef: int = 200, m: int = 16) -> None:
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.ef = ef
        self._index = None
        if use_hnsw and _hnswlib is not None and len(self.vectors) > 0:
            idx = _hnswlib.Index(space="ip", dim=self.vectors.shape[1])
            idx.init_index(max_elements=len(self.vectors) + 1024, ef_construction=100, M=m)
            idx.add_items(self.vectors, np.arange(len(self.vectors)))
            idx.set_ef(ef)
            self._index = idx

    @property
    def approximate(self) -> bool:
        return self._index is not None

    def add(self, vectors: np.ndarray) -> None:
        start = len(self.vectors)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.vectors = np.vstack([self.vectors, vectors]) if len(self.vectors) else vectors
        if self._index is not None:
            need = len(self.vectors) + 1024
            if need > self._index.get_max_elements():
                self._index.resize_index(need * 2)
            self._index.add_items(vectors, np.arange(start, len(self.vectors)))

    def query(self, q: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-k item indices and inner products for each query row."""
        q = np.atleast_2d(np.asarray(q, dtype=np.float32))
        n = len(self.vectors)
        k = min(k, n)
        if k <= 0:
            return np.zeros((len(q), 0), dtype=np.int64), np.zeros((len(q), 0), dtype=np.float32)
        if self._index is not None:
            self._index.set_ef(max(self.ef, k))
            try:
                labels, dist = self._index.knn_query(q, k=k)
                return labels.astype(np.int64), (1.0 - dist).astype(np.float32)
            except RuntimeError:  # degenerate graph region (duplicates, zero query): exact
                pass
        ids: list[np.ndarray] = []
        sims: list[np.ndarray] = []
        step = max(1, (1 << 24) // max(1, n))  # bound the dense block to ~64 MB
        for st in range(0, len(q), step):
            s = q[st : st + step] @ self.vectors.T
            part = (
                np.argpartition(-s, k - 1, axis=1)[:, :k]
                if k < n
                else np.tile(np.arange(n), (len(s), 1))
            )
            vals = np.take_along_axis(s, part, axis=1)
            order = np.argsort(-vals, axis=1)
            ids.append(np.take_along_axis(part, order, axis=1))
            sims.append(np.take_along_axis(vals, order, axis=1))
        return np.vstack(ids), np.vstack(sims)

    def save(self, path: Path) -> None:
        if self._index is not None:
            self._index.save_index(str(path))

    def load_hnsw(self, path: Path) -> bool:
        """Attach a graph saved by :meth:`save` (building one for a million notes takes
        minutes; loading it, a second). False, and exact search, if it does not fit."""
        if _hnswlib is None or not path.exists():
            return False
        idx = _hnswlib.Index(space="ip", dim=self.vectors.shape[1])
        try:
            idx.load_index(str(path), max_elements=len(self.vectors) + 1024)
        except RuntimeError:  # truncated or from another build
            return False
        if idx.get_current_count() != len(self.vectors):
            return False
        idx.set_ef(self.ef)
        self._index = idx
        return True
