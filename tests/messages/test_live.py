"""Live delivery: the per-member event log (numbered in commit order, published after the
commit), the in-process bus, the cursor that drops repeats and reads gaps from the log, and
the stream itself — the bare ASGI endpoint `qiao serve` runs and the WSGI fallback — resuming
from Last-Event-ID with nothing lost or repeated."""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

import pytest

from qiao.api import live as stream
from qiao.core import live as bus_module
from qiao.core.live import AsyncSubscriber, LocalBus, SyncSubscriber
from qiao.messages import live, services


@pytest.fixture(autouse=True)
def _local_bus(settings: Any) -> Any:
    settings.REDIS_URL = ""
    settings.QIAO_LIVE_REDIS_URL = ""
    bus_module.reset_bus()
    yield
    bus_module.reset_bus()


# --- the log -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_events_are_numbered_per_member_and_published_after_commit(
    people: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    ann, bo = people["ann"], people["bo"]
    a0, b0 = live.head(ann.pk), live.head(bo.pk)  # (follow notifications came first)
    sub = SyncSubscriber(bo.pk)
    bus_module.bus().subscribe(sub)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        live.emit([ann.pk, bo.pk], "test", {"n": 1})
        live.emit([bo.pk], "test", {"n": 2})
    assert sub.get(timeout=0) is None  # nothing before the commit
    for callback in callbacks:
        callback()
    got = [sub.get(timeout=0) for _ in range(2)]
    assert [(e["id"], e["d"]["n"]) for e in got if e] == [(b0 + 1, 1), (b0 + 2, 2)]
    assert live.head(ann.pk) == a0 + 1 and live.head(bo.pk) == b0 + 2
    events, complete = live.events_after(bo.pk, b0)
    assert complete and [e["id"] for e in events] == [b0 + 1, b0 + 2]


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_share_or_skip_a_number(make_user: Any) -> None:
    users = [make_user() for _ in range(3)]
    errors: list[BaseException] = []

    def write(k: int) -> None:
        from django.db import connection

        try:
            for i in range(10):
                live.emit([u.pk for u in users], "test", {"k": k, "i": i})
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for u in users:
        events, _complete = live.events_after(u.pk, 0)
        assert [e["id"] for e in events] == list(range(1, 41))


# --- the bus and the cursor ----------------------------------------------------------------


def test_local_bus_fans_out_to_each_members_streams_only() -> None:
    bus = LocalBus()
    a1, a2, b = SyncSubscriber(1), SyncSubscriber(1), SyncSubscriber(2)
    for s in (a1, a2, b):
        bus.subscribe(s)
    bus.publish([{"u": 1, "id": 5, "t": "message", "d": {}}])
    assert a1.get(0) and a2.get(0) and b.get(0) is None
    bus.unsubscribe(a1)
    bus.publish([{"u": 1, "id": 6, "t": "message", "d": {}}])
    assert a1.get(0) is None and a2.get(0)["id"] == 6


def test_async_subscriber_gets_events_from_other_threads_and_overflows_safely() -> None:
    async def scenario() -> tuple[Any, bool]:
        sub = AsyncSubscriber(1, asyncio.get_running_loop())
        threading.Thread(target=sub.deliver, args=({"u": 1, "id": 1, "t": "x", "d": {}},)).start()
        first = await sub.get(2)
        for i in range(bus_module.QUEUE_LIMIT + 5):
            sub.deliver({"u": 1, "id": i, "t": "x", "d": {}})
        return first, sub.overflowed

    first, overflowed = asyncio.run(scenario())
    assert first["id"] == 1 and overflowed


@pytest.mark.django_db
def test_cursor_drops_repeats_and_reads_gaps_from_the_log(people: dict[str, Any]) -> None:
    bo = people["bo"]
    b = live.head(bo.pk)
    for i in range(4):
        live.emit([bo.pk], "test", {"i": i})

    def ev(n: int | None, kind: str = "test") -> dict[str, Any]:
        return {"u": bo.pk, "id": None if n is None else b + n, "t": kind, "d": {}}

    cursor = stream.Cursor(bo.pk, b + 1)
    assert cursor.take(ev(1)) == []  # seen
    assert [e["id"] for e in cursor.take(ev(2)) or []] == [b + 2]
    assert cursor.take(ev(4)) is None  # 3 is missing: read the log
    assert [e["id"] for e in cursor.catch_up()] == [b + 3, b + 4]
    assert cursor.take(ev(None, "typing"))  # ephemeral passes
    assert cursor.take(ev(4)) == []
    assert cursor.position == b + 4


