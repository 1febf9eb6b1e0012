"""Backups include direct messages: their rows are in the database dump, and the photos sent
in them (kept in the private storage, outside the public media) are in the archive and come
back on restore."""

from __future__ import annotations

import sqlite3
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import connection

from qiao.messages import services
from qiao.ops.backup import PRIVATE_PREFIX, backup, restore


@pytest.mark.django_db(transaction=True)
def test_backup_holds_messages_and_their_photos(
    people: dict[str, Any], tmp_path: Path, settings: Any, run_tasks: None
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the PostgreSQL dump is covered by tests/integration/test_backup.py")
    from tests.factories import image_bytes

    private = FileSystemStorage(location=str(tmp_path / "private"))
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    from django.core.files.storage import storages

    storages._storages.pop("private", None)  # rebuilt from the settings above
    cid = services.start_conversation(people["ann"], ["bo"]).pk
    services.send_message(people["ann"], cid, body="keep me")
    photo_message = services.send_message(
        people["ann"], cid, photos=[services.PhotoIn(data=image_bytes(400, 300))]
    )
    original = photo_message.photos.get().original
    archive = tmp_path / "backup.tar"
    manifest = backup(archive, private=private)
    assert manifest["private_files"] == 5  # the original; two widths in WebP and JPEG
    with tarfile.open(archive) as tar:
        assert PRIVATE_PREFIX + original in tar.getnames()
        tar.extract("db.sqlite3", tmp_path, filter="data")
    dump = sqlite3.connect(str(tmp_path / "db.sqlite3"))
    bodies = [r[0] for r in dump.execute("SELECT body FROM qiao_messages_message")]
    dump.close()
    assert "keep me" in bodies

    elsewhere = FileSystemStorage(location=str(tmp_path / "restored-private"))
    restore(archive, private=elsewhere, storage=FileSystemStorage(str(tmp_path / "media2")))
    assert elsewhere.exists(original)
