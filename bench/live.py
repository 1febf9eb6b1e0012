"""Live-delivery benchmark: many members connected at once while a bounded sender loop runs.

    python bench/live.py [--profile embedded|production|both] [--members 1000]
                         [--rate 50] [--seconds 40] [--transport qiao|django-view|channels]
                         [--append-md]

It starts a real server on 127.0.0.1 — `qiao serve` (embedded: SQLite, one process, the
in-process bus; production: PostgreSQL + Redis pub/sub from `scripts/services.sh`, two
worker processes) or, for `--transport` other than `qiao`, gunicorn's asyncio worker on
`bench/live_transports.py` — creates `--members` members in pairs who follow each other, each
pair with a conversation, and opens one server-sent-events stream per member (bearer
tokens). Then, in order:

1. steady: a sender loop posts `--rate` messages a second through the API (each to one
   conversation; both members receive it) for `--seconds`; send→receive latency is the
   time from just before the POST to the event's arrival at the recipient;
2. forced reconnect: every stream is dropped at once and reconnects with Last-Event-ID,
   while sending goes on;
3. app restart: the server's process group is killed (SIGKILL) and started again while
   the senders keep trying; streams reconnect with Last-Event-ID.

At the end every message the server stored is checked against what each member received:
`lost` (stored, never received) and `duplicated` (received twice) must both be 0. Memory per
connection is the server's resident memory (all its processes) with every stream open minus
before any was opened, divided by the streams. The loops are bounded in time and count.
Prints one JSON line per profile; `--append-md` adds a row to docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from surge import REPO, System

# --- the server ------------------------------------------------------------------------------


class LiveSystem(System):
    def __init__(self, profile: str, transport: str) -> None:
        workers = 2 if profile == "production" else 1
        super().__init__(profile, workers, 4)
        self.transport = transport
        self.env["QIAO_TRANSLATE_AUTO_INSTALL"] = "0"
        self.env["QIAO_TRANSLATE_ENGINES"] = ""  # translation is not what is measured here
        self.env["PYTHONPATH"] = f"{REPO / 'src'}:{REPO / 'bench'}"

    def start_server(self) -> None:
        if self.transport == "qiao":
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
        else:
            app = {"django-view": "django_view_app", "channels": "channels_app"}[self.transport]
            log = open(self.home / "web.log", "ab")  # noqa: SIM115 - lives with the child
            self.procs["web"] = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "--worker-class",
                    "asgi",
                    "--workers",
                    str(self.workers),
                    "--worker-connections",
                    "10000",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--asgi-lifespan",
                    "off",
                    f"live_transports:{app}",
                ],
                env={**self.env, "QIAO_THREADS": str(self.threads)},
                cwd=self.home,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 120
        import http.client

        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("server did not start; see " + str(self.home / "web.log"))

    def kill_server(self) -> None:
        proc = self.procs["web"]
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=20)

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server's processes so far."""
        import psutil

        try:
            root = psutil.Process(self.procs["web"].pid)
            procs = [root, *root.children(recursive=True)]
            return sum(sum(p.cpu_times()[:2]) for p in procs)
        except Exception:  # noqa: BLE001 - a process exiting while counted
            return 0.0

    def thread_count(self) -> int:
        import psutil

        try:
            root = psutil.Process(self.procs["web"].pid)
            return sum(p.num_threads() for p in [root, *root.children(recursive=True)])
        except Exception:  # noqa: BLE001 - a process exiting while counted
            return 0

    def rss_mb(self) -> float:
        import psutil

        try:
            root = psutil.Process(self.procs["web"].pid)
            procs = [root, *root.children(recursive=True)]
            return sum(p.memory_info().rss for p in procs) / 2**20
        except Exception:  # noqa: BLE001 - a process exiting while counted
            return 0.0


# --- set-up inside the server's environment (Django) -----------------------------------------


