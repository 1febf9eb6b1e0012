"""Fixtures for the translation engine tests: a tiny CTranslate2 model built here.

The model (see tiny_model.py) is a 1+1-layer Transformer with seeded random NumPy weights and
a SentencePiece vocabulary trained on a few hundred generated lines, written with
CTranslate2's model specification API: no torch, nothing downloaded. It is built once per test
session, in the session's temporary directory (about a second).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tests.engines.translate.tiny_model import build_tiny_ct2_model


@pytest.fixture(scope="session")
def tiny_ct2_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Directory of a CTranslate2 model with source.spm/target.spm."""
    return build_tiny_ct2_model(tmp_path_factory.mktemp("tiny-ct2") / "ct2")


@pytest.fixture()
def ct2_models_dir(tmp_path: Path, tiny_ct2_model: Path) -> Path:
    """A ``models_dir`` whose ``ctranslate2/`` holds the tiny model for zh-en and en-zh."""
    for pair in ("zh-en", "en-zh"):
        shutil.copytree(tiny_ct2_model, tmp_path / "ctranslate2" / pair)
    return tmp_path
