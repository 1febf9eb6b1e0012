"""The live stream, `GET /api/v1/live/stream`: server-sent events for one member — new
messages, typing, read receipts, conversation changes and badge counts.

Under ASGI (`qiao serve`) `qiao.ops.asgi` hands this path to `asgi_stream`, a bare ASGI
endpoint on the event loop: after authenticating and reading the missed events (two short
database calls on a small thread pool) a held stream costs no thread and no database
connection. Under a WSGI server (`qiao runserver`, the test live server) the same path is a
Django view (`sync_stream`) that holds a thread, for development.

Resume: the stream starts after `Last-Event-ID` (a reconnecting EventSource sends it) or
`?after=n` (the page says where its data ends); every stored event carries its per-member
sequence number as `id`, so nothing is lost or repeated across reconnects and restarts.
A client behind a proxy that buffers the stream (no `hello` arrives) polls
`GET /api/v1/live/events?after=n` instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from importlib import import_module
from typing import Any, TypeVar

from django.conf import settings
from django.db import close_old_connections, connection
from django.http import HttpRequest, StreamingHttpResponse

from qiao.accounts.models import User
from qiao.accounts.services import user_for_token
from qiao.core import live as bus_module
from qiao.core.live import AsyncSubscriber, Event, SyncSubscriber
from qiao.messages import live as event_log

logger = logging.getLogger("qiao.live")
STREAM_PATH = "/api/v1/live/stream"
RETRY_MS = 2000
_T = TypeVar("_T")

# --- shared: who, from where, and what to send ----------------------------------------------


def frame(event: Event) -> bytes:
    lines = []
    if event.get("id") is not None:
        lines.append(f"id: {event['id']}")
    lines.append(f"event: {event['t']}")
    lines.append(
        "data: "
        + json.dumps(event.get("d", {}), separators=(",", ":"), ensure_ascii=False, default=str)
    )
    return ("\n".join(lines) + "\n\n").encode()


def hello(position: int) -> bytes:
    """The first event: where the stream starts, and which server process holds it (for
    operators, and for the tests that check fan-out across processes)."""
    return f"retry: {RETRY_MS}\n".encode() + frame(
        {"id": None, "t": "hello", "d": {"after": position, "process": os.getpid()}}
    )


def parse_position(raw: str | None) -> int | None:
    if raw is None or not raw.strip():
        return None
    raw = raw.strip()
    if not raw.isdigit() or len(raw) > 18:
        return None
    return int(raw)


class _Session:
    """Just enough of a request for `django.contrib.auth.get_user`."""

    def __init__(self, key: str) -> None:
        engine = import_module(settings.SESSION_ENGINE)
        self.session = engine.SessionStore(key)


def authenticate(cookie_header: str, authorization: str) -> User | None:
    """The member behind a bearer token or a session cookie (None: neither is valid)."""
    try:
        if authorization:
            scheme, _sep, raw = authorization.partition(" ")
            if scheme.lower() != "bearer" or not raw.strip():
                return None
            return user_for_token(raw.strip())
        cookies = SimpleCookie()
        cookies.load(cookie_header or "")
        morsel = cookies.get(settings.SESSION_COOKIE_NAME)
        if morsel is None:
            return None
        from django.contrib.auth import get_user

        user = get_user(_Session(morsel.value))  # type: ignore[arg-type] # duck-typed request
        return user if isinstance(user, User) and user.is_active else None
    finally:
        connection.close()  # a stream holds no database connection


class Cursor:
    """What one stream has delivered. Stored events come in order or are read from the log;
    repeats are dropped; ephemeral ones pass."""

    def __init__(self, user_id: int, position: int) -> None:
        self.user_id = user_id
        self.position = position
        self.reset = False

    def take(self, event: Event) -> list[Event] | None:
        """The events to send now, or None when the log must be read first."""
        if event.get("t") == "_poke":
            return None
        seq = event.get("id")
        if seq is None:
            return [event]
        if seq <= self.position:
            return []
        if seq == self.position + 1:
            self.position = seq
            return [event]
        return None

    def catch_up(self) -> list[Event]:
        """Everything after the position, from the log (a database read)."""
        try:
            events, complete = event_log.events_after(self.user_id, self.position)
        finally:
            connection.close()
        if not complete:
            self.reset = True
            return [{"id": None, "t": "reset", "d": {}}]
        if events:
            self.position = int(events[-1]["id"])
        return events


def start_position(user_id: int, last_event_id: str | None, after: str | None) -> int:
    given = parse_position(last_event_id)
    if given is None:
        given = parse_position(after)
    if given is None:
        try:
            given = event_log.head(user_id)
        finally:
            connection.close()
    return given


# --- WSGI: a thread per stream (development servers) ------------------------------------------


def sync_stream(request: HttpRequest, user: User) -> StreamingHttpResponse:
    position = start_position(
        user.pk, request.headers.get("Last-Event-ID"), request.GET.get("after")
    )

    def body() -> Iterator[bytes]:
        cursor = Cursor(user.pk, position)
        sub = SyncSubscriber(user.pk)
        bus_module.bus().subscribe(sub)
        try:
            yield hello(cursor.position)
            for missed in cursor.catch_up():
                yield frame(missed)
            deadline = time.monotonic() + settings.QIAO_LIVE_MAX_SECONDS
            while time.monotonic() < deadline and not cursor.reset and not sub.overflowed:
                event = sub.get(timeout=settings.QIAO_LIVE_HEARTBEAT)
                if event is None:
                    yield b": ping\n\n"
                    continue
                ready = cursor.take(event)
                for item in ready if ready is not None else cursor.catch_up():
                    yield frame(item)
        finally:
            bus_module.bus().unsubscribe(sub)

    return _stream_response(StreamingHttpResponse(body(), content_type="text/event-stream"))


def _stream_response(response: StreamingHttpResponse) -> StreamingHttpResponse:
    response["Cache-Control"] = "no-cache, no-transform"
    response["X-Accel-Buffering"] = "no"  # nginx: do not buffer this response
    return response


# --- ASGI: a stream is a task on the event loop ---------------------------------------------

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_draining = False
_streams: set[_AsyncStream] = set()
_sweeper: asyncio.Task[None] | None = None


def _db_pool() -> ThreadPoolExecutor:
    """A few threads for the streams' short database calls (authentication, reading the
    log), so a burst of reconnects never takes the page threads."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="qiao-live-db")
        return _pool


