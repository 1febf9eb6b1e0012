"""URL converters: `<id:note_id>` in the pages' URLs and `{id:note_id}` in the API's.

Django's `int` converter accepts any number of digits, and a 30-digit id then overflows the
database driver (a 500). An `id` is 1–19 digits and at most 2^63 − 1; anything else simply
does not match (a 404), before any view runs.
"""

from __future__ import annotations

from django.urls import register_converter

from qiao.core.pagination import MAX_ID


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 0 < number <= MAX_ID:
            raise ValueError(value)  # Django: the pattern does not match
        return number

    def to_url(self, value: int) -> str:
        return str(int(value))


def register() -> None:
    register_converter(IdConverter, "id")
