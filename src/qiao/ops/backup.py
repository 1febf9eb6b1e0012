"""Backups: the database and every media file, in one tar archive.

    archive.tar
      manifest.json      what is inside (engine, counts, sizes, time)
      db.sqlite3         SQLite: a consistent copy made with SQLite's online backup API
      db.pgdump          PostgreSQL: `pg_dump --format=custom`
      media/<path>       every file in the media storage (local disk or S3), read through
                         Django's storage API so both profiles back up the same way
      private/<path>     every file in the private storage (photos sent in direct
                         messages; the messages themselves are tables of the database)

Restore loads the database (pg_restore --clean, or SQLite's backup API into the database
file) and writes every media file back through the storage API under its original name.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.db import connections

MEDIA_PREFIX = "media/"
PRIVATE_PREFIX = "private/"


def _private_storage() -> Storage | None:
    from django.core.files.storage import InvalidStorageError, storages

    try:
        return storages["private"]
    except InvalidStorageError:
        return None


def pg_tool(name: str) -> str:
    """The newest installed `pg_dump`/`pg_restore` (Debian keeps them per version)."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    if candidates:
        return str(candidates[-1])
    found = shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} not found: install the PostgreSQL client tools")
    return found


def _pg_env(db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def walk_storage(storage: Storage, top: str = "") -> Iterator[str]:
    dirs, files = storage.listdir(top)
    for name in sorted(files):
        yield f"{top}/{name}" if top else name
    for d in sorted(dirs):
        yield from walk_storage(storage, f"{top}/{d}" if top else d)


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(time.time())
    tar.addfile(info, io.BytesIO(data))


def backup(
    output: Path,
    *,
    storage: Storage | None = None,
    alias: str = "default",
    progress: Callable[[str], None] | None = None,
    private: Storage | None = None,
) -> dict[str, Any]:
    storage = storage or default_storage
    private = private or _private_storage()
    db = connections[alias].settings_dict
    engine = db["ENGINE"].rsplit(".", 1)[-1]
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    manifest: dict[str, Any] = {
        "format": 1,
        "created_at": datetime.now(UTC).isoformat(),
        "engine": engine,
        "media_files": 0,
        "media_bytes": 0,
        "private_files": 0,
    }
    with (
        tempfile.TemporaryDirectory(prefix="qiao-backup-") as tmp,
        tarfile.open(partial, "w") as tar,
    ):
        if engine == "sqlite3":
            dump = Path(tmp) / "db.sqlite3"
            src = sqlite3.connect(str(db["NAME"]))
            dst = sqlite3.connect(str(dump))
            try:
                src.backup(dst)  # consistent even while the app writes
            finally:
                dst.close()
                src.close()
            tar.add(dump, "db.sqlite3")
        elif engine == "postgresql":
            dump = Path(tmp) / "db.pgdump"
            args, env = _pg_env(db)
            subprocess.run(  # noqa: S603 - our own tool, fixed arguments
                [
                    pg_tool("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    "--file",
                    str(dump),
                    *args,
                ],
                check=True,
                env=env,
            )
            tar.add(dump, "db.pgdump")
        else:
            raise RuntimeError(f"backup does not know the {engine} database engine")
        if progress:
            progress("database done")
        for path in walk_storage(storage):
            with storage.open(path, "rb") as fh:
                data = fh.read()
            _add_bytes(tar, MEDIA_PREFIX + path, data)
            manifest["media_files"] += 1
            manifest["media_bytes"] += len(data)
            if progress and manifest["media_files"] % 100 == 0:
                progress(f"{manifest['media_files']} media files")
        for path in _walk_existing(private):
            assert private is not None
            with private.open(path, "rb") as fh:
                _add_bytes(tar, PRIVATE_PREFIX + path, fh.read())
            manifest["private_files"] += 1
        _add_bytes(tar, "manifest.json", json.dumps(manifest, indent=2).encode())
    partial.replace(output)  # never leave a half-written archive under the real name
    return manifest


def _walk_existing(storage: Storage | None) -> Iterator[str]:
    """Files of a storage that may not exist yet (a local folder nobody wrote to)."""
    if storage is None:
        return
    try:
        yield from walk_storage(storage)
    except FileNotFoundError:
        return


def restore(
    archive: Path,
    *,
    storage: Storage | None = None,
    alias: str = "default",
    progress: Callable[[str], None] | None = None,
    private: Storage | None = None,
) -> dict[str, Any]:
    storage = storage or default_storage
    private = private or _private_storage()
    db = connections[alias].settings_dict
    engine = db["ENGINE"].rsplit(".", 1)[-1]
    with tarfile.open(archive, "r") as tar:
        names = tar.getnames()
        manifest_fh = tar.extractfile("manifest.json")
        if manifest_fh is None:
            raise RuntimeError("not a Qiao backup: no manifest.json")
        manifest = json.loads(manifest_fh.read())
        if manifest["engine"] != engine:
            raise RuntimeError(
                f"the backup is of a {manifest['engine']} database; this installation uses "
                f"{engine} (restore into the same kind, then migrate data with dumpdata)"
            )
        connections[alias].close()
        with tempfile.TemporaryDirectory(prefix="qiao-restore-") as tmp:
            if engine == "sqlite3":
                tar.extract("db.sqlite3", tmp, filter="data")
                src = sqlite3.connect(str(Path(tmp) / "db.sqlite3"))
                Path(db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
                dst = sqlite3.connect(str(db["NAME"]))
                try:
                    src.backup(dst)
                finally:
                    dst.close()
                    src.close()
            else:
                tar.extract("db.pgdump", tmp, filter="data")
                args, env = _pg_env(db)
                subprocess.run(  # noqa: S603 - our own tool, fixed arguments
                    [
                        pg_tool("pg_restore"),
                        "--clean",
                        "--if-exists",
                        "--no-owner",
                        "--single-transaction",
                        *args,
                        str(Path(tmp) / "db.pgdump"),
                    ],
                    check=True,
                    env=env,
                )
        if progress:
            progress("database done")
        restored = 0
        for name in names:
            if name.startswith(MEDIA_PREFIX):
                target, path = storage, name[len(MEDIA_PREFIX) :]
            elif name.startswith(PRIVATE_PREFIX) and private is not None:
                target, path = private, name[len(PRIVATE_PREFIX) :]
            else:
                continue
            fh = tar.extractfile(name)
            if fh is None:
                continue
            if target.exists(path):
                target.delete(path)
            saved = target.save(path, ContentFile(fh.read()))
            if saved != path:
                raise RuntimeError(f"media file {path} was stored as {saved}")
            restored += 1
    return {**manifest, "restored_media_files": restored}
