"""Fixtures for the recommender engine tests (helpers live in recommend_world.py)."""

from __future__ import annotations

import pytest
from recommend_world import World, make_world


@pytest.fixture(scope="session")
def world() -> World:
    return make_world()