async def run_db(fn: Callable[..., _T], *args: Any) -> _T:
    def call() -> _T:
        close_old_connections()
        try:
            return fn(*args)
        finally:
            connection.close()  # a pool thread keeps no connection between calls

    return await asyncio.get_running_loop().run_in_executor(_db_pool(), call)


class _AsyncStream:
    def __init__(self, cursor: Cursor, sub: AsyncSubscriber) -> None:
        self.cursor = cursor
        self.sub = sub


def drain() -> None:
    """This worker is shutting down: every open stream ends now (clients resume on another
    worker at once) instead of holding the shutdown for the graceful timeout."""
    global _draining
    _draining = True
    bus_module.bus().close()
    for stream in list(_streams):
        stream.sub.deliver({"u": stream.cursor.user_id, "id": None, "t": "_end", "d": {}})


async def _sweep_forever() -> None:
    """Every few seconds, compare each open stream with its member's log head: an event
    whose publish was lost (Redis away; another embedded worker process) is read now."""
    while True:
        await asyncio.sleep(settings.QIAO_LIVE_SWEEP_SECONDS)
        streams = list(_streams)
        if not streams:
            continue
        try:
            heads = await run_db(_heads, sorted({s.cursor.user_id for s in streams}))
        except Exception as exc:  # noqa: BLE001 - the database away: try again next round
            logger.warning("live sweep failed: %s", exc)
            continue
        for stream in streams:
            if heads.get(stream.cursor.user_id, 0) > stream.cursor.position:
                stream.sub.deliver({"u": stream.cursor.user_id, "id": None, "t": "_poke", "d": {}})


