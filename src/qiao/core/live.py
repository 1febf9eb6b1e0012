"""The live bus: events for a member, fanned out to that member's open streams.

Two transports behind one interface, chosen by settings like every other component:

- embedded (no REDIS_URL): in-process. `publish` hands the event to every subscriber of
  that member in this process (a stream on the event loop, or a thread waiting on a queue).
- production (REDIS_URL): Redis pub/sub, one channel per member. Each app process keeps one
  subscribing connection and subscribes to the members that have a stream open on it, so
  any node delivers what any node published.

The bus only carries; it never decides. Events that must not be lost are written to the
member's event log (`qiao.messages.live`) before they are published, and a stream that sees
a gap, or wakes up from `poke`, reads the log — the bus is the fast path, the log the truth.

An event is a dict: {"u": member id, "id": sequence number or None (ephemeral: typing),
"t": kind, "d": data}. No Django model is imported here.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import queue
import threading
from collections.abc import Callable
from typing import Any, Protocol

from django.conf import settings

logger = logging.getLogger("qiao.live")

Event = dict[str, Any]
#: How many undelivered events one stream may hold before it is dropped (it reconnects and
#: catches up from the event log): a stalled client never grows the server's memory.
QUEUE_LIMIT = 500
CHANNEL_PREFIX = "qiao:live:u:"


class Subscriber(Protocol):
    user_id: int

    def deliver(self, event: Event) -> None:
        """Called from any thread; must not block."""


class AsyncSubscriber:
    """A stream on an event loop: events arrive in an asyncio queue."""

    def __init__(self, user_id: int, loop: asyncio.AbstractEventLoop) -> None:
        self.user_id = user_id
        self.loop = loop
        self.queue: asyncio.Queue[Event | None] = asyncio.Queue()
        self.overflowed = False

    def deliver(self, event: Event) -> None:
        if self.loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self.loop:
            self._put(event)
        else:
            self.loop.call_soon_threadsafe(self._put, event)

    def _put(self, event: Event | None) -> None:
        if self.queue.qsize() >= QUEUE_LIMIT:
            self.overflowed = True
            event = None  # the stream ends; the client resumes from the log
        self.queue.put_nowait(event)

    async def get(self, timeout: float) -> Event | None:
        """The next event, or None after `timeout` seconds (or when overflowed)."""
        try:
            return await asyncio.wait_for(self.queue.get(), timeout)
        except TimeoutError:
            return None


class SyncSubscriber:
    """A stream served by a thread (a WSGI server): events arrive in a thread-safe queue."""

    def __init__(self, user_id: int) -> None:
        self.user_id = user_id
        self.queue: queue.Queue[Event] = queue.Queue(maxsize=QUEUE_LIMIT)
        self.overflowed = False

    def deliver(self, event: Event) -> None:
        try:
            self.queue.put_nowait(event)
        except queue.Full:
            self.overflowed = True

    def get(self, timeout: float) -> Event | None:
        try:
            return self.queue.get(timeout=timeout)
        except queue.Empty:
            return None


class LocalHub:
    """Subscribers of this process, by member."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subs: dict[int, set[Subscriber]] = {}
        #: Called with a member id when their first local subscriber arrives / last leaves.
        self.on_first: Callable[[int], None] | None = None
        self.on_last: Callable[[int], None] | None = None

    def add(self, sub: Subscriber) -> None:
        with self._lock:
            subs = self._subs.setdefault(sub.user_id, set())
            first = not subs
            subs.add(sub)
        if first and self.on_first is not None:
            self.on_first(sub.user_id)

    def remove(self, sub: Subscriber) -> None:
        with self._lock:
            subs = self._subs.get(sub.user_id)
            if not subs or sub not in subs:
                return
            subs.discard(sub)
            last = not subs
            if last:
                del self._subs[sub.user_id]
        if last and self.on_last is not None:
            self.on_last(sub.user_id)

    def dispatch(self, event: Event) -> int:
        with self._lock:
            subs = list(self._subs.get(int(event["u"]), ()))
        for sub in subs:
            sub.deliver(event)
        return len(subs)

    def users(self) -> list[int]:
        with self._lock:
            return list(self._subs)

    def subscribers(self, user_id: int) -> list[Subscriber]:
        with self._lock:
            return list(self._subs.get(user_id, ()))

    def count(self) -> int:
        with self._lock:
            return sum(len(s) for s in self._subs.values())


