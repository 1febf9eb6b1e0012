"""`qiao backup` / `qiao restore` round trips: embedded (SQLite + local media) and
production (PostgreSQL + S3), each restored into a fresh installation and compared."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.integration.conftest import REPO, Stack, photo


def qiao(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "qiao", *args],
        env=env,
        cwd=env["QIAO_HOME"],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-4000:]
    return out.stdout


def _files(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


COUNT = (
    "from qiao.accounts.models import User; from qiao.notes.models import Note, NoteImage;"
    "print(User.objects.count(), Note.objects.count(), NoteImage.objects.count(),"
    " sorted(Note.objects.values_list('title', flat=True)))"
)


@pytest.mark.slow
@pytest.mark.embedded
def test_embedded_round_trip(tmp_path: Path) -> None:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(
            ("QIAO_", "DATABASE_URL", "REDIS_URL", "CELERY_", "S3_", "MEDIA_STORAGE", "DJANGO_")
        )
    }
    base["PYTHONPATH"] = str(REPO / "src")
    first = {**base, "QIAO_HOME": str(tmp_path / "a"), "QIAO_SECRET_KEY": "k" * 50}
    second = {**base, "QIAO_HOME": str(tmp_path / "b"), "QIAO_SECRET_KEY": "k" * 50}
    for env in (first, second):
        Path(env["QIAO_HOME"]).mkdir()
    qiao(first, "migrate", "--verbosity", "0")
    qiao(first, "seed", "--users", "3", "--notes", "4", "--images", "2", "--quiet")
    before = qiao(first, "shell", "-c", COUNT)
    archive = tmp_path / "backup.tar"
    qiao(first, "backup", "--output", str(archive))
    assert archive.is_file()

    out = qiao(second, "restore", str(archive), "--yes")
    assert "restored sqlite3 database" in out
    assert qiao(second, "shell", "-c", COUNT) == before
    media_a = _files(Path(first["QIAO_HOME"]) / "media")
    assert media_a and media_a == _files(Path(second["QIAO_HOME"]) / "media")

    # Refuses without --yes, and refuses a backup of the other database kind.
    bad = subprocess.run(
        [sys.executable, "-m", "qiao", "restore", str(archive)],
        env=second,
        cwd=second["QIAO_HOME"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode != 0 and "--yes" in bad.stderr


@pytest.mark.integration
@pytest.mark.slow
def test_production_round_trip(stack: Stack) -> None:
    import psycopg

    token, _user = stack.sign_up()
    r = stack.http.post_note(token, "backup me 备份", [photo(21), photo(22)])
    assert r.status == 201, r.body
    stack.wait_variants(r.json()["id"], token)
    env = {**stack.env}
    archive = stack.home / "prod-backup.tar"
    out = qiao(env, "backup", "--output", str(archive))
    assert "postgresql database" in out

    # Restore into a brand-new database and bucket, as on a replacement server.
    tag = uuid.uuid4().hex[:8]
    new_db = f"qiao_restore_{tag}"
    new_bucket = f"qiao-restore-{tag}"
    with psycopg.connect(os.environ["QIAO_TEST_PG_URL"], autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{new_db}"')
    stack.s3().create_bucket(Bucket=new_bucket)
    target = {
        **env,
        "DATABASE_URL": stack.db_url.rsplit("/", 1)[0] + "/" + new_db,
        "S3_BUCKET": new_bucket,
    }
    try:
        out = qiao(target, "restore", str(archive), "--yes")
        assert "restored postgresql database" in out
        tables = ("accounts_user", "notes_note", "notes_noteimage", "social_comment")
        counts = []
        for url in (stack.db_url, target["DATABASE_URL"]):
            with psycopg.connect(url) as conn:
                counts.append(
                    [
                        conn.execute(f"SELECT count(*) FROM {t}").fetchone()  # noqa: S608 - table names from the schema
                        for t in tables
                    ]
                )
        assert counts[0] == counts[1] and counts[0][1][0] >= 1
        s3 = stack.s3()

        def etags(bucket: str) -> dict[str, str]:
            out: dict[str, str] = {}
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
                out.update({o["Key"]: o["ETag"] for o in page.get("Contents", [])})
            return out

        original = etags(stack.bucket)
        assert original and etags(new_bucket) == original
        # The restored installation serves it: migrations are recorded, data is there.
        assert "[X]" in qiao(target, "showmigrations", "notes")
    finally:
        with psycopg.connect(os.environ["QIAO_TEST_PG_URL"], autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{new_db}" WITH (FORCE)')
