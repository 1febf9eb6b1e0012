"""Surge benchmark: a sign-up wave against Qiao on this machine (loopback only).

    python bench/surge.py [--profile production|embedded|both] [--duration 60]
                          [--concurrency 16] [--max-requests 20000] [--append-md]

For each profile it starts a real `qiao serve` (gunicorn) on 127.0.0.1 — plus, for the
production profile, a Celery worker against PostgreSQL, Redis and SeaweedFS (S3) from
`scripts/services.sh` (started and stopped here unless QIAO_TEST_* variables point at running
ones) — and drives a bounded mix of:

- the wave: sign up → onboarding (interests, languages) → a first note with a photo →
  the For-you feed → discovery (newest notes) → two note pages → a like;
- existing users reading: For-you, note pages, likes, discovery by topic.

It reports sign-ups per second sustained and that rate as a share of the machine's limit for
the password hasher (cores ÷ the CPU time of one Argon2 hash with Django's parameters,
measured in the same run), For-you and note-detail p50/p99, error counts (target: no 5xx),
and the CPU share of the database, Redis, the app server, the task worker, the object store
and the load generator itself. The loop is bounded in time and in requests and stops by
itself. `--append-md` adds one row per profile to docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import random
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "surge-test-passphrase-42"  # noqa: S105 - throwaway accounts
INTERESTS = ["travel", "food", "photography", "tea", "hiking", "books", "cats", "music"]


# --- measuring -----------------------------------------------------------------------------


def argon2_hash_seconds(samples: int = 6) -> tuple[float, float]:
    """(wall, CPU) seconds of one hash with the app's own hasher and parameters."""
    from django.contrib.auth.hashers import Argon2PasswordHasher

    hasher = Argon2PasswordHasher()
    hasher.encode(PASSWORD, hasher.salt())  # warm up
    walls, cpus = [], []
    for _ in range(samples):
        w0, c0 = time.perf_counter(), time.process_time()
        hasher.encode(PASSWORD, hasher.salt())
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return statistics.median(walls), statistics.median(cpus)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


class CpuMeter:
    """CPU seconds used by groups of processes between start() and stop()."""

    def __init__(self, groups: dict[str, Any]) -> None:
        self.groups = groups  # name -> callable returning a list of psutil.Process
        self.start_times: dict[int, float] = {}

    @staticmethod
    def _cpu(p: Any) -> float:
        try:
            t = p.cpu_times()
            return float(t.user + t.system)
        except Exception:  # noqa: BLE001 - process gone
            return 0.0

    @staticmethod
    def _machine_busy() -> float:
        import psutil

        t = psutil.cpu_times()
        return float(sum(t) - t.idle - getattr(t, "iowait", 0.0))

    def start(self) -> None:
        self.busy0 = self._machine_busy()
        self.t0 = time.monotonic()
        self.start_times = {}
        for finder in self.groups.values():
            for p in finder():
                self.start_times[p.pid] = self._cpu(p)

    def stop(self) -> dict[str, float]:
        wall = time.monotonic() - self.t0
        cores = os.cpu_count() or 1
        shares: dict[str, float] = {}
        for name, finder in self.groups.items():
            used = sum(self._cpu(p) - self.start_times.get(p.pid, 0.0) for p in finder())
            shares[name] = max(0.0, used) / (wall * cores)
        # Everything else on the machine (other people's jobs on a shared box).
        machine = (self._machine_busy() - self.busy0) / (wall * cores)
        shares["other processes"] = max(0.0, machine - sum(shares.values()))
        return shares


def _procs(match: Any) -> Any:
    import psutil

    def find() -> list[Any]:
        out = []
        for p in psutil.process_iter(["name", "cmdline"]):
            try:
                if match(p.info["name"] or "", p.info["cmdline"] or []):
                    out.append(p)
            except Exception:  # noqa: BLE001, S112 - racing a process exit
                continue
        return out

    return find


