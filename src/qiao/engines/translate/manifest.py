"""The record of installed translation models (``manifest.json`` in the models folder): which
pairs, from where, and each file's size and sha256. Read by the engines that load models and
written by the installer."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .base import TranslationError

MANIFEST_NAME = "manifest.json"


class InstallError(TranslationError):
    """The models could not be installed; nothing was changed."""


class IntegrityError(InstallError):
    """A file's sha256 or size does not match what the package says."""


@dataclass
class FileRecord:
    sha256: str
    size: int


@dataclass
class PairRecord:
    engine: str
    source: str
    target: str
    version: str = ""
    origin: str = ""
    installed_at: str = ""
    files: dict[str, FileRecord] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.engine}/{self.source}-{self.target}"


@dataclass
class Manifest:
    pairs: dict[str, PairRecord] = field(default_factory=dict)
    format: int = 1

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data = json.loads(text)
        pairs = {}
        for key, rec in (data.get("pairs") or {}).items():
            files = {n: FileRecord(**f) for n, f in (rec.get("files") or {}).items()}
            pairs[key] = PairRecord(**{**rec, "files": files})
        return cls(pairs=pairs, format=int(data.get("format", 1)))

    def installed_pairs(self, engine: str | None = None) -> list[tuple[str, str]]:
        return sorted(
            {(r.source, r.target) for r in self.pairs.values() if engine in (None, r.engine)}
        )


def read_manifest(models_dir: str | Path) -> Manifest:
    path = Path(models_dir) / MANIFEST_NAME
    try:
        return Manifest.from_json(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Manifest()
    except (OSError, ValueError, TypeError) as exc:
        raise InstallError(f"unreadable manifest {path}: {exc}") from exc
