"""The production profile, for real: PostgreSQL + Redis + Celery worker + SeaweedFS (S3) and
`qiao serve` (gunicorn), each a separate process on 127.0.0.1, driven over HTTP.

Start the services with `eval "$(scripts/services.sh all)"` (scripts/test.sh does it);
without the QIAO_TEST_* variables every test here is skipped with the reason.
"""

from __future__ import annotations

import base64
import http.client
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

REPO = Path(__file__).resolve().parents[2]
NEEDED = ("QIAO_TEST_PG_URL", "QIAO_TEST_REDIS_URL", "QIAO_TEST_S3_ENDPOINT_URL")
WIDTHS = (320, 640, 1080)


def _missing() -> list[str]:
    return [name for name in NEEDED if not os.environ.get(name)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def services(*args: str) -> str:
    """Run scripts/services.sh (start/stop one service for a drill) on this run's services:
    those in $QIAO_SERVICES_DIR, never another run's."""
    if not os.environ.get("QIAO_SERVICES_DIR"):
        pytest.fail(
            "QIAO_SERVICES_DIR is unset: a drill stops and starts only the services of "
            'its own run; start them with: eval "$(scripts/services.sh all)"'
        )
    out = subprocess.run(
        [str(REPO / "scripts" / "services.sh"), *args],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return out.stdout


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")


class Http:
    """A tiny HTTP client for the server under test (loopback only, bounded timeouts)."""

    def __init__(self, port: int) -> None:
        self.port = port

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 30.0,
    ) -> Response:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            headers_out: dict[str, str] = {}
            for k, v in resp.getheaders():  # repeated headers (Set-Cookie) joined by ", "
                key = k.lower()
                headers_out[key] = f"{headers_out[key]}, {v}" if key in headers_out else v
            return Response(resp.status, headers_out, resp.read())
        finally:
            conn.close()

    def api(
        self,
        method: str,
        path: str,
        data: Any = None,
        *,
        token: str | None = None,
        cookie: str | None = None,
        timeout: float = 30.0,
    ) -> Response:
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if cookie:
            headers["Cookie"] = cookie
        body = None
        if data is not None:
            body = json.dumps(data).encode()
            headers["Content-Type"] = "application/json"
        return self.request(method, "/api/v1" + path, body=body, headers=headers, timeout=timeout)

    def post_note(
        self, token: str, title: str, images: list[bytes], body: str = "", timeout: float = 60.0
    ) -> Response:
        boundary = uuid.uuid4().hex
        parts: list[bytes] = []
        for name, value in (("title", title), ("body", body)):
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
                f"\r\n\r\n{value}\r\n".encode()
            )
        for i, data in enumerate(images):
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="images"; '
                f'filename="p{i}.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
                + data
                + b"\r\n"
            )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(
            "POST",
            "/api/v1/notes",
            body=b"".join(parts),
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": f"multipart/form-data; boundary={boundary}",
            },
            timeout=timeout,
        )

    def upload_video(
        self, token: str, data: bytes, chunk: int = 1024 * 1024, filename: str = "clip.mp4"
    ) -> dict[str, Any]:
        """Send a clip through the resumable upload API, chunk by chunk."""
        auth = {"Authorization": f"Bearer {token}"}
        r = self.api("POST", "/uploads", {"size": len(data), "filename": filename}, token=token)
        assert r.status == 201, r.body
        upload = r.json()
        offset = 0
        while offset < len(data):
            piece = data[offset : offset + chunk]
            r = self.request(
                "PATCH",
                f"/api/v1/uploads/{upload['id']}",
                body=piece,
                headers={
                    **auth,
                    "Upload-Offset": str(offset),
                    "Content-Type": "application/offset+octet-stream",
                },
                timeout=60,
            )
            assert r.status == 200, r.body
            upload = r.json()
            offset = upload["offset"]
        assert upload["state"] == "complete", upload
        return upload

    def post_form(
        self, token: str, path: str, fields: dict[str, str], timeout: float = 60.0
    ) -> Response:
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
            f"\r\n\r\n{value}\r\n".encode()
            for name, value in fields.items()
        ]
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(
            "POST",
            "/api/v1" + path,
            body=b"".join(parts),
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": f"multipart/form-data; boundary={boundary}",
            },
            timeout=timeout,
        )


def clip(
    path: Path, seconds: float = 3.0, width: int = 640, height: int = 360, **options: Any
) -> bytes:
    """A synthetic phone clip (colour bars, a tone, GPS and device metadata written in)."""
    from qiao.engines.media.video import synth

    synth.make_clip(
        path,
        width=width,
        height=height,
        fps=24,
        seconds=seconds,
        container="mov",
        metadata=synth.PHONE_METADATA,
        options={"movflags": "use_metadata_tags"},
        **options,
    )
    return path.read_bytes()