def _tree(proc: subprocess.Popen[bytes]) -> Any:
    import psutil

    def find() -> list[Any]:
        try:
            root = psutil.Process(proc.pid)
            return [root, *root.children(recursive=True)]
        except Exception:  # noqa: BLE001 - process gone
            return []

    return find


# --- HTTP ----------------------------------------------------------------------------------


@dataclass
class Recorder:
    rows: list[tuple[str, int, float]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    signups: int = 0

    def add(self, name: str, status: int, seconds: float) -> None:
        with self.lock:
            self.rows.append((name, status, seconds))


class Client:
    def __init__(self, port: int, rec: Recorder, budget: Any) -> None:
        self.port, self.rec, self.budget = port, rec, budget
        self.conn: http.client.HTTPConnection | None = None

    def call(
        self,
        name: str,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        if not self.budget():
            raise TimeoutError
        started = time.perf_counter()
        for attempt in (1, 2):  # one retry only for a keep-alive socket the server closed
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                self.conn.request(method, "/api/v1" + path, body=body, headers=headers or {})
                resp = self.conn.getresponse()
                data = resp.read()
                status = resp.status
                if resp.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                break
            except (http.client.HTTPException, OSError):
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
                if attempt == 2:
                    status, data = -1, b""
        self.rec.add(name, status, time.perf_counter() - started)
        try:
            return status, json.loads(data) if data else None
        except ValueError:
            return status, None

    def json(
        self, name: str, method: str, path: str, payload: Any = None, token: str | None = None
    ) -> tuple[int, Any]:
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        body = None
        if payload is not None:
            body = json.dumps(payload).encode()
            headers["Content-Type"] = "application/json"
        return self.call(name, method, path, body, headers)

    def note(self, token: str, title: str, photo: bytes, topics: str) -> tuple[int, Any]:
        b = uuid.uuid4().hex
        parts = [
            f'--{b}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in (("title", title), ("body", f"{title} #{topics}"), ("topics", topics))
        ]
        parts.append(
            f'--{b}\r\nContent-Disposition: form-data; name="images"; '
            f'filename="p.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
            + photo
            + b"\r\n"
        )
        parts.append(f"--{b}--\r\n".encode())
        return self.call(
            "post_note",
            "POST",
            "/notes",
            b"".join(parts),
            {
                "Authorization": f"Bearer {token}",
                "Content-Type": f"multipart/form-data; boundary={b}",
            },
        )


def make_photo(seed: int) -> bytes:
    from PIL import Image, ImageDraw

    img = Image.linear_gradient("L").resize((1200, 900)).convert("RGB")
    draw = ImageDraw.Draw(img)
    rnd = random.Random(seed)
    for _ in range(10):
        x, y = rnd.randrange(1100), rnd.randrange(800)
        draw.ellipse(
            [x, y, x + 150, y + 120],
            fill=(rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)),
        )
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=85)
    return buf.getvalue()


def wave_user(c: Client, rnd: random.Random, photo: bytes) -> None:
    name = "w" + uuid.uuid4().hex[:12]
    status, data = c.json(
        "signup",
        "POST",
        "/auth/signup",
        {
            "username": name,
            "email": f"{name}@example.org",
            "password": PASSWORD,
            "read_languages": ["zh", "en"],
        },
    )
    if status != 201:
        return
    with c.rec.lock:
        c.rec.signups += 1
    token = data["token"]
    c.json(
        "onboarding",
        "PATCH",
        "/me",
        {"interests": rnd.sample(INTERESTS, 3), "ui_language": rnd.choice(["en", "zh-hans"])},
        token=token,
    )
    c.note(token, f"My first note {name}", photo, rnd.choice(INTERESTS))
    browse(c, rnd, token)