def setup_members(members: int, out: str) -> None:
    """Runs in a subprocess with the server's settings: members in following pairs, one
    conversation per pair, a token each."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiao.settings")
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password

    from qiao.accounts.models import ApiToken, Follow, User
    from qiao.messages.services import import_conversation

    unusable = make_password(None)  # streams use tokens; nobody signs in
    User.objects.bulk_create(
        [
            User(
                username=f"live{i}",
                email=f"live{i}@example.org",
                password=unusable,
                read_languages=["en"],
            )
            for i in range(members)
        ]
    )
    users = list(User.objects.filter(username__startswith="live").order_by("id"))
    follows = []
    for a, b in zip(users[0::2], users[1::2], strict=False):
        follows += [
            Follow(follower=a, followee=b, status="accepted"),
            Follow(follower=b, followee=a, status="accepted"),
        ]
    Follow.objects.bulk_create(follows)
    pairs = []
    tokens = {u.pk: ApiToken.issue(u, "bench")[1] for u in users}
    for a, b in zip(users[0::2], users[1::2], strict=False):
        conv = import_conversation([a, b], [])
        pairs.append(
            {
                "conversation": conv.pk,
                "members": [a.pk, b.pk],
                "tokens": [tokens[a.pk], tokens[b.pk]],
            }
        )
    Path(out).write_text(json.dumps(pairs))


def stored_messages(out: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiao.settings")
    import django

    django.setup()
    from qiao.messages.models import Message

    rows = Message.objects.filter(body__startswith="bench ").values_list("pk", "conversation_id")
    Path(out).write_text(json.dumps([list(r) for r in rows]))


def in_server_env(system: LiveSystem, *args: str) -> None:
    subprocess.run(
        [sys.executable, __file__, *args], env=system.env, cwd=system.home, check=True, timeout=900
    )


# --- clients -------------------------------------------------------------------------------


class Member:
    def __init__(self, user_id: int, token: str) -> None:
        self.user_id = user_id
        self.token = token
        self.last_id: int | None = None
        self.received: Counter[int] = Counter()
        self.connected = asyncio.Event()
        self.writer: asyncio.StreamWriter | None = None
        self.reconnects = 0


class Run:
    def __init__(self, port: int) -> None:
        self.port = port
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.phase = "steady"
        self.sent_at: dict[int, float] = {}
        self.acked: set[int] = set()
        self.failed_posts = 0
        self.stop = False


async def stream(run: Run, m: Member) -> None:
    """One member's stream, reconnecting (with Last-Event-ID) until the run stops."""
    while not run.stop:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", run.port)
        except OSError:
            await asyncio.sleep(0.5)
            continue
        m.writer = writer
        resume = f"Last-Event-ID: {m.last_id}\r\n" if m.last_id is not None else ""
        writer.write(
            (
                f"GET /api/v1/live/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Authorization: Bearer {m.token}\r\nAccept: text/event-stream\r\n"
                f"{resume}\r\n"
            ).encode()
        )
        try:
            await writer.drain()
            status = await reader.readline()
            if b" 200 " not in status:
                raise ConnectionError(status)
            while (await reader.readline()) not in (b"\r\n", b""):
                pass
            event: dict[str, str] = {}
            while not run.stop:
                line = await reader.readline()
                if not line:
                    break
                text = line.decode("utf-8", "replace").rstrip("\r\n")
                if text.startswith(("id: ", "event: ", "data: ")):
                    key, _sep, value = text.partition(": ")
                    event[key] = value
                elif text == "" and event:
                    _on_event(run, m, event)
                    event = {}
        except (OSError, ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()
            m.writer = None
            m.connected.clear()
        if not run.stop:
            m.reconnects += 1
            await asyncio.sleep(random.uniform(0.05, 0.5))


def _on_event(run: Run, m: Member, event: dict[str, str]) -> None:
    if "id" in event:
        m.last_id = int(event["id"])
    kind = event.get("event")
    if kind == "hello":
        m.connected.set()
        if m.last_id is None:
            m.last_id = int(json.loads(event["data"])["after"])
    elif kind == "message":
        data = json.loads(event["data"])
        message_id = int(data["message"])
        m.received[message_id] += 1
        sent = run.sent_at.get(message_id) or float(data["body"].split()[2])
        if m.received[message_id] == 1:
            run.latency[run.phase].append((time.time() - sent) * 1000)


async def post(run: Run, pool: asyncio.Queue[Any], conv: int, token: str, body: str) -> int | None:
    """POST one message on a kept-alive connection; the stored id, or None."""
    conn = await pool.get()
    try:
        if conn is None:
            conn = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", run.port), 5)
        reader, writer = conn
        payload = json.dumps({"body": body}).encode()
        writer.write(
            (
                f"POST /api/v1/conversations/{conv}/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(payload)}\r\n\r\n"
            ).encode()
            + payload
        )
        await writer.drain()
        status = await asyncio.wait_for(reader.readline(), 10)
        length = 0
        while True:
            line = await asyncio.wait_for(reader.readline(), 10)
            if line in (b"\r\n", b""):
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        data = await asyncio.wait_for(reader.readexactly(length), 10)
        if b" 201 " not in status:
            conn = None
            return None
        return int(json.loads(data)["id"])
    except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
        conn = None
        return None
    finally:
        pool.put_nowait(conn)


async def sender(run: Run, pairs: list[dict[str, Any]], rate: float, seconds: float) -> None:
    pool: asyncio.Queue[Any] = asyncio.Queue()
    for _ in range(16):
        pool.put_nowait(None)
    n = 0
    start = time.monotonic()
    tasks: set[asyncio.Task[None]] = set()

    async def one(k: int) -> None:
        pair = pairs[k % len(pairs)]
        side = (k // len(pairs)) % 2
        sent = time.time()
        body = f"bench {k} {sent:.6f}"
        message_id = await post(run, pool, pair["conversation"], pair["tokens"][side], body)
        if message_id is None:
            run.failed_posts += 1
        else:
            run.sent_at.setdefault(message_id, sent)
            run.acked.add(message_id)

    while time.monotonic() - start < seconds:
        due = start + n / rate
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        task = asyncio.create_task(one(run_counter(run)))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        n += 1
    if tasks:
        await asyncio.wait(tasks, timeout=30)


def run_counter(run: Run) -> int:
    run.__dict__["_k"] = run.__dict__.get("_k", 0) + 1
    return int(run.__dict__["_k"])


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


async def drive(
    system: LiveSystem, pairs: list[dict[str, Any]], args: argparse.Namespace
) -> dict[str, Any]:
    run = Run(system.port)
    members = [
        Member(uid, tok) for p in pairs for uid, tok in zip(p["members"], p["tokens"], strict=True)
    ]
    await asyncio.sleep(2)
    rss_before, threads_before = system.rss_mb(), system.thread_count()
    t0 = time.monotonic()
    tasks = []
    for i, m in enumerate(members):
        tasks.append(asyncio.create_task(stream(run, m)))
        if i % 50 == 49:
            await asyncio.sleep(0.05)
    await asyncio.wait_for(asyncio.gather(*(m.connected.wait() for m in members)), 180)
    connect_s = time.monotonic() - t0
    await asyncio.sleep(3)
    rss_held, threads_held = system.rss_mb(), system.thread_count()
    held = sum(1 for m in members if m.connected.is_set())

    run.phase = "warmup"  # first requests load the language detector and fill caches
    await sender(run, pairs, min(args.rate, 10), 3)
    run.phase = "steady"
    cpu0, acked0 = system.cpu_seconds(), len(run.acked)
    await sender(run, pairs, args.rate, args.seconds)
    cpu_per_message = (system.cpu_seconds() - cpu0) / max(1, len(run.acked) - acked0)

    run.phase = "reconnect"
    send = asyncio.create_task(sender(run, pairs, args.rate, 10))
    await asyncio.sleep(2)
    dropped = time.monotonic()
    for m in members:  # drop every stream at once
        m.connected.clear()
        if m.writer is not None:
            m.writer.transport.abort()
    await asyncio.wait_for(asyncio.gather(*(m.connected.wait() for m in members)), 120)
    reconnect_s = time.monotonic() - dropped
    await send

    run.phase = "restart"
    send = asyncio.create_task(sender(run, pairs, args.rate, 20))
    await asyncio.sleep(3)
    system.kill_server()
    restart_t = time.monotonic()
    await asyncio.to_thread(system.start_server)
    restart_s = time.monotonic() - restart_t
    await send

    # Let every stream come back and everything arrive, then compare with what the server
    # stored (a stream that never came back within the bound counts its messages as lost).
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(asyncio.gather(*(m.connected.wait() for m in members)), 180)
    back_all_s = time.monotonic() - restart_t
    await asyncio.sleep(8)
    out = system.home / "stored.json"
    await asyncio.to_thread(in_server_env, system, "_stored", str(out))
    stored = json.loads(out.read_text())
    recipients = {p["conversation"]: p["members"] for p in pairs}
    by_user = {m.user_id: m for m in members}
    lost = dup = expected = 0
    for message_id, conv in stored:
        for uid in recipients.get(conv, []):
            expected += 1
            got = by_user[uid].received.get(message_id, 0)
            lost += got == 0
            dup += got > 1
    run.stop = True
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return {
        "connections_held": held,
        "connect_seconds": round(connect_s, 1),
        "memory_per_connection_kb": round((rss_held - rss_before) * 1024 / max(1, held), 1),
        "server_rss_mb": round(rss_held, 1),
        "server_threads_idle_held": [threads_before, threads_held],
        "server_cpu_ms_per_message": round(cpu_per_message * 1000, 1),
        "messages_stored": len(stored),
        "deliveries_expected": expected,
        "lost": lost,
        "duplicated": dup,
        "posts_failed": run.failed_posts,
        "reconnects": sum(m.reconnects for m in members),
        "restart_seconds": round(restart_s, 1),
        "reconnect_all_seconds": round(reconnect_s, 2),
        "all_back_after_restart_seconds": round(back_all_s, 1),
        "latency_ms": {
            phase: {"p50": pct(v, 0.5), "p99": pct(v, 0.99), "n": len(v)}
            for phase, v in run.latency.items()
        },
    }


def bench(profile: str, args: argparse.Namespace) -> dict[str, Any]:
    system = LiveSystem(profile, args.transport)
    try:
        print(
            f"[{profile}/{args.transport}] migrate, {args.members} members, serve in {system.home}",
            flush=True,
        )
        system.qiao("migrate", "--verbosity", "0")
        in_server_env(system, "_setup", str(args.members), str(system.home / "pairs.json"))
        pairs = json.loads((system.home / "pairs.json").read_text())
        system.start_server()
        result = asyncio.run(drive(system, pairs, args))
    finally:
        system.stop()
    return {
        "bench": "live",
        "profile": profile,
        "transport": args.transport,
        "load_average_1m": round(os.getloadavg()[0], 1),
        "members": args.members,
        "rate_per_s": args.rate,
        "steady_seconds": args.seconds,
        "cores": os.cpu_count(),
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        **result,
    }


def md_row(r: dict[str, Any]) -> str:
    lat = r["latency_ms"]

    def cell(phase: str) -> str:
        v = lat.get(phase, {})
        return f"{v.get('p50')} / {v.get('p99')}" if v else "—"

    return (
        f"| {r['at'][:10]} | {r['profile']} | {r['transport']} | {r['connections_held']} | "
        f"{r['rate_per_s']} | {cell('steady')} | {cell('reconnect')} | {cell('restart')} | "
        f"{r['memory_per_connection_kb']} | {r['server_cpu_ms_per_message']} | "
        f"{r['messages_stored']} | {r['lost']} | {r['duplicated']} | "
        f"{r['load_average_1m']} |"
    )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_setup":
        setup_members(int(sys.argv[2]), sys.argv[3])
        return
    if len(sys.argv) > 1 and sys.argv[1] == "_stored":
        stored_messages(sys.argv[2])
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--profile", choices=["embedded", "production", "both"], default="embedded")
    ap.add_argument("--transport", choices=["qiao", "django-view", "channels"], default="qiao")
    ap.add_argument("--members", type=int, default=1000)
    ap.add_argument("--rate", type=float, default=50)
    ap.add_argument("--seconds", type=float, default=40)
    ap.add_argument("--append-md", action="store_true")
    args = ap.parse_args()
    profiles = ["embedded", "production"] if args.profile == "both" else [args.profile]
    for profile in profiles:
        result = bench(profile, args)
        print(json.dumps(result), flush=True)
        if args.append_md:
            from qiao.ops.benchmarking import append_row

            append_row(REPO / "docs" / "BENCHMARKS.md", "Live delivery", md_row(result))


if __name__ == "__main__":
    main()
