"""A misbehaving translation engine for tests and the bridge benchmark (no model needed).

Real engines lose placeholders: they drop them, move them, repeat them, or glue the text
around them together.  :class:`MischiefEngine` does each of these on purpose, and "translates"
by replacing every word with a fixed word of the target language, so a test can check that
protected spans (URLs, @mentions, #topics, emoji) still come out intact and separate.
"""

from __future__ import annotations

import re

from .text import PLACEHOLDER, URL_PATTERN

MODES = ("drop", "reorder", "duplicate", "glue")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z']*")
_HAN_RUN = re.compile(r"[\u3400-\u9fff]+")
_LITERAL_SPAN = re.compile(rf"{URL_PATTERN}|@[\w.\-]+|#[^\s#]+#?")


class MischiefEngine:
    """``mode``: ``drop`` (placeholders and literal spans vanish), ``reorder`` (placeholders
    come back reversed), ``duplicate`` (each comes back twice) or ``glue`` (spaces around
    them are removed and literal spans lose their ``@``/``#``)."""

    whole_lines = False

    def __init__(self, mode: str = "drop") -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        self.mode = mode
        self.name = f"mischief-{mode}"

    @property
    def version(self) -> str:
        return "mischief-1"

    def supports(self, source: str, target: str) -> bool:
        return {source, target} == {"zh", "en"}

    def model_version(self, source: str, target: str) -> str:
        return f"mischief-{self.mode}"

    def translate(self, texts: list[str], source: str, target: str, timeout: float) -> list[str]:
        return [self._one(t, target) for t in texts]

    def _one(self, text: str, target: str) -> str:
        holders = PLACEHOLDER.findall(text)
        body = PLACEHOLDER.sub("\x00", text)
        if self.mode in ("drop", "glue"):
            body = _LITERAL_SPAN.sub("" if self.mode == "drop" else "x", body)
        if target == "zh":
            body = _LATIN_WORD.sub("中", body).replace(" ", "")
        else:
            body = _HAN_RUN.sub(" word ", body)
        if self.mode == "drop":
            return body.replace("\x00", "")
        if self.mode == "reorder":
            holders = holders[::-1]
        parts = body.split("\x00")
        out = parts[0]
        for i, part in enumerate(parts[1:]):
            h = f"⟦{holders[i]}⟧" if i < len(holders) else ""
            out += (h + h if self.mode == "duplicate" else h) + part
        if self.mode == "glue":
            out = re.sub(r"\s*(⟦\d+⟧)\s*", r"\1", out)
        return out