def browse(c: Client, rnd: random.Random, token: str) -> None:
    _s, page = c.json("for_you", "GET", "/feed/for-you?limit=20", token=token)
    _s, newest = c.json("discovery", "GET", "/notes?limit=20", token=token)
    items = [
        n["id"] for n in ((page or {}).get("items") or []) + ((newest or {}).get("items") or [])
    ]
    for note_id in rnd.sample(items, min(2, len(items))):
        c.json("note_detail", "GET", f"/notes/{note_id}", token=token)
    if items:
        c.json("like", "POST", f"/notes/{rnd.choice(items)}/like", token=token)


def reader(c: Client, rnd: random.Random, token: str) -> None:
    browse(c, rnd, token)
    c.json("discovery", "GET", f"/notes?topic={rnd.choice(INTERESTS)}&limit=20", token=token)


# --- the system under test -----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def services_env() -> tuple[dict[str, str], bool]:
    """QIAO_TEST_* for PostgreSQL, Redis and S3: the running ones, or start them here."""
    names = ("QIAO_TEST_PG_URL", "QIAO_TEST_REDIS_URL", "QIAO_TEST_S3_ENDPOINT_URL")
    if all(os.environ.get(n) for n in names):
        return {k: v for k, v in os.environ.items() if k.startswith("QIAO_TEST_")}, False
    out = subprocess.run(
        [str(REPO / "scripts" / "services.sh"), "all"],
        check=True,
        capture_output=True,
        text=True,
        timeout=180,
    ).stdout
    env = {}
    for line in out.splitlines():
        if line.startswith("export "):
            key, _eq, value = line[len("export ") :].partition("=")
            env[key] = shlex.split(value)[0] if value else ""
    return env, True


