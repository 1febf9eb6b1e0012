"""Text helpers shared by services: normalisation, and the #topics, @mentions and links of a
text.

Topics, mentions and links are found by one tokenizer, the translation engine's
`split_spans`, so the page that renders a note, the services that extract its mentions
(notifications) and #tags (topics), and the translation pipeline that protects them all cut
the text the same way — including Chinese written without spaces ("感谢@chef_lin推荐",
"看这里https://t.co/xY12很好", "#hotpot好吃"), where a regular expression of word characters
glued the Chinese onto the span (issue 13).
"""

from __future__ import annotations

import re
import unicodedata

from qiao.engines.translate.text import SpanToken, split_spans

#: A username (the same rule as `accounts.models.username_validator`).
HANDLE_RE = re.compile(r"[A-Za-z0-9_]{3,30}")
_HANDLE_PREFIX = re.compile(r"([A-Za-z0-9_]{3,30})(?=[.\-])")
#: Full-width forms typed on Chinese keyboards, read as their ASCII selves (one character
#: for one, so offsets in the folded text are offsets in the original).
_FULL_WIDTH = str.maketrans({"＃": "#", "＠": "@"})

__all__ = [
    "HANDLE_RE",
    "SpanToken",
    "extract_mentions",
    "extract_topics",
    "link_tokens",
    "normalize",
    "normalize_topic",
]


def normalize(text: str) -> str:
    """NFC, Unix newlines, no trailing spaces or control characters."""
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return text.strip()


def normalize_topic(raw: str) -> str:
    return unicodedata.normalize("NFC", raw).strip().lstrip("#").rstrip("#").strip().lower()[:40]


def link_tokens(text: str) -> list[SpanToken]:
    """`text` cut into `SpanToken`s of kind ``text``, ``url``, ``mention``, ``topic`` or
    ``email`` — the pieces the pages link and the services extract.

    On top of the engine's tokenizer: a mention is kept only when it can be a username
    (``@amy.lee`` is the mention ``@amy`` then the text ``.lee``; ``@小明`` and ``@ab`` are
    text), a topic only when something is left of it once normalised, and ＃/＠ count as
    #/@. ``"".join(t.text for t in link_tokens(s)) == s``."""
    text = text or ""
    folded = text.translate(_FULL_WIDTH)
    out: list[SpanToken] = []
    pos = 0

    def add_text(piece: str) -> None:
        if not piece:
            return
        if out and out[-1].kind == "text":
            merged = out[-1].text + piece
            out[-1] = SpanToken("text", merged, merged)
        else:
            out.append(SpanToken("text", piece, piece))

    tokens = split_spans(folded)
    while tokens:
        token = tokens.pop(0)
        original = text[pos : pos + len(token.text)]
        if (token.kind == "text" and out and out[-1].kind in ("mention", "topic")
                and token.text[:1] in "@#" and len(token.text) > 1):
            # "@sam_eats@ana_cooks": a second span glued to the first one is its own span
            # (the engine's tokenizer, by itself, reads "s@a" as inside a word)
            again = split_spans(" " + token.text)
            if len(again) > 1 or again[0].kind != "text":
                first = again[0]
                rest = [SpanToken(first.kind, first.text[1:], first.value[1:])] if first.text[1:] \
                    else []
                tokens = [*rest, *again[1:], *tokens]
                continue
        pos += len(token.text)
        if token.kind == "mention":
            handle = token.value
            if not HANDLE_RE.fullmatch(handle):
                prefix = _HANDLE_PREFIX.match(handle)
                if prefix is None:
                    add_text(original)
                    continue
                handle = prefix.group(1)
                out.append(SpanToken("mention", original[: len(handle) + 1], handle))
                add_text(original[len(handle) + 1 :])
                continue
            out.append(SpanToken("mention", original, handle))
        elif token.kind == "topic":
            if not normalize_topic(token.value):
                add_text(original)
                continue
            out.append(SpanToken("topic", original, token.value))
        elif token.kind == "text":
            add_text(original)
        else:
            out.append(SpanToken(token.kind, original, token.value))
    return out


def extract_topics(text: str) -> list[str]:
    """The topics a text tags, normalised, in order, once each: ``#火锅``, ``#火锅#``,
    ``＃火锅``, ``#hotpot好吃`` (the topic is "hotpot")."""
    seen: dict[str, None] = {}
    for token in link_tokens(text):
        if token.kind == "topic":
            seen.setdefault(normalize_topic(token.value), None)
    return list(seen)


def extract_mentions(text: str) -> list[str]:
    """The usernames a text mentions, lower-cased, in order, once each
    (``感谢@chef_lin推荐`` mentions chef_lin)."""
    seen: dict[str, None] = {}
    for token in link_tokens(text):
        if token.kind == "mention":
            seen.setdefault(token.value.lower(), None)
    return list(seen)