class Bus(Protocol):
    hub: LocalHub

    def publish(self, events: list[Event]) -> None: ...

    def subscribe(self, sub: Subscriber) -> None: ...

    def unsubscribe(self, sub: Subscriber) -> None: ...

    async def wait_subscribed(self, user_id: int, timeout: float = 2.0) -> bool: ...

    def close(self) -> None: ...


class LocalBus:
    """Embedded profile: in-process fan-out."""

    transport = "local"

    def __init__(self) -> None:
        self.hub = LocalHub()

    def publish(self, events: list[Event]) -> None:
        for event in events:
            self.hub.dispatch(event)

    def subscribe(self, sub: Subscriber) -> None:
        self.hub.add(sub)

    def unsubscribe(self, sub: Subscriber) -> None:
        self.hub.remove(sub)

    async def wait_subscribed(self, user_id: int, timeout: float = 2.0) -> bool:
        return True

    def close(self) -> None:
        pass


class RedisBus:
    """Production profile: Redis pub/sub, one channel per member.

    Publishing is a plain synchronous PUBLISH (services run in threads). Receiving runs on
    the event loop of the process that holds streams: one connection, subscribed to the
    channels of the members streaming here; a thread-served stream (no loop) gets a reader
    thread instead. Messages are dispatched to the local hub."""

    transport = "redis"

    def __init__(self, url: str) -> None:
        self.url = url
        self.hub = LocalHub()
        self.hub.on_first = self._want
        self.hub.on_last = self._unwant
        self._pub: Any = None
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pubsub: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._ready: asyncio.Event | None = None
        self._thread_pubsub: Any = None
        self._thread: threading.Thread | None = None
        #: Members whose channel this process's event-loop connection is subscribed to.
        self._subscribed: set[int] = set()
        self._closing = False

    # --- publishing (any thread) ------------------------------------------------------
    def _client(self) -> Any:
        with self._lock:
            if self._pub is None:
                import redis

                self._pub = redis.Redis.from_url(
                    self.url,
                    socket_connect_timeout=settings.QIAO_REDIS_CONNECT_TIMEOUT,
                    socket_timeout=settings.QIAO_REDIS_SOCKET_TIMEOUT,
                )
            return self._pub

    def publish(self, events: list[Event]) -> None:
        if not events:
            return
        try:
            pipe = self._client().pipeline(transaction=False)
            for event in events:
                pipe.publish(
                    f"{CHANNEL_PREFIX}{event['u']}",
                    json.dumps(event, separators=(",", ":"), default=str),
                )
            pipe.execute()
        except Exception as exc:  # noqa: BLE001 - the log has the event; streams catch up
            logger.warning("live publish failed (streams will catch up): %s", exc)

    # --- receiving ---------------------------------------------------------------------
    def subscribe(self, sub: Subscriber) -> None:
        if isinstance(sub, AsyncSubscriber):
            self._ensure_async(sub.loop)
        else:
            self._ensure_thread()
        self.hub.add(sub)

    def unsubscribe(self, sub: Subscriber) -> None:
        self.hub.remove(sub)

    def _channel(self, user_id: int) -> str:
        return f"{CHANNEL_PREFIX}{user_id}"

    def _want(self, user_id: int) -> None:
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._loop.create_task, self._change(True, user_id))
        if self._thread_pubsub is not None:
            with contextlib.suppress(Exception):
                self._thread_pubsub.subscribe(self._channel(user_id))

    def close(self) -> None:
        """The process is shutting down: no more (un)subscribing."""
        self._closing = True

    def _unwant(self, user_id: int) -> None:
        if self._closing:
            return
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._loop.create_task, self._change(False, user_id))
        if self._thread_pubsub is not None:
            with contextlib.suppress(Exception):
                self._thread_pubsub.unsubscribe(self._channel(user_id))

    async def _change(self, on: bool, user_id: int) -> None:
        if self._ready is not None:
            await self._ready.wait()
        if self._pubsub is None:
            return
        try:
            if on:
                await self._pubsub.subscribe(self._channel(user_id))
                self._subscribed.add(user_id)
            elif not self.hub.subscribers(user_id):
                self._subscribed.discard(user_id)
                await self._pubsub.unsubscribe(self._channel(user_id))
        except Exception as exc:  # noqa: BLE001 - the reader reconnects and resubscribes
            logger.warning("live subscribe failed: %s", exc)

    def _ensure_async(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._loop is loop and self._reader is not None and not self._reader.done():
            return
        self._loop = loop
        self._ready = asyncio.Event()
        self._reader = loop.create_task(self._read_forever())

    async def _read_forever(self) -> None:
        import redis.asyncio as aioredis

        backoff = 0.2
        while True:
            try:
                client = aioredis.Redis.from_url(
                    self.url, socket_connect_timeout=settings.QIAO_REDIS_CONNECT_TIMEOUT
                )
                self._pubsub = client.pubsub(ignore_subscribe_messages=True)
                # Subscribe to a channel of our own first: a pubsub with no channel cannot
                # be read; then to every member streaming here (again, after a reconnect).
                await self._pubsub.subscribe(f"{CHANNEL_PREFIX}-")
                users = self.hub.users()
                if users:
                    await self._pubsub.subscribe(*[self._channel(u) for u in users])
                self._subscribed = set(users)
                assert self._ready is not None
                self._ready.set()
                backoff = 0.2
                if users:  # anything published while we were away is in the log
                    self._poke_all()
                while True:
                    message = await self._pubsub.get_message(timeout=5.0)
                    if message is None:
                        continue
                    try:
                        event = json.loads(message["data"])
                    except (TypeError, ValueError):
                        continue
                    self.hub.dispatch(event)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - Redis away: retry, streams catch up
                logger.warning("live subscriber lost Redis (%s); reconnecting", exc)
                self._subscribed = set()
                if self._ready is not None:
                    self._ready.clear()
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)

    async def wait_subscribed(self, user_id: int, timeout: float = 2.0) -> bool:
        """Until Redis confirmed this process listens to the member's channel (so a stream
        reads its missed events only once nothing new can slip past), at most `timeout`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while user_id not in self._subscribed:
            if loop.time() > deadline:
                return False
            await asyncio.sleep(0.01)
        return True

    def _poke_all(self) -> None:
        for user_id in self.hub.users():
            self.hub.dispatch({"u": user_id, "id": None, "t": "_poke", "d": {}})

    def _ensure_thread(self) -> None:
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            import redis

            client = redis.Redis.from_url(self.url)
            self._thread_pubsub = client.pubsub(ignore_subscribe_messages=True)
            self._thread_pubsub.subscribe(f"{CHANNEL_PREFIX}-")
            for user_id in self.hub.users():
                self._thread_pubsub.subscribe(self._channel(user_id))
            self._thread = threading.Thread(
                target=self._read_thread, daemon=True, name="qiao-live-redis"
            )
            self._thread.start()

    def _read_thread(self) -> None:
        while True:
            try:
                message = self._thread_pubsub.get_message(timeout=5.0)
            except Exception as exc:  # noqa: BLE001 - Redis away: streams catch up later
                logger.warning("live reader thread lost Redis: %s", exc)
                self._thread = None
                return
            if message is None:
                continue
            try:
                self.hub.dispatch(json.loads(message["data"]))
            except (TypeError, ValueError):
                continue


_bus: Bus | None = None
_bus_lock = threading.Lock()


def bus() -> Bus:
    """The process's bus, built from settings once."""
    global _bus
    with _bus_lock:
        if _bus is None:
            url = getattr(settings, "QIAO_LIVE_REDIS_URL", "") or settings.REDIS_URL
            _bus = RedisBus(url) if url else LocalBus()
        return _bus


def reset_bus() -> None:
    """Forget the bus (tests that switch profiles)."""
    global _bus
    with _bus_lock:
        _bus = None


def publish(events: list[Event]) -> None:
    bus().publish(events)


def poke(user_ids: list[int]) -> None:
    """Wake this process's streams of these members: they read their event log now (after
    an event that was written but whose publish may not have reached them)."""
    hub = bus().hub
    for user_id in user_ids:
        hub.dispatch({"u": user_id, "id": None, "t": "_poke", "d": {}})