def _heads(user_ids: list[int]) -> dict[int, int]:
    try:
        return event_log.heads(user_ids)
    finally:
        connection.close()


def open_streams() -> int:
    return len(_streams)


async def _send_json(
    send: Callable[[dict[str, Any]], Awaitable[None]], status: int, payload: dict[str, Any]
) -> None:
    body = json.dumps(payload).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def asgi_stream(
    scope: dict[str, Any],
    receive: Callable[[], Awaitable[dict[str, Any]]],
    send: Callable[[dict[str, Any]], Awaitable[None]],
) -> None:
    global _sweeper
    headers = {
        k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])
    }
    if scope.get("method", "GET") not in ("GET", "HEAD"):
        await _send_json(
            send,
            405,
            {"error": {"code": "method_not_allowed", "message": "GET only", "fields": {}}},
        )
        return
    user = await run_db(authenticate, headers.get("cookie", ""), headers.get("authorization", ""))
    if user is None:
        await _send_json(
            send,
            401,
            {"error": {"code": "not_authenticated", "message": "Sign in first.", "fields": {}}},
        )
        return
    query = dict(
        pair.partition("=")[::2]
        for pair in scope.get("query_string", b"").decode("latin-1").split("&")
        if pair
    )
    position = await run_db(
        start_position, user.pk, headers.get("last-event-id"), query.get("after")
    )
    loop = asyncio.get_running_loop()
    if _sweeper is None or _sweeper.done():
        _sweeper = loop.create_task(_sweep_forever())
    cursor = Cursor(user.pk, position)
    sub = AsyncSubscriber(user.pk, loop)
    stream = _AsyncStream(cursor, sub)
    bus = bus_module.bus()
    bus.subscribe(sub)  # before reading the log: nothing falls in between
    await bus.wait_subscribed(user.pk)
    _streams.add(stream)
    closed = asyncio.Event()

    async def watch_disconnect() -> None:
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                closed.set()
                sub.deliver({"u": user.pk, "id": None, "t": "_end", "d": {}})
                return

    watcher = loop.create_task(watch_disconnect())
    try:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"text/event-stream; charset=utf-8"),
                    (b"cache-control", b"no-cache, no-transform"),
                    (b"x-accel-buffering", b"no"),
                ],
            }
        )
        await send(
            {"type": "http.response.body", "body": hello(cursor.position), "more_body": True}
        )
        backlog = await run_db(cursor.catch_up)
        if backlog:
            await send(
                {
                    "type": "http.response.body",
                    "body": b"".join(frame(e) for e in backlog),
                    "more_body": True,
                }
            )
        deadline = loop.time() + settings.QIAO_LIVE_MAX_SECONDS
        while not closed.is_set() and not _draining and not cursor.reset:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            event = await sub.get(min(settings.QIAO_LIVE_HEARTBEAT, remaining))
            if event is None:
                if sub.overflowed:
                    break
                await send({"type": "http.response.body", "body": b": ping\n\n", "more_body": True})
                continue
            if event.get("t") == "_end":
                continue  # the loop condition decides
            ready = cursor.take(event)
            if ready is None:
                ready = await run_db(cursor.catch_up)
            if ready:
                await send(
                    {
                        "type": "http.response.body",
                        "body": b"".join(frame(e) for e in ready),
                        "more_body": True,
                    }
                )
        if not closed.is_set():
            await send({"type": "http.response.body", "body": b"", "more_body": False})
    except OSError:
        pass  # the client went away mid-write
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await watcher
        _streams.discard(stream)
        bus.unsubscribe(sub)