class System:
    def __init__(self, profile: str, workers: int, threads: int) -> None:
        self.profile = profile
        self.home = Path(tempfile.mkdtemp(prefix=f"qiao-surge-{profile}-"))
        self.port = _free_port()
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.started_services = False
        self.cleanup: list[Any] = []
        base = {
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
                    "DJANGO_",
                    "PROMETHEUS_",
                )
            )
        }
        base.update(
            {
                "QIAO_HOME": str(self.home),
                "QIAO_SECRET_KEY": "surge-" + "x" * 50,
                "QIAO_RATE_LIMITS_ENABLED": "0",
                "QIAO_LOG_LEVEL": "WARNING",
                "PYTHONPATH": str(REPO / "src"),
                "PYTHONUNBUFFERED": "1",
            }
        )
        if profile == "production":
            svc, self.started_services = services_env()
            tag = uuid.uuid4().hex[:8]
            import boto3
            import psycopg

            admin = svc["QIAO_TEST_PG_URL"]
            db = f"qiao_surge_{tag}"
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{db}"')
            parts = urlsplit(admin)
            redis_base = svc["QIAO_TEST_REDIS_URL"].rsplit("/", 1)[0]
            bucket = f"qiao-surge-{tag}"
            base.update(
                {
                    "DATABASE_URL": urlunsplit((parts.scheme, parts.netloc, "/" + db, "", "")),
                    "REDIS_URL": f"{redis_base}/4",
                    "CELERY_BROKER_URL": f"{redis_base}/5",
                    "MEDIA_STORAGE": "s3",
                    "S3_ENDPOINT_URL": svc["QIAO_TEST_S3_ENDPOINT_URL"],
                    "S3_ACCESS_KEY_ID": svc.get("QIAO_TEST_S3_ACCESS_KEY_ID", ""),
                    "S3_SECRET_ACCESS_KEY": svc.get("QIAO_TEST_S3_SECRET_ACCESS_KEY", ""),
                    "S3_BUCKET": bucket,
                }
            )
            s3 = boto3.client(
                "s3",
                endpoint_url=base["S3_ENDPOINT_URL"],
                region_name="us-east-1",
                aws_access_key_id=base["S3_ACCESS_KEY_ID"],
                aws_secret_access_key=base["S3_SECRET_ACCESS_KEY"],
            )
            for attempt in range(60):
                try:
                    s3.create_bucket(Bucket=bucket)
                    break
                except Exception:
                    if attempt == 59:
                        raise
                    time.sleep(0.5)

            def drop() -> None:
                with psycopg.connect(admin, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
                paginator = s3.get_paginator("list_objects_v2")
                for page in paginator.paginate(Bucket=bucket):
                    for obj in page.get("Contents", []):
                        s3.delete_object(Bucket=bucket, Key=obj["Key"])
                s3.delete_bucket(Bucket=bucket)

            self.cleanup.append(drop)
            import redis

            for n in (4, 5):
                redis.Redis.from_url(f"{redis_base}/{n}").flushdb()
        self.env = base
        self.workers, self.threads = workers, threads

    def qiao(self, *args: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "qiao", *args],
            env=self.env,
            cwd=self.home,
            check=True,
            timeout=900,
            stdout=subprocess.DEVNULL,
        )

    def spawn(self, name: str, *args: str) -> None:
        log = open(self.home / f"{name}.log", "ab")  # noqa: SIM115 - lives with the child
        self.procs[name] = subprocess.Popen(
            [sys.executable, "-m", "qiao", *args],
            env=self.env,
            cwd=self.home,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start(self, seed_users: int, seed_notes: int) -> None:
        self.qiao("migrate", "--verbosity", "0")
        if self.profile == "production":
            self.spawn("worker", "worker", "--concurrency", "1")
        self.qiao(
            "seed",
            "--users",
            str(seed_users),
            "--notes",
            str(seed_notes),
            "--images",
            "4",
            "--quiet",
        )
        self.spawn(
            "web",
            "serve",
            "--no-seed",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("qiao serve did not start; see " + str(self.home / "web.log"))

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        for fn in self.cleanup:
            try:
                fn()
            except Exception as exc:  # noqa: BLE001 - cleanup only
                print("cleanup:", exc, file=sys.stderr)
        if self.started_services:
            subprocess.run(
                [str(REPO / "scripts" / "services.sh"), "stop"], check=False, timeout=120
            )


# --- one run -------------------------------------------------------------------------------


def run(profile: str, args: argparse.Namespace, hash_cpu: float) -> dict[str, Any]:
    system = System(profile, args.workers, args.threads)
    try:
        print(f"[{profile}] preparing (migrate, seed, serve) in {system.home}", flush=True)
        system.start(args.seed_users, args.seed_notes)
        rec = Recorder()
        # Existing users who read and like (their sign-ups are not part of the wave).
        readers: list[str] = []
        setup = Client(system.port, rec, lambda: True)
        for i in range(args.readers):
            name = f"r{i}{uuid.uuid4().hex[:6]}"
            status, data = setup.json(
                "setup",
                "POST",
                "/auth/signup",
                {"username": name, "email": f"{name}@example.org", "password": PASSWORD},
            )
            if status == 201:
                readers.append(data["token"])
        rec.rows.clear()
        photos = [make_photo(i) for i in range(8)]
        groups: dict[str, Any] = {
            "app server": _tree(system.procs["web"]),
            "load generator": _procs(lambda _n, _c: False),
        }
        if profile == "production":
            groups["database"] = _procs(lambda n, _c: n.startswith("postgres"))
            groups["redis"] = _procs(lambda n, _c: n.startswith("redis-server"))
            groups["task worker"] = _tree(system.procs["worker"])
            groups["object store"] = _procs(lambda n, _c: n == "weed")
        import psutil

        me = psutil.Process()
        groups["load generator"] = lambda: [me]
        meter = CpuMeter(groups)
        deadline = time.monotonic() + args.duration
        sent = [0]
        lock = threading.Lock()

        def budget() -> bool:
            with lock:
                if time.monotonic() > deadline or sent[0] >= args.max_requests:
                    return False
                sent[0] += 1
                return True

        def loop(i: int) -> None:
            rnd = random.Random(i)
            c = Client(system.port, rec, budget)
            try:
                while True:
                    if rnd.random() < args.signup_share or not readers:
                        wave_user(c, rnd, photos[rnd.randrange(len(photos))])
                    else:
                        reader(c, rnd, rnd.choice(readers))
            except TimeoutError:
                return

        print(
            f"[{profile}] surge: {args.concurrency} clients for up to {args.duration}s / "
            f"{args.max_requests} requests",
            flush=True,
        )
        meter.start()
        t0 = time.monotonic()
        threads = [threading.Thread(target=loop, args=(i,)) for i in range(args.concurrency)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=args.duration + 120)
        wall = time.monotonic() - t0
        shares = meter.stop()
    finally:
        system.stop()

    by: dict[str, list[float]] = defaultdict(list)
    statuses: dict[int, int] = defaultdict(int)
    for name, status, secs in rec.rows:
        by[name].append(secs)
        statuses[status] += 1
    cores = os.cpu_count() or 1
    limit = cores / hash_cpu
    result = {
        "profile": profile,
        "cores": cores,
        "seconds": round(wall, 1),
        "requests": len(rec.rows),
        "rps": round(len(rec.rows) / wall, 1),
        "signups": rec.signups,
        "signups_per_s": round(rec.signups / wall, 2),
        "argon2_limit_per_s": round(limit, 1),
        "argon2_share": round(rec.signups / wall / limit, 3),
        "for_you_p50_ms": round(pct(by["for_you"], 50) * 1000, 1),
        "for_you_p99_ms": round(pct(by["for_you"], 99) * 1000, 1),
        "note_p50_ms": round(pct(by["note_detail"], 50) * 1000, 1),
        "note_p99_ms": round(pct(by["note_detail"], 99) * 1000, 1),
        "signup_p50_ms": round(pct(by["signup"], 50) * 1000, 1),
        "post_note_p50_ms": round(pct(by["post_note"], 50) * 1000, 1),
        "5xx": sum(n for s, n in statuses.items() if s >= 500),
        "failed_connections": statuses.get(-1, 0),
        "statuses": dict(sorted(statuses.items())),
        "cpu_share": {k: round(v, 3) for k, v in shares.items()},
        # CPU the app server spent per request, whatever else ran on the machine.
        "app_cpu_ms_per_request": round(
            shares.get("app server", 0.0) * cores * wall / max(1, len(rec.rows)) * 1000, 1
        ),
    }
    return result


def bottleneck(r: dict[str, Any]) -> str:
    shares = {k: v for k, v in r["cpu_share"].items() if k != "other processes"}
    busiest = max(shares, key=lambda k: shares[k])
    ours = sum(shares.values())
    other = r["cpu_share"].get("other processes", 0.0)
    hashing = r["signups_per_s"] / r["argon2_limit_per_s"]
    scale = 1 / ours if ours > 0 else float("nan")
    return (
        f"Qiao's processes used {ours:.0%} of the machine's CPU (other jobs {other:.0%}); "
        f"largest consumer: {busiest} ({shares[busiest]:.0%}); Argon2 alone accounts "
        f"for {hashing:.0%} of all cores at this sign-up rate; the app server spent "
        f"{r['app_cpu_ms_per_request']} ms CPU per request. CPU-bound estimate with the "
        f"whole machine for Qiao: ~{r['rps'] * scale:.0f} req/s, "
        f"~{r['signups_per_s'] * scale:.1f} sign-ups/s"
    )


TABLE_HEAD = (
    "| date | profile | cores | clients | s | req/s | sign-ups/s | Argon2 limit/s | share "
    "| For-you p50/p99 ms | note p50/p99 ms | 5xx | DB CPU | Redis CPU | app CPU "
    "| worker CPU | loadgen CPU | other CPU | app CPU ms/req |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
)


def append_md(
    results: list[dict[str, Any]], hash_wall: float, hash_cpu: float, args: argparse.Namespace
) -> None:
    path = REPO / "docs" / "BENCHMARKS.md"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    header = "## Surge: a sign-up wave (bench/surge.py)"
    if header not in text:
        text = (
            text.rstrip()
            + f"""

{header}

`python bench/surge.py --profile both --append-md` — real `qiao serve` (gunicorn) on
127.0.0.1; production = PostgreSQL + Redis + Celery worker + SeaweedFS (S3), embedded =
SQLite + local media + in-process tasks. Wave: sign-up → onboarding → first note with a photo
→ For-you → discovery → two note pages → a like, mixed with existing users reading and
liking. Argon2 limit = cores ÷ CPU time of one hash with Django's parameters, measured in the
same run. CPU shares are of the whole machine (all cores) over the surge window.

{TABLE_HEAD}"""
        )
    lines = []
    for r in results:
        cs = r["cpu_share"]

        def share(key: str, cs: dict[str, float] = cs) -> str:
            return f"{cs[key]:.0%}" if key in cs else "–"

        lines.append(
            f"| {datetime.now(UTC):%Y-%m-%d} | {r['profile']} | {r['cores']} | "
            f"{args.concurrency} | {r['seconds']} | {r['rps']} | {r['signups_per_s']} | "
            f"{r['argon2_limit_per_s']} | {r['argon2_share']:.0%} | "
            f"{r['for_you_p50_ms']}/{r['for_you_p99_ms']} | "
            f"{r['note_p50_ms']}/{r['note_p99_ms']} | {r['5xx']} | {share('database')} | "
            f"{share('redis')} | {share('app server')} | {share('task worker')} | "
            f"{share('load generator')} | {share('other processes')} | "
            f"{r['app_cpu_ms_per_request']} |"
        )
    # Rows go right after the last row of this section's table (notes and other sections
    # may follow it).
    start = text.index(header)
    end = text.find("\n## ", start + len(header))
    section = text[start:] if end < 0 else text[start:end]
    rows = section.split("\n")
    last = max(i for i, line in enumerate(rows) if line.startswith("|"))
    rows[last + 1 : last + 1] = lines
    text = text[:start] + "\n".join(rows) + ("" if end < 0 else text[end:])
    path.write_text(text)
    print(
        f"appended {len(lines)} row(s) to {path} (Argon2: {hash_wall * 1000:.0f} ms wall, "
        f"{hash_cpu * 1000:.0f} ms CPU per hash)"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--profile", choices=["production", "embedded", "both"], default="both")
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of surge (max 600)")
    ap.add_argument("--max-requests", type=int, default=20000)
    ap.add_argument("--concurrency", type=int, default=16, help="simultaneous clients")
    ap.add_argument(
        "--signup-share",
        type=float,
        default=0.5,
        help="share of client sessions that are new sign-ups",
    )
    ap.add_argument("--readers", type=int, default=20, help="existing users reading")
    ap.add_argument("--seed-users", type=int, default=30)
    ap.add_argument("--seed-notes", type=int, default=150)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--append-md", action="store_true")
    args = ap.parse_args()
    args.duration = min(args.duration, 600.0)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiao.settings")
    os.environ.setdefault("QIAO_HOME", tempfile.mkdtemp(prefix="qiao-surge-hasher-"))
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()
    hash_wall, hash_cpu = argon2_hash_seconds()
    cores = os.cpu_count() or 1
    print(
        f"Argon2 (Django's parameters): {hash_wall * 1000:.0f} ms wall, "
        f"{hash_cpu * 1000:.0f} ms CPU per hash -> limit {cores / hash_cpu:.1f} "
        f"sign-ups/s on {cores} cores"
    )
    profiles = ["production", "embedded"] if args.profile == "both" else [args.profile]
    results = []
    for profile in profiles:
        r = run(profile, args, hash_cpu)
        results.append(r)
        print(json.dumps(r, indent=2))
        print(f"[{profile}] bottleneck: {bottleneck(r)}", flush=True)
    if args.append_md:
        append_md(results, hash_wall, hash_cpu, args)


if __name__ == "__main__":
    main()