def photo(seed: int, size: tuple[int, int] = (1600, 1200)) -> bytes:
    """A JPEG with real structure (gradients and shapes), different for each seed."""
    from PIL import Image, ImageDraw

    w, h = size
    img = Image.linear_gradient("L").resize((w, h)).convert("RGB")
    draw = ImageDraw.Draw(img)
    for k in range(12):
        x = (seed * 97 + k * 131) % w
        y = (seed * 53 + k * 71) % h
        draw.ellipse(
            [x, y, x + w // 6, y + h // 6],
            fill=((seed * 40 + k * 20) % 256, (k * 60) % 256, (seed * 90) % 256),
        )
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90)
    return buf.getvalue()


@dataclass
class Stack:
    env: dict[str, str]
    home: Path
    http: Http
    bucket: str
    db_url: str
    redis_url: str
    broker_url: str
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    logs: dict[str, Path] = field(default_factory=dict)
    _worker_runs: int = 0

    # --- processes ---------------------------------------------------------------------
    def _spawn(self, name: str, args: list[str], log: Path) -> subprocess.Popen[bytes]:
        fh = open(log, "ab")  # noqa: SIM115 - kept open for the child's lifetime
        proc = subprocess.Popen(
            [sys.executable, "-m", "qiao", *args],
            cwd=self.home,
            env=self.env,
            stdout=fh,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.procs[name] = proc
        self.logs[name] = log
        return proc

    def start_worker(self) -> Path:
        self._worker_runs += 1
        log = self.home / f"worker-{self._worker_runs}.log"
        self._spawn(
            "worker",
            ["worker", "--concurrency", "1", "--hostname", f"it{self._worker_runs}@%h"],
            log,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if b" ready." in log.read_bytes():
                return log
            if self.procs["worker"].poll() is not None:
                raise RuntimeError("worker died:\n" + log.read_text()[-3000:])
            time.sleep(0.2)
        raise RuntimeError("worker did not get ready:\n" + log.read_text()[-3000:])

    def kill9(self, name: str) -> None:
        """SIGKILL the process and everything it forked (its whole process group)."""
        proc = self.procs[name]
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def stop(self, name: str) -> None:
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)

    # --- storage and broker ------------------------------------------------------------
    def s3(self) -> Any:
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.env["S3_ENDPOINT_URL"],
            region_name="us-east-1",
            aws_access_key_id=self.env["S3_ACCESS_KEY_ID"],
            aws_secret_access_key=self.env["S3_SECRET_ACCESS_KEY"],
        )

    def keys(self, prefix: str) -> list[str]:
        out: list[str] = []
        paginator = self.s3().get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            out += [o["Key"] for o in page.get("Contents", [])]
        return sorted(out)

    def redis(self, url: str | None = None) -> Any:
        import redis

        return redis.Redis.from_url(url or self.broker_url, socket_timeout=2)

    def in_flight_task_args(self) -> list[list[Any]]:
        """Arguments of the messages a worker has taken but not acknowledged."""
        out = []
        for raw in self.redis().hvals("unacked"):
            message = json.loads(raw)[0]  # [message, exchange, routing key]
            if isinstance(message, str):
                message = json.loads(message)
            body = json.loads(base64.b64decode(message["body"]))
            out.append(body[0])
        return out

    # --- the API -----------------------------------------------------------------------
    def sign_up(self, name: str | None = None) -> tuple[str, dict[str, Any]]:
        name = name or f"u{uuid.uuid4().hex[:10]}"
        r = self.http.api(
            "POST",
            "/auth/signup",
            {
                "username": name,
                "email": f"{name}@example.org",
                "password": "a-long-test-passphrase-9",
                "read_languages": ["en", "zh"],
            },
        )
        assert r.status == 201, r.body
        data = r.json()
        return data["token"], data["user"]

    def wait_video(self, note_id: int, token: str, timeout: float = 180) -> dict[str, Any]:
        """Poll the note until its clip is ready and the note out of processing (or failed)."""
        deadline = time.monotonic() + timeout
        note: dict[str, Any] = {}
        while time.monotonic() < deadline:
            r = self.http.api("GET", f"/notes/{note_id}", token=token)
            if r.status == 200:
                note = r.json()
                # (the note's row and its clip's are read by two queries: the clip can be
                # read ready just after the note was read still processing; ask again)
                state = note["video"] and note["video"]["state"]
                if state == "failed" or (state == "ready" and note["status"] != "processing"):
                    return note
            time.sleep(0.5)
        log = self.logs.get("worker")
        tail = log.read_text()[-3000:] if log else ""
        raise AssertionError(
            f"the clip of note {note_id} never finished: {note}\nworker log tail:\n{tail}"
        )

    def wait_variants(self, note_id: int, token: str, timeout: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        note: dict[str, Any] = {}
        while time.monotonic() < deadline:
            r = self.http.api("GET", f"/notes/{note_id}", token=token)
            if r.status == 200:
                note = r.json()
                if all(len(img["variants"]) == len(WIDTHS) for img in note["images"]):
                    return note
            time.sleep(0.25)
        log = self.logs.get("worker")
        tail = log.read_text()[-3000:] if log else ""
        raise AssertionError(
            f"variants never appeared for note {note_id}: {note}\nworker log tail:\n{tail}"
        )


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


@pytest.fixture(scope="session")
def stack(request: pytest.FixtureRequest) -> Iterator[Stack]:
    missing = _missing()
    if missing and os.environ.get("QIAO_REQUIRE_INTEGRATION") == "1":
        pytest.fail("QIAO_REQUIRE_INTEGRATION=1 but unset: " + ", ".join(missing))
    if missing:
        pytest.skip(
            "production-profile services not running (unset: "
            + ", ".join(missing)
            + '); start them with: eval "$(scripts/services.sh all)"'
        )
    import boto3
    import psycopg

    tag = uuid.uuid4().hex[:8]
    # Not under pytest's basetemp: other pytest runs may prune it while we run.
    home = Path(tempfile.mkdtemp(prefix="qiao-it-"))
    print(f"integration stack home (logs): {home}")
    pg_admin = os.environ["QIAO_TEST_PG_URL"]
    db_name = f"qiao_it_{tag}"
    with psycopg.connect(pg_admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{db_name}"')
    redis_base = os.environ["QIAO_TEST_REDIS_URL"].rsplit("/", 1)[0]
    bucket = f"qiao-it-{tag}"
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(
            (
                "QIAO_",
                "DATABASE_URL",
                "REDIS_URL",
                "CELERY_",
                "S3_",
                "MEDIA_STORAGE",
                "PROMETHEUS_",
                "DJANGO_",
            )
        )
    }
    env.update(
        {
            "DATABASE_URL": _with_db(pg_admin, db_name),
            "REDIS_URL": f"{redis_base}/1",
            "CELERY_BROKER_URL": f"{redis_base}/2",
            "MEDIA_STORAGE": "s3",
            "S3_ENDPOINT_URL": os.environ["QIAO_TEST_S3_ENDPOINT_URL"],
            "S3_ACCESS_KEY_ID": os.environ.get("QIAO_TEST_S3_ACCESS_KEY_ID", ""),
            "S3_SECRET_ACCESS_KEY": os.environ.get("QIAO_TEST_S3_SECRET_ACCESS_KEY", ""),
            "S3_BUCKET": bucket,
            "QIAO_HOME": str(home),
            "QIAO_SECRET_KEY": "integration-" + uuid.uuid4().hex,
            "QIAO_RATE_LIMITS_ENABLED": "1",
            "QIAO_RATE_SIGNUP": "10000/60",
            "QIAO_RATE_WRITE": "10000/60",
            "QIAO_RATE_LOGIN": "10000/60",
            # Short so the kill -9 drill does not wait 15 minutes for the message to return.
            "QIAO_CELERY_VISIBILITY_TIMEOUT": "6",
            "QIAO_CELERY_TASK_TIME_LIMIT": "60",
            # A transcode's hold on its clip lapses soon after its worker is killed.
            "QIAO_VIDEO_LEASE_SECONDS": "6",
            "QIAO_LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
            "PYTHONPATH": str(REPO / "src"),
        }
    )
    s3_admin = boto3.client(
        "s3",
        endpoint_url=env["S3_ENDPOINT_URL"],
        region_name="us-east-1",
        aws_access_key_id=env["S3_ACCESS_KEY_ID"],
        aws_secret_access_key=env["S3_SECRET_ACCESS_KEY"],
    )
    for attempt in range(60):  # a just-started SeaweedFS needs a moment for its volumes
        try:
            s3_admin.create_bucket(Bucket=bucket)
            break
        except Exception:
            if attempt == 59:
                raise
            time.sleep(0.5)
    port = _free_port()
    st = Stack(
        env=env,
        home=home,
        http=Http(port),
        bucket=bucket,
        db_url=env["DATABASE_URL"],
        redis_url=env["REDIS_URL"],
        broker_url=env["CELERY_BROKER_URL"],
    )
    st.redis().flushdb()
    st.redis(env["REDIS_URL"]).flushdb()
    try:
        st._spawn(
            "web",
            [
                "serve",
                "--no-seed",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                "2",
                "--threads",
                "4",
            ],
            home / "web.log",
        )
        deadline = time.monotonic() + 120
        while True:
            try:
                if st.http.request("GET", "/healthz", timeout=2).status == 200:
                    break
            except OSError:
                pass
            if st.procs["web"].poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    "qiao serve did not start:\n" + (home / "web.log").read_text()[-4000:]
                )
            time.sleep(0.3)
        st.start_worker()
        yield st
    finally:
        for name in list(st.procs):
            st.stop(name)
        try:  # the bucket is a SeaweedFS collection: dropping it frees its volumes
            s3 = st.s3()
            for key in st.keys(""):
                s3.delete_object(Bucket=bucket, Key=key)
            s3.delete_bucket(Bucket=bucket)
        except Exception as exc:  # noqa: BLE001 - cleanup only
            print("could not delete bucket", bucket, exc)
        try:
            with psycopg.connect(pg_admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        except Exception as exc:  # noqa: BLE001 - cleanup only
            print("could not drop", db_name, exc)
        if request.session.testsfailed == 0:  # keep the logs of a failed run
            shutil.rmtree(home, ignore_errors=True)
