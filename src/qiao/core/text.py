"""Text helpers shared by services: normalisation, #topics and @mentions."""

from __future__ import annotations

import re
import unicodedata

# A topic is "#" followed by letters/digits/underscore in any script (e.g. #火锅, #cat_life),
# ended by whitespace, punctuation or another "#". Xiaohongshu-style "#topic#" also works.
TOPIC_RE = re.compile(r"#([\w\u4e00-\u9fff]{1,30})#?", re.UNICODE)
MENTION_RE = re.compile(r"(?<![\w@])@([A-Za-z0-9_]{3,30})")


def normalize(text: str) -> str:
    """NFC, Unix newlines, no trailing spaces or control characters."""
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return text.strip()


def normalize_topic(raw: str) -> str:
    return unicodedata.normalize("NFC", raw).strip().lstrip("#").rstrip("#").strip().lower()[:40]


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
