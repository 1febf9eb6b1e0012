"""Live delivery on the production profile: `qiao serve` with two ASGI worker processes and
Redis pub/sub between them, driven over HTTP like a phone would.

- fan-out: streams of one member held by different worker processes all get every message,
  whichever process took the POST (both processes subscribe to the member's Redis channel);
- the fault drill: the app server is killed (SIGKILL, every process) in the middle of a
  stream while messages keep being sent, and started again; the client resumes with
  Last-Event-ID and ends with every stored message exactly once, in order.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from typing import Any

import pytest

from tests.integration.conftest import Stack

pytestmark = [pytest.mark.integration, pytest.mark.slow]


class Stream:
    """A server-sent-events client that reconnects with Last-Event-ID, in a thread."""

    def __init__(self, port: int, token: str) -> None:
        self.port, self.token = port, token
        self.last_id: int | None = None
        self.messages: list[int] = []
        self.ids: list[int] = []
        self.process: int | None = None
        self.connections = 0
        self.stop = False
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> Stream:
        self.thread.start()
        assert self.ready.wait(30), "no hello from the stream"
        return self

    def _run(self) -> None:
        while not self.stop:
            headers = {"Authorization": f"Bearer {self.token}"}
            if self.last_id is not None:
                headers["Last-Event-ID"] = str(self.last_id)
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
                conn.request("GET", "/api/v1/live/stream", headers=headers)
                resp = conn.getresponse()
                if resp.status != 200:
                    raise OSError(resp.status)
                self.connections += 1
                event: dict[str, str] = {}
                while not self.stop:
                    line = resp.fp.readline()
                    if not line:
                        break
                    text = line.decode().rstrip("\r\n")
                    if ": " in text and not text.startswith(":"):
                        key, _sep, value = text.partition(": ")
                        event[key] = value
                    elif text == "" and event:
                        self._on(event)
                        event = {}
                conn.close()
            except (OSError, http.client.HTTPException):
                time.sleep(0.3)

    def _on(self, event: dict[str, str]) -> None:
        if "id" in event:
            self.last_id = int(event["id"])
            self.ids.append(self.last_id)
        data = json.loads(event.get("data", "{}"))
        if event.get("event") == "hello":
            self.process = data["process"]
            if self.last_id is None:
                self.last_id = int(data["after"])
            self.ready.set()
        elif event.get("event") == "message":
            self.messages.append(int(data["message"]))

    def close(self) -> None:
        self.stop = True


def _wait(condition: Any, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return bool(condition())


def _conversation(stack: Stack) -> tuple[str, str, dict[str, Any], int]:
    alice, _a = stack.sign_up()
    bob_token, bob = stack.sign_up()
    r = stack.http.api("POST", "/conversations", {"to": [bob["username"]]}, token=alice)
    assert r.status == 201, r.body
    conversation = int(r.json()["id"])
    # They do not follow each other: Bob accepts the request, so Alice may go on writing.
    r = stack.http.api("POST", f"/conversations/{conversation}/accept", token=bob_token)
    assert r.status == 200, r.body
    return alice, bob_token, bob, conversation


def _stored(stack: Stack, token: str, conversation: int) -> list[int]:
    r = stack.http.api("GET", f"/conversations/{conversation}/messages?limit=50", token=token)
    assert r.status == 200, r.body
    return [m["id"] for m in r.json()["items"] if m["kind"] == "text"]


def test_streams_on_different_workers_all_get_every_message(stack: Stack) -> None:
    alice, bob_token, _bob, conversation = _conversation(stack)
    streams: list[Stream] = []
    while len({s.process for s in streams}) < 2 and len(streams) < 24:
        streams.append(Stream(stack.http.port, bob_token).start())
    assert len({s.process for s in streams}) == 2, "the streams all landed on one worker"
    # Both worker processes subscribed to Bob's channel (only Bob is streaming now).
    redis = stack.redis(stack.redis_url)

    def both_listen() -> bool:
        channels = [c for c in redis.pubsub_channels("qiao:live:u:*") if not c.endswith(b"-")]
        return bool(channels) and max(n for _c, n in redis.pubsub_numsub(*channels)) >= 2

    assert _wait(both_listen, 10)
    for i in range(5):
        r = stack.http.api(
            "POST", f"/conversations/{conversation}/messages", {"body": f"fan-out {i}"}, token=alice
        )
        assert r.status == 201, r.body
    sent = _stored(stack, alice, conversation)
    assert _wait(lambda: all(s.messages == sent for s in streams))
    for s in streams:
        assert s.ids == sorted(set(s.ids)), "an event arrived twice or out of order"
        s.close()


def test_drill_app_killed_mid_stream_resumes_with_no_gap(stack: Stack) -> None:
    alice, bob_token, _bob, conversation = _conversation(stack)
    stream = Stream(stack.http.port, bob_token).start()
    first_id = stream.last_id or 0
    sending = True
    acked: list[int] = []

    def send() -> None:
        i = 0
        while sending:
            try:
                r = stack.http.api(
                    "POST",
                    f"/conversations/{conversation}/messages",
                    {"body": f"drill {i}"},
                    token=alice,
                    timeout=5,
                )
                if r.status == 201:
                    acked.append(int(r.json()["id"]))
            except OSError:
                pass  # the server is down: keep trying, like a phone would
            i += 1
            time.sleep(1.1)  # under the per-member limit (QIAO_RATE_DM_SEND, 60 a minute)

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    assert _wait(lambda: len(stream.messages) >= 5)
    connections = stream.connections
    stack.kill9("web")  # every process of the app server, mid-stream
    time.sleep(1.0)
    stack._spawn(
        "web",
        [
            "serve",
            "--no-seed",
            "--host",
            "127.0.0.1",
            "--port",
            str(stack.http.port),
            "--workers",
            "2",
            "--threads",
            "4",
        ],
        stack.home / "web-restarted.log",
    )
    assert _wait(
        lambda: (
            stack.http.request("GET", "/healthz", timeout=2).status == 200 if _up(stack) else False
        ),
        120,
    ), "the app did not come back"
    assert _wait(lambda: stream.connections > connections), "the client never resumed"
    count = len(acked)
    assert _wait(lambda: len(acked) >= count + 5)
    sending = False
    sender.join(10)
    stored = _stored(stack, alice, conversation)
    assert set(acked) <= set(stored)
    assert _wait(lambda: stream.messages[-1:] == stored[-1:])
    stream.close()
    assert stream.messages == stored, "a message was lost or repeated across the restart"
    assert stream.ids == list(range(first_id + 1, stream.ids[-1] + 1)), "the log has a gap"


def _up(stack: Stack) -> bool:
    try:
        stack.http.request("GET", "/healthz", timeout=2)
    except OSError:
        return False
    return True
