"""Where the names engine finds its data.

Run time uses only the small derived files shipped in ``data/`` next to this module.
The larger public sources (CedPane, the surname corpus, the dev set) are read only by the
build and benchmark code, from ``$QIAO_DATA_DIR/names`` (default ``<repo>/../shared/data``).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DATA = Path(__file__).resolve().parent / "data"


def shared_data_dir() -> Path | None:
    """The shared data directory (containing ``names/``), or None when it is not there."""
    env = os.environ.get("QIAO_DATA_DIR")
    if env:
        return Path(env)
    # src/qiao/engines/names/paths.py -> repo root is parents[4]
    repo_root = Path(__file__).resolve().parents[4]
    candidate = repo_root.parent / "shared" / "data"
    return candidate if candidate.is_dir() else None


def names_data_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """Directory holding cedpane.tsv, translit_dev.json, ... ; raises if not found."""
    if data_dir is not None:
        base = Path(data_dir)
    else:
        found = shared_data_dir()
        if found is None:
            raise FileNotFoundError(
                "shared data not found: set QIAO_DATA_DIR to the directory containing names/"
            )
        base = found
    # accept the data dir, its names/ subdirectory, or one of that folder's files
    if base.is_file():
        base = base.parent
    if not base.is_dir():
        raise FileNotFoundError(f"no names data folder at {base}")
    if (base / "names").is_dir():
        return base / "names"
    return base
