"""Text helpers shared by every floor: the one validator for user-supplied text, and
the #topics, @mentions and links of a text.

Every text a member sends — through a page or the API — passes `check_text` (directly, or
through `clean` in a service and the `Text` types of the API schemas): lone surrogates, NUL
and other control characters, and bidirectional overrides are refused with a clear error,
not stored (a lone surrogate stored in a profile made every later page of that member a
500); the text is NFC-normalised and its length checked in characters.

Topics, mentions and links are found by one tokenizer, the translation engine's
`split_spans` (through `link_tokens`), so the page that renders a note, the services that
extract its mentions (notifications) and #tags (topics), and the translation pipeline that
protects them all cut the text the same way — including Chinese written without spaces
("感谢@chef_lin推荐", "看这里https://t.co/xY12很好", "#hotpot好吃"), where a regular
expression of word characters glued the Chinese onto the span (issue 13).
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

from qiao.core.errors import Invalid
from qiao.engines.translate.text import SpanToken, split_spans

#: A username (the same rule as `accounts.models.username_validator`).
HANDLE_RE = re.compile(r"[A-Za-z0-9_]{3,30}")
_HANDLE_PREFIX = re.compile(r"([A-Za-z0-9_]{3,30})(?=[.\-])")
#: Full-width forms typed on Chinese keyboards, read as their ASCII selves (one character
#: for one, so offsets in the folded text are offsets in the original).
_FULL_WIDTH = str.maketrans({"＃": "#", "＠": "@"})
#: What the app appends to a tag it copies ("#火锅[话题]#").
_APP_SUFFIX = "[话题]"

#: Bidirectional embeddings, overrides and isolates: they reorder what a reader sees
#: (a classic way to disguise a link or a name) and have no place in zh/en text.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: Format characters that ARE text: joiners build emoji sequences (👨‍👩‍👧) and shape
#: scripts; tag characters spell subdivision flags; the BOM-less word joiner and soft hyphen
#: are harmless.
KEPT_FORMAT = frozenset("\u200c\u200d\u2060\u00ad") | frozenset(
    chr(c) for c in range(0xE0020, 0xE0080)
)


class TextInvalid(ValueError):
    """The text cannot be accepted; `code` is stable, the message is English (the platform
    translates by code)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _unsafe(ch: str, multiline: bool) -> bool:
    if ch in "\t" or (multiline and ch in "\n\r"):
        return False
    if ch in BIDI_CONTROLS:
        return True
    category = unicodedata.category(ch)
    if category == "Cf":
        return ch not in KEPT_FORMAT and ch not in "\u200e\u200f"  # LRM/RLM are harmless
    return category in ("Cc", "Cs", "Cn") and ch not in "\n"


def check_text(
    value: str, *, max_length: int, multiline: bool = False, required: bool = False
) -> str:
    """`value` NFC-normalised with Unix newlines and outer whitespace trimmed; raises
    TextInvalid ("invalid_characters", "too_long", "required")."""
    if not isinstance(value, str):
        raise TextInvalid("invalid", "Expected text.")
    bad = next((ch for ch in value if _unsafe(ch, multiline)), None)
    if bad is not None:
        if bad in "\n\r":
            raise TextInvalid("invalid_characters", "Line breaks are not allowed here.")
        raise TextInvalid(
            "invalid_characters", f"Contains a character that is not allowed (U+{ord(bad):04X})."
        )
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n").strip()
    if required and not text:
        raise TextInvalid("required", "This cannot be empty.")
    if len(text) > max_length:
        raise TextInvalid("too_long", f"At most {max_length} characters.")
    return text


def text_message(code: str, max_length: int = 0) -> str:
    """A `core.text.TextInvalid` code in the reader's language."""
    messages = {
        "invalid_characters": _("Contains characters that are not allowed."),
        "too_long": _("At most %(n)d characters.") % {"n": max_length},
        "required": _("This cannot be empty."),
    }
    return str(messages.get(code, _("This text cannot be used.")))


def clean(
    value: str | None,
    field: str,
    *,
    max_length: int,
    multiline: bool = False,
    required: bool = False,
) -> str:
    """`core.text.check_text` for a service: the cleaned text, or Invalid naming the field."""
    try:
        return check_text(
            value or "", max_length=max_length, multiline=multiline, required=required
        )
    except TextInvalid as exc:
        message = text_message(exc.code, max_length)
        raise Invalid(message, code=exc.code, fields={field: [message]}) from exc


def normalize(text: str) -> str:
    """NFC, Unix newlines, unsafe characters dropped (for text that was already checked, or
    that comes from the system rather than a member)."""
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in text if not _unsafe(ch, multiline=True)).strip()


def normalize_topic(raw: str) -> str:
    """The stored form of a topic name: width folded (ＯＯＴＤ -> ootd), lower case, without
    the "#" marks, the app's "[话题]" suffix, spaces or control and bidi characters, at most
    40 characters."""
    text = unicodedata.normalize("NFKC", raw or "").replace("[话题]", "")
    text = "".join(ch for ch in text if not _unsafe(ch, multiline=False) and not ch.isspace())
    return unicodedata.normalize("NFC", text.strip("#＃").lower())[:40]


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
        if (
            token.kind == "text"
            and out
            and out[-1].kind in ("mention", "topic")
            and token.text[:1] in "@#"
            and len(token.text) > 1
        ):
            # "@sam_eats@ana_cooks": a second span glued to the first one is its own span
            # (the engine's tokenizer, by itself, reads "s@a" as inside a word)
            again = split_spans(" " + token.text)
            if len(again) > 1 or again[0].kind != "text":
                first = again[0]
                rest = (
                    [SpanToken(first.kind, first.text[1:], first.value[1:])]
                    if first.text[1:]
                    else []
                )
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
            if (
                original[-1:] in "#＃"
                and len(original) > 2
                and tokens
                and tokens[0].kind == "text"
                and tokens[0].text[:1].isascii()
                and tokens[0].text[:1].isalnum()
            ):
                # "#cats#dogs": a closing "#" glued to Latin letters opens the next tag
                pos -= 1
                original = original[:-1]
                tokens = [*split_spans("#" + tokens[0].text), *tokens[1:]]
            elif tokens and tokens[0].kind == "text" and tokens[0].text.startswith(_APP_SUFFIX):
                # "#火锅[话题]#", as the app copies a tag: the suffix and its "#" are the tag's
                after = tokens.pop(0).text
                suffix = len(_APP_SUFFIX) + (1 if after[len(_APP_SUFFIX) :][:1] == "#" else 0)
                original = text[pos - len(token.text) : pos + suffix]
                pos += suffix
                if after[suffix:]:
                    tokens.insert(0, SpanToken("text", after[suffix:], after[suffix:]))
            name = normalize_topic(token.value)
            if not name or name.isdigit():  # "day #3" is not a topic
                add_text(original)
                continue
            out.append(SpanToken("topic", original, token.value))
        elif token.kind == "text":
            add_text(original)
        else:
            out.append(SpanToken(token.kind, original, token.value))
    return out


def topic_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, topic name) of every #tag in `text`, in order: the same cut as the links
    drawn in a note's text, so every #tag a reader can tap is a topic of its note."""
    spans: list[tuple[int, int, str]] = []
    pos = 0
    for token in link_tokens(text):
        if token.kind == "topic":
            spans.append((pos, pos + len(token.text), normalize_topic(token.value)))
        pos += len(token.text)
    return spans


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
