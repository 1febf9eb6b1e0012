"""Opaque cursors for keyset pagination (stable under inserts, unlike offsets).

A cursor is URL-safe base64 of a short JSON list. Whatever a client sends back, decoding
either gives values of the expected types and ranges or raises `Invalid(code="bad_cursor")`
(a 400), never a server error.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from datetime import UTC, datetime
from typing import Any

from django.utils.translation import gettext as _

from qiao.core.errors import Invalid

#: Largest id a cursor may carry: ids are 64-bit signed integers in every database.
MAX_ID = 2**63 - 1
#: Cursors are short; anything longer is not one of ours.
MAX_CURSOR_LENGTH = 512


def _bad() -> Invalid:
    return Invalid(_("Malformed cursor."), code="bad_cursor")


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps(values, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> list[Any] | None:
    if not cursor:
        return None
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise _bad()
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError, binascii.Error, RecursionError) as exc:
        raise _bad() from exc
    if not isinstance(value, list) or not value:
        raise _bad()
    return value


def cursor_id(values: list[Any], index: int) -> int:
    """The id at `index` of a decoded cursor: a positive 64-bit integer, else bad_cursor."""
    try:
        raw = values[index]
    except IndexError:
        raise _bad() from None
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise _bad()
    try:
        number = int(raw)
    except ValueError:
        raise _bad() from None
    if not 0 < number <= MAX_ID:
        raise _bad()
    return number


def cursor_offset(values: list[Any] | None, index: int = 0, maximum: int = 10_000) -> int:
    """A page offset at `index` of a decoded cursor (0 without a cursor): an integer from 0
    to `maximum`, else bad_cursor."""
    if values is None:
        return 0
    try:
        raw = values[index]
    except IndexError:
        raise _bad() from None
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= maximum:
        raise _bad()
    return raw


def cursor_number(values: list[Any], index: int) -> float:
    """A finite number at `index` of a decoded cursor (a score), else bad_cursor."""
    try:
        raw = values[index]
    except IndexError:
        raise _bad() from None
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise _bad()
    number = float(raw)
    if not math.isfinite(number):
        raise _bad()
    return number


def cursor_time(values: list[Any], index: int) -> datetime:
    """An ISO timestamp at `index` of a decoded cursor, as an aware datetime."""
    try:
        raw = values[index]
    except IndexError:
        raise _bad() from None
    if not isinstance(raw, str) or len(raw) > 40:
        raise _bad()
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise _bad() from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def check_id(value: int | None, field: str = "id") -> int | None:
    """An id from a request (path, query or body) within 64 bits, else a 400 `invalid`."""
    if value is None:
        return None
    if isinstance(value, bool) or not 0 < int(value) <= MAX_ID:
        raise Invalid(
            _("No such %(field)s.") % {"field": field},
            code="invalid",
            fields={field: [_("Out of range.")]},
        )
    return int(value)
