"""Fixtures for the recommender engine tests (helpers live in recommend_world.py)."""

from __future__ import annotations

import os

# small matrices on a busy machine: BLAS threads only fight each other (5x slower here)
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import pytest
from recommend_world import World, make_world


@pytest.fixture(scope="session")
def world() -> World:
    return make_world()