# --- the streams -------------------------------------------------------------------------------


class _Client:
    """Drives an ASGI HTTP request and collects the server-sent events."""

    def __init__(self, headers: dict[str, str], query: str = "") -> None:
        self.scope = {
            "type": "http",
            "method": "GET",
            "path": stream.STREAM_PATH,
            "query_string": query.encode(),
            "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        }
        self.incoming: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.status = 0
        self.body = b""

    async def receive(self) -> dict[str, Any]:
        return await self.incoming.get()

    async def send(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
        else:
            self.body += message.get("body", b"")

    def events(self) -> list[tuple[str | None, str, dict[str, Any]]]:
        out = []
        for block in self.body.decode().split("\n\n"):
            fields = dict(
                line.split(": ", 1)
                for line in block.splitlines()
                if ": " in line and not line.startswith(":")
            )
            if "event" in fields:
                out.append((fields.get("id"), fields["event"], json.loads(fields["data"])))
        return out


def _token(user: Any) -> str:
    from qiao.accounts.services import issue_token

    return issue_token(user, "live")


@pytest.mark.django_db(transaction=True)
def test_asgi_stream_resumes_from_last_event_id_without_gap_or_repeat(
    people: dict[str, Any], settings: Any
) -> None:
    settings.QIAO_LIVE_MAX_SECONDS = 30
    ann, bo = people["ann"], people["bo"]
    token = _token(bo)
    cid = services.start_conversation(ann, ["bo"]).pk
    services.send_message(ann, cid, body="one")
    resume_from = live.head(bo.pk)
    services.send_message(ann, cid, body="two")  # missed while "disconnected"

    async def scenario() -> _Client:
        from asgiref.sync import sync_to_async

        from qiao.ops.asgi import application

        client = _Client({"Authorization": f"Bearer {token}", "Last-Event-ID": str(resume_from)})
        task = asyncio.create_task(application(client.scope, client.receive, client.send))
        for _ in range(100):
            await asyncio.sleep(0.05)
            if b"two" in client.body:
                break
        await sync_to_async(services.send_message, thread_sensitive=False)(
            ann, cid, body="three"
        )  # live, published after its commit
        for _ in range(100):
            await asyncio.sleep(0.05)
            if b"three" in client.body:
                break
        client.incoming.put_nowait({"type": "http.disconnect"})
        await asyncio.wait_for(task, 10)
        return client

    client = asyncio.run(scenario())
    assert client.status == 200
    events = client.events()
    assert events[0][1] == "hello"
    ids = [int(i) for i, _k, _d in events if i is not None]
    assert ids == list(range(resume_from + 1, live.head(bo.pk) + 1))  # no gap, no repeat
    bodies = [d["body"] for _i, k, d in events if k == "message"]
    assert bodies == ["two", "three"]
    assert stream.open_streams() == 0


@pytest.mark.django_db(transaction=True)
def test_asgi_stream_refuses_strangers(people: dict[str, Any]) -> None:
    async def scenario() -> _Client:
        from qiao.ops.asgi import application

        client = _Client({"Authorization": "Bearer qiao_not-a-token"})
        await application(client.scope, client.receive, client.send)
        return client

    assert asyncio.run(scenario()).status == 401


@pytest.mark.django_db
def test_wsgi_stream_sends_hello_and_the_backlog(
    people: dict[str, Any], client: Any, settings: Any
) -> None:
    settings.QIAO_LIVE_MAX_SECONDS = 0  # the test reads what is there, then the stream ends
    ann, bo = people["ann"], people["bo"]
    cid = services.start_conversation(ann, ["bo"]).pk
    services.send_message(ann, cid, body="hello there")
    client.force_login(bo)
    response = client.get("/api/v1/live/stream?after=0")
    assert response["Content-Type"].startswith("text/event-stream")
    text = b"".join(response.streaming_content).decode()
    assert "event: hello" in text and "hello there" in text
    assert text.index("event: hello") < text.index("hello there")


@pytest.mark.django_db
def test_a_new_notification_updates_the_bell_live(
    people: dict[str, Any], make_note: Any, events: Any
) -> None:
    from qiao.social import services as social

    note = make_note(people["ann"])
    social.like_note(people["bo"], note.pk)
    kinds = [(k, d) for k, d in events(people["ann"]) if k == "notifications"]
    assert kinds and kinds[-1][1]["unread"] >= 1
    social.mark_read(people["ann"])
    assert events(people["ann"])[-1] == ("notifications", {"unread": 0})
