"""Versioned model files with a CURRENT pointer and rollback.

Layout: ``<root>/versions/<version>/`` (one saved Recommender each) and ``<root>/CURRENT``
(the version being served) and ``<root>/HISTORY`` (published versions, oldest first).
Publishing writes into a temporary folder and renames it, so a crash never leaves a
half-written version as CURRENT.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from .engine import Recommender


class ModelRegistry:
    def __init__(self, root: str | Path, keep: int = 5) -> None:
        self.root = Path(root)
        self.keep = keep
        (self.root / "versions").mkdir(parents=True, exist_ok=True)

    def versions(self) -> list[str]:
        h = self.root / "HISTORY"
        if not h.exists():
            return []
        return [v for v in h.read_text(encoding="utf-8").split() if v]

    def current(self) -> str | None:
        c = self.root / "CURRENT"
        if not c.exists():
            return None
        v = c.read_text(encoding="utf-8").strip()
        return v or None

    def _write(self, name: str, text: str) -> None:
        tmp = self.root / f".{name}.tmp"
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, self.root / name)

    def publish(self, rec: Recommender) -> str:
        """Save `rec` as a new version and make it current. Returns the version name."""
        existing = set(self.versions())
        base = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        version = base
        k = 1
        while version in existing or (self.root / "versions" / version).exists():
            version = f"{base}-{k}"
            k += 1
        tmp = self.root / "versions" / f".{version}.partial"
        if tmp.exists():
            shutil.rmtree(tmp)
        rec.save(tmp)
        os.replace(tmp, self.root / "versions" / version)
        hist = self.versions() + [version]
        self._write("HISTORY", "\n".join(hist) + "\n")
        self._write("CURRENT", version + "\n")
        rec.version = version
        self._prune(hist)
        return version

    def _prune(self, hist: list[str]) -> None:
        cur = self.current()
        for v in hist[: max(0, len(hist) - self.keep)]:
            if v != cur:
                shutil.rmtree(self.root / "versions" / v, ignore_errors=True)
        kept = [v for v in hist if (self.root / "versions" / v).exists()]
        self._write("HISTORY", "\n".join(kept) + "\n")

    def load(self, version: str) -> Recommender:
        rec = Recommender.load(self.root / "versions" / version)
        rec.version = version
        return rec

    def load_current(self) -> Recommender | None:
        v = self.current()
        return self.load(v) if v else None

    def rollback(self) -> str:
        """Make the version published before the current one current again (the current
        one is dropped from the history). Returns the version now current."""
        hist = self.versions()
        cur = self.current()
        if cur not in hist or hist.index(cur) == 0:
            raise RuntimeError("no earlier version to roll back to")
        i = hist.index(cur)
        prev = hist[i - 1]
        self._write("CURRENT", prev + "\n")
        self._write("HISTORY", "\n".join(hist[:i] + hist[i + 1 :]) + "\n")
        shutil.rmtree(self.root / "versions" / cur, ignore_errors=True)
        return prev
