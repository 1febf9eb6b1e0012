"""The API fuzzed from its own OpenAPI document (schemathesis, as in the break-in attempt):
no input, signed in or not, may produce a server error or a response that breaks the
document. Bounded: a fixed number of examples per operation and a fixed seed, so the run is
the same every time and takes a few minutes at most."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from qiao.wsgi import application

# The live stream is held open by design (until the client goes or QIAO_LIVE_MAX_SECONDS);
# a fuzzer reading it to the end would wait that long per case. tests/messages/test_live.py
# and tests/integration/test_live.py drive it.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).exclude(
    path="/api/v1/live/stream"
)
EXAMPLES = 12


@pytest.fixture
def world(db: Any, make_user: Any, make_note: Any, libre: Any) -> Iterator[dict[str, str]]:
    """A member with a note, a comment and a board, so ids in the cases can hit things; a
    working (fake) translation server, so a 503 would mean a real failure.
    Requests go to the WSGI app itself, which would close the test's database connection
    after each one; like Django's test client, keep it open."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from qiao.accounts.services import issue_token
    from qiao.social import services as social

    member = make_user(username="fuzzer")
    note = make_note(member, title="Fuzz me", body="#fuzz")
    social.add_comment(member, note.pk, "a comment")
    social.create_board(member, name="Fuzz board")
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield {"Authorization": f"Bearer {issue_token(member, 'fuzz')}"}
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


CHECKS = [not_a_server_error, response_schema_conformance]
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.mark.slow
@pytest.mark.fuzz
@schema.parametrize()
@FUZZ
def test_anonymous(case: Any, world: dict[str, str]) -> None:
    case.call_and_validate(checks=CHECKS)


@pytest.mark.slow
@pytest.mark.fuzz
@schema.parametrize()
@FUZZ
def test_signed_in(case: Any, world: dict[str, str]) -> None:
    case.call_and_validate(headers=world, checks=CHECKS)
