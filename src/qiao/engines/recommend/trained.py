"""What the training and serving stages read of a trained model: the shape of
`engine.Recommender`, as a protocol, so the stages (candidates, ranking, reasons,
persistence) stand below the engine that calls them instead of importing it back."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np
import scipy.sparse as sp

from .ann import AnnIndex
from .catalogue import Catalogue
from .components import Collaborative
from .content import ContentModel, Glosser
from .ensemble import RankerEnsemble
from .sequential import SASRec
from .types import RecommenderConfig, TrainReport
from .watched import WatchedClips


class Model(Protocol):
    """A trained (or loading) recommender, as the stages use it."""

    config: RecommenderConfig
    report: TrainReport
    catalogue: Catalogue
    user_history: dict[int, np.ndarray]
    user_hidden: dict[int, set[int]]
    collab: Collaborative | None
    content: ContentModel
    content_matrix: sp.csr_matrix
    content_vectors: np.ndarray
    ranker: RankerEnsemble | None
    neural: SASRec | None
    neural_vectors: np.ndarray
    neural_items: np.ndarray
    neural_index: AnnIndex | None
    t_ref: float
    n_trained_items: int
    collab_index: AnnIndex | None
    content_index: AnnIndex | None
    author_notes: dict[int, np.ndarray]
    trending: np.ndarray
    watched: WatchedClips

    def __init__(self, config: RecommenderConfig | None = None) -> None: ...

    def neural_states(self, histories: list[np.ndarray]) -> np.ndarray: ...

    def glosser(self) -> Glosser | None: ...

    def build_indices(self, ann: bool = True, saved: Path | None = None) -> None: ...

    def fresh_pool(self, now: float) -> tuple[np.ndarray, sp.csr_matrix]: ...
