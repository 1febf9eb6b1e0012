"""Install a local Whisper model directory: from a directory or a .tar.gz/.tgz/.zip archive
(checked against a sha256 when one is given), staged and moved into place atomically, with
a manifest of every file's sha256 — the same steps as ``qiao translate install``. Nothing is
fetched from a model hub: the operator brings the files (or an http(s) URL of an archive)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tarfile
import tempfile
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .base import TranscriptionError
from .local import missing_files

MANIFEST = "manifest.json"


class InstallError(TranscriptionError):
    code = "install_failed"


@dataclass(frozen=True)
class ModelStatus:
    model_dir: str
    ready: bool
    message: str


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 16):
            digest.update(chunk)
    return digest.hexdigest()


def _extract(archive: Path, dest: Path) -> None:
    def inside(name: str) -> Path:
        target = (dest / name).resolve()
        if not str(target).startswith(str(dest.resolve()) + os.sep):
            raise InstallError(f"archive member escapes the target: {name}")
        return target

    if archive.suffix == ".zip":
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                inside(info.filename)
            zf.extractall(dest)  # noqa: S202 - every member checked above
        return
    with tarfile.open(archive) as tf:
        for member in tf.getmembers():
            inside(member.name)
            if not (member.isfile() or member.isdir()):
                raise InstallError(f"archive member is not a plain file: {member.name}")
        tf.extractall(dest, filter="data")


def _model_root(tree: Path) -> Path:
    """The directory holding model.bin (the archive's top level or one folder down)."""
    if not missing_files(tree):
        return tree
    for child in sorted(p for p in tree.iterdir() if p.is_dir()):
        if not missing_files(child):
            return child
    raise InstallError(
        "no Whisper model found: expected config.json, model.bin, "
        "tokenizer.json and vocabulary.txt/json"
    )


def install_model(
    source: str,
    models_dir: str | Path,
    name: str = "whisper",
    sha256: str | None = None,
    timeout: float = 600.0,
) -> ModelStatus:
    """Install ``source`` as ``models_dir/<name>``; returns the new status."""
    root = Path(models_dir)
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root, prefix=".staging-") as tmp:
        stage = Path(tmp)
        if source.startswith(("http://", "https://")):
            if not sha256:
                raise InstallError("a URL source needs --sha256")
            archive = stage / Path(source.split("?", 1)[0]).name
            with urllib.request.urlopen(source, timeout=timeout) as resp, archive.open("wb") as fh:  # noqa: S310 - scheme checked above
                shutil.copyfileobj(resp, fh)
            src_path = archive
        else:
            src_path = Path(source)
        if src_path.is_file():
            if sha256 and _sha256(src_path) != sha256.lower():
                raise InstallError(f"sha256 of {src_path.name} does not match")
            tree = stage / "tree"
            tree.mkdir()
            _extract(src_path, tree)
        elif src_path.is_dir():
            tree = stage / "tree"
            shutil.copytree(src_path, tree)
        else:
            raise InstallError(f"{source}: no such file or directory")
        model = _model_root(tree)
        files = {
            p.relative_to(model).as_posix(): {"sha256": _sha256(p), "size": p.stat().st_size}
            for p in sorted(model.rglob("*"))
            if p.is_file()
        }
        (model / MANIFEST).write_text(
            json.dumps({"source": source, "files": files}, indent=2), encoding="utf-8"
        )
        target = root / name
        old = root / f".old-{name}"
        if target.exists():
            target.rename(old)
        model.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    return model_status(root / name)


def model_status(model_dir: str | Path, verify: bool = False) -> ModelStatus:
    path = Path(model_dir)
    missing = missing_files(path)
    if missing:
        return ModelStatus(
            str(path),
            False,
            f"No Whisper model in {path} (missing "
            f"{', '.join(missing)}): automatic captions are off.",
        )
    if verify and (path / MANIFEST).is_file():
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
        for rel, rec in manifest.get("files", {}).items():
            if not (path / rel).is_file() or _sha256(path / rel) != rec["sha256"]:
                return ModelStatus(str(path), False, f"{rel} is damaged: reinstall the model.")
    return ModelStatus(str(path), True, f"Whisper model installed in {path}.")
