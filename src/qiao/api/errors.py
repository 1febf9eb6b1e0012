"""The error responses every operation documents."""

from __future__ import annotations

from typing import Any

from qiao.api.schemas import ErrorOut

ERRORS: dict[int | tuple[int, ...], Any] = {
    (400, 401, 403, 404, 409, 413, 429, 503): ErrorOut,
}
