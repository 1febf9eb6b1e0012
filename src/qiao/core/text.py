"""Text helpers shared by every floor: the one validator for user-supplied text, and
#topics and @mentions.

Every text a member sends — through a page or the API — passes `check_text` (directly, or
through `clean` in a service and the `Text` types of the API schemas): lone surrogates, NUL
and other control characters, and bidirectional overrides are refused with a clear error,
not stored (a lone surrogate stored in a profile made every later page of that member a
500); the text is NFC-normalised and its length checked in characters.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

from qiao.core.errors import Invalid

# A topic is "#" followed by letters/digits/underscore in any script (e.g. #火锅, #cat_life),
# ended by whitespace, punctuation or another "#". Xiaohongshu-style "#topic#" also works.
TOPIC_RE = re.compile(r"#([\w\u4e00-\u9fff]{1,30})#?", re.UNICODE)
MENTION_RE = re.compile(r"(?<![\w@])@([A-Za-z0-9_]{3,30})")

#: Bidirectional embeddings, overrides and isolates: they reorder what a reader sees
#: (a classic way to disguise a link or a name) and have no place in zh/en text.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: Format characters that ARE text: joiners build emoji sequences (👨‍👩‍👧) and shape
#: scripts; tag characters spell subdivision flags; the BOM-less word joiner and soft hyphen
#: are harmless.
KEPT_FORMAT = frozenset("\u200c\u200d\u2060\u00ad") | frozenset(
    chr(c) for c in range(0xE0020, 0xE0080))


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


def check_text(value: str, *, max_length: int, multiline: bool = False,
               required: bool = False) -> str:
    """`value` NFC-normalised with Unix newlines and outer whitespace trimmed; raises
    TextInvalid ("invalid_characters", "too_long", "required")."""
    if not isinstance(value, str):
        raise TextInvalid("invalid", "Expected text.")
    bad = next((ch for ch in value if _unsafe(ch, multiline)), None)
    if bad is not None:
        if bad in "\n\r":
            raise TextInvalid("invalid_characters", "Line breaks are not allowed here.")
        raise TextInvalid("invalid_characters",
                          f"Contains a character that is not allowed (U+{ord(bad):04X}).")
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


def clean(value: str | None, field: str, *, max_length: int, multiline: bool = False,
          required: bool = False) -> str:
    """`core.text.check_text` for a service: the cleaned text, or Invalid naming the field."""
    try:
        return check_text(value or "", max_length=max_length, multiline=multiline,
                          required=required)
    except TextInvalid as exc:
        message = text_message(exc.code, max_length)
        raise Invalid(message, code=exc.code, fields={field: [message]}) from exc


def normalize(text: str) -> str:
    """NFC, Unix newlines, unsafe characters dropped (for text that was already checked, or
    that comes from the system rather than a member)."""
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in text if not _unsafe(ch, multiline=True)).strip()


def normalize_topic(raw: str) -> str:
    """A topic name as stored: NFC, lower case, no '#', no spaces, no control or bidi
    characters, at most 40 characters."""
    text = unicodedata.normalize("NFC", raw or "")
    text = "".join(ch for ch in text if not _unsafe(ch, multiline=False) and not ch.isspace())
    return text.strip("#＃").lower()[:40]


def extract_topics(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for match in TOPIC_RE.finditer(text or ""):
        topic = normalize_topic(match.group(1))
        if topic:
            seen.setdefault(topic, None)
    return list(seen)


def extract_mentions(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for match in MENTION_RE.finditer(text or ""):
        seen.setdefault(match.group(1).lower(), None)
    return list(seen)
